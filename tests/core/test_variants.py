"""Estimators: GAE's special cases, the value net's fit, and the variance ordering a class should see."""

import numpy as np
import torch

from vpg_gui.algo.returns import advantages, gae, reward_to_go
from vpg_gui.algo.trainer import Trainer
from vpg_gui.algo.variance import estimator_variances
from vpg_gui.config import TrainConfig

REW = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
LENGTHS = np.array([3, 2])
VALUES = np.array([0.5, -1.0, 2.0, 3.0, 0.25])


def test_gae_lambda_1_is_reward_to_go_minus_the_baseline():
    for gamma in (1.0, 0.9):
        expected = reward_to_go(REW, LENGTHS, gamma) - VALUES
        assert np.allclose(gae(REW, LENGTHS, VALUES, gamma, 1.0), expected)


def test_gae_lambda_0_is_the_td_error_with_nothing_after_an_episode():
    gamma = 0.9
    # by hand: r_t + gamma V(s_t+1) - V(s_t), and V after each episode's last step is 0
    expected = [1 + 0.9 * -1.0 - 0.5, 2 + 0.9 * 2.0 + 1.0, 3 - 2.0, 4 + 0.9 * 0.25 - 3.0, 5 - 0.25]
    assert np.allclose(gae(REW, LENGTHS, VALUES, gamma, 0.0), expected)


def test_discounted_reward_to_go_by_hand():
    assert np.allclose(reward_to_go(REW, LENGTHS, 0.5), [1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3, 4 + 0.5 * 5, 5])


def test_normalised_advantages_have_mean_0_and_std_1():
    w = advantages(REW, LENGTHS, 1.0, "reward-to-go", VALUES, lam=0.5, normalize=True)
    assert abs(w.mean()) < 1e-9 and abs(w.std() - 1) < 1e-6


def test_the_value_net_fits_a_fixed_batch():
    trainer = Trainer(TrainConfig(batch_steps=1000, seed=2, value_lr=0.01))
    batch = trainer.sampler.collect(trainer.sampling_policy(), 1000, 2, 1, 1.0)
    obs, targets = torch.from_numpy(batch.obs), reward_to_go(batch.rew, batch.lengths, 1.0)
    before = trainer.fit_value(obs, targets, 300)
    after = trainer.fit_value(obs, targets, 1)
    # better than the best constant guess (whose error is the targets' variance), from far worse
    assert after < 0.8 * np.var(targets) < before
    trainer.close()


def test_variance_at_a_fixed_policy_orders_the_estimators():
    v = estimator_variances(TrainConfig(seed=1), warm_epochs=20, batch_steps=20_000)
    assert v["episode-return"] > 2 * v["reward-to-go"]
    assert v["reward-to-go"] > 1.3 * v["reward-to-go - V(s)"]


def test_every_variant_trains_and_records_its_settings_and_diagnostics():
    trainer = Trainer(TrainConfig(batch_steps=500, seed=0))
    for changes in ({}, {"baseline": "value", "gae_lambda": 0.5}, {"normalize_advantages": True, "entropy_coef": 0.01}):
        trainer.apply(trainer.config.replace(**changes))
        s = trainer.train_epoch()
        assert all(getattr(s, k) == v for k, v in changes.items())
        assert s.grad_norm > 0 and s.grad_var > 0 and s.kl >= 0
        assert (s.value_loss > 0) == (trainer.config.baseline == "value")
    trainer.close()
