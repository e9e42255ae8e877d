"""Run > Sweep...: the dialog checks its values inline, the trials run on Ray while the live run
trains, the sensitivity plot fills in, and clicking a point draws that value's seeds as kept runs."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from vpg_gui.sweeps.spec import SWEEPABLE


def open_dialog(qtbot, window):
    window.findChild(QAction, "sweepAction").trigger()
    dialog = window.findChild(QWidget, "sweepDialog")
    qtbot.waitUntil(lambda: dialog.isVisible())
    return dialog


def test_the_dialog_proposes_values_and_names_a_bad_one_inline(qtbot, window):
    dialog = open_dialog(qtbot, window)
    values = dialog.findChild(QWidget, "sweepValues")
    error = dialog.findChild(QWidget, "sweepError")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert values.text() == "0.001, 0.003, 0.01, 0.03, 0.1, 0.3" and ok.isEnabled()  # lr, log-spaced
    assert dialog.findChild(QWidget, "sweepTrials").text().startswith("18 trials")  # 6 values x seeds 0-2
    values.setText("0.01, fast")
    assert not ok.isEnabled() and error.isVisible() and "lr=fast" in error.text()
    values.setText("0.01, 20")
    assert not ok.isEnabled() and "lr = 20.0: must be between" in error.text()
    dialog.findChild(QWidget, "sweepSeeds").setText("9-1")
    field = dialog.findChild(QWidget, "sweepField")
    field.setCurrentIndex(field.findData("weighting"))
    assert values.text() == "episode-return, reward-to-go"
    assert not ok.isEnabled() and error.text().startswith("Seeds:")
    assert set(SWEEPABLE) == {field.itemData(i) for i in range(field.count())}
    dialog.reject()


def test_a_sweep_fills_the_sensitivity_plot_and_a_click_keeps_that_values_runs(qtbot, window):
    dialog = open_dialog(qtbot, window)
    dialog.findChild(QWidget, "sweepValues").setText("0.01, 0.1")
    dialog.findChild(QWidget, "sweepSeeds").setText("0-1")
    dialog.findChild(QWidget, "sweepEpochs").setValue(2)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    plot = window.findChild(QWidget, "sensitivityPlot")
    assert plot.isVisible() and window.findChild(QWidget, "sweepProgress").isVisible()
    window.train_button.click()  # the live run trains meanwhile
    qtbot.waitUntil(lambda: not window.sweeps.running(), timeout=90000)
    assert len(window.history) >= 1 and not window.findChild(QWidget, "sweepProgress").isVisible()
    sweep = window.workspace.sweep  # the model's
    assert [(p.value, p.n) for p in sweep.sensitivity("lr")[""]] == [(0.01, 2), (0.1, 2)]

    panel = plot.panels["lr"]
    point = sweep.sensitivity("lr")[""][1]  # lr 0.1, at log10(0.1) = -1
    qtbot.waitUntil(lambda: panel.vb.viewRange()[0][0] < -1 < panel.vb.viewRange()[0][1])
    where = plot.mapFromScene(panel.vb.mapViewToScene(QPointF(-1.0, point.mean)))
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: len(window.workspace.kept) == 2)
    assert sorted(r.config.seed for r in window.workspace.kept) == [0, 1]
    assert {r.config.lr for r in window.workspace.kept} == {0.1}
    assert [len(r.history) for r in window.workspace.kept] == [2, 2]


def test_one_sweep_at_a_time_a_second_stops_the_first_and_waits(qtbot, window):
    compare = window.findChild(QAction, "compareSeedsAction")
    compare.trigger()
    first = window.sweeps.job
    compare.trigger()  # a second Ray beside the first would share its cores
    assert window.sweeps.job is first and first.cancelled.is_set()
    assert "press again in a moment" in window.statusBar().currentMessage()
    assert len(window.workspace.seed_groups) == 1
    qtbot.waitUntil(lambda: not window.sweeps.running(), timeout=60000)
    compare.trigger()
    assert window.sweeps.job is not first and window.sweeps.running()
    assert len(window.workspace.seed_groups) == 2
