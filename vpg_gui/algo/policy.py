"""The policy network and its numpy copy: a categorical policy over logits for discrete actions,
a diagonal Gaussian with a learned, state-independent log-std for continuous ones.

Training uses the torch module; sampling uses a ``NumpyPolicy`` copy (see numpy_policy.py). The
module's output holds the distribution's parameters (logits, or mean and log-std side by side);
``distribution`` makes the distributions (distributions.py) that give log-probabilities, entropies
and KLs.

>>> import torch
>>> net = build_policy(4, (32,), 2, "tanh", discrete=True)
>>> pol = numpy_copy(net, "tanh")
>>> pol.logits(np.zeros((3, 4), np.float32)).shape
(3, 2)
>>> gauss = build_policy(3, (16,), 1, "tanh", discrete=False)
>>> out = gauss(torch.zeros(5, 3))
>>> out.shape, gauss.distribution(out).log_prob(torch.zeros(5, 1)).shape
(torch.Size([5, 2]), torch.Size([5]))
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from vpg_gui.algo.distributions import Categorical, Gaussian
from vpg_gui.algo.numpy_policy import NumpyPolicy

_TORCH_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
_IN_PLACE = {nn.Tanh: torch.tanh_, nn.ReLU: torch.relu_}
INIT_LOG_STD = -0.5  # std ~0.6: explores, without drowning the mean in noise (Spinning Up's choice)


def build_mlp(obs_dim: int, hidden_sizes: tuple[int, ...], n_out: int, activation: str) -> nn.Sequential:
    """obs -> [Linear -> activation] * len(hidden_sizes) -> Linear -> n_out."""
    layers: list[nn.Module] = []
    width = obs_dim
    for size in hidden_sizes:
        layers += [nn.Linear(width, size), _TORCH_ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


class PolicyNet(nn.Sequential):
    """The MLP's layers (a Sequential, so a discrete policy's weights keep their names), plus a
    ``log_std`` parameter when actions are continuous."""

    def __init__(self, mlp: nn.Sequential, discrete: bool):
        super().__init__(*mlp)
        self.discrete = discrete
        if not discrete:
            self.log_std = nn.Parameter(torch.full((mlp[-1].out_features,), INIT_LOG_STD))

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        return self.with_log_std(super().forward(obs))

    def with_log_std(self, out: torch.Tensor) -> torch.Tensor:
        """The module's output from the MLP's: logits as they are; a Gaussian's means with log-std
        beside them, one copy per row."""
        return out if self.discrete else torch.cat([out, self.log_std.expand_as(out)], dim=-1)

    def evaluate(self, obs: torch.Tensor) -> torch.Tensor:
        """``forward`` without autograd, as products of (features, steps) matrices, faster at
        these widths (torch's row-major product is slow with few outputs; figures:
        docs/performance.md), and activations in place. The same values up to
        float32 rounding: bit for bit for the discrete policies tested, and the KL from it
        within 1e-6 of forward's."""
        with torch.no_grad():
            h = obs.T
            for layer in self:
                if isinstance(layer, nn.Linear):
                    h = torch.addmm(layer.bias[:, None], layer.weight, h)
                else:  # h is a product of this pass, never obs: every activation follows a Linear
                    _IN_PLACE[type(layer)](h)
            return self.with_log_std(h.T)

    def distribution(self, out: torch.Tensor) -> Categorical | Gaussian:
        """The action distributions of rows of ``out`` (this module's output)."""
        return Categorical(out) if self.discrete else Gaussian(out)


def build_policy(obs_dim: int, hidden_sizes: tuple[int, ...], n_actions: int, activation: str, discrete: bool):
    return PolicyNet(build_mlp(obs_dim, hidden_sizes, n_actions, activation), discrete)


def numpy_copy(net: PolicyNet, activation: str) -> NumpyPolicy:
    """A numpy copy of the policy's weights (and log-std), safe to hand to another thread."""
    layers = []
    for module in net:
        if isinstance(module, nn.Linear):
            w = module.weight.detach().numpy().astype(np.float32, copy=True)
            b = module.bias.detach().numpy().astype(np.float32, copy=True)
            layers.append((np.ascontiguousarray(w.T), b))
    log_std = None if net.discrete else net.log_std.detach().numpy().astype(np.float32, copy=True)
    return NumpyPolicy(layers, activation, log_std)
