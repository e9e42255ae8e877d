"""A toy env whose observations say which episode and step they belong to.

obs = [episode id, step in episode]; reward = step + 1; the episode terminates at random
(from the env's own RNG) or is truncated by the time limit it is registered with.
"""

import gymnasium as gym
import numpy as np

ID = "VpgTest/Counter-v0"
TIME_LIMIT = 7


class CounterEnv(gym.Env):
    observation_space = gym.spaces.Box(-np.inf, np.inf, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def __init__(self):
        self.episode = -1
        self.t = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.episode = int(self.np_random.integers(1_000_000_000))
        self.t = 0
        return self._obs(), {}

    def step(self, action):
        self.t += 1
        terminated = bool(self.np_random.random() < 0.2)
        return self._obs(), float(self.t), terminated, False, {}

    def _obs(self):
        return np.array([self.episode, self.t], np.float32)


def register() -> None:
    if ID not in gym.envs.registry:
        gym.register(ID, entry_point=CounterEnv, max_episode_steps=TIME_LIMIT)
