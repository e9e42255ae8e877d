import numpy as np
import pytest
import torch

from vpg_gui.algo.policy import build_policy, numpy_copy
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig
from vpg_gui.errors import EpochCancelled


@pytest.mark.parametrize(("sizes", "activation"), [((32,), "tanh"), ((16, 8), "relu"), ((), "tanh")])
def test_numpy_copy_matches_the_torch_network(sizes, activation):
    torch.manual_seed(0)
    net = build_policy(4, sizes, 3, activation, discrete=True)
    obs = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    pol = numpy_copy(net, activation)
    with torch.no_grad():
        want = net(torch.from_numpy(obs)).numpy()
    np.testing.assert_allclose(pol.logits(obs), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(pol.greedy(obs), want.argmax(-1))


def test_sampled_actions_follow_the_policy_probabilities():
    torch.manual_seed(1)
    pol = numpy_copy(build_policy(4, (8,), 3, "tanh", discrete=True), "tanh")
    obs = np.zeros((20000, 4), np.float32)
    counts = np.bincount(pol.sample(obs, np.random.default_rng(0)), minlength=3) / len(obs)
    np.testing.assert_allclose(counts, pol.probs(obs[:1])[0], atol=0.015)


def test_cancelled_epoch_leaves_the_trainer_as_it_was():
    trainer = Trainer(TrainConfig(batch_steps=2000))
    before = [p.clone() for p in trainer.policy.parameters()]
    calls = []
    with pytest.raises(EpochCancelled):
        trainer.train_epoch(cancel=lambda: calls.append(1) or len(calls) > 5)
    assert trainer.epoch == 0
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.policy.parameters(), strict=True))
    assert trainer.train_epoch().epoch == 1
    trainer.close()
