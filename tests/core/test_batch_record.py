"""What each update did to its batch (algo/batch_record.py), headless: the record, its replay and
vpg-train --record-batches."""

import copy
import dataclasses
import zipfile

import numpy as np
import pytest
import torch

from vpg_gui.algo.batch_record import BatchRecord
from vpg_gui.algo.returns import advantages
from vpg_gui.algo.trainer import Trainer
from vpg_gui.cli.train import main
from vpg_gui.config import TrainConfig
from vpg_gui.envs.make import env_info, replay_states


def recorded(config: TrainConfig, epochs: int = 1) -> tuple[Trainer, BatchRecord]:
    trainer = Trainer(config, record_batches=True)
    for _ in range(epochs):
        trainer.train_epoch()
    return trainer, trainer.last_record


@pytest.mark.parametrize(
    "settings",
    [
        {"weighting": "episode-return"},
        {"weighting": "reward-to-go", "gamma": 0.9},
        {"weighting": "reward-to-go", "normalize_advantages": True},
        {"baseline": "value", "gae_lambda": 0.8},
    ],
)
def test_the_records_weights_are_the_updates_weights(settings):
    config = TrainConfig(batch_steps=600, seed=3, **settings)
    trainer, record = recorded(config, epochs=2)
    trainer.close()
    values = record.values if config.baseline == "value" else None
    expected = advantages(
        record.rewards, record.lengths, config.gamma, config.weighting, values, config.gae_lambda,
        config.normalize_advantages,
    )  # fmt: skip
    assert np.array_equal(record.weights, expected)
    assert len(record.values) == (record.lengths.sum() if values is not None else 0)
    assert np.array_equal(record.returns, np.add.reduceat(record.rewards, record.starts))


@pytest.mark.parametrize("diagnostics", [True, False])
def test_delta_logp_is_the_log_probability_after_the_update_minus_before(diagnostics):
    trainer = Trainer(TrainConfig(batch_steps=500, seed=2, entropy_coef=0.01), diagnostics, record_batches=True)
    trainer.train_epoch()
    before = copy.deepcopy(trainer.policy)
    trainer.train_epoch()
    record = trainer.last_record
    obs, act = torch.from_numpy(record.obs), torch.from_numpy(record.actions)
    with torch.no_grad():
        for net, logp in ((before, record.logp_before), (trainer.policy, record.logp_after)):
            direct = net.distribution(net.evaluate(obs)).log_prob(act).numpy()
            assert np.allclose(direct, logp, atol=1e-6)
    assert np.abs(record.delta_logp).max() > 0
    trainer.close()


def test_recording_changes_no_number_of_the_training():
    runs = []
    for record in (False, True):
        trainer = Trainer(TrainConfig(batch_steps=500, seed=4), record_batches=record)
        history = [trainer.train_epoch() for _ in range(3)]
        runs.append(([dataclasses.replace(s, seconds=0, steps_per_s=0) for s in history], trainer.state()["policy"]))
        trainer.close()
    (h1, p1), (h2, p2) = runs
    assert h1 == h2 and all(np.array_equal(p1[k], p2[k]) for k in p1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_with_a_small_learning_rate_the_update_makes_weighted_up_actions_more_likely(seed):
    trainer, record = recorded(TrainConfig(batch_steps=2000, seed=seed, lr=1e-3, weighting="reward-to-go"), 2)
    trainer.close()
    assert record.slope() > 0 and record.correlation() > 0.05


@pytest.mark.parametrize(
    "env_id, physics", [("CartPole-v1", ()), ("CartPole-v1", (("length", 1.5),)), ("Acrobot-v1", ())]
)
def test_replaying_a_batch_episode_reproduces_its_observations_exactly(env_id, physics):
    trainer, record = recorded(TrainConfig(env_id=env_id, batch_steps=600, seed=5, physics=physics))
    trainer.close()
    info = env_info(env_id)
    for i in range(len(record.lengths)):
        episode = record.episode(i)
        replayed = replay_states(info, episode["start_state"], episode["obs"][0], episode["actions"], dict(physics))
        assert np.array_equal(replayed, episode["obs"]), (env_id, i)


def test_record_batches_files_load_without_pickle_and_match_the_run(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["--epochs", "2", "--batch-steps", "400", "--seed", "1", "--out", str(out), "--record-batches"]) == 0
    files = sorted((out / "batches").iterdir())
    assert [f.name for f in files] == ["epoch-0001.npz", "epoch-0002.npz"]
    with np.load(files[1], allow_pickle=False) as data:  # plain arrays only: no object array needs pickle
        assert {"lengths", "returns", "weights", "logp_before", "logp_after"} <= set(data.files)
        assert all(data[name].dtype != object for name in data.files)
    record = BatchRecord.load(files[1])
    assert record.epoch == 2 and record.weighting == "R(tau)" and record.lengths.sum() >= 400

    with zipfile.ZipFile(files[0]) as good:
        entries = {name: good.read(name) for name in good.namelist()}
    entries["lengths.npy"] = _object_npy()  # an object array where a number array belongs
    with zipfile.ZipFile(files[0], "w") as damaged:
        for name, data in entries.items():
            damaged.writestr(name, data)
    with pytest.raises(ValueError, match="epoch-0001.npz: not a batch record"):
        BatchRecord.load(files[0])
    assert main(["--epochs", "1", "--record-batches"]) == 2
    assert capsys.readouterr().err.endswith("--record-batches: needs --out DIR (the records go to DIR/batches/)\n")


def _object_npy() -> bytes:
    import io

    data = io.BytesIO()
    np.save(data, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return data.getvalue()


@pytest.mark.parametrize("env_id, hidden", [("CartPole-v1", (32,)), ("CartPole-v1", (16, 8)), ("Pendulum-v1", (16,))])
def test_the_records_gradient_variance_is_the_trainers_so_a_what_if_is_comparable(env_id, hidden):
    config = TrainConfig(env_id=env_id, hidden_sizes=hidden, activation="relu", batch_steps=1500, seed=1)
    trainer = Trainer(config, record_batches=True)
    trainer.train_epoch()
    stats = trainer.train_epoch()
    record = trainer.last_record
    trainer.close()
    assert record.gradient_variance() == pytest.approx(stats.grad_var, rel=1e-3)
    rtg = record.gradient_variance(record.what_if("reward-to-go"))
    assert 0 < rtg < record.gradient_variance()  # reward-to-go: the same gradient, less noise
