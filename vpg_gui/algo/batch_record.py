"""What one epoch's update did to each step of its batch: the weight Phi_t each action's
log-probability got, and how that log-probability moved (after the update minus before).

The policy gradient is grad J = E[ sum_t grad log pi(a_t|s_t) Phi_t ]: one Adam step on it makes
actions with a positive weight more likely and actions with a negative weight less likely. The
record shows that sentence happening, step by step (the window's update inspector, ``vpg-train
--record-batches``). A Trainer keeps the record of its last epoch when asked:

>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.algo.trainer import Trainer
>>> trainer = Trainer(TrainConfig(batch_steps=2000), record_batches=True)
>>> _ = trainer.train_epoch()
>>> record = trainer.last_record
>>> record.epoch, record.lengths.sum() == len(record.weights) == len(record.logp_after), record.weighting
(1, True, 'R(tau)')
>>> record.slope() > 0  # the actions weighted up were made more likely
True
>>> trainer.close()

Its arrays are numpy arrays only, so ``save``/``load`` round-trip through ``.npz`` with
``allow_pickle=False``.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vpg_gui.algo.numpy_policy import NumpyPolicy, policy_from_state, state_sizes
from vpg_gui.algo.returns import advantages
from vpg_gui.formats.files import atomic_write_bytes, read_bytes

RECORD_LIMIT = 1 << 30  # a record of a batch of a million steps is ~60 MB
VARIANCE_CHUNK_STEPS = 2000  # steps whose gradients are held at once (gradient_variance)
BEFORE = "before."  # the .npz keys of policy_before's arrays

# The arrays of a record, in the order an .npz holds them.
ARRAYS = (
    "lengths",  # (episodes,) steps of each episode, laid end to end in the step arrays
    "returns",  # (episodes,) undiscounted return of each episode
    "rewards",  # (steps,) each step's reward (a what-if recomputes weights from them)
    "values",  # (steps,) V(s) the baseline gave each step, or (0,) without one
    "weights",  # (steps,) Phi_t, the weight of each step's log-probability in the update
    "logp_before",  # (steps,) log pi(a_t|s_t) under the policy that played the batch
    "logp_after",  # (steps,) ... under the policy after the update
    "obs",  # (steps, obs_dim) what the policy saw
    "actions",  # (steps,) or (steps, action_dim) what it did
    "start_states",  # (episodes, k) the env's state at each episode's first step, to replay it
)


@dataclass(frozen=True)
class BatchRecord:
    epoch: int
    env_id: str
    activation: str  # the policy's, to rebuild policy_before
    physics: str  # the knobs in force, as EpochStats.physics writes them
    weighting: str  # what the weights are, in a lecture's words: weighting_name()
    gamma: float
    gae_lambda: float
    loss: float
    grad_var: float  # the trainer's gradient variance of this update (0 without diagnostics)
    lengths: np.ndarray
    returns: np.ndarray
    rewards: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    logp_before: np.ndarray
    logp_after: np.ndarray
    obs: np.ndarray
    actions: np.ndarray
    start_states: np.ndarray
    policy_before: dict = dataclasses.field(default_factory=dict)  # the policy that played it (NumpyPolicy.state())

    def before(self) -> NumpyPolicy | None:
        """The policy that played the batch, before the update (None when not kept)."""
        if not self.policy_before:
            return None
        return policy_from_state(self.policy_before, self.activation, state_sizes(self.policy_before))

    def gradient_variance(self, weights: np.ndarray | None = None) -> float:
        """The variance of the policy-gradient estimate this batch gives with ``weights`` (the
        update's when None): the trace of the covariance of (1/T) sum_t grad log pi(a_t|s_t) w_t,
        from its N independent episodes, as the trainer's grad_var (diagnostics.VarianceSums).
        What-if weights give the variance the same batch would have had. Per-step gradients in
        numpy, a chunk of episodes at a time; 0 without policy_before or with one episode."""
        policy, weights = self.before(), self.weights if weights is None else weights
        n, steps = len(self.lengths), len(weights)
        if policy is None or n < 2:
            return 0.0
        ends, sums, first = np.cumsum(self.lengths), [], 0
        for chunk in np.array_split(np.arange(n), max(1, steps // VARIANCE_CHUNK_STEPS)):
            if not len(chunk):
                continue
            stop = int(ends[chunk[-1]])
            g = policy.logp_gradients(self.obs[first:stop], self.actions[first:stop]) * weights[first:stop, None]
            sums.append(np.add.reduceat(g, self.starts[chunk] - first, axis=0))
            first = stop
        per_episode = np.concatenate(sums)
        total = per_episode.sum(axis=0)
        return float((n / steps) ** 2 * ((per_episode**2).sum() - total @ total / n) / (n - 1) / n)

    @property
    def nbytes(self) -> int:
        """Its arrays' size in memory (the window keeps records within a budget)."""
        return sum(getattr(self, name).nbytes for name in ARRAYS) + sum(a.nbytes for a in self.policy_before.values())

    @property
    def delta_logp(self) -> np.ndarray:
        """How the update moved each step's log-probability of the action taken."""
        return self.logp_after - self.logp_before

    @property
    def starts(self) -> np.ndarray:
        """The index of each episode's first step in the step arrays."""
        return np.cumsum(self.lengths) - self.lengths

    def slope(self) -> float:
        """The least-squares slope of Delta log pi against the weight, over the batch's steps:
        positive when the update made actions more likely the more weight they had."""
        w = self.weights - self.weights.mean()
        return float(w @ (self.delta_logp - self.delta_logp.mean()) / max(w @ w, 1e-300))

    def correlation(self) -> float:
        """The correlation of the weights with Delta log pi (0 when either is constant)."""
        w, d = self.weights - self.weights.mean(), self.delta_logp - self.delta_logp.mean()
        scale = np.sqrt((w @ w) * (d @ d))
        return float(w @ d / scale) if scale > 0 else 0.0

    def what_if(self, weighting: str, normalize: bool = False, values: np.ndarray | None = None) -> np.ndarray:
        """This batch's weights had another weighting been in force (``values``: a baseline's
        V(s) for GAE; the recorded ones when None and the record has them). No training.

        >>> r = _example()
        >>> r.what_if("reward-to-go").tolist(), r.what_if("episode-return").tolist()
        ([2.0, 1.0, 1.0], [2.0, 2.0, 1.0])
        """
        return advantages(self.rewards, self.lengths, self.gamma, weighting, values, self.gae_lambda, normalize)

    def episode(self, index: int) -> dict[str, np.ndarray]:
        """Episode ``index`` of the batch: its steps' slices of the step arrays, and its start state."""
        first = int(self.starts[index])
        steps = slice(first, first + int(self.lengths[index]))
        return {
            "obs": self.obs[steps],
            "actions": self.actions[steps],
            "weights": self.weights[steps],
            "start_state": self.start_states[index],
        }

    def save(self, path: Path | str) -> None:
        """Write the record, atomically, as an .npz of plain arrays (the scalars as 0-d arrays,
        text as unicode): numpy reads it back with ``allow_pickle=False``."""
        fields = [f.name for f in dataclasses.fields(self) if f.name not in (*ARRAYS, "policy_before")]
        scalars = {name: np.array(getattr(self, name)) for name in fields}
        before = {BEFORE + key: value for key, value in self.policy_before.items()}
        data = io.BytesIO()
        np.savez_compressed(data, **scalars, **{name: getattr(self, name) for name in ARRAYS}, **before)
        atomic_write_bytes(path, data.getvalue())

    @classmethod
    def load(cls, path: Path | str) -> BatchRecord:
        """Read a record written by ``save``: never unpickles (``allow_pickle=False``), never more
        than RECORD_LIMIT bytes, and checks the arrays fit together; ValueError names the file.

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "epoch-0001.npz"
        >>> _example().save(path)
        >>> BatchRecord.load(path).lengths.tolist()
        [2, 1]
        """
        try:
            with np.load(io.BytesIO(read_bytes(path, RECORD_LIMIT)), allow_pickle=False) as data:
                values = {}
                for f in dataclasses.fields(cls):
                    if f.name != "policy_before":
                        value = data[f.name]
                        values[f.name] = value if f.name in ARRAYS else value.item()
                values["policy_before"] = {k[len(BEFORE) :]: data[k] for k in data.files if k.startswith(BEFORE)}
            record = cls(**values)
            record.check()
        except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, EOFError) as exc:
            if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
                raise
            raise ValueError(f"{path}: not a batch record of vpg-train --record-batches ({exc})") from None
        return record

    def check(self) -> None:
        """ValueError when the arrays do not fit together (a damaged or foreign file)."""
        steps, episodes = int(self.lengths.sum()), len(self.lengths)
        per_step = ("rewards", "weights", "logp_before", "logp_after", "obs", "actions")
        if self.lengths.dtype.kind != "i" or (self.lengths < 1).any():
            raise ValueError("lengths: whole numbers from 1")
        for name in per_step:
            if len(getattr(self, name)) != steps:
                raise ValueError(f"{name}: one per step ({steps})")
        if len(self.returns) != episodes or len(self.start_states) != episodes or len(self.values) not in (0, steps):
            raise ValueError(f"returns and start_states: one per episode ({episodes}); values: none or one per step")
        for name, array in (*((n, getattr(self, n)) for n in ARRAYS), *self.policy_before.items()):
            if array.dtype.kind not in "iuf":
                raise ValueError(f"{name}: numbers only")
        if self.policy_before:
            self.before()  # ValueError when its layers do not chain


def weighting_name(weighting: str, baseline: str, gae_lambda: float, normalize: bool) -> str:
    """The weights' name as a lecture says it.

    >>> weighting_name("episode-return", "none", 0.97, False), weighting_name("reward-to-go", "value", 0.97, True)
    ('R(tau)', 'GAE advantage, lambda 0.97, normalised')
    """
    if baseline == "value":
        name = f"GAE advantage, lambda {gae_lambda:g}"
    else:
        name = "R(tau)" if weighting == "episode-return" else "reward-to-go"
    return f"{name}, normalised" if normalize else name


def _example() -> BatchRecord:
    """A two-episode record, for the examples."""
    one = np.ones(3)
    return BatchRecord(
        1, "CartPole-v1", "tanh", "", "reward-to-go", 1.0, 0.97, 0.0, 0.0, np.array([2, 1]), np.array([2.0, 1.0]), one,
        np.zeros(0), one, one, one, np.zeros((3, 4), np.float32), np.zeros(3, np.int64), np.zeros((2, 4)),
    )  # fmt: skip
