"""SIGTERM is handled like Ctrl-C (exit 143, not 130): at start-up, mid-run, many at once; a long
update notices it between chunks; vpg-sweep stops its local Ray and everything it started."""

import glob
import signal
import subprocess
import sys
import tempfile

import numpy as np
import pytest
import torch

from vpg_gui.algo import budget
from vpg_gui.algo.checkpoint import load_checkpoint
from vpg_gui.algo.metrics import read_csv
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig
from vpg_gui.errors import EpochCancelled


def test_sigterm_during_start_up_is_one_line_and_exit_143(tmp_path, probed_start):
    proc = subprocess.Popen(
        [sys.executable, "-c", probed_start("train"), "--epochs", "1"], stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr.readline() == "up\n"
    proc.send_signal(signal.SIGTERM)  # while torch is loading
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err == "vpg-train: terminated\n", err


@pytest.mark.parametrize("sig, signals, code", [(signal.SIGTERM, 1, 143), (signal.SIGINT, 5, 130)])
def test_signals_mid_run_end_after_the_epoch_with_well_formed_files(tmp_path, probed_start, sig, signals, code):
    """However many arrive (a second Ctrl-C used to kill the process mid-write: -2)."""
    out = tmp_path / "run"
    cmd = [sys.executable, "-c", probed_start("train"), "--epochs", "0", "--batch-steps", "300"]
    proc = subprocess.Popen(
        [*cmd, "--out", str(out), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        for _ in range(3):
            proc.stdout.readline()
        for _ in range(signals):
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()  # a hang fails the test, and leaves no process behind
    assert proc.returncode == code, err
    assert err.rstrip().endswith("stopped after epoch " + err.rstrip().rpartition(" ")[2]) and "Traceback" not in err
    epochs = [s.epoch for s in read_csv(out / "metrics.csv")]
    assert epochs[:3] == [1, 2, 3] and len(load_checkpoint(out / "checkpoint.pt")["history"]) == len(epochs)


def test_a_long_update_notices_a_cancel_between_chunks_and_keeps_nothing(monkeypatch):
    trainer = Trainer(TrainConfig(batch_steps=2000, baseline="value", hidden_sizes=(16,)))
    trainer.train_epoch()
    before = {k: v.clone() for k, v in trainer.policy.state_dict().items()}
    value_before = {k: v.clone() for k, v in trainer.value.state_dict().items()}
    monkeypatch.setattr(budget, "BUDGET_BYTES", 20_000)  # many chunks
    sampled, polls = [], []
    collect = trainer.sampler.collect

    def collect_then_cancel(*args, **kwargs):
        batch = collect(*args, **kwargs)
        sampled.append(True)  # from here on, the update: cancel at its third poll
        return batch

    def cancel():
        polls.append(bool(sampled))
        return sum(polls) >= 3

    monkeypatch.setattr(trainer.sampler, "collect", collect_then_cancel)
    with pytest.raises(EpochCancelled):
        trainer.train_epoch(cancel=cancel)
    assert sum(polls) == 3  # polled in the update, and stopped at once
    assert len(trainer.history) == 1
    for now, then in ((trainer.policy.state_dict(), before), (trainer.value.state_dict(), value_before)):
        assert all(torch.equal(now[k], then[k]) for k in then)  # the value net's steps were undone
    monkeypatch.undo()
    assert np.isfinite(trainer.train_epoch().return_mean)  # and the run goes on
    trainer.close()


def test_sigterm_stops_a_sweep_and_its_local_ray_with_nothing_left_behind(tmp_path):
    temp = tempfile.gettempdir()
    before = set(glob.glob(f"{temp}/vpg-ray-*"))
    cmd = [sys.executable, "-m", "vpg_gui.cli.sweep", "--grid", "lr=0.01,0.02", "--epochs", "500"]
    proc = subprocess.Popen(
        [*cmd, "--batch-steps", "300", "--out", str(tmp_path / "sweep"), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: what it leaves behind can be found and ended
    )
    try:
        # Ray is up and trials are training once the progress bar counts epochs.
        line = b""
        while b"epochs=" not in line:
            line = proc.stderr.buffer.read1(4096)
            assert line, "the sweep ended before training"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        left = subprocess.run(["ps", "-o", "stat=,pid=,args=", "--sid", str(proc.pid)], capture_output=True, text=True)
        alive = [row for row in left.stdout.splitlines() if not row.lstrip().startswith("Z")]
        subprocess.run(["pkill", "-KILL", "-s", str(proc.pid)], check=False)  # stop exactly what it started
    assert proc.returncode == 143, err
    assert "sweep stopped;" in err and "Traceback" not in err and "SIGTERM received" not in err
    assert alive == [], alive
    assert set(glob.glob(f"{temp}/vpg-ray-*")) - before == set()  # its own Ray directory is gone
