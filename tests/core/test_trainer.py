import copy
import dataclasses

import numpy as np
import pytest
import torch

from vpg_gui.algo.policy import numpy_copy
from vpg_gui.algo.returns import advantages
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import ConfigError, TrainConfig

SMALL = TrainConfig(batch_steps=1000, epochs=4, seed=7)


def comparable(stats):
    """Everything but wall time, which no two runs share."""
    d = dataclasses.asdict(stats)
    del d["seconds"], d["steps_per_s"]
    return d


def run(config, epochs):
    trainer = Trainer(config)
    try:
        return [comparable(trainer.train_epoch()) for _ in range(epochs)]
    finally:
        trainer.close()


def test_same_config_and_seed_give_the_same_metrics():
    assert run(SMALL, 3) == run(SMALL, 3)
    assert run(SMALL, 3) != run(SMALL.replace(seed=8), 3)


def test_epoch_stats_are_consistent():
    trainer = Trainer(SMALL)
    s = trainer.train_epoch()
    assert s.epoch == 1 and s.steps >= 1000 and s.episodes >= 1
    assert s.return_min <= s.return_mean <= s.return_max
    assert s.length_mean == pytest.approx(s.steps / s.episodes)
    assert 0 < s.entropy <= np.log(2) + 1e-6
    assert s.lr == 0.01 and s.batch_steps == 1000
    assert s.steps_per_s == pytest.approx(s.steps / s.seconds)
    trainer.close()


def test_hot_changes_apply_from_the_next_epoch_and_cold_ones_are_refused():
    trainer = Trainer(SMALL)
    trainer.train_epoch()
    trainer.apply(trainer.config.replace(lr=0.05, batch_steps=500))
    s = trainer.train_epoch()
    assert (s.lr, s.batch_steps) == (0.05, 500)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.05
    with pytest.raises(ConfigError, match="hidden_sizes: cannot change during a run"):
        trainer.apply(trainer.config.replace(hidden_sizes=(8,)))
    trainer.close()


def test_policy_learns_cartpole_a_little():
    trainer = Trainer(TrainConfig(batch_steps=2000, seed=0, weighting="reward-to-go", lr=0.02))
    history = [trainer.train_epoch() for _ in range(15)]
    trainer.close()
    assert history[-1].return_mean > 2 * history[0].return_mean


def test_checkpoint_round_trip_resumes_exactly(tmp_path):
    path = tmp_path / "run.pt"
    trainer = Trainer(SMALL)
    for _ in range(2):
        trainer.train_epoch()
    trainer.save(path)
    continuous = [comparable(trainer.train_epoch()) for _ in range(2)]
    trainer.close()

    resumed = Trainer.from_checkpoint(path)
    assert resumed.epoch == 2 and resumed.config == SMALL
    assert [comparable(resumed.train_epoch()) for _ in range(2)] == continuous
    assert [s.epoch for s in resumed.history] == [1, 2, 3, 4]
    resumed.close()


def test_resume_with_hot_change(tmp_path):
    trainer = Trainer(SMALL)
    trainer.train_epoch()
    trainer.save(tmp_path / "run.pt")
    trainer.close()
    resumed = Trainer.from_checkpoint(tmp_path / "run.pt", {"lr": 0.02})
    assert resumed.train_epoch().lr == 0.02
    resumed.close()


@pytest.mark.parametrize("config", [SMALL.replace(weighting="reward-to-go", entropy_coef=0.05), SMALL])
def test_the_update_follows_the_gradient_of_the_loss(config):
    """The step's gradient (one autograd call that also yields the diagnostics' output gradients,
    the entropy's added apart) is the gradient of -mean(logp * w) - c * mean(entropy)."""
    trainer = Trainer(config)
    reference = copy.deepcopy(trainer.policy)
    stats = trainer.train_epoch()
    batch = trainer.sampler.collect(numpy_copy(reference, config.activation), config.batch_steps, config.seed, 1, 1.0)
    weights = advantages(batch.rew, batch.lengths, config.gamma, config.weighting)
    obs, act = torch.from_numpy(batch.obs), torch.from_numpy(batch.act)
    out = reference(obs)
    w = torch.from_numpy(weights.astype(np.float32))
    dist = reference.distribution(out)
    loss = -(dist.log_prob(act) * w).mean() - config.entropy_coef * dist.entropy().mean()
    loss.backward()
    norm = float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in reference.parameters())))
    assert stats.loss == pytest.approx(loss.item(), rel=1e-5)
    assert stats.grad_norm == pytest.approx(norm, rel=1e-5)
    trainer.close()
