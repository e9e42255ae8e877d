import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from PySide6.QtWidgets import QCheckBox, QSlider

from vpg_gui.config import TrainConfig
from vpg_gui.qt.app import main
from vpg_gui.qt.views.controls import ControlsPanel


def test_controls_bind_both_ways(qtbot):
    config = TrainConfig(
        env_id="Acrobot-v1",
        lr=0.003,
        batch_steps=2500,
        epochs=0,
        hidden_sizes=(64, 64),
        seed=9,
        weighting="reward-to-go",
        gamma=0.99,
        activation="relu",
        baseline="value",
        value_lr=0.002,
        value_iters=40,
        gae_lambda=0.9,
        normalize_advantages=True,
        entropy_coef=0.01,
    )
    panel = ControlsPanel(TrainConfig())
    qtbot.addWidget(panel)
    panel.set_config(config)
    assert panel.config() == config
    assert panel.findChild(object, "epochsSpin").text() == "until stopped"

    with qtbot.waitSignal(panel.edited):
        panel.findChild(QSlider, "lrSlider").setValue(-100)  # log scale: 10^-1
    assert panel.config().lr == 0.1 and panel.fields["lr"].value() == 0.1
    panel.fields["batch_steps"].setValue(800)
    panel.fields["weighting"].setCurrentText("episode-return")
    assert (panel.config().batch_steps, panel.config().weighting) == (800, "episode-return")


def test_the_form_is_generated_from_the_settings_metadata(qtbot):
    panel = ControlsPanel(TrainConfig())
    qtbot.addWidget(panel)
    for field in dataclasses.fields(TrainConfig):
        meta = field.metadata
        if field.name == "physics":  # the env's knobs: tests/qt/test_envs.py
            continue
        widget = panel.fields[field.name]
        assert widget.toolTip() == meta["help"], field.name
        if meta["min"] is not None:
            assert (widget.minimum(), widget.maximum()) == (meta["min"], meta["max"]), field.name
        if meta["choices"] is not None:
            assert [widget.itemText(i) for i in range(widget.count())] == list(meta["choices"]), field.name
        shown = widget.text() if isinstance(widget, QCheckBox) else panel.rows[field.name].parent().layout()
        if isinstance(widget, QCheckBox):
            assert shown == meta["label"]
        else:
            label = shown.labelForField(panel.rows[field.name])
            assert label.text() == meta["label"] and label.toolTip() == meta["help"], field.name


def test_bad_flag_is_one_line_and_exit_2(capsys):
    assert main(["--lr", "0"]) == 2
    assert capsys.readouterr().err == "vpg-gui: error: --lr 0.0: must be between 1e-06 and 10\n"


SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from vpg_gui.qt import app as vpg_app

    qt_app = QApplication(sys.argv[:1])
    seen = {}

    def poll():
        windows = [w for w in qt_app.topLevelWidgets() if w.objectName() == "mainWindow"]
        if not windows:
            return
        window = windows[0]
        seen.setdefault("lr", window.controls.fields["lr"].value())
        seen.setdefault("epochs", window.controls.fields["epochs"].value())
        if window.history:  # --autostart trained an epoch: close mid-training
            window.close()

    timer = QTimer(interval=20, timeout=poll)
    timer.start()
    code = vpg_app.main(["--autostart", "--lr", "0.02", "--epochs", "7", "--batch-steps", "300", *sys.argv[1:]])
    print(seen["lr"], seen["epochs"], code)
    sys.exit(code)
    """
)


def test_launch_prefills_autostarts_and_closes_cleanly_mid_training():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0.02", "7", "0"]
    assert "QThread" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_bad_session_argument_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "x.vpgsession"
    bad.write_bytes(b"garbage")
    assert main([str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vpg-gui: error: ") and err.count("\n") == 1 and "not a vpg-gui session" in err


def test_launch_with_a_session_file_opens_it(tmp_path, write_session):
    from vpg_gui.algo.trainer import Trainer

    trainer = Trainer(TrainConfig(lr=0.03, batch_steps=300))
    trainer.train_epoch()
    write_session(tmp_path / "s.vpgsession", trainer.config, trainer.state())
    trainer.close()
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "s.vpgsession")], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[0] == "0.03"  # the session's settings, not the flags'


def test_window_module_does_not_load_torch_at_start_up():
    code = "import sys, vpg_gui.qt.app, vpg_gui.qt.main_window; sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_no_display_is_one_line_not_an_abort():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "vpg_gui.qt.app"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("vpg-gui: error: no display") and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_close_the_window_as_quit_does(tmp_path, sig):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "vpg_gui.qt.app", "--autostart", "--batch-steps", "300", "--epochs", "0"]
    gui = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not [p for p in tmp_path.rglob("last-run.csv") if len(p.read_text().splitlines()) > 2]:
            assert gui.poll() is None and time.monotonic() < deadline, gui.communicate()[1]
            time.sleep(0.1)  # polling a file another process writes
        gui.send_signal(sig)
        _, err = gui.communicate(timeout=60)
    finally:
        gui.kill()
    assert gui.returncode == 0 and "Traceback" not in err
    assert list(tmp_path.rglob("previous-run.csv")) and not list(tmp_path.rglob("last-run.csv"))  # a clean close
