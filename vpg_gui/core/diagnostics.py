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

# Per-step gradients are held a budget's worth of steps at a time (budget.py): 1024,1024 hidden
# asked for 8 GB unchunked. Per parameter and step: a float32 gradient, its float64 copy and a
# float64 episode-sum row.
BYTES_PER_VALUE = 24
CACHE_STEPS = 2048


def gradient_variance(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor, lengths: np.ndarray
) -> float:
    """Trace of the covariance of the batch's gradient estimate of mean(logp * weight).

    With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
    episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent, so
    its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of one
    episode, which has no spread to measure.

    A step's gradient of a Linear layer is the outer product of the layer's output gradient
    and its input (its bias's, the output gradient): one forward and one backward pass over the
    batch give them all, and each episode's sum is an ``index_add`` of those products, a
    budget's worth of whole episodes at a time (memory does not grow with the batch).
    """
    n_eps, steps = len(lengths), len(obs)
    if n_eps < 2:
        return 0.0
    inputs, grads = _layer_gradients(policy, obs, act, weights)
    # float64 from here: converting the few inputs and output gradients costs far less than
    # converting every per-step product, and the episodes' sums keep their precision.
    inputs, grads = [x.double() for x in inputs], [g.double() for g in grads]
    widths = sum(g.shape[1] * (x.shape[1] + 1) for x, g in zip(inputs, grads, strict=False)) + (
        0 if policy.discrete else grads[-1].shape[1] // 2
    )
    total = torch.zeros(widths, dtype=torch.float64)  # sum over episodes of G_i
    total_sq = 0.0  # sum over episodes of |G_i|^2
    ends = np.cumsum(lengths)
    for first, last in _episode_blocks(ends, BYTES_PER_VALUE * widths):
        start, stop = (ends[first - 1] if first else 0), ends[last - 1]
        episode = torch.repeat_interleave(torch.arange(last - first), torch.as_tensor(lengths[first:last]))
        rows = torch.zeros(last - first, widths, dtype=torch.float64)
        for sub in range(start, stop, CACHE_STEPS):  # products that stay in the CPU's cache: 40% faster
            part = slice(sub, min(sub + CACHE_STEPS, stop))
            _add_per_step(rows, episode[part.start - start : part.stop - start], inputs, grads, policy.discrete, part)
        total += rows.sum(0)
        total_sq += float((rows * rows).sum())
    scale = (n_eps / steps) ** 2
    return scale * (total_sq - float(total @ total) / n_eps) / (n_eps - 1) / n_eps


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


def _add_per_step(rows: torch.Tensor, episode: torch.Tensor, inputs, grads, discrete: bool, part: slice) -> None:
    """Add every parameter's gradient at each step of ``part`` to its episode's row, one
    parameter at a time (a copy of all of them side by side costs as much as the sums)."""
    col = 0
    pieces = []
    for x, g in zip(inputs, grads, strict=False):
        x, g = x[part], g[part]
        pieces += [(g[:, :, None] * x[:, None, :]).reshape(len(x), -1), g]
    if not discrete:
        pieces.append(grads[-1][part, grads[-1].shape[1] // 2 :])
    for piece in pieces:
        rows[:, col : col + piece.shape[1]].index_add_(0, episode, piece)
        col += piece.shape[1]


def _episode_blocks(ends: np.ndarray, bytes_per_step: int) -> list[tuple[int, int]]:
    """(first, last) episode ranges of consecutive whole episodes, each about a budget's worth
    of steps (an episode longer than that is a block of its own)."""
    limit = step_slices(int(ends[-1]), bytes_per_step)[0].stop  # steps one budget holds
    blocks, first, base = [], 0, 0
    for i, end in enumerate(ends):
        if end - base > limit and i > first:
            blocks.append((first, i))
            first, base = i, ends[i - 1]
    blocks.append((first, len(ends)))
    return blocks


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    return float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in parameters if p.grad is not None)))
