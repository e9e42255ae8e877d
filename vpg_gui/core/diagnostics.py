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

from vpg_gui.core.policy import PolicyNet

CHUNK = 2048  # steps whose per-step gradients are held at once (steps x parameters floats)


def gradient_variance(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor, lengths: np.ndarray
) -> float:
    """Trace of the covariance of the batch's gradient estimate of mean(logp * weight).

    With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
    episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent, so
    its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of one
    episode, which has no spread to measure.
    """
    n_eps, steps = len(lengths), len(obs)
    if n_eps < 2:
        return 0.0
    params = {name: p.detach() for name, p in policy.named_parameters()}

    def weighted_logp(p, o, a, w):
        out = functional_call(policy, p, (o.unsqueeze(0),))
        return policy.log_prob(out, a.unsqueeze(0)).squeeze(0) * w

    per_step = vmap(grad(weighted_logp), in_dims=(None, 0, 0, 0))
    episode = torch.repeat_interleave(torch.arange(n_eps), torch.as_tensor(lengths))
    sums = torch.zeros(n_eps, sum(p.numel() for p in params.values()), dtype=torch.float64)
    for start in range(0, steps, CHUNK):
        end = min(start + CHUNK, steps)
        grads = per_step(params, obs[start:end], act[start:end], weights[start:end])
        flat = torch.cat([g.reshape(end - start, -1) for g in grads.values()], dim=1)
        sums.index_add_(0, episode[start:end], flat.double())
    contributions = sums * (n_eps / steps)
    return float(contributions.var(dim=0).sum() / n_eps)


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    return float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in parameters if p.grad is not None)))
