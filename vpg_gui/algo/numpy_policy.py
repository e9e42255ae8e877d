"""NumpyPolicy: a read-only numpy copy of the policy MLP, for sampling and for the render panel.

One small numpy forward per vector step costs a few microseconds where a torch call costs tens
(sampling is the hot path; see benchmarks/bench_core.py), and the GUI thread can use it without
importing torch.

>>> w1, b1 = np.eye(2, dtype=np.float32), np.zeros(2, np.float32)
>>> pol = NumpyPolicy([(w1, b1)], "tanh")
>>> pol.greedy(np.array([[0.0, 1.0], [2.0, 1.0]], np.float32))
array([1, 0])
>>> pol.probs(np.zeros((1, 2), np.float32))
array([[0.5, 0.5]], dtype=float32)

With a log-std, actions are continuous: Gaussian samples around the MLP's output.

>>> gauss = NumpyPolicy([(w1, b1)], "tanh", log_std=np.log(np.full(2, 0.5, np.float32)))
>>> mean, std = gauss.mean_std(np.array([[0.0, 1.0]], np.float32))
>>> mean.round(3).tolist(), std.tolist(), gauss.greedy(np.zeros((1, 2), np.float32)).tolist()
([[0.0, 1.0]], [[0.5, 0.5]], [[0.0, 0.0]])
"""

from __future__ import annotations

import numpy as np

_NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0)}


class NumpyPolicy:
    """A read-only numpy copy of the MLP: logits, sampled and greedy actions for a batch of observations."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], activation: str, log_std: np.ndarray | None = None):
        self.layers = layers
        self.log_std = log_std  # None: discrete actions (the output is logits)
        self._act = _NUMPY_ACTIVATIONS[activation]

    @property
    def outputs(self) -> int:
        """Logits, or the Gaussian's means: one per action (discrete) or action dimension."""
        return self.layers[-1][1].shape[0]

    @property
    def discrete(self) -> bool:
        return self.log_std is None

    def logits(self, obs: np.ndarray) -> np.ndarray:
        x = obs
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < last:
                x = self._act(x)
        return x

    def probs(self, obs: np.ndarray) -> np.ndarray:
        z = self.logits(obs)
        z = np.exp(z - z.max(axis=-1, keepdims=True))
        return z / z.sum(axis=-1, keepdims=True)

    def mean_std(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Continuous actions: the Gaussian's mean and standard deviation per state."""
        mean = self.logits(obs)
        return mean, np.broadcast_to(np.exp(self.log_std), mean.shape)

    def sample(self, obs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Categorical samples via the Gumbel-max trick (argmax(logits + Gumbel noise)), or
        Gaussian ones (mean + std * noise, not clipped: the env's bounds are the caller's)."""
        return self.act(obs, self.noise(rng, (len(obs), self.outputs)))

    def noise(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """The noise ``act`` takes, drawn for ``shape``'s leading dimensions at once: a block of
        (steps, copies, actions) is the same numbers as one draw per step, in order."""
        return rng.gumbel(size=shape) if self.discrete else rng.standard_normal(shape)

    def act(self, obs: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``sample`` with its noise given."""
        z = self.logits(obs)
        if self.discrete:
            return (z + noise).argmax(axis=-1)  # the method: np.argmax's Python wrapper costs as much again
        return (z + np.exp(self.log_std) * noise).astype(np.float32)

    def greedy(self, obs: np.ndarray) -> np.ndarray:
        """The most likely action: the largest logit, or the Gaussian's mean."""
        z = self.logits(obs)
        return np.argmax(z, axis=-1) if self.discrete else z


def policy_from_state(state: dict[str, np.ndarray], activation: str, sizes: tuple[int, ...]) -> NumpyPolicy:
    """The NumpyPolicy of saved weights (``Trainer.state()["policy"]``: a torch state dict as numpy
    arrays), without torch. ``sizes``: the widths the layers must chain, from the observation to
    the output; ValueError when the weights do not fit them.

    >>> state = {"0.weight": np.zeros((8, 4)), "0.bias": np.zeros(8), "2.weight": np.zeros((2, 8))}
    >>> state["2.bias"] = np.zeros(2)
    >>> policy_from_state(state, "tanh", (4, 8, 2)).logits(np.zeros((1, 4), np.float32)).shape
    (1, 2)
    """
    names = sorted({key.rpartition(".")[0] for key in state if key != "log_std"}, key=int)
    try:
        layers = [
            (np.ascontiguousarray(state[f"{n}.weight"].T, np.float32), state[f"{n}.bias"].astype(np.float32))
            for n in names
        ]
    except (KeyError, AttributeError) as exc:
        raise ValueError(f"the policy's weights are incomplete ({exc})") from None
    have = tuple(w.shape[0] for w, _ in layers) + ((layers[-1][0].shape[1],) if layers else ())
    if have != tuple(sizes) or any(w.shape[1:] != b.shape for w, b in layers):
        raise ValueError(f"the policy's layers are {have}, the settings ask for {tuple(sizes)}")
    log_std = state.get("log_std")
    return NumpyPolicy(layers, activation, None if log_std is None else np.asarray(log_std, np.float32))
