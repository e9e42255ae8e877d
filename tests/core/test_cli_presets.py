"""vpg-train --preset, --tensorboard and its last line; python -m vpg_gui."""

import os
import struct
import subprocess
import sys

import pytest

from vpg_gui.algo.metrics import read_csv
from vpg_gui.cli.train import main
from vpg_gui.formats.checked_text import checked_toml

TINY = ["--batch-steps", "300", "--hidden-sizes", "8"]


def test_a_preset_by_number_with_flags_overriding_it(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["--preset", "5", "--lr", "0.02", "--epochs", "2", *TINY, "--out", str(out)]) == 0
    config = checked_toml((out / "config.toml").read_text(), "config.toml")
    assert config["baseline"] == "value" and config["normalize_advantages"] is True  # preset 5's
    assert config["lr"] == 0.02 and config["hidden_sizes"] == [8]  # the flags'
    last = capsys.readouterr().err.strip().splitlines()[-1]
    best = max(s.return_mean for s in read_csv(out / "metrics.csv"))
    assert last.startswith("vpg-train: 2 epochs, best mean return ") and f"{best:.1f}" in last
    assert "not solved (475)" in last and last.endswith(f"; files in {out}")


def test_presets_by_name_and_file_and_bad_ones(tmp_path, capsys, one_line):
    assert main(["--preset", "reward-to-go", "--epochs", "1", *TINY]) == 0
    assert capsys.readouterr().err.strip().endswith("nothing kept (no --out)")
    mine = tmp_path / "mine.toml"
    mine.write_text('# vpg-gui sha256: none\ntitle = "mine"\n[config]\nlr = 0.2\n')
    assert main(["--preset", str(mine), "--epochs", "1", *TINY, "--json"]) == 0
    assert '"lr": 0.2' in capsys.readouterr().out
    for argv in (["--preset", "nope"], ["--preset", str(tmp_path / "missing.toml")]):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert one_line(err) and "--preset" in err
    assert main(["--preset", "2", "--resume", str(tmp_path / "c.pt")]) == 2
    assert "cannot be combined with --resume" in capsys.readouterr().err


def test_a_presets_module_env_is_never_imported(tmp_path):
    (tmp_path / "plantedenv.py").write_text("open('IMPORTED', 'w').close()\n")
    bad = tmp_path / "bad.toml"
    bad.write_text('# vpg-gui sha256: none\n[config]\nenv_id = "plantedenv:Planted-v0"\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "vpg_gui.cli.train", "--preset", str(bad), "--epochs", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and not (tmp_path / "IMPORTED").exists()


def scalars(path):
    """(tag, step, value) of every scalar in a TensorBoard event file (TFRecord framing)."""
    from tensorboardX.proto import event_pb2

    data, found, at = path.read_bytes(), [], 0
    while at < len(data):
        (length,) = struct.unpack("<Q", data[at : at + 8])
        event = event_pb2.Event.FromString(data[at + 12 : at + 12 + length])
        at += 12 + length + 4
        found += [(v.tag, event.step, v.simple_value) for v in event.summary.value]
    return found


def test_tensorboard_gets_every_numeric_metric_per_epoch(tmp_path):
    assert main(["--epochs", "3", *TINY, "--out", str(tmp_path / "run"), "--tensorboard", str(tmp_path / "tb")]) == 0
    (events,) = (tmp_path / "tb").glob("events.out.tfevents.*")
    logged = {(tag, step): value for tag, step, value in scalars(events)}
    history = read_csv(tmp_path / "run" / "metrics.csv")
    assert {step for _, step in logged} == {1, 2, 3}
    for stats in history:
        assert logged[("vpg/return_mean", stats.epoch)] == pytest.approx(stats.return_mean, rel=1e-6)
        assert logged[("vpg/grad_var", stats.epoch)] == pytest.approx(stats.grad_var, rel=1e-6)
    assert "vpg/weighting" not in {tag for tag, _ in logged}  # text columns are not scalars


def test_python_m_vpg_gui_is_the_window_command():
    done = subprocess.run([sys.executable, "-m", "vpg_gui", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("usage: vpg-gui")
