"""Physics knobs: they change the dynamics of every env copy, and bad knobs are refused."""

import gymnasium as gym
import numpy as np
import pytest

from vpg_gui.algo.trainer import Trainer
from vpg_gui.cli.train import main
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.envs.make import env_info, make_vector_env
from vpg_gui.envs.physics import apply_physics

ACTIONS = [1, 0, 1, 1, 0, 0, 1, 0]


def final_obs(env, actions, vector):
    obs, _ = env.reset(seed=3)
    for a in actions:
        obs, *_ = env.step(np.array([a] * env.num_envs) if vector else a)
    return np.asarray(obs)


@pytest.mark.parametrize("vector", [False, True])
def test_cartpole_knobs_change_what_a_fixed_action_sequence_does(vector):
    env = make_vector_env(env_info("CartPole-v1"), 3) if vector else gym.make("CartPole-v1")
    default = final_obs(env, ACTIONS, vector)
    for knob in ({"gravity": 20.0}, {"length": 1.5}, {"masspole": 1.0}, {"force_mag": 30.0}):
        apply_physics(env, knob)
        assert not np.allclose(final_obs(env, ACTIONS, vector), default), knob
    apply_physics(env, {})  # back to the defaults
    assert np.allclose(final_obs(env, ACTIONS, vector), default)
    env.close()


def test_pendulum_knobs_reach_every_copy_of_a_sync_vector_env():
    env = make_vector_env(env_info("Pendulum-v1"), 2)
    torques = [np.full((2, 1), 2.0, np.float32)] * 5
    env.reset(seed=3)
    before = [env.step(t)[0] for t in torques][-1]
    apply_physics(env, {"g": 25.0, "max_torque": 0.5})
    assert all(e.unwrapped.g == 25.0 and e.unwrapped.max_torque == 0.5 for e in env.envs)
    env.reset(seed=3)
    after = [env.step(t)[0] for t in torques][-1]
    assert not np.allclose(before, after)
    env.close()


def test_knobs_are_hot_and_recorded_per_epoch():
    trainer = Trainer(TrainConfig(batch_steps=300, seed=0))
    assert trainer.train_epoch().physics == ""
    trainer.apply(trainer.config.replace(physics=(("gravity", 15.0),)))
    assert trainer.train_epoch().physics == "gravity=15"
    assert trainer.sampler.env.unwrapped.gravity == 15.0
    trainer.close()


def test_bad_knobs_are_refused_naming_the_knob():
    with pytest.raises(ConfigError, match="CartPole-v1 has no knob 'g' .*gravity, length, masspole, force_mag"):
        TrainConfig(physics=(("g", 10.0),)).validate()
    with pytest.raises(ConfigError, match="gravity must be between 1 and 30"):
        TrainConfig(physics=(("gravity", 100.0),)).validate()
    with pytest.raises(ConfigError, match="Acrobot-v1 has no knob 'gravity' .*none"):
        TrainConfig(env_id="Acrobot-v1", physics=(("gravity", 10.0),)).validate()
    assert TrainConfig.from_dict({"physics": {"gravity": 12, "length": 0.8}}).physics == (
        ("gravity", 12.0),
        ("length", 0.8),
    )


def test_cli_physics_flag(tmp_path, capsys):
    from vpg_gui.algo.metrics import read_csv

    out = tmp_path / "run"
    args = ["--epochs", "1", "--batch-steps", "300", "--physics", "gravity=12,length=0.8", "--out", str(out)]
    assert main(args) == 0
    assert read_csv(out / "metrics.csv")[0].physics == "gravity=12,length=0.8"
    with pytest.raises(SystemExit):
        main(["--physics", "gravity"])
    assert "--physics" in capsys.readouterr().err
    assert main(["--physics", "gravity=99"]) == 2
    assert "--physics gravity=99: gravity must be between 1 and 30" in capsys.readouterr().err
