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
