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
        z = self.logits(obs)
        if self.discrete:
            return np.argmax(z + rng.gumbel(size=z.shape), axis=-1)
        return (z + np.exp(self.log_std) * rng.standard_normal(z.shape)).astype(np.float32)

    def greedy(self, obs: np.ndarray) -> np.ndarray:
        """The most likely action: the largest logit, or the Gaussian's mean."""
        z = self.logits(obs)
        return np.argmax(z, axis=-1) if self.discrete else z
