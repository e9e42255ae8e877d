"""gymnasium's CartPole vector env with a leaner step: the same arithmetic in fewer numpy calls.

Sampling is one vector step after another (an episode's steps cannot run in parallel), and at
64 copies a step is all per-call overhead: gymnasium's makes ~50 numpy calls, a check that the
actions are valid among them. This one does the same floating-point operations in the same
order, so states, rewards and ends are bit-identical (tested against gymnasium's over thousands
of steps, with resets and changed physics), in 0.57 of the time (benchmarks/bench_cartpole_step.py).
The physics is read from the env's attributes every step, so physics.apply_physics works unchanged.

>>> env = LeanCartPoleVectorEnv(num_envs=3)
>>> obs, _ = env.reset(seed=0)
>>> obs, reward, terminated, truncated, _ = env.step(np.array([0, 1, 1]))
>>> obs.shape, obs.dtype, reward.tolist()
((3, 4), dtype('float32'), [1.0, 1.0, 1.0])
"""

from __future__ import annotations

import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

GYMNASIUM_ENTRY_POINT = "gymnasium.envs.classic_control.cartpole:CartPoleVectorEnv"


class LeanCartPoleVectorEnv(CartPoleVectorEnv):
    def __init__(self, num_envs: int = 1, **kwargs):
        super().__init__(num_envs, **kwargs)
        self._ones = np.ones(num_envs, np.float32)  # the usual reward: copied, 5x cheaper than np.ones

    def step(self, action: np.ndarray):
        """As CartPoleVectorEnv.step for actions in {0, 1} (not checked), with next-step autoreset.
        Other integrators and the Sutton-Barto reward go to gymnasium's own step."""
        if self.kinematics_integrator != "euler" or self._sutton_barto_reward:
            return super().step(action)
        state = self.state
        x_dot, theta, theta_dot = state[1], state[2], state[3]
        force = np.array((-self.force_mag, self.force_mag))[action]  # sign(a - 0.5) * force_mag
        costheta, sintheta = np.cos(theta), np.sin(theta)
        temp = (force + self.polemass_length * (theta_dot * theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * (costheta * costheta) / self.total_mass)
        )
        # Euler: every variable moves by tau times its derivative, all four in one operation.
        rate = np.empty_like(state)
        rate[0], rate[2] = x_dot, theta_dot
        np.subtract(temp, self.polemass_length * thetaacc * costheta / self.total_mass, out=rate[1])
        rate[3] = thetaacc
        state = state + self.tau * rate

        terminated = (np.abs(state[0]) > self.x_threshold) | (np.abs(state[2]) > self.theta_threshold_radians)
        self.steps += 1
        truncated = self.steps >= self.max_episode_steps
        reward = self._ones.copy()
        reset = self.prev_done
        resets = np.count_nonzero(reset)  # a C call: ndarray.any() goes through Python, 3x the cost
        if resets:  # copies that ended last step start a new episode instead of moving
            state[:, reset] = self.np_random.uniform(low=self.low, high=self.high, size=(4, resets))
            self.steps[reset] = 0
            reward[reset] = 0.0
            terminated[reset] = False
            truncated[reset] = False
        self.state = state
        self.prev_done = terminated | truncated
        return state.T.astype(np.float32), reward, terminated, truncated, {}
