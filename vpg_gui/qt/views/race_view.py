"""The race view (Run > Race...): a lane per run of the race, each playing its newest policy at
the environment's frame rate with its epoch on the frame, its action bars and its colour (the
colour of its curves on the plots), and controls of its own: pause, step, a hot change of the
learning rate or the weighting. Two lanes sit side by side, three or four in a 2x2 grid.

It renders the model's race (model/race.py) and sends what the user does as signals; it keeps no
run state of its own.

    view = RaceView(workspace)          # workspace.race is the race shown
    view.paused.connect(...)            # (lane, paused)
    view.edited.connect(...)            # (lane, TrainConfig with the lane's new hot settings)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vpg_gui.config import TrainConfig
from vpg_gui.model.runs import Workspace
from vpg_gui.qt.views.field_editors import editor_for
from vpg_gui.qt.views.policy_views import ActionProbsView
from vpg_gui.qt.views.render import HOLD_TICKS, FrameView, show_episode
from vpg_gui.qt.views.run_colors import run_color

LANE_FIELDS = ("lr", "weighting")  # the hot settings a lane's own controls change


class RaceLane(QFrame):
    """One lane: its title, its episode, its action bars and its controls."""

    def __init__(self, index: int, run, parent: QWidget | None = None):
        super().__init__(parent, objectName=f"raceLane{index}")
        self.index, self.run = index, run
        # Its colour by palette, not a style sheet: a widget with a style sheet no longer follows the
        # window's font, and presentation mode's 22 px would pass the lane by.
        color = run_color(run.number, 255)
        stripe = QWidget(objectName="raceLaneColor", autoFillBackground=True)
        stripe.setFixedHeight(6)
        palette = stripe.palette()
        palette.setColor(QPalette.ColorRole.Window, color)
        stripe.setPalette(palette)
        self.title = QLabel(objectName="raceLaneTitle")
        self.title.setMinimumWidth(40)  # a long label is elided, never widens the lane (its tooltip has it all)
        self.title_text = ""
        palette = self.title.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.title.setPalette(palette)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.view = FrameView()
        self.view.setMinimumSize(160, 100)
        self.bars = ActionProbsView()
        self.pause = QPushButton("Pause", objectName="raceLanePause", checkable=True)
        self.pause.setToolTip("Pause this lane alone (in lock-step the others wait for it once it is behind)")
        self.step = QPushButton("Step", objectName="raceLaneStep")
        self.step.setToolTip("Run one epoch of this lane, then pause it")
        self.editors = {name: editor_for(TrainConfig.__dataclass_fields__[name]) for name in LANE_FIELDS}
        for name, editor in self.editors.items():
            editor.set_value(getattr(run.settings, name))
            editor.widget.setToolTip(f"This lane's {name}, from its next epoch (a marker in its colour)")
        # Two short rows, so that two lanes fit side by side in the render panel's column at 22 px.
        buttons, settings = QHBoxLayout(), QHBoxLayout()
        buttons.addWidget(self.pause)
        buttons.addWidget(self.step)
        for editor in self.editors.values():
            settings.addWidget(editor.widget, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(stripe)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.bars)
        layout.addLayout(buttons)
        layout.addLayout(settings)
        self.player = None  # EpisodePlayer, made at the first policy
        self.policy, self.epoch, self.playing_epoch, self.hold = None, 0, 0, 0

    def set_title(self, text: str, tip: str) -> None:
        self.title_text = text
        self.title.setToolTip(tip)
        self._elide()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presentation mode: wider letters
            self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width() - 12  # the layout's margins
        self.title.setText(self.title.fontMetrics().elidedText(self.title_text, Qt.TextElideMode.ElideRight, width))

    def settings(self) -> TrainConfig:
        """The lane's run's settings with its controls' values."""
        return self.run.settings.replace(**{name: e.value() for name, e in self.editors.items()})

    def set_policy(self, policy, epoch: int) -> None:
        """Play ``policy`` (epoch ``epoch``'s) from the next episode."""
        self.policy, self.epoch = policy, epoch
        if self.player is None:
            from vpg_gui.playback.episode import EpisodePlayer  # gymnasium + pygame load here

            self.player = EpisodePlayer(self.run.config.env_id)
            self._start()

    def tick(self) -> None:
        """The next frame of the lane's episode (a finished one stays up a moment, then the newest policy plays)."""
        player = self.player
        if player is None:
            return
        if player.done:
            self.hold += 1
            if self.hold >= HOLD_TICKS:
                self._start()
            return
        player.step(greedy=False)
        self._show()

    def _start(self) -> None:
        self.player.start(self.policy, dict(self.run.settings.physics))
        self.playing_epoch, self.hold = self.epoch, 0
        self._show()

    def _show(self) -> None:
        who = f"lane {self.index + 1}: epoch {self.playing_epoch}"
        show_episode(self.player, self.view, self.bars, who, shapes=True)  # three lanes of frames: too slow

    def close_player(self) -> None:
        if self.player is not None:
            self.player.close()
            self.player = None


class RaceView(QWidget):
    paused = Signal(int, bool)  # lane, paused
    stepped = Signal(int)  # lane
    edited = Signal(int, object)  # lane, TrainConfig with its new hot settings
    lockstep_toggled = Signal(bool)
    end_requested = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent, objectName="raceView")
        self.workspace = workspace
        race = workspace.race
        self.lockstep = QCheckBox("Lock-step", objectName="raceLockstepCheck", checked=race.lockstep)
        self.lockstep.setToolTip(
            "No lane starts its next epoch before every lane has finished this one: the class compares the "
            "same epoch. Off: each lane runs as fast as it can"
        )
        self.lockstep.toggled.connect(self.lockstep_toggled)
        self.end = QPushButton("End race", objectName="raceEndButton")
        self.end.setToolTip("Stop every lane; the lanes stay on the plots as kept runs")
        self.end.clicked.connect(self.end_requested)
        # Wrapped: a long status never widens the view (and so never narrows the plots).
        self.status = QLabel(objectName="raceStatus", wordWrap=True)
        self.status.setMinimumWidth(40)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.lockstep)
        top.addWidget(self.end)
        grid = QGridLayout()
        columns = 2
        self.lanes = []
        for index, lane in enumerate(race.lanes):
            view = RaceLane(index, lane.run)
            view.pause.toggled.connect(lambda on, i=index: self.paused.emit(i, on))
            view.step.clicked.connect(lambda _=False, i=index: self.stepped.emit(i))
            for editor in view.editors.values():
                editor.changed.connect(lambda *_, i=index: self.edited.emit(i, self.lanes[i].settings()))
            grid.addWidget(view, index // columns, index % columns)
            self.lanes.append(view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)  # the last lane's edge clear of the window's
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self.timer = QTimer(self, timerType=Qt.TimerType.PreciseTimer, interval=20)  # CartPole's 50 fps
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        race.epoch_added.connect(self._on_epoch)
        race.changed.connect(self.render)
        workspace.labels_changed.connect(self.render)
        workspace.runs_changed.connect(self.render)
        self.render()

    def render(self) -> None:
        """The lanes' titles (the run model's labels), pause states and the race's status."""
        race = self.workspace.race
        if race is None:
            return
        labels = dict((item.number, text) for item, text in self.workspace.listed())
        for lane, view in zip(race.lanes, self.lanes, strict=True):
            label = labels.get(lane.run.number, lane.run.name)
            view.set_title(f"{view.index + 1}. {label}", label)
            view.pause.setChecked(not lane.running)
            view.pause.setText("Resume" if not lane.running else "Pause")
        self.lockstep.setChecked(race.lockstep)
        self._show_status()

    def _show_status(self) -> None:
        race = self.workspace.race
        epochs = [lane.epoch for lane in race.lanes]
        text = f"Race: epoch {min(epochs)}" if race.lockstep else f"Race: epochs {', '.join(map(str, epochs))}"
        done = all(lane.run.at_cap(lane.run.settings) for lane in race.lanes)
        self.status.setText(f"{text} (done)" if done else text)
        self.status.setToolTip("Every lane has its epochs: End race to train again" if done else "")

    def _on_epoch(self, index: int, stats) -> None:
        run = self.lanes[index].run
        self.lanes[index].set_policy(run.snapshots.get(stats.epoch), stats.epoch)
        player = self.lanes[index].player
        interval = round(1000 / player.render_fps) if player is not None else self.timer.interval()
        if interval != self.timer.interval():  # setInterval restarts the timer: an epoch would delay a frame
            self.timer.setInterval(interval)
        self._show_status()  # the labels change only with labels_changed (a first epoch, a hot change)

    def _tick(self) -> None:
        for lane in self.lanes:
            lane.tick()

    def set_presentation(self, on: bool) -> None:
        """Presentation keeps the lanes' episodes, action bars and Pause / Step (the text follows
        the window's font); a lane's settings are changed outside it, where there is room."""
        for lane in self.lanes:
            for editor in lane.editors.values():
                editor.widget.setVisible(not on)

    def close_players(self) -> None:
        self.timer.stop()
        for lane in self.lanes:
            lane.close_player()
