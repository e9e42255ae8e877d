"""Per-epoch diagnostics of the update: how noisy the gradient estimate is, and the gradient's norm.
And how far the update moved the policy: the mean KL between its outputs before and after.

The variance of the policy-gradient estimate is what reward-to-go and baselines reduce. A batch's
estimate is a mean over its episodes' independent contributions, so its variance can be
estimated from the batch alone: the spread of those contributions divided by their number.

Every parameter block's gradient at a step is an outer product, D_t^T [x_t 1] (a Linear layer's
output gradient times its input and a 1 for the bias), so the update's own forward and backward
pass hold all the diagnostic needs: ``traced_forward`` keeps the inputs, and asking autograd for
the gradients of the outputs too gives the D's (``policy_gradient_blocks`` does both, on its own).

>>> import torch
>>> from vpg_gui.core.policy import build_policy
>>> torch.manual_seed(0) and None
>>> net = build_policy(4, (8,), 2, "tanh", discrete=True)
>>> obs, act = torch.randn(30, 4), torch.randint(0, 2, (30,))
>>> lengths = np.array([10, 10, 10])
>>> noisy = gradient_variance(policy_gradient_blocks(net, obs, act, torch.randn(30) * 10), lengths)
>>> quiet = gradient_variance(policy_gradient_blocks(net, obs, act, torch.randn(30) * 0.1), lengths)
>>> noisy > quiet > 0
True
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from vpg_gui.core.budget import step_slices
from vpg_gui.core.policy import PolicyNet

# Episodes at least this long get one matrix product each (a view of the batch, no copy); shorter
# ones, in groups of lengths within a factor 2, are padded to their group's longest and multiplied
# together, where one product per episode would cost more in calls than in arithmetic.
LONG_EPISODE = 64

# One parameter block: inputs X (T, in) and output gradients D (T, out), float32, its gradient at
# step t the outer product D_t^T X_t. A Linear layer's X is its input with a column of ones (the
# bias); log-std's is the column of ones alone.
Block = tuple[np.ndarray, np.ndarray]


def traced_forward(policy: PolicyNet, obs: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
    """The policy's output, each Linear layer's input (detached), and the tensors whose gradients
    ``gradient_blocks`` takes: each Linear layer's output, and a Gaussian policy's whole output last
    (its second half is log-std expanded per step, so its gradient is log-std's per step)."""
    inputs, outputs = [], []
    h = obs
    for layer in policy:
        if isinstance(layer, nn.Linear):
            inputs.append(h.detach())
            h = layer(h)
            outputs.append(h)
        else:
            h = layer(h)
    if policy.discrete:
        return h, inputs, outputs
    out = torch.cat([h, policy.log_std.expand_as(h)], dim=-1)
    return out, inputs, [*outputs, out]


def gradient_blocks(inputs: list[torch.Tensor], grads: list[torch.Tensor]) -> list[Block]:
    """The parameter blocks of ``traced_forward``'s inputs and the gradients of its outputs: one per
    Linear layer, and log-std's for a Gaussian policy."""
    ones = np.ones((len(grads[0]), 1), np.float32)
    blocks = [(np.hstack([x.numpy(), ones]), g.numpy()) for x, g in zip(inputs, grads, strict=False)]
    if len(grads) > len(inputs):  # Gaussian: the output's gradient, whose second half is log-std's
        blocks.append((ones, grads[-1][:, grads[-1].shape[1] // 2 :].numpy()))
    return blocks


def policy_gradient_blocks(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor
) -> list[Block]:
    """``gradient_blocks`` of sum_t logp_t w_t from a forward and backward pass of its own."""
    out, inputs, targets = traced_forward(policy, obs)
    grads = torch.autograd.grad((policy.log_prob(out, act) * weights).sum(), targets)
    return gradient_blocks(inputs, list(grads))


def gradient_variance(blocks: list[Block], lengths: np.ndarray) -> float:
    """Trace of the covariance of the batch's gradient estimate of mean(logp * weight), from the
    parameter blocks of sum_t logp_t w_t over a batch of whole episodes of ``lengths``.

    With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
    episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent, so
    its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of one
    episode, which has no spread to measure.

    A block's gradient over episode i is D_i^T X_i, one matrix product over the episode's steps:
    no per-step gradient is ever formed. The products are
    float32 (BLAS), their sums float64: equal to a float64 computation within about 1e-8 relative
    on CartPole's batches.
    """
    n_eps, steps = len(lengths), int(np.sum(lengths))
    if n_eps < 2:
        return 0.0
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    total_sq = 0.0  # sum over episodes of |G_i|^2
    sq_of_total = 0.0  # |sum of the G_i|^2
    for x, d in blocks:
        parts = _episode_gradients(x, d, starts, lengths)
        total = sum(g.sum(0) for g in parts)
        total_sq += sum(float(np.vdot(g, g)) for g in parts)
        sq_of_total += float(np.vdot(total, total))
    scale = (n_eps / steps) ** 2
    return scale * (total_sq - sq_of_total / n_eps) / (n_eps - 1) / n_eps


def _episode_gradients(x: np.ndarray, d: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Each episode's D_i^T X_i, as float64 arrays (episodes, out, in), a memory budget's worth of
    episodes at a time; their order across the arrays is not the episodes'."""
    (_, n_out), (_, n_in) = d.shape, x.shape
    out = []
    long = np.flatnonzero(lengths >= LONG_EPISODE)
    for part in step_slices(len(long), 16 * n_out * n_in):
        g = np.empty((part.stop - part.start, n_out, n_in), np.float32)
        for j, e in enumerate(long[part]):
            steps = slice(starts[e], starts[e] + lengths[e])
            np.matmul(d[steps].T, x[steps], out=g[j])
        out.append(g.astype(np.float64))
    short = np.flatnonzero(lengths < LONG_EPISODE)
    keys = np.floor(np.log2(np.maximum(lengths[short], 1))).astype(np.int64)
    for key in np.unique(keys):
        members = short[keys == key]
        longest = int(lengths[members].max())
        for part in step_slices(len(members), 16 * (n_out * n_in + longest * (n_out + n_in))):
            chosen = members[part]
            # each episode's steps, padded with its last step repeated and its gradient zeroed
            at = np.arange(longest)
            inside = at < lengths[chosen, None]
            rows = starts[chosen, None] + np.minimum(at, lengths[chosen, None] - 1)
            g = np.matmul((d[rows] * inside[:, :, None]).transpose(0, 2, 1), x[rows])
            out.append(g.astype(np.float64))
    return out


def mean_kl(policy: PolicyNet, before: list[torch.Tensor], obs: torch.Tensor, parts: list[slice]) -> float:
    """Mean KL(before || after) over the batch, where ``before`` holds the policy's outputs on each
    chunk ``parts`` of ``obs`` before the update and the policy is the updated one."""
    with torch.no_grad():
        return sum(
            float(policy.kl(o, policy(obs[p])).mean()) * (p.stop - p.start) / len(obs)
            for o, p in zip(before, parts, strict=True)
        )


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    return float(torch.cat([p.grad.reshape(-1) for p in parameters if p.grad is not None]).double().norm())
