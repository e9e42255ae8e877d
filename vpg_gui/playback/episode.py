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

from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.envs.ids import make_env
from vpg_gui.envs.physics import apply_physics


class EpisodePlayer:
    def __init__(self, env_id: str, seed: int = 0):
        self.env = make_env(env_id, render_mode="rgb_array")
        self.render_fps = int(self.env.metadata.get("render_fps", 30))
        self._rng = np.random.default_rng(seed)
        self._seed = seed
        self.policy: NumpyPolicy | None = None
        self.obs: np.ndarray | None = None
        self.steps = 0
        self.total_return = 0.0
        self.done = True
        self.episode_seed = 0  # with the actions taken, replays the episode exactly (GIF export)
        self.actions: list = []
        space = self.env.action_space
        self.discrete = isinstance(space, gym.spaces.Discrete)

    def start(
        self, policy: NumpyPolicy | None, physics: dict[str, float] | None = None, same_start: bool = False
    ) -> None:
        """Begin a new episode played by ``policy`` (kept for the whole episode), under the
        physics knobs ``physics`` (physics.py; the env's defaults for those not given);
        ``same_start``: from the one start state of the player's seed (to compare policies)."""
        self.policy = policy
        self.physics = dict(physics or {})
        apply_physics(self.env, self.physics)
        fresh = self.obs is None or same_start
        self.episode_seed = self._seed if fresh else int(self._rng.integers(2**31))
        self.obs, _ = self.env.reset(seed=self.episode_seed)
        self.steps, self.total_return, self.done, self.actions = 0, 0.0, False, []

    def step(self, greedy: bool) -> bool:
        """One action; returns True once the episode has ended (terminated or truncated)."""
        if self.done:
            return True
        space = self.env.action_space
        obs = self.obs[None].astype(np.float32)
        if self.policy is None:
            action = self._rng.integers(space.n) if self.discrete else self._rng.uniform(space.low, space.high)
        elif greedy:
            action = self.policy.greedy(obs)[0]
        else:
            action = self.policy.sample(obs, self._rng)[0]
        action = int(action) if self.discrete else np.clip(action, space.low, space.high).astype(space.dtype)
        self.obs, reward, terminated, truncated, _ = self.env.step(action)
        self.actions.append(action)
        self.steps += 1
        self.total_return += float(reward)
        self.done = bool(terminated or truncated)
        return self.done

    def probs(self) -> np.ndarray | None:
        """Discrete actions: the policy's action probabilities in the current state (uniform for
        the random policy); None for continuous actions."""
        if self.obs is None or not self.discrete:
            return None
        n = self.env.action_space.n
        return np.full(n, 1.0 / n) if self.policy is None else self.policy.probs(self.obs[None].astype(np.float32))[0]

    def mean_std(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Continuous actions: the policy's Gaussian (mean, std) per action dimension in the
        current state; None for discrete actions or the random policy."""
        if self.obs is None or self.discrete or self.policy is None:
            return None
        mean, std = self.policy.mean_std(self.obs[None].astype(np.float32))
        return mean[0], std[0]

    def frame(self) -> np.ndarray:
        """The current frame, (H, W, 3) uint8, C-contiguous (ready to wrap in an image)."""
        return np.ascontiguousarray(self.env.render())

    def close(self) -> None:
        self.env.close()


def replay_frames(
    env_id: str,
    episode_seed: int,
    actions,
    physics: dict[str, float] | None = None,
    start_state: np.ndarray | None = None,
):
    """Yield the frames of an episode again: its physics, reset with its seed (or put in
    ``start_state``, an episode of a training batch's: batch_record.py), take its actions."""
    env = make_env(env_id, render_mode="rgb_array")
    try:
        apply_physics(env, physics or {})
        env.reset(seed=episode_seed)
        if start_state is not None:
            inner = env.unwrapped
            inner.state = np.array(start_state, np.float64).reshape(np.shape(inner.state))
        yield np.ascontiguousarray(env.render())
        for action in actions:
            env.step(action)
            yield np.ascontiguousarray(env.render())
    finally:
        env.close()


def play_frames(
    env_id: str, policy: NumpyPolicy | None, seed: int, max_steps: int, physics: dict[str, float] | None = None
):
    """Yield the frames of a fresh episode of ``policy`` (greedy) under ``physics``, at most ``max_steps`` steps."""
    player = EpisodePlayer(env_id, seed=seed)
    try:
        player.start(policy, physics)
        yield player.frame()
        while player.steps < max_steps and not player.step(greedy=True):
            yield player.frame()
        yield player.frame()
    finally:
        player.close()
