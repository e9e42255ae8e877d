"""Other environments in the window: physics knobs, continuous actions, thresholds."""

import numpy as np
from PySide6.QtWidgets import QDoubleSpinBox


def knob(window, name):
    return window.findChild(QDoubleSpinBox, f"physics_{name}")


def test_cartpole_knobs_are_hot_marked_and_reach_the_replay(qtbot, window, step, vertical_lines):
    assert all(not knob(window, n).isHidden() for n in ("gravity", "length", "masspole", "force_mag"))
    assert knob(window, "g").isHidden() and knob(window, "gravity").value() == 9.8
    step(window)
    knob(window, "gravity").setValue(15.0)
    step(window)
    assert [s.physics for s in window.history] == ["", "gravity=15"]
    assert 2 in [line.value() for line in vertical_lines(window.plots.return_plot)]  # marked where it took effect
    window.render_panel.play_button.click()
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) > 2)
    assert window.render_panel.player.env.unwrapped.gravity == 15.0
    window.render_panel.play_button.click()
    window.reset_button.click()  # Reset restores the defaults (no preset set them)
    assert knob(window, "gravity").value() == 9.8 and window.controls.config().physics == ()


def test_a_preset_with_physics_survives_reset(qtbot, window, tmp_path, fast):
    from vpg_gui.storage.presets import Preset, save_preset

    path = tmp_path / "moon.toml"
    save_preset(path, Preset("Moon", "low gravity", fast.replace(physics=(("gravity", 1.6),))))
    assert window.files.open_preset_file(path)
    assert knob(window, "gravity").value() == 1.6
    window.reset_button.click()
    assert window.controls.config().physics == (("gravity", 1.6),)


def test_pendulum_trains_with_a_gaussian_policy_and_shows_mean_and_std(qtbot, window, step):
    window.controls.choose_env("Pendulum-v1")
    assert not knob(window, "g").isHidden() and knob(window, "gravity").isHidden()
    window.controls.fields["batch_steps"].setValue(400)
    step(window, 2)
    assert not window.plots.threshold.isVisible()  # Pendulum's spec has no reward threshold
    assert all(np.isfinite(s.return_mean) and s.return_mean < 0 for s in window.history)
    window.render_panel.play_button.click()
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) > 2)
    view = window.render_panel.action_probs
    assert view.names == ("torque",) and view.gaussian is not None
    mean, std, low, high = view.gaussian
    assert std[0] > 0 and low[0] == -2.0 and high[0] == 2.0
    assert window.render_panel.heatmap.isHidden()


def test_an_episode_gif_replays_with_the_physics_it_was_played_under(qtbot, window, step, tmp_path):
    import imageio.v2 as imageio

    from vpg_gui.playback.episode import replay_frames

    knob(window, "length").setValue(1.5)  # a pole three times as long
    step(window)
    window.render_panel.play_button.click()
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) > 3)
    window.render_panel.play_button.click()
    env_id, seed, actions, _, physics = window.render_panel.current_episode()
    assert physics == {"length": 1.5}
    window.files.export_episode_gif_file(tmp_path / "e.gif")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("GIF saved to"), timeout=30000)
    first = imageio.mimread(tmp_path / "e.gif")[0][..., :3]
    long_pole = next(replay_frames(env_id, seed, actions, physics))
    default = next(replay_frames(env_id, seed, actions))
    assert first.shape == long_pole.shape == (400, 600, 3)
    assert np.abs(first.astype(int) - long_pole).mean() < np.abs(first.astype(int) - default).mean()
