"""EpisodePlayer: plays one environment step by step with a policy snapshot, for watching.

No Qt: the render panel drives it from a timer and shows its ``rgb_array`` frames.

>>> player = EpisodePlayer("CartPole-v1", seed=0)
>>> player.start(policy=None)          # None: uniformly random actions
>>> frame = player.frame()
>>> frame.shape, frame.flags["C_CONTIGUOUS"]
((400, 600, 3), True)
>>> player.step(greedy=False)          # True when the episode has ended
False
>>> player.steps, player.total_return
(1, 1.0)
>>> player.close()
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from vpg_gui.core.numpy_policy import NumpyPolicy


class EpisodePlayer:
    def __init__(self, env_id: str, seed: int = 0):
        self.env = gym.make(env_id, render_mode="rgb_array")
        self.render_fps = int(self.env.metadata.get("render_fps", 30))
        self._rng = np.random.default_rng(seed)
        self._seed = seed
        self.policy: NumpyPolicy | None = None
        self.obs: np.ndarray | None = None
        self.steps = 0
        self.total_return = 0.0
        self.done = True
        self.episode_seed = 0  # with the actions taken, replays the episode exactly (GIF export)
        self.actions: list[int] = []

    def start(self, policy: NumpyPolicy | None) -> None:
        """Begin a new episode played by ``policy`` (kept for the whole episode)."""
        self.policy = policy
        self.episode_seed = self._seed if self.obs is None else int(self._rng.integers(2**31))
        self.obs, _ = self.env.reset(seed=self.episode_seed)
        self.steps, self.total_return, self.done, self.actions = 0, 0.0, False, []

    def step(self, greedy: bool) -> bool:
        """One action; returns True once the episode has ended (terminated or truncated)."""
        if self.done:
            return True
        if self.policy is None:
            action = int(self._rng.integers(self.env.action_space.n))
        elif greedy:
            action = int(self.policy.greedy(self.obs[None].astype(np.float32))[0])
        else:
            action = int(self.policy.sample(self.obs[None].astype(np.float32), self._rng)[0])
        self.obs, reward, terminated, truncated, _ = self.env.step(action)
        self.actions.append(action)
        self.steps += 1
        self.total_return += float(reward)
        self.done = bool(terminated or truncated)
        return self.done

    def probs(self) -> np.ndarray | None:
        """The policy's action probabilities in the current state (uniform for the random policy)."""
        if self.obs is None:
            return None
        if self.policy is None:
            n = self.env.action_space.n
            return np.full(n, 1.0 / n)
        return self.policy.probs(self.obs[None].astype(np.float32))[0]

    def frame(self) -> np.ndarray:
        """The current frame, (H, W, 3) uint8, C-contiguous (ready to wrap in an image)."""
        return np.ascontiguousarray(self.env.render())

    def close(self) -> None:
        self.env.close()


def replay_frames(env_id: str, episode_seed: int, actions: list[int]):
    """Yield the frames of an episode again: reset with its seed, take its actions."""
    env = gym.make(env_id, render_mode="rgb_array")
    try:
        env.reset(seed=episode_seed)
        yield np.ascontiguousarray(env.render())
        for action in actions:
            env.step(action)
            yield np.ascontiguousarray(env.render())
    finally:
        env.close()


def play_frames(env_id: str, policy: NumpyPolicy | None, seed: int, max_steps: int):
    """Yield the frames of a fresh episode of ``policy`` (greedy), at most ``max_steps`` steps."""
    player = EpisodePlayer(env_id, seed=seed)
    try:
        player.start(policy)
        yield player.frame()
        while player.steps < max_steps and not player.step(greedy=True):
            yield player.frame()
        yield player.frame()
    finally:
        player.close()
