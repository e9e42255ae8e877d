import numpy as np
import pytest

from tests.core import counter_env
from vpg_gui.core.envs import env_info
from vpg_gui.core.numpy_policy import NumpyPolicy
from vpg_gui.core.rollout import Sampler


def uniform_policy(obs_dim: int, n_actions: int = 2) -> NumpyPolicy:
    return NumpyPolicy([(np.zeros((obs_dim, n_actions), np.float32), np.zeros(n_actions, np.float32))], "tanh")


@pytest.fixture(scope="module")
def counter_info():
    counter_env.register()
    return env_info(counter_env.ID)


@pytest.mark.parametrize("num_envs", [1, 3, 8])
def test_every_step_is_credited_to_its_own_episode(counter_info, num_envs):
    sampler = Sampler(counter_info, num_envs)
    for epoch in (1, 2):
        batch = sampler.collect(uniform_policy(2), batch_steps=300, seed=3, epoch=epoch, typical_length=4.0)
        ends = np.cumsum(batch.lengths)
        for start, end in zip(ends - batch.lengths, ends, strict=True):
            ep_obs, ep_rew = batch.obs[start:end], batch.rew[start:end]
            assert len(set(ep_obs[:, 0])) == 1, "an episode mixes steps of two episodes"
            # Recorded obs are those the actions were taken in: steps 0 .. L-1, rewards 1 .. L.
            assert ep_obs[:, 1].tolist() == list(range(end - start))
            assert ep_rew.tolist() == list(range(1, end - start + 1))
        assert len(set(batch.obs[ends - batch.lengths, 0])) == len(batch.lengths)
        assert batch.lengths.max() <= counter_env.TIME_LIMIT
        assert (batch.lengths == counter_env.TIME_LIMIT).any(), "truncated episodes must end at the limit"
        assert batch.steps >= 300
    sampler.close()


def test_cartpole_batches_hold_whole_episodes_close_to_the_batch_size():
    info = env_info("CartPole-v1")
    sampler = Sampler(info, 64)
    overshoot = []
    for epoch in range(1, 6):
        batch = sampler.collect(uniform_policy(4), batch_steps=2000, seed=0, epoch=epoch, typical_length=22.0)
        assert batch.steps == len(batch.obs) == len(batch.act) == len(batch.rew)
        np.testing.assert_array_equal(batch.returns, batch.lengths)  # CartPole pays 1 per step
        firsts = batch.obs[np.cumsum(batch.lengths) - batch.lengths]
        assert np.abs(firsts).max() <= 0.05, "each episode starts from CartPole's initial distribution"
        overshoot.append(batch.steps - 2000)
    sampler.close()
    assert min(overshoot) >= 0
    # 64 copies, random policy (~22 steps per episode): far less than one episode per copy.
    assert np.mean(overshoot) < 200, overshoot


def test_same_seed_and_epoch_give_the_same_batch():
    info = env_info("CartPole-v1")
    a, b = Sampler(info, 16), Sampler(info, 16)
    x = a.collect(uniform_policy(4), 1000, seed=5, epoch=2, typical_length=20.0)
    y = b.collect(uniform_policy(4), 1000, seed=5, epoch=2, typical_length=20.0)
    np.testing.assert_array_equal(x.obs, y.obs)
    np.testing.assert_array_equal(x.act, y.act)
    z = b.collect(uniform_policy(4), 1000, seed=5, epoch=3, typical_length=20.0)
    assert z.obs.shape != x.obs.shape or not np.array_equal(z.obs, x.obs)
