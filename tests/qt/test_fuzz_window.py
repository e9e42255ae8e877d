"""Random things a user can do to the window while it trains: clicks, extreme and invalid values,
resets, files, panels. Any uncaught exception in a slot fails the test (pytest-qt).

    .venv/bin/python -m pytest tests/qt/test_fuzz_window.py                            # 150 actions
    VPG_FUZZ_ACTIONS=1000 VPG_FUZZ_SEED=3 .venv/bin/python -m pytest tests/qt/test_fuzz_window.py -s
"""

import os
import random
from pathlib import Path

from PySide6.QtWidgets import QApplication, QSlider

TEXTS = ["", "32", "64,64", "0", "-5", "abc", "1,2,3,4,5", "9999", " 16 , 16 ", "CartPole-v1", "Nope-v9", "é", "1e9"]


def random_action(window, rng: random.Random, folder: Path) -> str:
    """Do one random thing to the window; returns its name."""
    c, files = window.controls, window.files
    sizes = c.fields["hidden_sizes"]
    actions = {
        "train": window.train_button.click,
        "step": window.step_button.click,
        "stop": window.stop_button.click,
        "reset": window.reset_button.click,
        "play": window.render_panel.play_button.click,
        "lr": lambda: c.fields["lr"].setValue(rng.choice([1e-6, 1e-3, 0.01, 0.5, 10, 1e9, -1])),
        "lr_slider": lambda: c.findChild(QSlider, "lrSlider").setValue(rng.randint(-700, 200)),
        "batch": lambda: c.fields["batch_steps"].setValue(rng.choice([10, 100, 500, 5000, 10**7, -3])),
        "epochs": lambda: c.fields["epochs"].setValue(rng.choice([0, 1, 3, 10**9])),
        "gamma": lambda: c.fields["gamma"].setValue(rng.choice([0.0, 0.5, 0.99, 1.0, 7.0])),
        "weighting": lambda: c.fields["weighting"].setCurrentIndex(rng.randint(0, 1)),
        "baseline": lambda: c.fields["baseline"].setCurrentIndex(rng.randint(0, 1)),
        "value_lr": lambda: c.fields["value_lr"].setValue(rng.choice([1e-6, 0.01, 10, 1e9])),
        "value_iters": lambda: c.fields["value_iters"].setValue(rng.choice([0, 1, 25, 5000])),
        "gae_lambda": lambda: c.fields["gae_lambda"].setValue(rng.choice([-1.0, 0.0, 0.97, 1.0, 3.0])),
        "normalize": c.fields["normalize_advantages"].click,
        "entropy": lambda: c.fields["entropy_coef"].setValue(rng.choice([0.0, 0.01, 1.0, 9.0])),
        "diagnostic": lambda: window.plots.diagnostics.series.setCurrentIndex(rng.randint(0, 5)),
        "physics": lambda: rng.choice(list(c.physics.values())).setValue(rng.choice([-1.0, 0.05, 1.0, 9.8, 99.0])),
        "compare_env": lambda: c.choose_env(rng.choice(["Pendulum-v1", "CartPole-v1", "Acrobot-v1"])),
        "hidden": lambda: (sizes.setText(rng.choice(TEXTS)), sizes.textEdited.emit("")),
        "env": lambda: c.choose_env(rng.choice(TEXTS)),
        "seed": lambda: c.fields["seed"].setValue(rng.randint(-5, 2**31)),
        "num_envs": lambda: c.fields["num_envs"].setValue(rng.choice([0, 1, 7, 300])),
        "speed": lambda: window.render_panel.speed.setCurrentIndex(rng.randint(0, 4)),
        "greedy": window.render_panel.greedy.click,
        "smoothing": lambda: window.smoothing.setValue(rng.choice([0, 0.5, 0.99, 5])),
        "clear_runs": window.clear_runs_action.trigger,
        "restore_defaults": window.restore_defaults_action.trigger,
        "presentation": window.presentation_action.trigger,
        "csv": lambda: files.export_csv_file(folder / "m.csv"),
        "png": lambda: files.export_plots(folder / "p.png"),
        "session": lambda: files.save_session_file(folder / "s.vpgsession"),
        "open_session": lambda: (folder / "s.vpgsession").exists() and files.open_session_file(folder / "s.vpgsession"),
        "bad_session": lambda: files.open_session_file(folder / "m.csv"),
        "preset": lambda: window.preset_combo.activated.emit(rng.randint(0, window.preset_combo.count() - 1)),
        "resize": lambda: window.resize(rng.randint(200, 1800), rng.randint(150, 1000)),
        "splitter": lambda: window.splitter.setSizes([rng.randint(0, 600) for _ in range(3)]),
    }
    name = rng.choice(sorted(actions))
    actions[name]()
    return name


def test_fuzz_random_actions_during_training(qtbot, window, tmp_path):
    actions = int(os.environ.get("VPG_FUZZ_ACTIONS", "150"))
    rng = random.Random(int(os.environ.get("VPG_FUZZ_SEED", "7")))
    window.train_button.click()
    done: dict[str, int] = {}
    for _ in range(actions):
        name = random_action(window, rng, tmp_path)
        done[name] = done.get(name, 0) + 1
        QApplication.processEvents()  # queued epochs and repaints interleave with the actions
    epochs = len(window.history)
    window.close()
    assert window.jobs.running() == []
    print(f"{actions} random actions ({len(done)} kinds); the live run had {epochs} epochs at the end")
