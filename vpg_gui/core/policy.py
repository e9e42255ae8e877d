"""The policy network: an MLP from observations to action logits, and its numpy copy.

Training uses the torch module; sampling uses a ``NumpyPolicy`` copy (see numpy_policy.py).

>>> net = build_mlp(4, (32,), 2, "tanh")
>>> pol = numpy_copy(net, "tanh")
>>> pol.logits(np.zeros((3, 4), np.float32)).shape
(3, 2)
"""

from __future__ import annotations

import numpy as np
from torch import nn

from vpg_gui.core.numpy_policy import NumpyPolicy

_TORCH_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}


def build_mlp(obs_dim: int, hidden_sizes: tuple[int, ...], n_actions: int, activation: str) -> nn.Sequential:
    """obs -> [Linear -> activation] * len(hidden_sizes) -> Linear -> logits."""
    layers: list[nn.Module] = []
    width = obs_dim
    for size in hidden_sizes:
        layers += [nn.Linear(width, size), _TORCH_ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_actions))
    return nn.Sequential(*layers)


def numpy_copy(net: nn.Sequential, activation: str) -> NumpyPolicy:
    """A numpy copy of a ``build_mlp`` network's weights, safe to hand to another thread."""
    layers = []
    for module in net:
        if isinstance(module, nn.Linear):
            w = module.weight.detach().numpy().astype(np.float32, copy=True)
            b = module.bias.detach().numpy().astype(np.float32, copy=True)
            layers.append((np.ascontiguousarray(w.T), b))
    return NumpyPolicy(layers, activation)
