"""Hostile and careless inputs (issue 22): symlinks a run would write through, runs replaced
without --overwrite, special files, deep nesting, damaged but checksummed contents. Each ends in
one line on stderr with exit code 2, nothing written and nothing the user had changed."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from vpg_gui.algo.checkpoint import CheckpointError, load_checkpoint
from vpg_gui.algo.metrics import read_csv
from vpg_gui.cli.train import main
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.checked_text import HAND_WRITTEN, row_check, toml_with_checksum
from vpg_gui.storage.autosave import LOCK, Autosave
from vpg_gui.storage.presets import load_preset
from vpg_gui.storage.run_dir import MARKER

TINY = ["--batch-steps", "200", "--hidden-sizes", "8"]


def run(module, *args, cwd, timeout=60):
    """``python -m module args``: a hang fails the test (subprocess.TimeoutExpired) instead of the suite."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A CartPole run directory that reached epoch 4, a copy of its checkpoint at epoch 2, and an
    Acrobot checkpoint."""
    root = tmp_path_factory.mktemp("runs")
    assert main(["--epochs", "2", *TINY, "--out", str(root / "run")]) == 0
    shutil.copy(root / "run" / "checkpoint.pt", root / "epoch2.pt")
    assert main(["--resume", str(root / "run" / "checkpoint.pt"), "--epochs", "4", "--out", str(root / "run")]) == 0
    assert main(["--env", "Acrobot-v1", "--epochs", "1", *TINY, "--out", str(root / "acrobot")]) == 0
    return root


# --- writes through symlinks -----------------------------------------------------------------


@pytest.mark.parametrize("dangling", [False, True])
def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path, capsys, dangling, one_line):
    target = tmp_path / "thesis.tex"
    if not dangling:
        target.write_text("my thesis\n")
    out = tmp_path / "run"
    out.mkdir()
    (out / MARKER).symlink_to(target)
    assert main(["--epochs", "1", *TINY, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and f"its {MARKER} is a symbolic link, which vpg-gui never writes through" in err
    assert (target.read_text() == "my thesis\n") if not dangling else not target.exists()
    assert os.listdir(out) == [MARKER]


@pytest.mark.parametrize("dangling", [False, True])
def test_the_autosave_lock_as_a_symlink_pauses_autosave_and_writes_nothing_through_it(tmp_path, dangling):
    target = tmp_path / "notes.txt"
    if not dangling:
        target.write_text("notes\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / LOCK).symlink_to(target)
    saver = Autosave(data)
    saver.start([], TrainConfig())
    assert saver.warning.startswith("Autosave paused: ") and "is a symbolic link" in saver.warning
    assert (target.read_text() == "notes\n") if not dangling else not target.exists()
    saver.close()


def test_overwrite_with_trials_a_symlink_removes_nothing(tmp_path, capsys, runs, one_line):
    out = tmp_path / "run"
    shutil.copytree(runs / "run", out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    (out / "trials").symlink_to(elsewhere)
    before = sorted(os.listdir(out))
    assert main(["--epochs", "1", *TINY, "--out", str(out), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "its trials is a symbolic link" in err
    assert sorted(os.listdir(out)) == before and (elsewhere / "keep.txt").read_text() == "keep"


def test_out_a_symlink_loop_says_so(tmp_path, capsys, one_line):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert main(["--epochs", "1", *TINY, "--out", str(tmp_path / "loop")]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "a symbolic link to nothing (or a loop of links)" in err


# --- nothing lost without --overwrite --------------------------------------------------------


@pytest.mark.parametrize(
    "checkpoint, expected",
    [
        ("epoch2.pt", "holds a later state of this run (epoch 4; epoch2.pt is at epoch 2)"),
        ("acrobot/checkpoint.pt", "holds another run than checkpoint.pt"),
    ],
)
def test_resume_into_a_directory_holding_another_or_a_later_run_is_refused(
    tmp_path, capsys, runs, checkpoint, expected, one_line
):
    out = tmp_path / "run"
    shutil.copytree(runs / "run", out)
    shutil.copy(runs / checkpoint, out / "resumed.pt")
    before = {name: (out / name).read_bytes() for name in ("metrics.csv", "checkpoint.pt", "config.toml")}
    assert main(["--resume", str(out / "resumed.pt"), "--epochs", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and expected.replace("epoch2.pt", "resumed.pt").replace("checkpoint.pt", "resumed.pt") in err
    assert {name: (out / name).read_bytes() for name in before} == before
    if checkpoint == "epoch2.pt":  # what --overwrite is for: go on from epoch 2
        assert main(["--resume", str(out / "resumed.pt"), "--epochs", "3", "--out", str(out), "--overwrite"]) == 0
        assert [s.epoch for s in read_csv(out / "metrics.csv")] == [1, 2, 3]


def test_resume_of_the_directorys_own_checkpoint_goes_on(tmp_path, runs):
    out = tmp_path / "run"
    shutil.copytree(runs / "run", out)
    assert main(["--resume", str(out / "checkpoint.pt"), "--epochs", "5", "--out", str(out)]) == 0
    assert [s.epoch for s in read_csv(out / "metrics.csv")] == [1, 2, 3, 4, 5]


# --- special files: refused at once, naming them ---------------------------------------------


@pytest.mark.parametrize("flag", ["--resume", "--preset"])
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path, flag, one_line):
    fifo = tmp_path / ("fifo.toml" if flag == "--preset" else "fifo.pt")
    os.mkfifo(fifo)
    for path, kind in ((fifo, "a FIFO"), ("/dev/zero", "a device")):
        proc = run("vpg_gui.cli.train", flag, path, "--epochs", "1", cwd=tmp_path)
        assert proc.returncode == 2 and one_line(proc.stderr), proc.stderr
        assert os.path.basename(path) in proc.stderr and f"{kind}, not a regular file" in proc.stderr


def test_a_fifo_as_a_session_or_a_runs_config_is_refused_at_once(tmp_path, runs, one_line):
    os.mkfifo(tmp_path / "s.vpgsession")
    proc = run("vpg_gui.qt.app", tmp_path / "s.vpgsession", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-gui") and "a FIFO, not a regular file" in proc.stderr
    shutil.copytree(runs / "run", tmp_path / "run")
    (tmp_path / "run" / "config.toml").unlink()
    os.mkfifo(tmp_path / "run" / "config.toml")
    proc = run("vpg_gui.cli.plot", tmp_path / "run", "--out", tmp_path / "p.png", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-plot") and "a FIFO, not a regular file" in proc.stderr


def test_a_huge_sparse_checkpoint_is_refused_before_it_is_read(tmp_path, capsys, one_line):
    huge = tmp_path / "huge.pt"
    with open(huge, "wb") as f:
        f.truncate(20 * 2**30)  # 20 GB of nothing: sparse, so it costs no disk
    assert main(["--resume", str(huge), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "larger than the 2147483648 bytes vpg-gui reads" in err


# --- deep nesting ----------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [10**4, 10**5])
def test_deeply_nested_presets_and_run_configs_are_one_line(tmp_path, runs, depth, one_line):
    body = f"{HAND_WRITTEN}\n[config]\nhidden_sizes = {'[' * depth}{']' * depth}\n"
    (tmp_path / "deep.toml").write_text(body)
    with pytest.raises(ConfigError, match="nested more than 32 levels deep"):
        load_preset(tmp_path / "deep.toml")
    shutil.copytree(runs / "run", tmp_path / "run")
    (tmp_path / "run" / "config.toml").write_text(body)
    proc = run("vpg_gui.cli.plot", tmp_path / "run", "--out", tmp_path / "p.png", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-plot") and "nested more than 32" in proc.stderr


# --- damaged but checksummed -----------------------------------------------------------------


def test_a_header_length_with_a_sign_is_refused(tmp_path, runs):
    data = (runs / "run" / "checkpoint.pt").read_bytes()
    header, _, rest = data.partition(b"\n")
    fields = header.split(b" ")
    fields[3] = b"+" + fields[3]
    (tmp_path / "signed.pt").write_bytes(b" ".join(fields) + b"\n" + rest)
    with pytest.raises(CheckpointError, match="damaged header"):
        load_checkpoint(tmp_path / "signed.pt")


def test_a_preset_with_a_byte_order_mark_reads(tmp_path):
    text = toml_with_checksum({"title": "mine", "config": {"lr": 0.05}})
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_preset(tmp_path / "bom.toml").config.lr == 0.05


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("epoch", "inf", "epoch = 'inf': must be a whole number"),
        ("epoch", "1e300", "epoch = '1e300': must be a whole number"),
        ("return_mean", "nan", "return_mean = 'nan': must be a finite number"),
        ("return_max", "inf", "return_max = 'inf': must be a finite number"),
        ("weighting", "sideways", "weighting = 'sideways': must be one of"),
        ("physics", "gravity=abc", "'gravity=abc': must be name=number"),
        ("physics", "gravity=1e9", "no environment has gravity = 1e+09"),
        ("lr", "-1", "lr = -1.0: must be between"),
        ("normalize_advantages", "1", "normalize_advantages = '1': must be True or False"),
    ],
)
def test_a_checksummed_metrics_row_with_a_bad_value_is_one_line(tmp_path, runs, field, value, message, one_line):
    from vpg_gui.algo.metrics import CSV_COLUMNS, csv_rows
    from vpg_gui.formats.checked_text import csv_line

    history = read_csv(runs / "run" / "metrics.csv")
    row = {**csv_rows(history)[0], field: value}
    text = (runs / "run" / "metrics.csv").read_text().splitlines(keepends=True)
    text[1] = csv_line(CSV_COLUMNS, row)  # the attacker recomputes the check
    shutil.copytree(runs / "run", tmp_path / "run")
    (tmp_path / "run" / "metrics.csv").write_text("".join(text))
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("+", r"\+")):
        read_csv(tmp_path / "run" / "metrics.csv")
    proc = run("vpg_gui.cli.plot", tmp_path / "run", "--out", tmp_path / "p.png", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-plot"), proc.stderr
    assert not (tmp_path / "p.png").exists()


def test_a_cell_over_the_csv_modules_limit_or_a_short_row_is_one_line(tmp_path, runs, one_line):
    shutil.copytree(runs / "run", tmp_path / "run")
    metrics = tmp_path / "run" / "metrics.csv"
    lines = metrics.read_text().splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[1] = "x" * 200_000
    metrics.write_text("".join(lines) + ",".join(cells))
    with pytest.raises(ValueError, match="metrics.csv: damaged \\(a cell of 200000 characters"):
        read_csv(metrics)
    metrics.write_text("".join(lines) + "1,2\n")
    with pytest.raises(ValueError, match="metrics.csv: damaged \\(CSV parse error: .*Expected 29 columns, got 2"):
        read_csv(metrics)


@pytest.fixture(scope="module")
def documents(saved_run):
    """The plain trees of a real checkpoint and session (with a kept run)."""
    from vpg_gui.formats.container import read_checked

    return {
        "checkpoint": read_checked(saved_run["checkpoint"], "vpg-gui-checkpoint", 2),
        "session": read_checked(saved_run["session"], "vpg-gui-session", 2),
    }


def _set(tree, path, value):
    *head, last = path
    for key in head:
        tree = tree[key]
    tree[last] = value(tree[last]) if callable(value) else value


HOSTILE = [  # (kind, where, new value, what the one line says)
    ("checkpoint", ("history", 0, "epoch"), float("inf"), "epoch = inf: must be a whole number"),
    ("checkpoint", ("history", 0, "epoch"), 1e300, "epoch = 1e+300: must be a whole number"),
    ("checkpoint", ("history", 0, "return_mean"), float("nan"), "return_mean = nan: must be a finite number"),
    ("checkpoint", ("history", 0, "weighting"), "sideways", "weighting = 'sideways': must be one of"),
    ("checkpoint", ("policy", "0.weight"), lambda w: w.astype("int64"), "policy.'0.weight' must be an array of floats"),
    ("checkpoint", ("policy", "0.bias"), lambda w: w.astype(bool), "policy.'0.bias' must be an array of floats"),
    ("checkpoint", ("optimizer", "param_groups", 0, "lr"), float("nan"), "optimizer.lr = nan: must be a number above"),
    ("checkpoint", ("optimizer", "param_groups", 0, "betas"), [2.0, -1.0], "optimizer.betas = [2.0, -1.0]: must be"),
    ("checkpoint", ("optimizer", "state", 0, "exp_avg"), lambda m: m[:2], "optimizer.state.0.exp_avg must be floats"),
    ("checkpoint", ("policy",), lambda p: list(p.values()), "policy must be a table of named weight arrays"),
    ("session", ("live", "number"), 10**30, "run number 1000000000000000000000000000000: must be a whole number"),
    ("session", ("kept_runs", 0, "number"), 10**30, "run number 1000000000000000000000000000000: must be"),
    ("session", ("kept_runs",), lambda k: k * 2000, "kept_runs: a list of at most 8"),
    ("session", ("seed_groups",), lambda g: [{"number": "x"}] * 500, "seed_groups: a list of at most 4"),
    ("session", ("kept_runs", 0, "history", 0, "physics"), "gravity=abc", "'gravity=abc': must be name=number"),
    ("session", ("kept_runs", 0, "history", 0, "return_max"), float("inf"), "return_max = inf: must be a finite"),
    ("session", ("value", "0.weight"), lambda w: w[:, :2], "value_optimizer.state.0.exp_avg must be floats of its"),
    ("session", ("value_optimizer", "state"), {}, None),  # valid: the value net has not stepped yet
]


@pytest.mark.parametrize(
    "kind, where, value, expected", HOSTILE, ids=[f"{k}:{'.'.join(map(str, w))}" for k, w, *_ in HOSTILE]
)
def test_checksummed_but_hostile_contents_are_refused_naming_the_field(
    tmp_path, documents, kind, where, value, expected
):
    import copy

    from vpg_gui.algo.checkpoint import save_checkpoint
    from vpg_gui.storage.session import read_session

    tree = copy.deepcopy(documents[kind])
    _set(tree, where, value)
    save_checkpoint(tmp_path / "x", tree, kind=kind)  # the attacker recomputes the checksum
    load = load_checkpoint if kind == "checkpoint" else read_session
    if expected is None:
        load(tmp_path / "x")
        _set(tree, ("value", "2.weight"), lambda w: np.zeros((2, 8), w.dtype))  # now the value net does not fit
        save_checkpoint(tmp_path / "x", tree, kind=kind)
        expected = "the session's value does not fit its settings: the value's layers are (4, 8, 2)"
    with pytest.raises(CheckpointError) as refused:
        load(tmp_path / "x")
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_a_seed_group_numbered_x_is_refused(tmp_path, documents):
    import copy

    from vpg_gui.algo.checkpoint import save_checkpoint
    from vpg_gui.storage.session import read_session

    tree = copy.deepcopy(documents["session"])
    history = tree["kept_runs"][0]["history"]
    tree["seed_groups"] = [{"number": "x", "config": tree["config"], "seeds": [1], "histories": [history]}]
    save_checkpoint(tmp_path / "x", tree, kind="session")
    with pytest.raises(CheckpointError, match="run number 'x': must be a whole number"):
        read_session(tmp_path / "x")


# --- a full disk under --tensorboard ---------------------------------------------------------


def _file_size_limit(limit):
    """For a child process: writes past ``limit`` bytes fail with EFBIG, as on a full disk."""
    import resource
    import signal

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_tensorboard_on_a_full_disk_is_one_line_and_exit_1(tmp_path):
    command = [sys.executable, "-m", "vpg_gui.cli.train", "--epochs", "5", *TINY, "--tensorboard", str(tmp_path / "tb")]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, preexec_fn=_file_size_limit(2000))
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last == f"vpg-train: error: {tmp_path / 'tb'}: File too large", proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs (root only; skipped where it cannot be mounted)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_sweeps_tensorboard_on_a_full_disk_is_one_line_and_exit_1(tmp_path, small_disk):
    command = [sys.executable, "-m", "vpg_gui.cli.sweep", "--grid", "lr=0.01,0.02", "--epochs", "40", *TINY]
    proc = subprocess.run([*command, "--tensorboard", str(small_disk / "tb")], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "vpg-sweep: error: " in proc.stderr and "No space left on device" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


# --- flags and wording -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--hidden-sizes", ","], "hidden_sizes = ',': must be layer widths separated by commas"),
        (["--lr", "-inf"], "--lr -inf: must be between 1e-06 and 10"),
        (["--lr", "-1e-3"], "--lr -0.001: must be between 1e-06 and 10"),
        (["--env", "tests.core.odd_envs:OddEnvs/ZeroObs-v0"], "its observations hold no values"),
        (["--env", "tests.core.raising_env:Broken-v0"], "cannot import tests.core.raising_env (RuntimeError: this"),
    ],
)
def test_bad_flags_and_envs_are_one_line_and_exit_2(argv, says, capsys, one_line):
    try:
        code = main([*argv, "--epochs", "1", *TINY])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and one_line(err) and says in err, err


def test_an_env_with_nan_observations_is_named_not_the_learning_rate(capsys):
    assert main(["--env", "tests.core.odd_envs:OddEnvs/NanObs-v0", "--epochs", "2", *TINY]) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("vpg-train: error: tests.core.odd_envs:OddEnvs/NanObs-v0 returned observations that are NaN")
    assert "learning rate" not in err


def test_the_window_refuses_an_env_vpg_train_refuses(tmp_path, one_line):
    proc = run("vpg_gui.qt.app", "--env", "tests.core.odd_envs:OddEnvs/ZeroObs-v0", cwd=os.getcwd())
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-gui") and "observations hold no values" in proc.stderr


# --- vpg-plot --------------------------------------------------------------------------------


def test_vpg_plot_damaged_inputs_are_one_line_and_exit_2(tmp_path, runs, one_line):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    seeds = tmp_path / "seeds" / "seed-x"
    shutil.copytree(runs / "run", seeds)
    sweep = tmp_path / "sweep"
    assert main(["--seeds", "0-1", "--epochs", "1", *TINY, "--out", str(sweep)]) == 0
    (sweep / "summary.csv").write_text(f"trial,check\nx,{row_check(['trial'], {'trial': 'x'})}\n")  # checked
    cases = [
        (tmp_path / "loop", "a symbolic link to nothing (or a loop of links)"),
        (tmp_path / "seeds", "holds no run"),
        (sweep, "summary.csv: lacks the column 'seconds'"),
    ]
    for path, says in cases:
        proc = run("vpg_gui.cli.plot", path, "--out", tmp_path / "p.png", cwd=tmp_path)
        assert proc.returncode == 2 and one_line(proc.stderr, "vpg-plot") and says in proc.stderr, proc.stderr
    proc = run("vpg_gui.cli.plot", runs / "run", "--out", tmp_path / "none" / "p.png", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr, "vpg-plot"), proc.stderr
    assert f"{tmp_path / 'none' / 'p.png'}: No such file or directory" in proc.stderr  # not its hidden temp file


def test_a_csv_whose_last_line_lacks_its_newline_reads_as_with_it(tmp_path, runs):
    shutil.copytree(runs / "run", tmp_path / "run")
    metrics = tmp_path / "run" / "metrics.csv"
    whole = read_csv(metrics)
    metrics.write_text(metrics.read_text().rstrip("\n"))
    assert read_csv(metrics) == whole
    metrics.write_text(metrics.read_text().partition("\n")[0])  # the header alone, as a new run's
    assert read_csv(metrics) == []
