"""The built-in presets: every one loads, validates and names a distinct step of the story."""

from vpg_gui.storage.presets import builtin_presets, load_preset


def test_every_builtin_preset_loads_and_validates():
    presets = [load_preset(path) for path in builtin_presets()]
    assert len(presets) >= 7
    titles = [p.title for p in presets]
    assert len(set(titles)) == len(titles) and all(p.description for p in presets)
    assert {p.config.env_id for p in presets} >= {"CartPole-v1", "Acrobot-v1", "Pendulum-v1"}
    for p in presets:
        assert p.config.validate() is p.config
