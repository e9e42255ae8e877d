"""What the policy does, for display: action names, and CartPole's P(push right) over the pole's state.

>>> import numpy as np
>>> from vpg_gui.algo.numpy_policy import NumpyPolicy
>>> action_names("CartPole-v1", 2), action_names("VpgTest/Anything-v0", 3)
(('push left', 'push right'), ('action 0', 'action 1', 'action 2'))
>>> action_names("Pendulum-v1", 1, discrete=False)
('torque',)
>>> even = NumpyPolicy([(np.zeros((4, 2), np.float32), np.zeros(2, np.float32))], "tanh")
>>> grid = cartpole_heatmap(even)
>>> grid.shape, float(grid.min()), float(grid.max())
((41, 41), 0.5, 0.5)
"""

from __future__ import annotations

import numpy as np

from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.envs.physics import env_name

# Indexed by the env's name without its version; gymnasium's documented action meanings
# (discrete: one name per action; continuous: one per action dimension).
ACTION_NAMES = {
    "CartPole": ("push left", "push right"),
    "Acrobot": ("torque -1", "torque 0", "torque +1"),
    "MountainCar": ("push left", "no push", "push right"),
    "LunarLander": ("nothing", "left engine", "main engine", "right engine"),
}
DIMENSION_NAMES = {
    "Pendulum": ("torque",),
    "MountainCarContinuous": ("force",),
    "LunarLander": ("main engine", "side engines"),
}
# The heatmap's axes: the pole angle up to where an episode terminates (12 degrees), and the
# angular velocities a balancing policy meets.
ANGLE_LIMIT = 12 * 2 * np.pi / 360
ANGULAR_VELOCITY_LIMIT = 2.0
GRID = 41


def action_names(env_id: str, n_actions: int, discrete: bool = True) -> tuple[str, ...]:
    names = (ACTION_NAMES if discrete else DIMENSION_NAMES).get(env_name(env_id))
    return names if names and len(names) == n_actions else tuple(f"action {i}" for i in range(n_actions))


def is_cartpole(env_id: str) -> bool:
    return env_name(env_id) == "CartPole"


def cartpole_heatmap(policy: NumpyPolicy, grid: int = GRID) -> np.ndarray:
    """P(push right) for the cart at rest in the middle: rows = angular velocity (low to high),
    columns = pole angle (left to right), both over ANGLE_LIMIT / ANGULAR_VELOCITY_LIMIT."""
    angle, velocity = np.meshgrid(
        np.linspace(-ANGLE_LIMIT, ANGLE_LIMIT, grid), np.linspace(-ANGULAR_VELOCITY_LIMIT, ANGULAR_VELOCITY_LIMIT, grid)
    )
    obs = np.zeros((grid * grid, 4), np.float32)
    obs[:, 2], obs[:, 3] = angle.ravel(), velocity.ravel()
    return policy.probs(obs)[:, 1].reshape(grid, grid)
