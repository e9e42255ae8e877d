"""Envs that fail on purpose. Training runs in a child process, so tests name these as
"tests.qt.fault_envs:<id>": gymnasium imports this module there, which registers them."""

import os
import tempfile
from pathlib import Path

import gymnasium as gym
import numpy as np

MODULE = "tests.qt.fault_envs"
BROKEN = f"{MODULE}:VpgTest/Broken-v0"
BLOWUP = f"{MODULE}:VpgTest/Blowup-v0"
# A file whose presence makes the next reward infinite. A fixed path, not an env var: the training
# process is forked from a server started once, so it does not see variables set later.
TRIGGER = Path(tempfile.gettempdir()) / f"vpg-test-blowup-{os.getuid()}"


class _Flat(gym.Env):
    observation_space = gym.spaces.Box(-1, 1, (2,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return np.zeros(2, np.float32), {}


class BrokenEnv(_Flat):
    """Fails in its 30th step, like an env with a bug."""

    def step(self, action):
        self.t += 1
        if self.t == 30:
            raise RuntimeError("the physics engine exploded")
        return np.zeros(2, np.float32), 1.0, False, False, {}


class BlowupEnv(_Flat):
    """Rewards 1 per step, episodes of 10 steps; one infinite reward once the trigger file appears
    (the file is then removed), so the test decides which epoch diverges."""

    def step(self, action):
        self.t += 1
        reward = 1.0
        if TRIGGER.exists():
            TRIGGER.unlink()
            reward = float("inf")
        return np.zeros(2, np.float32), reward, self.t >= 10, False, {}


for _id, _cls in (("VpgTest/Broken-v0", BrokenEnv), ("VpgTest/Blowup-v0", BlowupEnv)):
    if _id not in gym.envs.registry:
        gym.register(_id, entry_point=_cls, max_episode_steps=100)
