"""Batched sampling of whole episodes over a gymnasium vector env.

One policy forward per vector step. Episodes are only ever *started* while the batch is
projected to fall short of ``batch_steps``, and every started episode is played to its end,
so an epoch holds whole episodes only and no episode is kept or dropped because of how it
turned out (that would bias the gradient). Copies that are not needed run "idle" episodes that
are never recorded. The projection counts each running episode as its steps so far plus a
typical episode length (episode lengths are close to memoryless: one that has lasted long is
not about to end), capped at the time limit, so N copies do not overshoot the batch by N episodes.

>>> import numpy as np
>>> from vpg_gui.core.envs import env_info
>>> from vpg_gui.core.numpy_policy import NumpyPolicy
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

from vpg_gui.core.envs import EnvInfo, make_vector_env
from vpg_gui.core.errors import EpochCancelled
from vpg_gui.core.numpy_policy import NumpyPolicy
from vpg_gui.core.physics import apply_physics


@dataclass
class Batch:
    """Whole episodes laid end to end: step arrays of length ``steps`` and one length per episode."""

    obs: np.ndarray  # (steps, obs_dim) float32
    act: np.ndarray  # (steps,) int64, or (steps, action size) float32 as sampled (before clipping)
    rew: np.ndarray  # (steps,) float64
    lengths: np.ndarray  # (episodes,) int64, summing to steps

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
    ) -> Batch:
        """Play one epoch's batch; ``cancel`` is polled every vector step (e.g. a window closing);
        ``physics`` sets the env's knobs (physics.py) on every copy first (a few attributes)."""
        apply_physics(self.env, physics or {})
        rng, env_seed = epoch_rngs(seed, epoch)
        obs, _ = self.env.reset(seed=env_seed)
        n = self.num_envs
        typical = max(float(typical_length), 1.0)
        cap = self.info.max_episode_steps or np.inf
        fresh = np.ones(n, bool)  # copy is at the first observation of an episode
        active = np.zeros(n, bool)  # copy is playing an episode that will be recorded
        elapsed = np.zeros(n, np.int64)  # steps of the recorded episode so far
        prev_done = np.zeros(n, bool)
        completed = 0
        obs_buf, act_buf, rew_buf, rec_buf, done_buf = [], [], [], [], []
        while True:
            if fresh.any():
                running = np.minimum(elapsed[active] + typical, cap).sum()
                shortfall = batch_steps - completed - running
                if shortfall > 0:
                    to_start = np.flatnonzero(fresh)[: int(np.ceil(shortfall / typical))]
                    active[to_start] = True
                    elapsed[to_start] = 0
            if not active.any() and completed >= batch_steps:
                break
            if cancel is not None and cancel():
                raise EpochCancelled
            act = policy.sample(obs, rng)
            next_obs, rew, term, trunc, _ = self.env.step(
                act if self._low is None else np.clip(act, self._low, self._high)
            )
            done = term | trunc
            obs_buf.append(obs)
            act_buf.append(act)
            rew_buf.append(rew)
            rec_buf.append(active.copy())
            done_buf.append(done)
            elapsed += active
            ended = active & done
            if ended.any():
                completed += int(elapsed[ended].sum())
                active[ended] = False
            # Next-step autoreset: the step after a done only resets the copy (its action is
            # ignored and it is never recorded); after it, the copy shows a first observation.
            fresh = prev_done
            prev_done = done
            obs = next_obs
        # Time-major (T, n) -> copy-major, so each copy's recorded episodes lie contiguous.
        rec = np.stack(rec_buf).T
        done_rec = np.stack(done_buf).T[rec]
        ends = np.flatnonzero(done_rec)
        return Batch(
            obs=np.stack(obs_buf).swapaxes(0, 1)[rec].astype(np.float32, copy=False),
            act=np.stack(act_buf).swapaxes(0, 1)[rec].astype(np.int64 if self._low is None else np.float32, copy=False),
            rew=np.stack(rew_buf).T[rec].astype(np.float64),
            lengths=np.diff(ends, prepend=-1),
        )
