"""Per-epoch diagnostics of the update: how noisy the gradient estimate is, and the gradient's norm.
(How far the policy moved, the KL, is PolicyNet.kl.)

The variance of the policy-gradient estimate is what reward-to-go and baselines reduce. A batch's
estimate is a mean over its episodes' independent contributions, so its variance can be
estimated from the batch alone: the spread of those contributions divided by their number.

>>> import torch
>>> from vpg_gui.core.policy import build_policy
>>> torch.manual_seed(0) and None
>>> net = build_policy(4, (8,), 2, "tanh", discrete=True)
>>> obs, act = torch.randn(30, 4), torch.randint(0, 2, (30,))
>>> lengths = np.array([10, 10, 10])
>>> noisy = gradient_variance(net, obs, act, torch.randn(30) * 10, lengths)
>>> quiet = gradient_variance(net, obs, act, torch.randn(30) * 0.1, lengths)
>>> noisy > quiet > 0
True
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from vpg_gui.core.budget import step_slices
from vpg_gui.core.policy import PolicyNet

# Episodes of similar length are padded to a common one and their gradients computed together
# (one batched matrix product per layer): lengths within a factor BUCKET of each other.
BUCKET = 2**0.5


def gradient_variance(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor, lengths: np.ndarray
) -> float:
    """Trace of the covariance of the batch's gradient estimate of mean(logp * weight).

    With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
    episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent, so
    its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of one
    episode, which has no spread to measure.

    A Linear layer's gradient over an episode is D_i^T [X_i 1]: its output gradients times its
    inputs (and a column of ones for the bias) at the episode's steps. One forward and one
    backward pass over the batch give every D and X; episodes of similar length are padded to one
    length and multiplied together (``torch.bmm``), a budget's worth at a time. No per-step
    gradient is ever formed: that was five times the memory traffic.
    """
    n_eps, steps = len(lengths), len(obs)
    if n_eps < 2:
        return 0.0
    inputs, grads = _layer_gradients(policy, obs, act, weights)
    # One matrix per layer, [output gradient | input | 1] side by side, and a zero row for padding.
    layers = [(g.shape[1], torch.cat([g, x, torch.ones(steps, 1)], dim=1)) for x, g in zip(inputs, grads, strict=False)]
    if not policy.discrete:  # log-std's gradient at a step is the second half of the output's
        half = grads[-1].shape[1] // 2
        layers.append((half, torch.cat([grads[-1][:, half:], torch.ones(steps, 1)], dim=1)))
    layers = [(o, torch.cat([m.double(), m.new_zeros(1, m.shape[1]).double()])) for o, m in layers]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    totals = [torch.zeros(o, m.shape[1] - o, dtype=torch.float64) for o, m in layers]  # sum of the G_i
    total_sq = 0.0  # sum over episodes of |G_i|^2
    per_episode = sum(o * (m.shape[1] - o) + int(lengths.max()) * m.shape[1] for o, m in layers) * 16
    for episodes, length in _buckets(lengths, per_episode):
        steps_at = torch.as_tensor(starts[episodes])[:, None] + torch.arange(length)[None, :]
        inside = torch.arange(length)[None, :] < torch.as_tensor(lengths[episodes])[:, None]
        rows = torch.where(inside, steps_at, steps)  # padding reads the zero row
        for (o, m), total in zip(layers, totals, strict=True):
            padded = m[rows]  # (episodes, length, o + inputs)
            g = torch.bmm(padded[:, :, :o].transpose(1, 2), padded[:, :, o:])  # (episodes, o, inputs)
            total += g.sum(0)
            total_sq += float((g * g).sum())
    scale = (n_eps / steps) ** 2
    sq_of_total = sum(float((t * t).sum()) for t in totals)
    return scale * (total_sq - sq_of_total / n_eps) / (n_eps - 1) / n_eps


def _buckets(lengths: np.ndarray, bytes_per_episode: int) -> list[tuple[np.ndarray, int]]:
    """(episode indices, padded length): episodes whose lengths are within a factor BUCKET of
    each other, at most a budget's worth at a time."""
    keys = np.floor(np.log(np.maximum(lengths, 1)) / np.log(BUCKET)).astype(np.int64)
    out = []
    for key in np.unique(keys):
        members = np.flatnonzero(keys == key)
        for part in step_slices(len(members), bytes_per_episode):
            chosen = members[part]
            out.append((chosen, int(lengths[chosen].max())))
    return out


def _layer_gradients(policy: PolicyNet, obs, act, weights) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Each Linear layer's inputs, and the gradients of sum_t logp_t w_t with respect to its
    outputs (row t: step t's own); a Gaussian policy's output gradient comes last (its second
    half is log-std's per-step gradient)."""
    inputs, outputs = [], []
    h = obs
    for layer in policy:
        if isinstance(layer, nn.Linear):
            inputs.append(h.detach())
            h = layer(h)
            outputs.append(h)
        else:
            h = layer(h)
    out = h if policy.discrete else torch.cat([h, policy.log_std.expand_as(h)], dim=-1)
    targets = outputs if policy.discrete else [*outputs, out]
    grads = torch.autograd.grad((policy.log_prob(out, act) * weights).sum(), targets)
    return inputs, list(grads)


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    return float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in parameters if p.grad is not None)))
