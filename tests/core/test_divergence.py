import numpy as np
import pytest
import torch

from vpg_gui.algo import trainer as trainer_module
from vpg_gui.algo.adam import Adam
from vpg_gui.algo.trainer import Trainer, TrainingDiverged
from vpg_gui.cli.train import main
from vpg_gui.config import TrainConfig

SMALL = TrainConfig(batch_steps=500, seed=3)


def params(trainer):
    return [p.detach().clone() for p in trainer.policy.parameters()]


def test_non_finite_loss_is_refused_and_the_trainer_is_untouched(monkeypatch):
    trainer = Trainer(SMALL)
    trainer.train_epoch()
    before = params(trainer)
    monkeypatch.setattr(trainer_module, "advantages", lambda *a: np.full(len(a[0]), np.inf))
    with pytest.raises(TrainingDiverged, match="Epoch 2: the loss became .*after epoch 1.*smaller learning rate"):
        trainer.train_epoch()
    assert trainer.epoch == 1
    assert all(torch.equal(a, b) for a, b in zip(before, params(trainer), strict=True))
    monkeypatch.undo()
    assert trainer.train_epoch().epoch == 2  # resumable
    trainer.close()


def test_a_step_that_makes_a_weight_infinite_is_undone(monkeypatch):
    trainer = Trainer(SMALL)
    trainer.train_epoch()
    before = params(trainer)
    adam_state = {k: v.clone() for k, v in trainer.optimizer.state_dict()["state"][0].items()}
    real_step = Adam.step

    def poisoned_step(self, *args, **kwargs):
        real_step(self, *args, **kwargs)
        with torch.no_grad():
            next(trainer.policy.parameters())[0, 0] = float("inf")

    monkeypatch.setattr(Adam, "step", poisoned_step)
    with pytest.raises(TrainingDiverged, match="a weight became NaN or infinite"):
        trainer.train_epoch()
    assert all(torch.equal(a, b) for a, b in zip(before, params(trainer), strict=True))
    assert torch.equal(trainer.optimizer.state_dict()["state"][0]["exp_avg"], adam_state["exp_avg"])
    trainer.close()


def test_cli_stops_with_one_line_and_keeps_the_last_good_epoch(monkeypatch, tmp_path, capsys):
    calls = {"n": 0}
    real = trainer_module.advantages

    def nan_at_epoch_3(*args):
        calls["n"] += 1
        return real(*args) * (np.nan if calls["n"] == 3 else 1)

    monkeypatch.setattr(trainer_module, "advantages", nan_at_epoch_3)
    assert main(["--epochs", "5", "--batch-steps", "300", "--out", str(tmp_path / "run")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("vpg-train: error: Epoch 3: the loss became nan")
    from vpg_gui.algo.checkpoint import load_checkpoint

    assert len(load_checkpoint(tmp_path / "run" / "checkpoint.pt")["history"]) == 2


def test_a_value_fit_gone_wrong_restores_both_networks(monkeypatch):
    trainer = Trainer(SMALL.replace(baseline="value"))
    trainer.train_epoch()
    before = params(trainer), [p.detach().clone() for p in trainer.value.parameters()]
    real_fit = Trainer.fit_value

    def blown_fit(self, *args):
        real_fit(self, *args)  # moves the value net, then reports a non-finite error
        return float("nan")

    monkeypatch.setattr(Trainer, "fit_value", blown_fit)
    with pytest.raises(TrainingDiverged, match="value network's fit.*smaller value learning rate"):
        trainer.train_epoch()
    assert all(torch.equal(a, b) for a, b in zip(before[0], params(trainer), strict=True))
    assert all(torch.equal(a, b) for a, b in zip(before[1], trainer.value.parameters(), strict=True))
    trainer.close()
