"""The policy's action distributions over a batch of states, made from the network's outputs.

A categorical policy's log-softmax is computed once per batch and shared by the log-probabilities,
the entropy and the KL, which each computed it on their own before (three times an epoch, the
KL's on the diagnostics' clock). The values are the same operations on the same tensors.

>>> logits = torch.tensor([[0.0, 0.0], [2.0, 0.0]])
>>> d = Categorical(logits)
>>> d.log_prob(torch.tensor([0, 0])).exp()
tensor([0.5000, 0.8808])
>>> d.kl(Categorical(logits)).tolist(), round(d.entropy()[0].item(), 6) == round(math.log(2), 6)
([0.0, 0.0], True)
"""

from __future__ import annotations

import math
from functools import cached_property

import torch


class Distributions:
    """One distribution per row; ``detach`` keeps its tensors (whatever was computed) outside autograd."""

    def detach(self):
        copy = object.__new__(type(self))
        copy.__dict__ = {name: t.detach() for name, t in self.__dict__.items()}
        return copy


class Categorical(Distributions):
    """Over logits (rows of states, a column per action)."""

    def __init__(self, logits: torch.Tensor):
        self.logp = log_softmax(logits)

    @cached_property
    def p(self) -> torch.Tensor:
        return self.logp.exp()

    def log_prob(self, act: torch.Tensor) -> torch.Tensor:
        return self.logp.gather(-1, act.long().unsqueeze(-1)).squeeze(-1)

    def entropy(self) -> torch.Tensor:
        return -(self.p * self.logp).sum(-1)

    def kl(self, other: Categorical) -> torch.Tensor:
        """KL(self || other) per row."""
        return (self.p * (self.logp - other.logp)).sum(-1)


class Gaussian(Distributions):
    """Diagonal Gaussians over outputs holding the means and the log-stds side by side. Log-probs
    are of the sampled (unclipped) actions."""

    def __init__(self, out: torch.Tensor):
        self.mean, self.log_std = out.chunk(2, dim=-1)

    def log_prob(self, act: torch.Tensor) -> torch.Tensor:
        z = (act - self.mean) / self.log_std.exp()
        return (-0.5 * z**2 - self.log_std - 0.5 * math.log(2 * math.pi)).sum(-1)

    def entropy(self) -> torch.Tensor:
        return (self.log_std + 0.5 * math.log(2 * math.pi * math.e)).sum(-1)

    def kl(self, other: Gaussian) -> torch.Tensor:
        """KL(self || other) per row."""
        (m0, s0), (m1, s1) = (self.mean, self.log_std), (other.mean, other.log_std)
        return (s1 - s0 + ((2 * s0).exp() + (m0 - m1) ** 2) / (2 * (2 * s1).exp()) - 0.5).sum(-1)


def log_softmax(out: torch.Tensor) -> torch.Tensor:
    """torch.log_softmax over the last dimension, computed over the first of the transposed view:
    faster for a handful of actions (figures: docs/performance.md). The same values
    but for rounding: a row may differ by one unit in the last place of its log-sum-exp (about
    a fifth of random 7 x 3 batches have such a row).

    >>> x = torch.randn(7, 3)
    >>> float((log_softmax(x) - torch.log_softmax(x, -1)).abs().max()) < 1e-6
    True
    """
    return torch.log_softmax(out.transpose(0, -1), 0).transpose(0, -1)
