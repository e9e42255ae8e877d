"""The window and hostile or failing files: no imports from files, remembered settings that are
not valid, a second window, an autosave directory that fails."""

import errno
import os
import subprocess
import sys

import pytest
import tomli_w

from vpg_gui.config import TrainConfig
from vpg_gui.formats.checked_text import HAND_WRITTEN
from vpg_gui.storage.autosave import LAST

FAST = TrainConfig(batch_steps=500, epochs=0, seed=1)


@pytest.fixture
def planted(tmp_path, monkeypatch, request):
    """(name, marker): a module, new to this test, that leaves the marker file if it is imported."""
    name = f"pwnmod_{request.node.name.removeprefix('test_')[:20]}"
    (tmp_path / f"{name}.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, tmp_path / "ran"
    sys.modules.pop(name, None)


def test_a_session_or_preset_naming_a_module_is_refused_and_nothing_changes(
    open_window, qtbot, tmp_path, planted, write_session
):
    module, ran = planted
    window = open_window(FAST)
    try:
        write_session(tmp_path / "evil.vpgsession", FAST.replace(lr=0.2, env_id=f"{module}:CartPole-v1"))
        (tmp_path / "evil.toml").write_text(f'{HAND_WRITTEN}\n[config]\nenv_id = "{module}:CartPole-v1"\n')
        before = window.controls.config()
        assert not window.files.open_session_file(tmp_path / "evil.vpgsession")
        assert f"names the module {module}" in window.statusBar().currentMessage()
        assert not window.files.open_preset_file(tmp_path / "evil.toml")
        assert window.controls.config() == before and not ran.exists()
    finally:
        window.close()


def test_a_module_typed_in_the_environment_box_is_the_users_word(open_window, qtbot, planted):
    module, ran = planted
    window = open_window(FAST)
    try:
        window.controls.choose_env(f"{module}:CartPole-v1")
        assert window.controls.config().env_id == f"{module}:CartPole-v1" and ran.exists()
    finally:
        window.close()


def test_remembered_settings_that_are_not_valid_are_dropped_with_a_message(
    open_window, qtbot, planted, private_settings
):
    module, ran = planted
    private_settings.mkdir(parents=True)
    settings = {
        "geometry": "garbage",
        "splitter": "also garbage",
        "config": TrainConfig().to_dict() | {"env_id": f"{module}:CartPole-v1"},
    }
    (private_settings / "vpg-gui-tests.toml").write_text(tomli_w.dumps(settings))
    window = open_window(None)
    try:
        message = window.statusBar().currentMessage()
        assert message.startswith("Dropped remembered settings that were not valid: the training settings (env_id")
        assert message.endswith("; geometry; splitter")
        assert window.controls.config() == TrainConfig() and not ran.exists()
    finally:
        window.close()
    assert 'geometry = "garbage"' not in (private_settings / "vpg-gui-tests.toml").read_text()  # dropped


@pytest.mark.parametrize("key", ["config", "saveFolder", "unused/key"])
def test_a_pickled_object_in_the_old_settings_file_never_runs(open_window, qtbot, planted, private_settings, key):
    """The three crafted files: a value PySide6 writes for a Python object (``@Variant``, a pickle
    of a class of the planted module), in a key the window reads, one a dialog reads, one unused."""
    module, ran = planted
    private_settings.mkdir(parents=True)
    legacy = private_settings / "vpg-gui-tests.conf"
    folder = "/home/lecturer/talks"
    write = (
        f"from PySide6.QtCore import QSettings; import {module}\n"
        f"s = QSettings({str(legacy)!r}, QSettings.Format.IniFormat)\n"
        f"s.setValue('saveFolder', {folder!r}); s.setValue({key!r}, {module}.Thing())\n"
        "s.sync()"
    )
    (ran.parent / f"{module}.py").write_text(f"open({str(ran)!r}, 'w').close()\nclass Thing:\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ran.parent), "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", write], check=True, env=env)
    assert "@Variant(" in legacy.read_text() and ran.exists()  # the file is what PySide6 writes, and it imports
    ran.unlink()
    window = open_window(None)
    try:
        message = window.statusBar().currentMessage()
        assert f"{key} (not plain text: vpg-gui never decodes a stored object" in message
        assert window.controls.config() == TrainConfig() and not ran.exists() and module not in sys.modules
        if key != "saveFolder":  # the plain values are taken over
            assert window.settings.get("saveFolder") == folder
    finally:
        window.close()
    assert not ran.exists()
    assert "@Variant" not in (private_settings / "vpg-gui-tests.toml").read_text()


def test_a_second_window_does_not_autosave_and_says_so(open_window, qtbot):
    first, second = open_window(FAST), open_window(FAST)
    try:
        for win in (first, second):
            win.step_button.click()
            qtbot.waitUntil(lambda w=win: len(w.history) == 1 and w.workspace.quiet, timeout=30000)
        assert first.workspace.autosave.last_run()[1] == first.history
        warning = second.findChild(type(second.autosave_warning), "autosaveWarning")
        assert warning.isVisible() and "another vpg-gui window" in warning.text()
        assert not first.autosave_warning.isVisible()
    finally:
        first.close()
        second.close()


def test_autosave_failing_mid_run_pauses_with_a_warning_and_training_goes_on(open_window, qtbot, monkeypatch):
    window = open_window(FAST)
    try:
        window.train_button.click()
        qtbot.waitUntil(lambda: len(window.history) >= 2, timeout=30000)

        def full(fd, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("vpg_gui.algo.metrics.os.write", full)  # the disk fills up
        qtbot.waitUntil(lambda: window.autosave_warning.isVisible(), timeout=30000)
        expected = f"Autosave paused: {window.workspace.autosave.directory / LAST}: No space left on device"
        assert window.autosave_warning.text().startswith(expected)
        reached = len(window.history)
        qtbot.waitUntil(lambda: len(window.history) >= reached + 2, timeout=30000)  # training goes on
        monkeypatch.undo()
        _, saved = window.workspace.autosave.last_run()
        assert saved and saved == window.history[: len(saved)]  # whole rows only
    finally:
        window.close()


def test_an_unusable_data_directory_is_a_warning_not_a_crash(open_window, qtbot, tmp_path, monkeypatch):
    (tmp_path / "not-a-dir").write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "not-a-dir"))
    window = open_window(FAST)
    try:
        window.step_button.click()
        qtbot.waitUntil(lambda: len(window.history) == 1 and window.workspace.quiet, timeout=30000)
        assert window.autosave_warning.isVisible() and "Not a directory" in window.autosave_warning.text()
    finally:
        window.close()


def test_a_session_opened_and_saved_again_before_train_keeps_its_runs(open_window, qtbot, tmp_path, write_session):
    from vpg_gui.algo.trainer import Trainer
    from vpg_gui.storage.session import read_session

    trainer = Trainer(FAST.replace(batch_steps=300))
    trainer.train_epoch()
    trainer.train_epoch()
    kept = (FAST.replace(lr=0.05), trainer.history[:1])
    write_session(tmp_path / "a.vpgsession", trainer.config, trainer.state(), kept=[kept])
    trainer.close()
    window = open_window(FAST)
    try:
        assert window.files.open_session_file(tmp_path / "a.vpgsession")
        for name in ("b.vpgsession", "a.vpgsession"):  # a new file, and over the same one
            window.files.save_session_file(tmp_path / name)
            qtbot.waitUntil(lambda n=name: window.statusBar().currentMessage().startswith("Session saved to"))
            window.statusBar().clearMessage()
            saved = read_session(tmp_path / name)
            assert [s.epoch for s in saved.live.history] == [1, 2] and saved.snapshot is not None
            assert [r.history for r in saved.kept] == [kept[1]]
    finally:
        window.close()
