"""The policy: an MLP from observations to action logits, and a numpy copy of it for sampling.

Training uses the torch module; sampling uses ``NumpyPolicy``, a frozen copy of the weights,
because one small numpy forward per vector step costs a few microseconds where a torch call
costs tens (the sampling loop is the hot path; see benchmarks/bench_core.py).

>>> import torch
>>> torch.manual_seed(0) and None
>>> net = build_mlp(4, (32,), 2, "tanh")
>>> pol = NumpyPolicy.from_state_dict(net.state_dict(), "tanh")
>>> pol.logits(np.zeros((3, 4), np.float32)).shape
(3, 2)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

_TORCH_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
_NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0)}


def build_mlp(obs_dim: int, hidden_sizes: tuple[int, ...], n_actions: int, activation: str) -> nn.Sequential:
    """obs -> [Linear -> activation] * len(hidden_sizes) -> Linear -> logits."""
    layers: list[nn.Module] = []
    width = obs_dim
    for size in hidden_sizes:
        layers += [nn.Linear(width, size), _TORCH_ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_actions))
    return nn.Sequential(*layers)


class NumpyPolicy:
    """A read-only numpy copy of the MLP: logits, sampled and greedy actions for a batch of observations."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], activation: str):
        self.layers = layers
        self._act = _NUMPY_ACTIVATIONS[activation]

    @classmethod
    def from_state_dict(cls, state: Mapping[str, torch.Tensor], activation: str) -> NumpyPolicy:
        """Copy the weights of a ``build_mlp`` state dict (keys ``<i>.weight`` / ``<i>.bias``)."""
        weights = [k for k in state if k.endswith(".weight")]
        weights.sort(key=lambda k: int(k.split(".")[0]))
        layers = []
        for key in weights:
            prefix = key[: -len("weight")]
            w = state[key].detach().cpu().numpy().astype(np.float32, copy=True)
            b = state[prefix + "bias"].detach().cpu().numpy().astype(np.float32, copy=True)
            layers.append((np.ascontiguousarray(w.T), b))
        return cls(layers, activation)

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
