import csv
import json
import signal
import subprocess
import sys
from contextlib import nullcontext

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import pytest

from vpg_gui.algo.checkpoint import load_checkpoint
from vpg_gui.algo.metrics import CSV_COLUMNS
from vpg_gui.cli.train import main
from vpg_gui.flags import FLAGS

CONTRACT_COLUMNS = [
    "epoch",
    "return_mean",
    "return_std",
    "return_min",
    "return_max",
    "length_mean",
    "episodes",
    "steps",
    "loss",
    "entropy",
    "lr",
    "batch_steps",
    "seconds",
    "steps_per_s",
    "value_loss",
    "kl",
    "grad_norm",
    "grad_var",
]


def test_every_config_field_has_its_contract_flag():
    assert sorted(FLAGS.values()) == sorted(
        [
            "--env",
            "--lr",
            "--baseline",
            "--value-lr",
            "--value-iters",
            "--gae-lambda",
            "--normalize-advantages",
            "--entropy-coef",
            "--physics",
            "--batch-steps",
            "--epochs",
            "--hidden-sizes",
            "--activation",
            "--gamma",
            "--weighting",
            "--seed",
            "--num-envs",
        ]
    )


def test_short_run_writes_metrics_config_checkpoint_and_json(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(
        [
            "--epochs",
            "3",
            "--batch-steps",
            "500",
            "--hidden-sizes",
            "16,16",
            "--weighting",
            "reward-to-go",
            "--num-envs",
            "4",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert rc == 0
    lines = capsys.readouterr().out.strip().splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["epoch"] for o in objects] == [1, 2, 3]
    assert list(objects[0]) == list(CSV_COLUMNS)
    with open(out / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert set(CONTRACT_COLUMNS) <= set(rows[0])
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert float(rows[2]["return_mean"]) == pytest.approx(objects[2]["return_mean"])
    assert rows[2]["gamma"] == "1.0" and rows[2]["weighting"] == "reward-to-go" and rows[2]["change"] == ""
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["hidden_sizes"] == [16, 16] and config["weighting"] == "reward-to-go"
    assert len(load_checkpoint(out / "checkpoint.pt")["history"]) == 3


def test_resume_continues_the_run_in_place(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["--epochs", "2", "--batch-steps", "300", "--out", str(out)]) == 0
    assert main(["--resume", str(out / "checkpoint.pt"), "--epochs", "3", "--lr", "0.02", "--out", str(out)]) == 0
    with open(out / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert [float(r["lr"]) for r in rows] == [0.01, 0.01, 0.02]
    assert [r["change"] for r in rows] == ["", "", "lr 0.01 -> 0.02"]  # the marker of the hot change


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--lr", "0"], "--lr 0.0: must be between"),
        (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
        (["--batch-steps", "3"], "--batch-steps 3: must be between 10"),
        (["--weighting", "rtg"], "argument --weighting: invalid choice"),
        (["--hidden-sizes", "3,x"], "hidden_sizes = '3,x'"),
        (["--env", "CartPol-v1"], "did you mean CartPole-v1"),
        (["--num-envs", "many"], "'many' is not a whole number or 'auto'"),
        (["--resume", "missing.pt"], "missing.pt: cannot read the checkpoint: No such file"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, argv, expected):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        sys.exit(main([*argv, "--out", str(out)]))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vpg-train: error: ")
    assert expected in err
    assert not out.exists()


def test_out_dir_holding_a_run_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["--epochs", "1", "--batch-steps", "200", "--out", str(out)]) == 0
    before = (out / "metrics.csv").read_bytes()
    assert main(["--epochs", "1", "--batch-steps", "200", "--out", str(out)]) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert (out / "metrics.csv").read_bytes() == before


def test_console_script_in_a_subprocess_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "vpg_gui.cli.train", "--gamma", "2"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "vpg-train: error: --gamma 2.0: must be between 0 and 1\n"


def test_core_and_cli_import_no_qt():
    code = (
        "import sys, vpg_gui.cli.train, vpg_gui.config, vpg_gui.algo.trainer, vpg_gui.algo.checkpoint;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6')];"
        "sys.exit(repr(bad) if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_interrupted_run_keeps_every_finished_epoch(tmp_path):
    """Ctrl-C (or SIGTERM) mid-run: exit 130, metrics.csv and checkpoint.pt hold the finished epochs."""
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "vpg_gui.cli.train",
        "--epochs",
        "0",
        "--batch-steps",
        "300",
        "--out",
        str(out),
        "--json",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(3):
        proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped after epoch" in err and "Traceback" not in err
    with open(out / "metrics.csv", newline="") as f:
        epochs = [int(r["epoch"]) for r in csv.DictReader(f)]
    assert epochs[:3] == [1, 2, 3] and epochs == list(range(1, len(epochs) + 1))
    assert len(load_checkpoint(out / "checkpoint.pt")["history"]) == len(epochs)


def test_a_seed_sweep_writes_per_seed_summary_and_aggregate_csv(tmp_path, capsys):
    from vpg_gui.algo.metrics import read_csv

    out = tmp_path / "sweep"
    assert main(["--seeds", "0-2", "--epochs", "2", "--batch-steps", "300", "--out", str(out)]) == 0
    per_seed = {seed: read_csv(out / "trials" / f"seed={seed}" / "metrics.csv") for seed in range(3)}
    assert all([s.epoch for s in h] == [1, 2] for h in per_seed.values())
    assert len({h[0].return_mean for h in per_seed.values()}) == 3  # the seeds differ
    with open(out / "aggregate.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [1, 2] and all(r["seeds"] == "3" for r in rows)
    means = [h[0].return_mean for h in per_seed.values()]
    assert float(rows[0]["return_mean"]) == pytest.approx(sum(means) / 3)
    with open(out / "summary.csv") as f:
        assert sorted(int(r["seed"]) for r in csv.DictReader(f)) == [0, 1, 2]
    assert "vpg-train: 3 trials in" in capsys.readouterr().err


def test_bad_seed_ranges_are_one_line_and_exit_2(capsys):
    for argv in (["--seeds", "4-1"], ["--seeds", "a"], ["--seeds", "0-2", "--epochs", "0"]):
        with pytest.raises(SystemExit) if argv[1] != "0-2" else nullcontext():
            code = main(argv)
            assert code == 2
        err = capsys.readouterr().err
        assert err.startswith("vpg-train: error: ") and err.count("\n") == 1 and "--seeds" in err
