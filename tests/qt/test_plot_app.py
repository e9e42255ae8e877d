"""vpg-plot: run directories drawn as the window draws them, to a file; bad input in one line."""

import pytest
from PySide6.QtGui import QImage

from vpg_gui.cli import main as vpg_train
from vpg_gui.core.run_files import RunFilesError, read_runs
from vpg_gui.qt.plot_app import main as vpg_plot


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
    assert QImage(str(out)).width() == 1000
    assert capsys.readouterr().out.strip() == f"vpg-plot: 2 runs drawn to {out} (1000 px wide)"
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
