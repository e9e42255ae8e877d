"""Making gymnasium environments the trainer can use, and what it needs to know about them.

>>> info = env_info("CartPole-v1")
>>> info.obs_dim, info.n_actions, info.reward_threshold, info.render_fps
(4, 2, 475.0, 50)
>>> pendulum = env_info("Pendulum-v1")  # continuous actions: a Gaussian policy
>>> pendulum.discrete, pendulum.n_actions, pendulum.action_low, pendulum.action_high
(False, 1, (-2.0,), (2.0,))
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from vpg_gui.envs.cartpole import GYMNASIUM_ENTRY_POINT, LeanCartPoleVectorEnv
from vpg_gui.envs.ids import make_env, split_env_id
from vpg_gui.errors import ConfigError


@dataclass(frozen=True)
class EnvInfo:
    env_id: str
    obs_dim: int
    n_actions: int  # discrete: the number of actions; continuous: the action vector's size
    discrete: bool
    action_low: tuple[float, ...] | None  # continuous: the bounds actions are clipped to
    action_high: tuple[float, ...] | None
    reward_threshold: float | None  # the env's "solved" return, when its spec has one
    render_fps: int
    max_episode_steps: int | None
    vectorised: bool  # True when the env has a numpy-vectorised implementation


def env_info(env_id: str) -> EnvInfo:
    """Inspect an env once (spaces, spec); raises ConfigError for spaces the policy cannot handle."""
    env = make_env(env_id)
    spec = env.spec
    try:
        obs_space, act_space = env.observation_space, env.action_space
        fps = int(env.metadata.get("render_fps", 30))
    finally:
        env.close()
    if not isinstance(obs_space, spaces.Box) or len(obs_space.shape) != 1:
        kind = "images" if isinstance(obs_space, spaces.Box) else type(obs_space).__name__
        raise ConfigError(
            f"env_id = {env_id!r}: observations are {kind} ({obs_space}); this MLP policy takes flat vectors "
            "(a Box of one dimension) only",
            "env_id",
        )
    if obs_space.shape[0] == 0:
        raise ConfigError(f"env_id = {env_id!r}: its observations hold no values ({obs_space})", "env_id")
    discrete = isinstance(act_space, spaces.Discrete)
    if not discrete and not (isinstance(act_space, spaces.Box) and len(act_space.shape) == 1):
        raise ConfigError(
            f"env_id = {env_id!r}: actions are {act_space}; supported are Discrete and one-dimensional Box actions",
            "env_id",
        )
    return EnvInfo(
        env_id=env_id,
        obs_dim=int(obs_space.shape[0]),
        n_actions=int(act_space.n) if discrete else int(act_space.shape[0]),
        discrete=discrete,
        action_low=None if discrete else tuple(float(v) for v in act_space.low),
        action_high=None if discrete else tuple(float(v) for v in act_space.high),
        reward_threshold=spec.reward_threshold,
        render_fps=fps,
        max_episode_steps=spec.max_episode_steps,
        vectorised=spec.vector_entry_point is not None,
    )


def auto_num_envs(info: EnvInfo, batch_steps: int) -> int:
    """Parallel copies when the config says 0: many for numpy-vectorised envs (a copy costs almost
    nothing there), few for envs stepped one by one in Python."""
    cap = 64 if info.vectorised else 8
    return int(np.clip(batch_steps // 50, 1, cap))


def make_vector_env(info: EnvInfo, num_envs: int) -> gym.vector.VectorEnv:
    """A vector env with next-step autoreset: the numpy-vectorised one when the env has it (for
    CartPole, its leaner twin in cartpole.py), else sync."""
    spec = gym.spec(split_env_id(info.env_id)[1])
    if spec.vector_entry_point == GYMNASIUM_ENTRY_POINT:
        spec = dataclasses.replace(spec, vector_entry_point=LeanCartPoleVectorEnv)
    mode = "vector_entry_point" if info.vectorised else "sync"
    return gym.make_vec(spec, num_envs=num_envs, vectorization_mode=mode)


def copy_states(env: gym.vector.VectorEnv) -> np.ndarray | None:
    """Each copy's full state (n, k), float64, for the classic-control envs that keep one in
    ``state`` (the observation may be a rounded or transformed view of it); None for others.
    What replays an episode exactly (replay_states)."""
    inner = getattr(env, "unwrapped", env)
    if isinstance(inner, LeanCartPoleVectorEnv) or hasattr(inner, "state") and not hasattr(inner, "envs"):
        state = getattr(inner, "state", None)
        return None if state is None else np.array(state, np.float64).T.copy()
    copies = [getattr(e.unwrapped, "state", None) for e in getattr(inner, "envs", ())]
    if not copies or any(s is None for s in copies):
        return None
    return np.array([np.asarray(s, np.float64).ravel() for s in copies])


def replay_states(
    info: EnvInfo, start_state: np.ndarray, first_obs: np.ndarray, actions: np.ndarray, physics: dict | None = None
) -> np.ndarray:
    """The observations of an episode played again from ``start_state`` (copy_states', whose
    observation was ``first_obs``) with ``actions``, by the same vector env class that played
    it: the same arithmetic, so the same observations, bit for bit. One per action (the one
    each action was taken on).

    >>> env = make_vector_env(env_info("CartPole-v1"), 2)
    >>> first, _ = env.reset(seed=3)
    >>> start = copy_states(env)[1]
    >>> second, *_ = env.step(np.array([1, 0]))
    >>> replayed = replay_states(env_info("CartPole-v1"), start, first[1], np.array([0, 1]))
    >>> bool((replayed[0] == first[1]).all() and (replayed[1] == second[1]).all())
    True
    """
    from vpg_gui.envs.physics import apply_physics

    env = make_vector_env(info, 1)
    try:
        apply_physics(env, physics or {})
        env.reset(seed=0)
        inner = getattr(env, "unwrapped", env)
        if hasattr(inner, "envs"):
            state = inner.envs[0].unwrapped.state
            inner.envs[0].unwrapped.state = np.array(start_state, np.float64).reshape(np.shape(state))
        else:
            inner.state = np.array(start_state, np.float64).reshape(-1, 1)
        seen, obs = [], np.asarray(first_obs)[None]
        for action in actions:
            seen.append(obs[0])
            obs, *_ = env.step(np.asarray(action)[None])
        return np.array(seen, np.float32)
    finally:
        env.close()
