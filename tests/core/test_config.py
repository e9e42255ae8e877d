import pytest

from vpg_gui.config import (
    COLD_FIELDS,
    HOT_FIELDS,
    ConfigError,
    TrainConfig,
    cold_changes,
    format_sizes,
    parse_sizes,
)


def test_defaults_are_the_posts_setup():
    cfg = TrainConfig().validate()
    assert (cfg.env_id, cfg.hidden_sizes, cfg.activation, cfg.lr, cfg.batch_steps) == (
        "CartPole-v1",
        (32,),
        "tanh",
        1e-2,
        5000,
    )
    assert (cfg.epochs, cfg.gamma, cfg.weighting, cfg.seed, cfg.num_envs) == (50, 1.0, "episode-return", 0, 0)


def test_hot_and_cold_fields():
    assert {"lr", "batch_steps", "gamma", "weighting"} <= HOT_FIELDS
    assert {"env_id", "hidden_sizes", "activation", "seed", "num_envs"} <= COLD_FIELDS
    assert cold_changes(TrainConfig(), TrainConfig(lr=0.5, seed=3)) == ["seed"]


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("lr", 0.0, "between 1e-06 and 10"),
        ("lr", float("nan"), "between"),
        ("lr", 11.0, "between"),
        ("batch_steps", 5, "between 10 and"),
        ("batch_steps", 100.5, "whole number"),
        ("epochs", -1, "between 0"),
        ("gamma", 1.5, "between 0 and 1"),
        ("seed", -3, "between 0"),
        ("num_envs", 1000, "between 0 and 256"),
        ("weighting", "rtg", "episode-return, reward-to-go"),
        ("activation", "sigmoid", "tanh, relu"),
        ("hidden_sizes", (0,), "between 1 and 1024"),
        ("hidden_sizes", (8, 8, 8, 8, 8), "up to 4"),
        ("env_id", "CartPol-v1", "did you mean CartPole-v1"),
    ],
)
def test_validate_names_field_value_and_allowed_range(field, value, allowed):
    with pytest.raises(ConfigError) as err:
        TrainConfig(**{field: value}).validate()
    message = str(err.value)
    assert message.startswith(f"{field} = ")
    shown = format_sizes(value) if field == "hidden_sizes" else repr(value)
    assert shown[:6] in message
    assert allowed in message
    assert err.value.field == field


def test_from_dict_round_trip_and_refusals():
    cfg = TrainConfig(lr=0.03, hidden_sizes=(16, 8), weighting="reward-to-go")
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown setting 'learning_rate'"):
        TrainConfig.from_dict({"learning_rate": 0.1})
    with pytest.raises(ConfigError, match="env_id = 5: must be text"):
        TrainConfig.from_dict({"env_id": 5})
    with pytest.raises(ConfigError, match="lr = 'fast'"):
        TrainConfig.from_dict({"lr": "fast"})


def test_parse_sizes():
    assert parse_sizes("64, 64") == (64, 64)
    assert parse_sizes("") == ()
    with pytest.raises(ConfigError, match="hidden_sizes = '3,x'"):
        parse_sizes("3,x")


def test_an_env_needing_a_missing_package_says_which():
    import gymnasium as gym

    from vpg_gui.envs.make import env_info

    def needs_box2d(**kwargs):
        raise gym.error.DependencyNotInstalled('Box2D is not installed, run `pip install "gymnasium[box2d]"`')

    if "VpgTest/NeedsBox2D-v0" not in gym.envs.registry:
        gym.register("VpgTest/NeedsBox2D-v0", entry_point=needs_box2d)
    with pytest.raises(ConfigError, match=r"NeedsBox2D-v0.*pip install \"gymnasium\[box2d\]\"") as err:
        env_info("VpgTest/NeedsBox2D-v0")
    assert err.value.field == "env_id"


def test_image_observations_are_refused_with_a_message():
    import gymnasium as gym
    import numpy as np

    from vpg_gui.envs.make import env_info

    class Pixels(gym.Env):
        observation_space = gym.spaces.Box(0, 255, (8, 8, 3), np.uint8)
        action_space = gym.spaces.Discrete(2)

    if "VpgTest/Pixels-v0" not in gym.envs.registry:
        gym.register("VpgTest/Pixels-v0", entry_point=Pixels)
    with pytest.raises(ConfigError, match="observations are images .*takes flat vectors"):
        env_info("VpgTest/Pixels-v0")
