"""vpg-plot: run directories drawn as the window draws them, to a file; bad input in one line."""

import pytest
from PySide6.QtGui import QImage

from vpg_gui.cli.plot import main as vpg_plot
from vpg_gui.cli.train import main as vpg_train
from vpg_gui.storage.run_files import RunFilesError, read_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    common = ["--epochs", "2", "--batch-steps", "300"]
    assert vpg_train([*common, "--out", str(root / "a")]) == 0
    assert vpg_train([*common, "--weighting", "reward-to-go", "--out", str(root / "b")]) == 0
    return root


def test_two_runs_are_drawn_to_a_png_and_labelled_apart(runs, capsys):
    out = runs / "plots.png"
    assert vpg_plot([str(runs / "a"), str(runs / "b"), "--out", str(out), "--width", "1000"]) == 0
    assert QImage(str(out)).size().toTuple() == (1000, 562)  # 16:9, a slide
    assert capsys.readouterr().out.strip() == f"vpg-plot: 2 runs drawn to {out} (1000x562)"
    workspace = read_runs([runs / "a", runs / "b"])
    assert workspace.labels() == ["episode-return", "reward-to-go"]
    assert [len(r.history) for r in workspace.runs()] == [2, 2]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["missing"], "missing: no such file or directory"),
        (["."], ".: holds no run"),
        (["a", "--diagnostic", "nope"], "--diagnostic 'nope': must be one of grad_var"),
        (["a", "--out", "plots.jpg"], "--out plots.jpg: must end in .png or .svg"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runs, monkeypatch, capsys, args, says):
    monkeypatch.chdir(runs)
    try:
        code = vpg_plot(args)
    except SystemExit as exc:  # argparse's way out for a bad flag
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("vpg-plot: error: ") and err.count("\n") == 1 and says in err


def test_a_damaged_metrics_file_is_refused_by_name(runs, tmp_path):
    damaged = tmp_path / "x"
    damaged.mkdir()
    (damaged / "config.toml").write_bytes((runs / "a" / "config.toml").read_bytes())
    (damaged / "metrics.csv").write_text((runs / "a" / "metrics.csv").read_text().replace("0.01", "0.02", 1))
    with pytest.raises(RunFilesError, match="metrics.csv"):
        read_runs([damaged])


def epoch(n, ret):
    from vpg_gui.algo.metrics import EpochStats

    return EpochStats(n, ret, 1.0, ret - 1, ret + 1, ret, 10, 300, 0.0, 0.6, 0.01, 300, 1.0, "episode-return", 0.1, 3e3)


@pytest.fixture
def sweep_dir(tmp_path):
    """A sweep's directory as vpg-sweep writes it (lr 0.01 and 0.1, seeds 0 and 1), without Ray."""
    from vpg_gui.config import TrainConfig
    from vpg_gui.sweeps.files import SweepFiles
    from vpg_gui.sweeps.results import SweepResults
    from vpg_gui.sweeps.spec import SweepSpec

    results = SweepResults(SweepSpec(TrainConfig(epochs=2), {"lr": (0.01, 0.1)}, (0, 1)))
    files = SweepFiles(tmp_path, results)
    for i, name in enumerate(results.trials):
        for n in (1, 2):
            results.add_epoch(name, epoch(n, 10.0 * (i + 1) * n))
            files.epoch(name)
        results.end(name, 1.0, "node1")
        files.end(name, 475.0)
    files.close()
    return tmp_path


def test_a_sweep_directory_is_read_as_one_seed_group_per_value_and_drawn(sweep_dir, capsys):
    workspace = read_runs([sweep_dir])
    assert [(g.config.lr, g.seeds) for g in workspace.seed_groups] == [(0.01, (0, 1)), (0.1, (0, 1))]
    assert workspace.labels()[1:] == ["lr 0.01, seeds 0-1 (mean ± std)", "lr 0.1, seeds 0-1 (mean ± std)"]
    out = sweep_dir / "curves.png"
    assert vpg_plot([str(sweep_dir), "--out", str(out), "--width", "800"]) == 0
    assert QImage(str(out)).width() == 800 and "2 runs drawn" in capsys.readouterr().out


def test_the_sensitivity_plot_of_a_sweep_is_drawn_from_its_directory(sweep_dir, capsys):
    from vpg_gui.sweeps.files import read_sweep

    results = read_sweep(sweep_dir)
    # Final return = the last epoch (10% of 2 epochs rounds up to one); trials are numbered in grid order.
    assert [(p.value, p.mean, p.n) for p in results.sensitivity("lr")[""]] == [(0.01, 30.0, 2), (0.1, 70.0, 2)]
    out = sweep_dir / "sensitivity.png"
    assert vpg_plot(["--sensitivity", str(sweep_dir), "--out", str(out), "--width", "900"]) == 0
    assert QImage(str(out)).width() == 900 and "4 trials drawn" in capsys.readouterr().out
    (sweep_dir / "sweep.toml").write_text((sweep_dir / "sweep.toml").read_text().replace("0.01", "0.02"))
    assert vpg_plot(["--sensitivity", str(sweep_dir), "--out", str(out)]) == 2
    assert "sweep.toml: changed since vpg-gui wrote it" in capsys.readouterr().err
