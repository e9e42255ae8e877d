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
"""

from __future__ import annotations

import numpy as np

_NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0)}


class NumpyPolicy:
    """A read-only numpy copy of the MLP: logits, sampled and greedy actions for a batch of observations."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], activation: str):
        self.layers = layers
        self._act = _NUMPY_ACTIVATIONS[activation]

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

    def sample(self, obs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Categorical samples via the Gumbel-max trick: argmax(logits + Gumbel noise)."""
        z = self.logits(obs)
        return np.argmax(z + rng.gumbel(size=z.shape), axis=-1)

    def greedy(self, obs: np.ndarray) -> np.ndarray:
        return np.argmax(self.logits(obs), axis=-1)
