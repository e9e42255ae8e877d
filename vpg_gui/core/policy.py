"""The policy network and its numpy copy: a categorical policy over logits for discrete actions,
a diagonal Gaussian with a learned, state-independent log-std for continuous ones.

Training uses the torch module; sampling uses a ``NumpyPolicy`` copy (see numpy_policy.py). The
module's output holds the distribution's parameters (logits, or mean and log-std side by side),
so log-probabilities, entropies and KLs are functions of outputs, which vmap can batch.

>>> import torch
>>> net = build_policy(4, (32,), 2, "tanh", discrete=True)
>>> pol = numpy_copy(net, "tanh")
>>> pol.logits(np.zeros((3, 4), np.float32)).shape
(3, 2)
>>> gauss = build_policy(3, (16,), 1, "tanh", discrete=False)
>>> out = gauss(torch.zeros(5, 3))
>>> out.shape, gauss.log_prob(out, torch.zeros(5, 1)).shape
(torch.Size([5, 2]), torch.Size([5]))
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from vpg_gui.core.numpy_policy import NumpyPolicy

_TORCH_ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
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

    @torch.no_grad()
    def evaluate(self, obs: torch.Tensor) -> torch.Tensor:
        """``forward`` without autograd, as products of (features, steps) matrices, 1.4x faster
        at these widths (torch's row-major product is slow with few outputs: 0.08 ms against
        0.03 ms for 5000 steps into 2 logits). The same values up to float32 rounding: bit for
        bit for the discrete policies tested, and the KL from it within 1e-6 of forward's."""
        h = obs.T
        for layer in self:
            h = torch.addmm(layer.bias[:, None], layer.weight, h) if isinstance(layer, nn.Linear) else layer(h)
        return self.with_log_std(h.T)

    def log_prob(self, out: torch.Tensor, act: torch.Tensor) -> torch.Tensor:
        """log pi(act | s) per row of ``out`` (continuous: of the unclipped sampled action)."""
        if self.discrete:
            return log_softmax(out).gather(-1, act.long().unsqueeze(-1)).squeeze(-1)
        mean, log_std = out.chunk(2, dim=-1)
        z = (act - mean) / log_std.exp()
        return (-0.5 * z**2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)

    def entropy(self, out: torch.Tensor) -> torch.Tensor:
        if self.discrete:
            logp = log_softmax(out)
            return -(logp.exp() * logp).sum(-1)
        _, log_std = out.chunk(2, dim=-1)
        return (log_std + 0.5 * math.log(2 * math.pi * math.e)).sum(-1)

    def kl(self, before: torch.Tensor, after: torch.Tensor) -> torch.Tensor:
        """KL(before || after) per row, from two outputs for the same states."""
        if self.discrete:
            p, q = log_softmax(before), log_softmax(after)
            return (p.exp() * (p - q)).sum(-1)
        (m0, s0), (m1, s1) = before.chunk(2, dim=-1), after.chunk(2, dim=-1)
        return (s1 - s0 + ((2 * s0).exp() + (m0 - m1) ** 2) / (2 * (2 * s1).exp()) - 0.5).sum(-1)


def log_softmax(out: torch.Tensor) -> torch.Tensor:
    """torch.log_softmax over the last dimension, computed over the first of the transposed view:
    the same values, 3-6x faster for a handful of actions (0.11 ms against 0.04 ms at 5000 x 2).

    >>> x = torch.randn(7, 3)
    >>> torch.equal(log_softmax(x), torch.log_softmax(x, -1))
    True
    """
    return torch.log_softmax(out.transpose(0, -1), 0).transpose(0, -1)


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
