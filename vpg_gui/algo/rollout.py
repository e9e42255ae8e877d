"""Batched sampling of whole episodes over a gymnasium vector env.

One policy forward per vector step. Episodes are only ever *started* while the batch is
projected to fall short of ``batch_steps``, and every started episode is played to its end,
so an epoch holds whole episodes only and no episode is kept or dropped because of how it
turned out (that would bias the gradient). Copies that are not needed run "idle" episodes that
are never recorded. The projection counts each running episode as its steps so far plus a
typical episode length (episode lengths are close to memoryless: one that has lasted long is
not about to end), capped at the time limit, so N copies do not overshoot the batch by N episodes.

>>> import numpy as np
>>> from vpg_gui.envs.make import env_info
>>> from vpg_gui.algo.numpy_policy import NumpyPolicy
>>> zero = NumpyPolicy([(np.zeros((4, 2), np.float32), np.zeros(2, np.float32))], "tanh")
>>> sampler = Sampler(env_info("CartPole-v1"), num_envs=8)
>>> batch = sampler.collect(zero, batch_steps=500, seed=0, epoch=1, typical_length=1.0)
>>> batch.steps >= 500, len(batch.obs) == batch.steps
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.envs.make import EnvInfo, copy_states, make_vector_env
from vpg_gui.envs.physics import apply_physics
from vpg_gui.errors import EpochCancelled


@dataclass
class Batch:
    """Whole episodes laid end to end: step arrays of length ``steps`` and one length per episode."""

    obs: np.ndarray  # (steps, obs_dim) float32
    act: np.ndarray  # (steps,) int64, or (steps, action size) float32 as sampled (before clipping)
    rew: np.ndarray  # (steps,) float64
    lengths: np.ndarray  # (episodes,) int64, summing to steps
    start_states: np.ndarray | None = None  # (episodes, k) the env state each began in, when asked

    @property
    def steps(self) -> int:
        return int(self.lengths.sum())

    @property
    def returns(self) -> np.ndarray:
        """Undiscounted return of each episode."""
        return np.add.reduceat(self.rew, np.cumsum(self.lengths) - self.lengths) if len(self.lengths) else self.rew[:0]


def epoch_rngs(seed: int, epoch: int) -> tuple[np.random.Generator, int]:
    """The action RNG and env reset seed of one epoch, derived from (seed, epoch) alone, so a
    resumed run samples exactly what an uninterrupted one would."""
    action_seq, env_seq = np.random.SeedSequence([seed, epoch]).spawn(2)
    return np.random.default_rng(action_seq), int(env_seq.generate_state(1)[0] & 0x7FFFFFFF)


class Sampler:
    """Owns the vector env; ``collect`` plays one epoch's batch with a given policy."""

    def __init__(self, info: EnvInfo, num_envs: int):
        self.info = info
        self.num_envs = num_envs
        self.env = make_vector_env(info, num_envs)
        # Continuous actions are clipped to the env's bounds when stepping; the batch keeps the
        # sampled ones, whose log-probabilities the gradient needs.
        self._low = None if info.discrete else np.array(info.action_low, np.float32)
        self._high = None if info.discrete else np.array(info.action_high, np.float32)

    def close(self) -> None:
        self.env.close()

    def collect(
        self,
        policy: NumpyPolicy,
        batch_steps: int,
        seed: int,
        epoch: int,
        typical_length: float,
        cancel: Callable[[], bool] | None = None,
        physics: dict[str, float] | None = None,
        starts: bool = False,
    ) -> Batch:
        """Play one epoch's batch; ``cancel`` is polled every vector step (e.g. a window closing);
        ``physics`` sets the env's knobs (physics.py) on every copy first (a few attributes);
        ``starts``: keep the env's state at each recorded episode's start (to replay it exactly).

        The loop is the hot path (hundreds of vector steps an epoch, each a few microseconds of
        numpy calls), so it does per step only what must be: a recorded episode is kept as
        (copy, first step, last step) when it ends, and the noise is drawn in blocks."""
        apply_physics(self.env, physics or {})
        rng, env_seed = epoch_rngs(seed, epoch)
        obs, _ = self.env.reset(seed=env_seed)
        n = self.num_envs
        typical = max(float(typical_length), 1.0)
        cap = self.info.max_episode_steps or np.inf
        noise = _noise(policy, rng, n)
        fresh = np.ones(n, bool)  # copy is at the first observation of an episode
        active = np.zeros(n, bool)  # copy is playing an episode that will be recorded
        started = np.zeros(n, np.int64)  # the step at which that episode began
        prev_done = np.zeros(n, bool)
        completed = 0
        episodes: list[tuple[int, int, int]] = []  # (copy, first step, last step) of each recorded one
        obs_buf, act_buf, rew_buf = [], [], []
        start_of: dict[tuple[int, int], np.ndarray] | None = {} if starts else None  # (copy, step) -> state
        t = 0
        while True:
            if fresh is not None:
                running = np.minimum(t - started[active] + typical, cap).sum()
                shortfall = batch_steps - completed - running
                if shortfall > 0:
                    to_start = np.flatnonzero(fresh)[: int(np.ceil(shortfall / typical))]
                    active[to_start] = True
                    started[to_start] = t
                    if start_of is not None and len(to_start):
                        states = copy_states(self.env)
                        start_of.update({(c, t): None if states is None else states[c] for c in to_start.tolist()})
            if completed >= batch_steps and not active.any():
                break
            if cancel is not None and cancel():
                raise EpochCancelled
            act = policy.act(obs, next(noise))
            next_obs, rew, term, trunc, _ = self.env.step(
                act if self._low is None else np.clip(act, self._low, self._high)
            )
            obs_buf.append(obs)
            act_buf.append(act)
            rew_buf.append(rew)
            done = term | trunc
            if np.count_nonzero(done):  # a C call: ndarray.any() goes through Python, 3x the cost
                ended = active & done
                for copy in np.flatnonzero(ended).tolist():
                    episodes.append((copy, int(started[copy]), t))
                    completed += t + 1 - int(started[copy])
                active[ended] = False
            # Next-step autoreset: the step after a done only resets the copy (its action is
            # ignored and it is never recorded); after it, the copy shows a first observation.
            fresh = prev_done if np.count_nonzero(prev_done) else None
            prev_done = done
            obs = next_obs
            t += 1
        # Time-major (T, n) -> copy-major, so each copy's recorded episodes lie contiguous.
        episodes.sort()
        rec = np.zeros((n, t), bool)
        for copy, first, last in episodes:
            rec[copy, first : last + 1] = True
        return Batch(
            obs=np.stack(obs_buf).swapaxes(0, 1)[rec].astype(np.float32, copy=False),
            act=np.stack(act_buf).swapaxes(0, 1)[rec].astype(np.int64 if self._low is None else np.float32, copy=False),
            rew=np.stack(rew_buf).T[rec].astype(np.float64),
            lengths=np.array([last + 1 - first for _, first, last in episodes], np.int64),
            start_states=_start_states(start_of, episodes),
        )


def _start_states(start_of: dict | None, episodes: list[tuple[int, int, int]]) -> np.ndarray | None:
    """The recorded episodes' start states in batch order; None when not kept or not known."""
    if start_of is None or not episodes or any(start_of[(c, first)] is None for c, first, _ in episodes):
        return None
    return np.array([start_of[(c, first)] for c, first, _ in episodes])


def _noise(policy: NumpyPolicy, rng: np.random.Generator, copies: int, block: int = 64):
    """The sampling noise of each vector step in turn, drawn ``block`` steps at a time: the same
    numbers, in the same order, as one draw per step."""
    while True:
        yield from policy.noise(rng, (block, copies, policy.outputs))
