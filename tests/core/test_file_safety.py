"""Files cannot be turned against the user: no imports from files, one writer per run directory,
--out only where a run belongs, one line for OS faults, checksums, finite weights, small things."""

import importlib.util
import os
import resource
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from vpg_gui.algo.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.algo.metrics import read_csv
from vpg_gui.algo.trainer import Trainer
from vpg_gui.cli.train import main
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.checked_text import HAND_WRITTEN
from vpg_gui.storage.presets import load_preset
from vpg_gui.storage.run_dir import MARKER
from vpg_gui.storage.session import read_session

PLANTED = "pwnmod"
EVIL_ENV = f"{PLANTED}:CartPole-v1"
TINY = ["--batch-steps", "200", "--hidden-sizes", "8"]


@pytest.fixture(scope="module")
def state():
    trainer = Trainer(TrainConfig(batch_steps=200, hidden_sizes=(8,), epochs=2))
    trainer.train_epoch()
    yield trainer.state()
    trainer.close()


@pytest.fixture
def planted(tmp_path):
    """A module in the working directory that leaves a marker file if it is ever imported."""
    (tmp_path / f"{PLANTED}.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\n")
    return tmp_path / "ran"


def evil_files(tmp_path, state, write_session):
    """A checkpoint, a session and a preset whose env id names the planted module."""
    bad = {**state, "config": {**state["config"], "env_id": EVIL_ENV}}
    save_checkpoint(tmp_path / "evil.pt", bad)
    config = TrainConfig.from_dict(state["config"]).replace(env_id=EVIL_ENV)
    write_session(tmp_path / "evil.vpgsession", config, bad)
    (tmp_path / "evil.toml").write_text(f'{HAND_WRITTEN}\ntitle = "x"\n[config]\nenv_id = "{EVIL_ENV}"\n')
    return tmp_path / "evil.pt", tmp_path / "evil.vpgsession", tmp_path / "evil.toml"


def run(args, cwd, **kwargs):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs)


# --- 1. reading a file never imports anything ------------------------------------------------


def test_no_file_kind_imports_the_module_its_env_id_names(
    tmp_path, planted, state, monkeypatch, write_session, one_line
):
    checkpoint, session, preset = evil_files(tmp_path, state, write_session)
    for args in (["vpg_gui.cli.train", "--resume", str(checkpoint)], ["vpg_gui.qt.app", str(session)]):
        proc = run(args, tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        prog = "vpg-gui" if "app" in args[0] else "vpg-train"
        assert proc.returncode == 2 and one_line(proc.stderr, prog), proc.stderr
        assert f"names the module {PLANTED}" in proc.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    for load in (
        lambda: read_session(session),
        lambda: load_preset(preset),
        lambda: Trainer.from_checkpoint(checkpoint),
    ):
        with pytest.raises((ConfigError, CheckpointError), match=f"names the module {PLANTED}"):
            load()
    assert not planted.exists() and PLANTED not in sys.modules


def test_a_module_typed_on_the_command_line_is_imported_and_its_checkpoint_resumes_with_it(tmp_path, planted):
    out = tmp_path / "run"
    proc = run(["vpg_gui.cli.train", "--env", EVIL_ENV, "--epochs", "1", *TINY, "--out", str(out)], tmp_path)
    assert proc.returncode == 0 and planted.exists(), proc.stderr
    planted.unlink()
    again = ["vpg_gui.cli.train", "--resume", str(out / "checkpoint.pt"), "--epochs", "2", "--out", str(out)]
    assert run(again, tmp_path).returncode == 2 and not planted.exists()
    proc = run([*again, "--env", EVIL_ENV], tmp_path)
    assert proc.returncode == 0 and planted.exists(), proc.stderr
    assert [s.epoch for s in read_csv(out / "metrics.csv")] == [1, 2]


# --- 2. one writer per run directory ---------------------------------------------------------


def test_a_second_writer_of_a_run_directory_is_refused(tmp_path, capsys, one_line):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "vpg_gui.cli.train", "--epochs", "0", *TINY, "--out", str(out), "--json"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first.stdout.readline()  # an epoch is done: the run holds its directory
        for argv in (["--epochs", "1", *TINY, "--overwrite"], ["--seeds", "0-1", "--epochs", "1", "--overwrite"]):
            assert main([*argv, "--out", str(out)]) == 2
            err = capsys.readouterr().err
            assert one_line(err) and "in use by another vpg-gui process (pid" in err
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130
    assert main(["--epochs", "1", *TINY, "--out", str(out), "--overwrite"]) == 0  # the lock went with it
    assert [s.epoch for s in read_csv(out / "metrics.csv")] == [1]


# --- 3. --out only where a run belongs -------------------------------------------------------


def test_out_refuses_what_is_not_a_run_and_touches_nothing(tmp_path, capsys, one_line):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "config.toml").write_text("important = true\n")
    os.chmod(mine / "config.toml", 0o664)
    assert main(["--epochs", "1", *TINY, "--out", str(mine)]) == 2
    assert main(["--epochs", "1", *TINY, "--out", str(mine), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert one_line(err.splitlines(keepends=True)[-1]) and "not a vpg-gui run (config.toml)" in err
    assert (mine / "config.toml").read_text() == "important = true\n"
    assert oct((mine / "config.toml").stat().st_mode & 0o777) == "0o664" and sorted(os.listdir(mine)) == ["config.toml"]
    with pytest.raises(SystemExit) as exit_info:
        main(["--epochs", "1", "--out", ""])
    assert exit_info.value.code == 2 and "--out: must name a directory" in capsys.readouterr().err


def test_a_run_directory_is_reused_only_to_resume_or_with_overwrite(tmp_path, capsys):
    out, empty = tmp_path / "run", tmp_path / "empty"
    empty.mkdir()
    assert main(["--epochs", "2", *TINY, "--out", str(empty)]) == 0  # an empty directory is fine
    assert main(["--epochs", "2", *TINY, "--out", str(out)]) == 0
    assert (out / MARKER).exists()
    assert main(["--epochs", "1", *TINY, "--out", str(out)]) == 2
    assert "already holds a run; --resume its checkpoint or add --overwrite" in capsys.readouterr().err
    assert main(["--epochs", "1", *TINY, "--seed", "3", "--out", str(out), "--overwrite"]) == 0
    assert len(read_csv(out / "metrics.csv")) == 1 and len(load_checkpoint(out / "checkpoint.pt")["history"]) == 1


# --- 4. file-system faults: one line, finished epochs on disk, no temp files -----------------


def test_unusable_out_paths_are_one_line(tmp_path, capsys, one_line):
    (tmp_path / "a_file").write_text("")
    for out, reason in ((tmp_path / "a_file" / "run", "Not a directory"), ("/proc/vpg-x", "No such file")):
        assert main(["--epochs", "1", *TINY, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert one_line(err) and str(out) in err and reason in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_directory_is_one_line(tmp_path, capsys, one_line):
    tmp_path.chmod(0o555)
    try:
        assert main(["--epochs", "1", *TINY, "--out", str(tmp_path / "run")]) == 2
        assert "Permission denied" in capsys.readouterr().err
    finally:
        tmp_path.chmod(0o755)


def full_disk_after(size):
    """Files cannot grow past ``size`` bytes (a disk that fills up): writes fail with EFBIG."""

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    return limit


@pytest.mark.parametrize(("size", "code"), [(300, 2), (3000, 1), (12000, 1)])  # at start: 2, as a bad --out
def test_a_full_disk_at_start_mid_run_and_on_resume_is_one_line_and_keeps_finished_epochs(tmp_path, size, code):
    out = tmp_path / "run"
    args = ["vpg_gui.cli.train", "--epochs", "30", *TINY, "--out", str(out)]
    proc = run(args, tmp_path, preexec_fn=full_disk_after(size))
    assert proc.returncode == code, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"vpg-train: error: {out}") and "File too large" in last and "Traceback" not in proc.stderr
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    epochs = [s.epoch for s in read_csv(out / "metrics.csv")] if (out / "metrics.csv").exists() else []
    # every row whole and checked
    assert epochs == list(range(1, len(epochs) + 1))
    if epochs:  # and --resume continues from the checkpoint on the same full disk
        resume = ["vpg_gui.cli.train", "--resume", str(out / "checkpoint.pt"), "--epochs", "30", "--out", str(out)]
        proc = run(resume, tmp_path, preexec_fn=full_disk_after(size))
        assert proc.returncode == 1 and "File too large" in proc.stderr.splitlines()[-1]
        assert len(read_csv(out / "metrics.csv")) >= len(epochs) - 1


# --- 6. integrity ----------------------------------------------------------------------------


def test_a_flipped_byte_anywhere_in_a_checkpoint_is_refused(tmp_path, state):
    good = tmp_path / "good.pt"
    save_checkpoint(good, state)
    data = good.read_bytes()
    doc_end = data.index(b'"optimizer"')  # a byte of the optimizer state, in the document
    for where in (doc_end + 20, len(data) - 5):  # ... and in the arrays
        flipped = bytearray(data)
        flipped[where] ^= 0x01
        (tmp_path / "bad.pt").write_bytes(bytes(flipped))
        with pytest.raises(CheckpointError, match="checksum does not match"):
            load_checkpoint(tmp_path / "bad.pt")


def test_nan_or_infinite_weights_are_refused_at_load(tmp_path, state, capsys, one_line):
    for value in (np.nan, np.inf):
        policy = {k: v.copy() for k, v in state["policy"].items()}
        first = next(iter(policy))
        policy[first][0, 0] = value
        save_checkpoint(tmp_path / "nan.pt", {**state, "policy": policy})
        assert main(["--resume", str(tmp_path / "nan.pt")]) == 2
        err = capsys.readouterr().err
        assert one_line(err) and f"policy.{first} holds NaN or infinite values" in err


def test_files_of_the_older_pickle_format_and_pickles_are_refused_shortly(tmp_path, capsys, one_line):
    import pickle

    import torch

    torch.save({"format": "vpg-gui-checkpoint", "version": 1}, tmp_path / "old.pt")
    (tmp_path / "evil.pt").write_bytes(pickle.dumps({"x": 1}))
    for name in ("old.pt", "evil.pt"):
        assert main(["--resume", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert one_line(err) and len(err) < 200 and "not a vpg-gui checkpoint" in err


# --- 8. small things -------------------------------------------------------------------------


def test_ctrl_c_during_start_up_is_one_line_and_exit_130(tmp_path, probed_start):
    for presses in (1, 2):
        cmd = [sys.executable, "-c", probed_start("train"), "--epochs", "1"]
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        assert proc.stderr.readline() == "up\n"
        for _ in range(presses):
            proc.send_signal(signal.SIGINT)  # while torch is loading
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and err == "vpg-train: interrupted\n", err


def test_resume_with_no_epochs_left_says_so(tmp_path, capsys, one_line):
    out = tmp_path / "run"
    assert main(["--epochs", "2", *TINY, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["--resume", str(out / "checkpoint.pt"), "--epochs", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "already has 2 epochs; give --epochs above 2" in err


@pytest.mark.parametrize(("env", "package"), [("phys2d/CartPole-v1", "jax"), ("GymV26Environment-v0", "shimmy")])
def test_an_env_whose_optional_package_is_missing_is_one_line(env, package, capsys, one_line):
    if importlib.util.find_spec(package) is not None:
        pytest.skip(f"{package} is installed")
    assert main(["--env", env, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and package in err


def test_duplicate_physics_and_the_seed_limit_read_well(capsys):
    with pytest.raises(SystemExit):
        main(["--physics", "gravity=12,gravity=13"])
    assert "'gravity' is given twice" in capsys.readouterr().err
    assert main(["--seed", "-1"]) == 2
    assert "--seed -1: must be between 0 and 2147483647" in capsys.readouterr().err


def test_written_files_get_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        assert main(["--epochs", "1", *TINY, "--out", str(tmp_path / "run")]) == 0
    finally:
        os.umask(old)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (tmp_path / "run").iterdir()}
    assert modes == {name: "0o644" for name in ("metrics.csv", "config.toml", "checkpoint.pt", MARKER)}


def test_refusals_print_no_torch_warning(tmp_path, state, one_line):
    save_checkpoint(tmp_path / "c.pt", {**state, "config": {**state["config"], "lr": -1}})
    proc = run(["vpg_gui.cli.train", "--resume", str(tmp_path / "c.pt")], tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr) and "lr = -1" in proc.stderr


PLANTED_ENV = textwrap.dedent(
    """
    import gymnasium
    gymnasium.register("Planted-v0", entry_point="gymnasium.envs.classic_control.cartpole:CartPoleEnv",
                       max_episode_steps=50)
    """
)


def test_seed_sweep_children_may_import_the_module_the_user_typed(tmp_path):
    (tmp_path / "plantedenv.py").write_text(PLANTED_ENV)
    args = ["vpg_gui.cli.train", "--env", "plantedenv:Planted-v0", "--seeds", "0-1", "--epochs", "1", *TINY]
    proc = run([*args, "--out", str(tmp_path / "sweep")], tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert len(read_csv(tmp_path / "sweep" / "trials" / "seed=1" / "metrics.csv")) == 1


# --- 5. bounded memory -----------------------------------------------------------------------


@pytest.mark.parametrize("entropy_coef", [0.01, 0.0])  # the norm from the gradients; from the variance's sums
def test_updates_in_budget_sized_chunks_match_the_whole_batch(monkeypatch, entropy_coef):
    config = TrainConfig(batch_steps=600, seed=2, baseline="value", value_iters=3, entropy_coef=entropy_coef)

    def two_epochs():
        trainer = Trainer(config)
        try:
            return [trainer.train_epoch() for _ in range(2)]
        finally:
            trainer.close()

    whole = two_epochs()
    monkeypatch.setattr("vpg_gui.algo.budget.BUDGET_BYTES", 20_000)  # dozens of chunks, each a few steps
    chunked = two_epochs()
    for a, b in zip(whole, chunked, strict=True):
        for name in ("loss", "entropy", "kl", "value_loss", "grad_var", "grad_norm", "return_mean"):
            assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-4, abs=1e-9), name
