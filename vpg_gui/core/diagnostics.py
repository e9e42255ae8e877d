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
from torch.func import functional_call, grad, vmap

from vpg_gui.core.budget import step_slices
from vpg_gui.core.policy import PolicyNet

# Per-step gradients are held a budget's worth of steps at a time (budget.py): 1024,1024 hidden
# asked for 8 GB unchunked. Per parameter and step: a float32 gradient, its float64 copy and a
# float64 episode-sum row.
BYTES_PER_VALUE = 24


def gradient_variance(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor, lengths: np.ndarray
) -> float:
    """Trace of the covariance of the batch's gradient estimate of mean(logp * weight).

    With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
    episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent, so
    its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of one
    episode, which has no spread to measure. The G_i are summed up as they complete (sum and
    sum of squares), so memory does not grow with N.
    """
    n_eps, steps = len(lengths), len(obs)
    if n_eps < 2:
        return 0.0
    total = torch.zeros(sum(p.numel() for p in policy.parameters()), dtype=torch.float64)
    total_sq = torch.zeros_like(total)
    for rows in _episode_gradients(policy, obs, act, weights, lengths):
        contributions = rows * (n_eps / steps)
        total += contributions.sum(0)
        total_sq += (contributions * contributions).sum(0)
    per_param = (total_sq - total * total / n_eps) / (n_eps - 1)
    return float(per_param.sum() / n_eps)


def _episode_gradients(policy, obs, act, weights, lengths):
    """Yield, in order, blocks of rows sum_{t in i} grad(logp_t) w_t (float64), one per episode,
    from per-step gradients computed a budget-sized chunk of steps at a time."""
    params = {name: p.detach() for name, p in policy.named_parameters()}
    n_params = sum(p.numel() for p in params.values())

    def weighted_logp(p, o, a, w):
        out = functional_call(policy, p, (o.unsqueeze(0),))
        return policy.log_prob(out, a.unsqueeze(0)).squeeze(0) * w

    per_step = vmap(grad(weighted_logp), in_dims=(None, 0, 0, 0))
    episode = torch.repeat_interleave(torch.arange(len(lengths)), torch.as_tensor(lengths))
    steps = len(obs)
    carry = None  # the sum so far of an episode that goes on into the next chunk
    for part in step_slices(steps, BYTES_PER_VALUE * n_params):
        start, end = part.start, part.stop
        grads = per_step(params, obs[start:end], act[start:end], weights[start:end])
        flat = torch.cat([g.reshape(end - start, -1) for g in grads.values()], dim=1).double()
        ep = episode[start:end] - episode[start]
        rows = torch.zeros(int(ep[-1]) + 1, n_params, dtype=torch.float64).index_add_(0, ep, flat)
        del grads, flat
        if carry is not None:
            rows[0] += carry
        carry = None
        if end < steps and episode[end] == episode[end - 1]:
            carry, rows = rows[-1].clone(), rows[:-1]
        yield rows


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    return float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in parameters if p.grad is not None)))
