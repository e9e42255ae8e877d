"""Continuous actions: the Gaussian policy's maths against torch's, clipping, and other envs."""

import gymnasium as gym
import numpy as np
import pytest
import torch
from torch.distributions import Independent, Normal

from vpg_gui.algo.policy import build_policy, numpy_copy
from vpg_gui.algo.rollout import Sampler
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.envs.make import env_info

ENVS = ("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1", "MountainCarContinuous-v0")


def gaussian(seed=0):
    torch.manual_seed(seed)
    net = build_policy(3, (8,), 2, "tanh", discrete=False)
    with torch.no_grad():
        net.log_std.copy_(torch.tensor([-0.3, 0.4]))
    return net


def test_gaussian_log_prob_entropy_and_kl_match_torch_distributions():
    net, other = gaussian(0), gaussian(1)
    obs, act = torch.randn(16, 3), torch.randn(16, 2) * 2
    out, out2 = net(obs), other(obs)
    mean, log_std = out.chunk(2, -1)
    dist = Independent(Normal(mean, log_std.exp()), 1)
    dist2 = Independent(Normal(*(lambda m, s: (m, s.exp()))(*out2.chunk(2, -1))), 1)
    ours, ours2 = net.distribution(out), other.distribution(out2)
    assert torch.allclose(ours.log_prob(act), dist.log_prob(act), atol=1e-5)
    assert torch.allclose(ours.entropy(), dist.entropy(), atol=1e-5)
    assert torch.allclose(ours.kl(ours2), torch.distributions.kl_divergence(dist, dist2), atol=1e-5)


def test_numpy_copy_samples_from_the_same_gaussian():
    net = gaussian()
    pol = numpy_copy(net, "tanh")
    obs = np.random.default_rng(0).standard_normal((1, 3)).astype(np.float32)
    mean, std = pol.mean_std(obs)
    out = net(torch.from_numpy(obs)).detach().numpy()
    assert np.allclose(mean, out[:, :2], atol=1e-6) and np.allclose(std, np.exp(out[:, 2:]))
    samples = pol.sample(np.repeat(obs, 20000, 0), np.random.default_rng(1))
    assert np.allclose(samples.mean(0), mean[0], atol=0.05) and np.allclose(samples.std(0), std[0], rtol=0.05)


def test_actions_are_clipped_for_the_env_but_kept_as_sampled():
    info = env_info("Pendulum-v1")
    sampler = Sampler(info, num_envs=4)
    stepped = []
    real_step = sampler.env.step
    sampler.env.step = lambda a: stepped.append(np.array(a)) or real_step(a)
    wide = numpy_copy(build_policy(3, (), 1, "tanh", discrete=False), "tanh")
    wide.log_std = np.array([np.log(5.0)], np.float32)  # std 5 against bounds of +-2
    batch = sampler.collect(wide, 400, 0, 1, 200.0)
    sampler.close()
    assert batch.act.dtype == np.float32 and batch.act.shape == (batch.steps, 1)
    assert np.abs(batch.act).max() > 2.0  # the batch keeps the unclipped samples
    assert max(np.abs(a).max() for a in stepped) <= 2.0  # the env only ever got clipped ones


@pytest.mark.parametrize("env_id", ENVS)
def test_each_listed_env_trains_two_epochs(env_id):
    trainer = Trainer(TrainConfig(env_id=env_id, batch_steps=400, seed=0, baseline="value"))
    stats = [trainer.train_epoch() for _ in range(2)]
    trainer.close()
    assert [s.epoch for s in stats] == [1, 2]
    assert all(np.isfinite([s.return_mean, s.loss, s.entropy, s.kl, s.grad_var]).all() for s in stats)


def test_dict_observations_are_refused_with_a_message():
    class DictObs(gym.Env):
        observation_space = gym.spaces.Dict({"x": gym.spaces.Box(-1, 1, (2,))})
        action_space = gym.spaces.Discrete(2)

    if "VpgTest/DictObs-v0" not in gym.envs.registry:
        gym.register("VpgTest/DictObs-v0", entry_point=DictObs)
    with pytest.raises(ConfigError, match="observations are Dict .*flat vectors"):
        env_info("VpgTest/DictObs-v0")


def test_a_missing_optional_dependency_says_what_to_install():
    try:
        import Box2D  # noqa: F401

        pytest.skip("Box2D is installed here")
    except ImportError:
        pass
    with pytest.raises(ConfigError, match=r"LunarLander-v3.*pip install .*box2d"):
        env_info("LunarLander-v3")
