"""Per-epoch diagnostics of the update: how noisy the gradient estimate is, and the gradient's norm.
And how far the update moved the policy: the mean KL between its outputs before and after.

The variance of the policy-gradient estimate is what reward-to-go and baselines reduce. A batch's
estimate is a mean over its episodes' independent contributions, so its variance can be
estimated from the batch alone: the spread of those contributions divided by their number.

Every parameter block's gradient at a step is an outer product, D_t^T [x_t 1] (a Linear layer's
output gradient times its input and a 1 for the bias), so the update's own forward and backward
pass hold all the diagnostic needs: ``GradientRecorder``'s hooks keep the inputs and the output
gradients as the update runs (``policy_gradient_blocks`` does the same pass on its own).

>>> import torch
>>> from vpg_gui.algo.policy import build_policy
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

import math
from itertools import accumulate

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from vpg_gui.algo.budget import within_budget
from vpg_gui.algo.distributions import Distributions
from vpg_gui.algo.policy import PolicyNet

# One parameter block: inputs X (T, in) and output gradients D (T, out), float32, its gradient at
# step t the outer product D_t^T X_t; or (None, D) for a block whose gradient is D_t itself (a
# bias alone, or log-std).
Block = tuple[np.ndarray | None, np.ndarray]


class GradientRecorder:
    """Hooks on a policy that keep, from the update's own forward and backward pass, what the
    gradient variance needs: each Linear layer's input and its output's gradient (and a Gaussian
    policy's whole output's, for log-std). Only a chunk's first backward pass is kept: the
    policy-gradient term's, not the entropy bonus's.

        with GradientRecorder(policy) as recorder:
            loss = -(logp * weights).mean()      # forward: inputs kept
            loss.backward()                      # backward: output gradients kept
            recorder.end_chunk(lengths, scale)   # into recorder.sums
    """

    def __init__(self, policy: PolicyNet):
        self.policy = policy
        self.sums = VarianceSums()
        self._inputs: list[torch.Tensor] = []
        self._grads: list[torch.Tensor | None] = []
        self._handles: list = []

    def __enter__(self) -> GradientRecorder:
        self._handles = [
            layer.register_forward_hook(self._on_linear) for layer in self.policy if isinstance(layer, nn.Linear)
        ]
        if not self.policy.discrete:  # the forward's whole output, log-std expanded beside the means
            self._handles.append(self.policy.register_forward_hook(lambda _m, _i, out: self._watch(out)))
        return self

    def __exit__(self, *_exc) -> None:
        for handle in self._handles:
            handle.remove()

    def _on_linear(self, _layer, inputs, output) -> None:
        self._inputs.append(inputs[0].detach())
        self._watch(output)

    def _watch(self, tensor: torch.Tensor) -> None:
        i = len(self._grads)
        self._grads.append(None)
        tensor.register_hook(lambda grad: self._keep(i, grad))

    def _keep(self, i: int, grad: torch.Tensor) -> None:
        if self._grads[i] is None:
            self._grads[i] = grad.detach()

    def end_chunk(self, lengths: np.ndarray, scale: float) -> None:
        """Add the chunk's blocks, of whole episodes of ``lengths``, as gradients of
        sum_t logp_t w_t: the loss's gradients times ``scale`` (-steps for -mean over the batch)."""
        # A diverging update's gradients may be NaN; its epoch is refused (Trainer._guarded_step).
        with np.errstate(invalid="ignore", over="ignore"):
            self.sums.add(self.blocks(scale), lengths)
        self._inputs, self._grads = [], []

    def blocks(self, scale: float = 1.0) -> list[Block]:
        """``gradient_blocks`` of what was kept, the gradients times ``scale``."""
        return gradient_blocks(self._inputs, [g * scale if scale != 1.0 else g for g in self._grads])


def gradient_blocks(inputs: list[torch.Tensor], grads: list[torch.Tensor]) -> list[Block]:
    """The parameter blocks of ``traced_forward``'s inputs and the gradients of its outputs: a
    Linear layer's weights and bias together (its input with a column of ones), or apart where
    that copy of the input would be wider than the output gradients the bias is summed from; and
    log-std's for a Gaussian policy."""
    blocks: list[Block] = []
    for x, g in zip(inputs, grads, strict=False):
        if x.shape[1] < g.shape[1]:  # pad: faster than filling a numpy copy or np.hstack
            blocks.append((F.pad(x, (0, 1), value=1.0).numpy(), g.numpy()))
        else:
            g = g.numpy()
            blocks += [(x.numpy(), g), (None, g)]
    if len(grads) > len(inputs):  # Gaussian: the output's gradient, whose second half is log-std's
        blocks.append((None, grads[-1][:, grads[-1].shape[1] // 2 :].numpy()))
    return blocks


def policy_gradient_blocks(
    policy: PolicyNet, obs: torch.Tensor, act: torch.Tensor, weights: torch.Tensor
) -> list[Block]:
    """``gradient_blocks`` of sum_t logp_t w_t from a forward and backward pass of its own (the
    parameters' ``.grad`` untouched)."""
    with GradientRecorder(policy) as recorder:
        logp_w = (policy.distribution(policy(obs)).log_prob(act) * weights).sum()
        torch.autograd.grad(logp_w, list(policy.parameters()))
        return recorder.blocks()


class VarianceSums:
    """The sums the gradient variance is made of, over batches of whole episodes added in turn
    (the chunks of an update), so that no chunk's blocks outlive it.

    >>> sums = VarianceSums()
    >>> d, x = np.array([[1.0], [3.0], [2.0]], np.float32), np.ones((3, 1), np.float32)
    >>> sums.add([(x, d)], np.array([2]))   # episode 1: gradient 1 + 3
    >>> sums.add([(x, d[2:])], np.array([1]))  # episode 2: gradient 2
    >>> sums.variance() == gradient_variance([(x, d)], np.array([2, 1]))
    True
    >>> sums.mean_gradient_norm()  # (1 + 3 + 2) / 3 steps
    2.0
    """

    def __init__(self) -> None:
        self.episodes, self.steps = 0, 0
        self.total_sq = 0.0  # sum over episodes of |G_i|^2 (before scaling)
        self.total: np.ndarray | float = 0.0  # the sum of the G_i, all blocks side by side

    def add(self, blocks: list[Block], lengths: np.ndarray) -> None:
        """The parameter blocks of sum_t logp_t w_t over whole episodes of ``lengths``.

        A block's gradient over an episode is D_i^T X_i, one float32 BLAS product on views of the
        batch (no per-step gradient is ever formed). Every episode's gradients, all blocks side by
        side in one row, are then summed in float64; a memory budget's worth of episodes at a
        time. Measured faster than padding episodes of similar lengths to one and multiplying
        them together, even at 20 steps an episode."""
        # Python ints, summed in Python: the loop below slices with them, and numpy costs more on lists this short
        bounds = [0, *accumulate(lengths.tolist())]
        self.episodes, self.steps = self.episodes + len(lengths), self.steps + bounds[-1]
        columns = [0, *accumulate(d.shape[1] * (1 if x is None else x.shape[1]) for x, d in blocks)]
        per_chunk = within_budget(12 * columns[-1])  # each episode's row in float32 and float64
        for first in range(0, len(lengths), per_chunk):
            edges = bounds[first : first + per_chunk + 1]
            g = np.empty((len(edges) - 1, columns[-1]), np.float32)
            for (x, d), left, right in zip(blocks, columns, columns[1:], strict=False):
                if x is None:
                    np.add.reduceat(d[: edges[-1]], edges[:-1], axis=0, out=g[:, left:right])
                    continue
                dt = d.T
                per_episode = g[:, left:right].reshape(len(g), d.shape[1], x.shape[1])  # views of g's rows
                for out, start, stop in zip(per_episode, edges, edges[1:], strict=False):
                    np.dot(dt[:, start:stop], x[start:stop], out=out)
            g = g.astype(np.float64)
            self.total = self.total + g.sum(0)
            self.total_sq += float(np.vdot(g, g))

    def variance(self) -> float:
        """Trace of the covariance of the batch's gradient estimate of mean(logp * weight).

        With T steps in N episodes, the estimate (1/T) sum_t grad(logp_t) w_t is the mean of the N
        episodes' contributions G_i = (N/T) sum_{t in i} grad(logp_t) w_t, which are independent,
        so its variance is estimated by var(G_i) / N, summed over all parameters. 0 for a batch of
        one episode, which has no spread to measure."""
        n = self.episodes
        if n < 2:
            return 0.0
        return (n / self.steps) ** 2 * (self.total_sq - self._sq_of_total() / n) / (n - 1) / n

    def mean_gradient_norm(self) -> float:
        """The norm of the estimate (1/T) sum_t grad(logp_t) w_t itself, from the same sums: the
        update's gradient norm when no entropy bonus adds to it (``grad_norm`` otherwise)."""
        return math.sqrt(self._sq_of_total()) / self.steps

    def _sq_of_total(self) -> float:
        return float(np.vdot(self.total, self.total))


def gradient_variance(blocks: list[Block], lengths: np.ndarray) -> float:
    """``VarianceSums.variance`` of one batch of whole episodes of ``lengths``.

    Equal to a float64 computation within about 3e-8 relative on the tested batches.
    """
    sums = VarianceSums()
    sums.add(blocks, lengths)
    return sums.variance()


def mean_kl(
    policy: PolicyNet,
    before: list[Distributions],
    obs: torch.Tensor,
    parts: list[slice],
    act: torch.Tensor | None = None,
    logp_after: list[torch.Tensor] | None = None,
) -> float:
    """Mean KL(before || after) over the batch, where ``before`` holds the policy's distributions
    on each chunk ``parts`` of ``obs`` before the update and the policy is the updated one.
    ``logp_after`` (with ``act``) gets each chunk's log-probabilities of ``act`` under the updated
    policy, from the same forward pass (the batch record's, batch_record.py)."""
    total = 0.0
    for b, p in zip(before, parts, strict=True):
        after = policy.distribution(policy.evaluate(obs[p]))
        total += float(b.kl(after).sum())
        if logp_after is not None:
            logp_after.append(after.log_prob(act[p]))
    return total / len(obs)


def grad_norm(parameters) -> float:
    """L2 norm of all the gradients together."""
    flat = np.concatenate([p.grad.numpy().ravel() for p in parameters if p.grad is not None]).astype(np.float64)
    return math.sqrt(flat @ flat)
