"""Environments no policy can learn from, registered on import: observations of size 0, and
observations that turn NaN after a few steps."""

import gymnasium as gym
import numpy as np


class ZeroObs(gym.Env):
    observation_space = gym.spaces.Box(-1.0, 1.0, (0,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        return np.zeros(0, np.float32), {}

    def step(self, action):
        return np.zeros(0, np.float32), 1.0, True, False, {}


class NanObs(gym.Env):
    observation_space = gym.spaces.Box(-np.inf, np.inf, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(2, np.float32), {}

    def step(self, action):
        self.t += 1
        obs = np.full(2, np.nan if self.t > 3 else 0.5, np.float32)
        return obs, 1.0, self.t >= 10, False, {}


gym.register("OddEnvs/ZeroObs-v0", entry_point=ZeroObs, max_episode_steps=10)
gym.register("OddEnvs/NanObs-v0", entry_point=NanObs, max_episode_steps=10)
