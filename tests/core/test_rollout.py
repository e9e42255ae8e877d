import gymnasium as gym
import numpy as np
import pytest

from tests.core import counter_env
from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.algo.rollout import Sampler, epoch_rngs
from vpg_gui.envs.make import env_info


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


def reference_collect(info, num_envs, policy, batch_steps, seed, epoch, typical_length):
    """The sampler as first written (a step's whole bookkeeping every step, noise drawn per step)
    on gymnasium's own vector env: what the lean loop and the lean CartPole step must reproduce."""
    mode = "vector_entry_point" if info.vectorised else "sync"
    env = gym.make_vec(info.env_id, num_envs=num_envs, vectorization_mode=mode)
    low, high = (None, None) if info.discrete else (np.float32(info.action_low), np.float32(info.action_high))
    rng, env_seed = epoch_rngs(seed, epoch)
    obs, _ = env.reset(seed=env_seed)
    n, typical, cap = num_envs, max(float(typical_length), 1.0), info.max_episode_steps or np.inf
    fresh, active, elapsed, prev_done = np.ones(n, bool), np.zeros(n, bool), np.zeros(n, np.int64), np.zeros(n, bool)
    completed = 0
    obs_buf, act_buf, rew_buf, rec_buf, done_buf = [], [], [], [], []
    while True:
        if fresh.any():
            shortfall = batch_steps - completed - np.minimum(elapsed[active] + typical, cap).sum()
            if shortfall > 0:
                to_start = np.flatnonzero(fresh)[: int(np.ceil(shortfall / typical))]
                active[to_start] = True
                elapsed[to_start] = 0
        if not active.any() and completed >= batch_steps:
            break
        act = policy.sample(obs, rng)
        next_obs, rew, term, trunc, _ = env.step(act if low is None else np.clip(act, low, high))
        done = term | trunc
        obs_buf.append(obs)
        act_buf.append(act)
        rew_buf.append(rew)
        rec_buf.append(active.copy())
        done_buf.append(done)
        elapsed += active
        ended = active & done
        completed += int(elapsed[ended].sum())
        active[ended] = False
        fresh, prev_done, obs = prev_done, done, next_obs
    env.close()
    rec = np.stack(rec_buf).T
    return (
        np.stack(obs_buf).swapaxes(0, 1)[rec],
        np.stack(act_buf).swapaxes(0, 1)[rec],
        np.stack(rew_buf).T[rec],
        np.diff(np.flatnonzero(np.stack(done_buf).T[rec]), prepend=-1),
    )


@pytest.mark.parametrize(("env_id", "hidden"), [("CartPole-v1", 16), ("Pendulum-v1", 8)])
def test_batches_equal_the_straightforward_loop_on_gymnasiums_env(env_id, hidden):
    info = env_info(env_id)
    rng = np.random.default_rng(2)
    sizes = [info.obs_dim, hidden, info.n_actions]
    layers = [
        (rng.normal(size=(a, b)).astype(np.float32), rng.normal(size=b).astype(np.float32))
        for a, b in zip(sizes, sizes[1:], strict=False)
    ]
    policy = NumpyPolicy(layers, "tanh", None if info.discrete else np.zeros(info.n_actions, np.float32))
    sampler = Sampler(info, 8)
    for epoch in (1, 2):
        batch = sampler.collect(policy, 1500, seed=4, epoch=epoch, typical_length=30.0)
        obs, act, rew, lengths = reference_collect(info, 8, policy, 1500, 4, epoch, 30.0)
        np.testing.assert_array_equal(batch.obs, obs)
        np.testing.assert_array_equal(batch.act, act)
        np.testing.assert_array_equal(batch.rew, rew)
        np.testing.assert_array_equal(batch.lengths, lengths)
    assert len(lengths) > 5
    sampler.close()
