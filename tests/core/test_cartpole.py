"""The lean CartPole vector step against gymnasium's own: bit-identical, resets and physics included."""

import numpy as np
import pytest
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv

from vpg_gui.envs.cartpole import LeanCartPoleVectorEnv
from vpg_gui.envs.make import env_info, make_vector_env


@pytest.mark.parametrize("physics", [{}, {"gravity": 12.0, "length": 0.8, "masspole": 0.3, "force_mag": 20.0}])
def test_the_lean_step_is_bit_identical_to_gymnasiums(physics):
    envs = [CartPoleVectorEnv(num_envs=16, max_episode_steps=25), LeanCartPoleVectorEnv(16, max_episode_steps=25)]
    for env in envs:
        for name, value in physics.items():
            setattr(env, name, value)
        env.total_mass = env.masspole + env.masscart
        env.polemass_length = env.masspole * env.length
    first = [env.reset(seed=7)[0] for env in envs]
    np.testing.assert_array_equal(*first)
    actions = np.random.default_rng(0).integers(0, 2, size=(3000, 16))
    terminations = truncations = 0
    for action in actions:
        theirs, ours = (env.step(action) for env in envs)
        for a, b in zip(theirs[:4], ours[:4], strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(envs[0].state, envs[1].state)  # float64, before the float32 copy
        terminations += int(theirs[2].sum())
        truncations += int(theirs[3].sum())
    assert terminations > 100 and truncations > 100  # both kinds of end, and the resets after them


def test_the_trainer_samples_cartpole_with_the_lean_env():
    env = make_vector_env(env_info("CartPole-v1"), 4)
    assert isinstance(env, LeanCartPoleVectorEnv) and env.max_episode_steps == 500
    env.close()
