"""Random things a user can do to the window: clicks, extreme and invalid values, resets, files,
panels. Used by test_reliability.py's fuzz test and by benchmarks/fuzz_gui.py."""

from __future__ import annotations

import random
from pathlib import Path

TEXTS = ["", "32", "64,64", "0", "-5", "abc", "1,2,3,4,5", "9999", " 16 , 16 ", "CartPole-v1", "Nope-v9", "é", "1e9"]


def random_action(window, rng: random.Random, folder: Path) -> str:
    """Do one random thing to the window; returns its name."""
    c, files = window.controls, window.files
    actions = {
        "train": window.train_button.click,
        "step": window.step_button.click,
        "stop": window.stop_button.click,
        "reset": window.reset_button.click,
        "play": window.render_panel.play_button.click,
        "lr": lambda: c.lr.setValue(rng.choice([1e-6, 1e-3, 0.01, 0.5, 10, 1e9, -1])),
        "lr_slider": lambda: c.lr_slider.setValue(rng.randint(-700, 200)),
        "batch": lambda: c.batch_steps.setValue(rng.choice([10, 100, 500, 5000, 10**7, -3])),
        "epochs": lambda: c.epochs.setValue(rng.choice([0, 1, 3, 10**9])),
        "gamma": lambda: c.gamma.setValue(rng.choice([0.0, 0.5, 0.99, 1.0, 7.0])),
        "weighting": lambda: c.weighting.setCurrentIndex(rng.randint(0, 1)),
        "baseline": lambda: c.baseline.setCurrentIndex(rng.randint(0, 1)),
        "value_lr": lambda: c.value_lr.setValue(rng.choice([1e-6, 0.01, 10, 1e9])),
        "value_iters": lambda: c.value_iters.setValue(rng.choice([0, 1, 25, 5000])),
        "gae_lambda": lambda: c.gae_lambda.setValue(rng.choice([-1.0, 0.0, 0.97, 1.0, 3.0])),
        "normalize": c.normalize.click,
        "entropy": lambda: c.entropy_coef.setValue(rng.choice([0.0, 0.01, 1.0, 9.0])),
        "diagnostic": lambda: window.plots.diagnostics.series.setCurrentIndex(rng.randint(0, 5)),
        "physics": lambda: rng.choice(list(c.physics.values())).setValue(rng.choice([-1.0, 0.05, 1.0, 9.8, 99.0])),
        "compare_env": lambda: c.choose_env(rng.choice(["Pendulum-v1", "CartPole-v1", "Acrobot-v1"])),
        "hidden": lambda: (c.hidden_sizes.setText(rng.choice(TEXTS)), c.hidden_sizes.textEdited.emit("")),
        "env": lambda: c.choose_env(rng.choice(TEXTS)),
        "seed": lambda: c.seed.setValue(rng.randint(-5, 2**31)),
        "num_envs": lambda: c.num_envs.setValue(rng.choice([0, 1, 7, 300])),
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
