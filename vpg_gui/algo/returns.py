"""Returns and policy-gradient weights over a batch of whole episodes laid end to end.

A batch is a flat reward array plus the length of each episode in it, in order:

>>> import numpy as np
>>> rew, lengths = np.array([1., 1., 1., 1., 1.]), np.array([3, 2])
>>> reward_to_go(rew, lengths, gamma=1.0)
array([3., 2., 1., 2., 1.])
>>> reward_to_go(rew, lengths, gamma=0.5)
array([1.75, 1.5 , 1.  , 1.5 , 1.  ])
>>> policy_weights(rew, lengths, gamma=1.0, weighting="episode-return")
array([3., 3., 3., 2., 2.])

With a value baseline, GAE(lambda): lambda = 1 is the reward-to-go minus V(s), lambda = 0 the
one-step TD error. Every episode in a batch is played to its end, so the value after it is 0.

>>> values = np.array([2., 1., 0., 1., 0.])
>>> gae(rew, lengths, values, gamma=1.0, lam=1.0)
array([1., 1., 1., 1., 1.])
>>> gae(rew, lengths, values, gamma=1.0, lam=0.0)  # r + V(s') - V(s)
array([0., 0., 1., 0., 1.])
"""

from __future__ import annotations

import numpy as np


def reward_to_go(rew: np.ndarray, lengths: np.ndarray, gamma: float) -> np.ndarray:
    """Discounted sum of the rewards from each step to the end of its own episode."""
    rew = np.asarray(rew, dtype=np.float64)
    lengths = np.asarray(lengths, dtype=np.int64)
    if rew.size == 0:
        return rew.copy()
    ends = np.cumsum(lengths)
    starts = ends - lengths
    if gamma == 1.0:
        # Suffix sums within each episode: the episode total minus what came before the step.
        within = np.cumsum(rew) - np.repeat(np.cumsum(rew)[starts] - rew[starts], lengths)
        return np.repeat(within[ends - 1], lengths) - within + rew
    # Pad episodes into rows and sweep the columns backwards: one vector op per time step
    # (at most the longest episode), exact for any gamma, unlike scaled cumsum tricks.
    n_eps, width = len(lengths), int(lengths.max())
    col = np.arange(rew.size) - np.repeat(starts, lengths)
    row = np.repeat(np.arange(n_eps), lengths)
    padded = np.zeros((n_eps, width + 1))
    padded[row, col] = rew
    for j in range(width - 1, -1, -1):
        padded[:, j] += gamma * padded[:, j + 1]
    return padded[row, col]


def policy_weights(rew: np.ndarray, lengths: np.ndarray, gamma: float, weighting: str) -> np.ndarray:
    """The weight of each step's log-probability: its episode's (discounted) return, or its reward-to-go."""
    rtg = reward_to_go(rew, lengths, gamma)
    if weighting == "reward-to-go":
        return rtg
    if weighting == "episode-return":
        starts = np.cumsum(lengths) - lengths
        return np.repeat(rtg[starts], lengths)
    raise ValueError(f"weighting = {weighting!r}: must be episode-return or reward-to-go")


def gae(rew: np.ndarray, lengths: np.ndarray, values: np.ndarray, gamma: float, lam: float) -> np.ndarray:
    """Generalised advantage estimates: the (gamma * lam)-discounted sum of TD errors to the episode's end."""
    values = np.asarray(values, dtype=np.float64)
    next_values = np.append(values[1:], 0.0)
    next_values[np.cumsum(lengths) - 1] = 0.0  # each episode ended: nothing follows its last step
    deltas = np.asarray(rew, dtype=np.float64) + gamma * next_values - values
    return reward_to_go(deltas, lengths, gamma * lam)


def advantages(
    rew: np.ndarray,
    lengths: np.ndarray,
    gamma: float,
    weighting: str,
    values: np.ndarray | None = None,
    lam: float = 1.0,
    normalize: bool = False,
) -> np.ndarray:
    """Each step's weight in the policy gradient: ``policy_weights`` without a baseline, GAE with
    one (``values`` = V of each step's state), optionally normalised to mean 0, std 1.

    >>> advantages(np.ones(4), np.array([2, 2]), 1.0, "reward-to-go", normalize=True).round(6)
    array([ 1., -1.,  1., -1.])
    """
    if values is None:
        weights = policy_weights(rew, lengths, gamma, weighting)
    else:
        weights = gae(rew, lengths, values, gamma, lam)
    if normalize and weights.size > 1:
        weights = (weights - weights.mean()) / (weights.std() + 1e-8)
    return weights
