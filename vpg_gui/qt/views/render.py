"""The render panel: plays episodes of the policy shown (the latest, or an epoch picked on the
plots) at the env's own frame rate; its caption names that policy.

A precise QTimer ticks at ``render_fps`` (times the speed when slower than 1x); faster speeds
take several env steps per shown frame instead of asking for more than 50 repaints a second.
Frames are wrapped in a QImage without copying pixel by pixel, and drawn scaled to fit with
their aspect ratio kept, the step count and return written on them.

    panel = RenderPanel()
    panel.set_env("CartPole-v1")
    panel.set_policy(snapshot, epoch=12)   # used from the next episode on
    panel.set_caption("epoch 12 (latest)", latest=True)
    panel.play_button.click()              # plays episode after episode until clicked again
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontInfo, QImage, QPainter, QPolygonF
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from vpg_gui.envs.physics import parse_physics
from vpg_gui.playback.cartpole_scene import AXLE_COLOR, CART_COLOR, POLE_COLOR, POLE_W, cartpole_scene
from vpg_gui.playback.cartpole_scene import HEIGHT as SCENE_HEIGHT
from vpg_gui.playback.cartpole_scene import WIDTH as SCENE_WIDTH
from vpg_gui.playback.policy_view import action_names, is_cartpole
from vpg_gui.qt.views.policy_views import ActionProbsView, PolicyHeatmap

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
HOLD_TICKS = 20  # frames the last frame of an episode stays up before the next one starts


class FrameView(QWidget):
    """Draws an RGB frame scaled to fit (aspect ratio kept) with an overlay line of text."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="renderView")
        self.setMinimumSize(240, 120)  # with the heatmap's, the panel fits a 600 px screen with the Sweep dock open
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._scene = None  # a CartPoleScene, painted as shapes (playback/cartpole_scene.py)
        self._text = "Press Play to watch the current policy"

    def show_frame(self, frame: np.ndarray, text: str) -> None:
        h, w, _ = frame.shape
        # Wrap the pixels (no copy), then convert once to the backing store's RGB32: drawing an
        # RGB888 image converts it on every paint, ~4x the cost (benchmarks/bench_gui.py).
        self._image = QImage(frame.data, w, h, 3 * w, QImage.Format.Format_RGB888).convertToFormat(
            QImage.Format.Format_RGB32
        )
        self._scene = None
        self._text = text
        self.update()

    def show_scene(self, scene, text: str) -> None:
        """Paint CartPole's shapes (a CartPoleScene) in place of a frame: sharp at any size, and
        a fraction of a frame's cost."""
        self._image, self._scene, self._text = None, scene, text
        self.update()

    @property
    def shown(self) -> bool:
        """Whether an episode's frame or scene is on the view."""
        return self._image is not None or self._scene is not None

    def image(self) -> QImage | None:
        return self._image

    @property
    def text(self) -> str:
        """The line written over the frame."""
        return self._text

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#fafafa"))
        target = QRectF(self.rect())
        size = (self._image.width(), self._image.height()) if self._image is not None else None
        if self._scene is not None:
            size = (SCENE_WIDTH, SCENE_HEIGHT)
        if size is not None:
            scale = min(self.width() / size[0], self.height() / size[1])
            w, h = size[0] * scale, size[1] * scale
            target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
        if self._image is not None:
            # No smooth scaling: PySide holds the GIL while it paints, and this paint was the GUI
            # thread's largest cost to the training thread (py-spy --gil; bench_gui.py).
            painter.drawImage(target, self._image)
        elif self._scene is not None:
            paint_scene(painter, self._scene, target)
        font = QFont(self.font())  # the window's size, larger on a large frame
        font.setPixelSize(max(QFontInfo(self.font()).pixelSize(), round(target.height() / 18)))
        painter.setFont(font)
        painter.setPen(QColor("#222"))
        painter.drawText(
            target.adjusted(8, 6, -8, -6),
            Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
            self._text,
        )
        painter.end()


def paint_scene(painter: QPainter, scene, target: QRectF) -> None:
    """CartPole's shapes as gymnasium's frame has them, scaled into ``target``."""
    painter.save()
    painter.fillRect(target, QColor("white"))
    painter.translate(target.topLeft())
    painter.scale(target.width() / SCENE_WIDTH, target.height() / SCENE_HEIGHT)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("black"))
    track = scene.track_y + 0.5  # the middle of its pixel row: one sharp line, not two grey ones
    painter.drawLine(QPointF(0, track), QPointF(SCENE_WIDTH, track))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(*CART_COLOR))
    painter.drawRect(QRectF(*scene.cart))
    painter.setBrush(QColor(*POLE_COLOR))
    painter.drawPolygon(QPolygonF([QPointF(*p) for p in scene.pole]))
    painter.setBrush(QColor(*AXLE_COLOR))
    painter.drawEllipse(QPointF(*scene.axle), POLE_W / 2, POLE_W / 2)
    painter.restore()


def show_episode(player, view: FrameView, bars: ActionProbsView, who: str, shapes: bool = False) -> None:
    """Draw ``player``'s frame on ``view`` with ``who`` plays it, the step and the return written
    over it, and its policy's action probabilities on ``bars`` (the render panel's and a race
    lane's). ``shapes``: CartPole painted as shapes (cartpole_scene.py) rather than its frame."""
    status = "  (done)" if player.done else ""
    text = f"{who}   step {player.steps}   return {player.total_return:g}{status}"
    env = player.env.unwrapped
    if shapes and is_cartpole(player.env.spec.id) and env.state is not None:
        view.show_scene(cartpole_scene(float(env.state[0]), float(env.state[2]), float(env.length)), text)
    else:
        view.show_frame(player.frame(), text)
    space = player.env.action_space
    names = action_names(player.env.spec.id, space.n if player.discrete else space.shape[0], player.discrete)
    if player.discrete:
        bars.set_probs(names, player.probs())
    else:
        bars.set_gaussian(names, player.mean_std(), space.low, space.high)


class RenderPanel(QWidget):
    follow_requested = Signal()  # Follow latest (L): show the live run's newest policy again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.caption = QLabel("no policy yet: press Train", objectName="policyCaption", wordWrap=True)
        self.caption.setToolTip(
            "The policy played here, in the action bars and on the heatmap: click a curve or drag the epoch "
            "cursor to show another epoch ([ and ] step it), Follow latest (L) to follow training again"
        )
        self.follow = QPushButton("Follow latest", objectName="followLatestButton")
        self.follow.setToolTip("Show the live run's newest policy, and each new one as it comes (L)")
        self.follow.clicked.connect(self.follow_requested)
        self.same_start = QCheckBox("Same start", objectName="sameStartCheck")
        self.same_start.setToolTip(
            "Start every episode from the same state, so two epochs' policies are compared on the same situation"
        )
        self.view = FrameView()
        self.play_button = QPushButton("Play", objectName="playButton", checkable=True)
        self.play_button.setToolTip("Play episodes of the latest policy while training goes on (P)")
        self.speed = QComboBox(objectName="speedCombo")
        self.speed.addItems([f"{s:g}x" for s in SPEEDS])
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed relative to the environment's own frame rate")
        self.greedy = QCheckBox("Greedy", objectName="greedyCheck")
        self.greedy.setToolTip("Take the most likely action instead of sampling one, as training does")
        self.info = QLabel(objectName="renderInfo", wordWrap=True)  # "CartPole-v1 @ 50 fps", never cut

        bar = QHBoxLayout()
        bar.addWidget(self.play_button)
        bar.addWidget(QLabel("Speed"))
        bar.addWidget(self.speed)
        bar.addWidget(self.greedy)
        bar.addWidget(self.same_start)
        bar.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.follow)
        self.action_probs = ActionProbsView()
        self.heatmap = PolicyHeatmap()
        self.heatmap.setMinimumHeight(150)
        self.batch_check = QCheckBox("Batch on the map", objectName="batchPathsCheck", checked=True)
        self.batch_check.setToolTip(
            "Draw the batch this policy was trained on over the map: each episode a path, each step a dot "
            "coloured by the weight its action got (red: made more likely, blue: less)"
        )
        self.change_check = QCheckBox("Change map", objectName="changeMapCheck")
        self.change_check.setToolTip(
            "Show how the update moved P(push right): after minus before, so the class sees the policy move "
            "where the weights pushed it"
        )
        self.batch_check.toggled.connect(lambda _on: self._show_batch())
        self.change_check.toggled.connect(self.heatmap.show_change)
        # The map's two checks share the info line (a row of their own cost the 1024x600 window its Sweep dock).
        self.map_bar = QWidget()
        map_bar = QHBoxLayout(self.map_bar)
        map_bar.setContentsMargins(0, 0, 0, 0)
        map_bar.addWidget(self.batch_check)
        map_bar.addWidget(self.change_check)
        info_row = QHBoxLayout()
        info_row.addWidget(self.info, 1)
        info_row.addWidget(self.map_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 3)
        layout.addWidget(self.action_probs)
        layout.addLayout(bar)
        layout.addLayout(info_row)
        layout.addWidget(self.heatmap, 2)

        self.timer = QTimer(self, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.play_button.toggled.connect(self._set_playing)
        self.speed.currentIndexChanged.connect(self._retime)

        self._env_id: str | None = None
        self._player = None
        self._policy = None
        self._policy_epoch = 0
        self._episode_epoch = 0
        self._hold = 0
        self._physics: dict[str, float] = {}
        self._recorded = None  # (frames, weights, title, step) of a batch episode being played
        self._batch = (None, None)  # the record of the policy's update, and the policy before it

    def set_env(self, env_id: str) -> None:
        """Play ``env_id`` from now on (a new environment is made at the next episode)."""
        if env_id != self._env_id:
            self._env_id = env_id
            self._close_player()
        self.heatmap.setVisible(is_cartpole(env_id))
        self.map_bar.setVisible(is_cartpole(env_id))
        self.heatmap.set_policy(None)  # a policy of the old env does not fit the new one

    def set_physics(self, physics: str) -> None:
        """The knobs ("gravity=12,length=0.8") for the next episode on."""
        self._physics = dict(parse_physics(physics))

    def set_policy(self, policy, epoch: int, restart: bool = False) -> None:
        """Play ``policy`` (epoch ``epoch``'s) from the next episode on; ``restart``: from now
        (another epoch was picked: the episode on screen is the old policy's)."""
        self._policy, self._policy_epoch = policy, epoch
        self.heatmap.set_policy(policy if is_cartpole(self._env_id or "CartPole-v1") else None, at_once=restart)
        if restart and self.play_button.isChecked() and self._player is not None and self._recorded is None:
            self._start_episode()

    def set_batch(self, record, before, at_once: bool = False) -> None:
        """The batch the policy shown was trained on (a BatchRecord or None) and the policy before
        that update, for the heatmap's paths and change map (CartPole); ``at_once`` as set_policy."""
        self._batch = (record, before)
        self._show_batch(at_once)

    def _show_batch(self, at_once: bool = True) -> None:
        record, before = self._batch
        if not is_cartpole(self._env_id or "CartPole-v1"):  # the map is CartPole's (pole angle x velocity)
            record = before = None
        self.heatmap.set_batch(record if self.batch_check.isChecked() else None, before, at_once)
        self.change_check.setEnabled(before is not None)

    def set_caption(self, text: str, latest: bool) -> None:
        """Name the policy shown; Follow latest is offered when it is not the newest."""
        self.caption.setText(text)
        self.follow.setEnabled(not latest)

    def current_episode(self) -> tuple[str, int, list[int], int, dict[str, float]] | None:
        """(env id, reset seed, actions, fps, physics) of the episode on screen, enough to replay it."""
        player = self._player
        if player is None or player.obs is None:
            return None
        return player.env.spec.id, player.episode_seed, list(player.actions), player.render_fps, player.physics

    @property
    def player(self):
        """The EpisodePlayer of the episode on screen (None before Play or after an env change)."""
        return self._player

    def fps(self) -> int:
        return self._player.render_fps if self._player else 50

    def set_presentation(self, on: bool) -> None:
        """Presentation mode keeps only Play (and what the policy does), in large text."""
        self.heatmap.set_presentation(on)
        for widget in (self.speed, self.greedy, self.info):
            widget.setVisible(not on)
        for label in self.findChildren(QLabel):
            if label.text() == "Speed":
                label.setVisible(not on)

    def clear_policy(self) -> None:
        self.set_policy(None, 0)

    def stop(self) -> None:
        self.play_button.setChecked(False)
        self._close_player()

    def play_recorded(self, record, index: int, physics: dict[str, float]) -> None:
        """Play episode ``index`` of a batch record once, from its recorded start with its recorded
        actions, each step's weight under the frame; then back to what was playing."""
        from vpg_gui.envs.make import env_info
        from vpg_gui.playback.episode import replay_frames

        episode = record.episode(index)
        frames = replay_frames(record.env_id, 0, episode["actions"], physics, episode["start_state"])
        title = f"batch episode {index + 1} of epoch {record.epoch} ({record.weighting})"
        self._recorded = (frames, episode["weights"], title, 0)
        self.timer.setInterval(round(1000 / env_info(record.env_id).render_fps))
        self.timer.start()
        self._tick()

    def toggle_play(self) -> None:
        """Play episodes of the policy shown, or stop playing them (the P key)."""
        self.play_button.click()

    def _set_playing(self, playing: bool) -> None:
        self.play_button.setText("Stop playing" if playing else "Play")
        if playing:
            self._start_episode()
            self._retime()
            self.timer.start()
        else:
            self.timer.stop()

    def _retime(self) -> None:
        fps = self.fps()
        speed = SPEEDS[self.speed.currentIndex()]
        self.timer.setInterval(round(1000 / (fps * min(speed, 1.0))))

    def _start_episode(self) -> None:
        if self._player is None:
            from vpg_gui.playback.episode import EpisodePlayer  # gymnasium + pygame load on first Play

            self._player = EpisodePlayer(self._env_id or "CartPole-v1")
            self.info.setText(f"{self._player.env.spec.id} @ {self._player.render_fps} fps")
        self._player.start(self._policy, self._physics, self.same_start.isChecked())
        self._episode_epoch = self._policy_epoch
        self._hold = 0
        self._show()

    def _tick(self) -> None:
        if self._recorded is not None:
            self._tick_recorded()
            return
        player = self._player
        if player.done:
            self._hold += 1
            if self._hold >= HOLD_TICKS:
                self._start_episode()
            return
        for _ in range(max(1, round(SPEEDS[self.speed.currentIndex()]))):
            if player.step(self.greedy.isChecked()):
                break
        self._show()

    def _tick_recorded(self) -> None:
        frames, weights, title, step = self._recorded
        frame = next(frames, None)
        if frame is None:  # over: back to the episodes of the policy shown, if they were playing
            self._recorded = None
            if self.play_button.isChecked() and self._player is not None:
                self._retime()
            else:
                self.timer.stop()
            return
        weight = f"   weight Φ = {weights[step]:.3g}" if step < len(weights) else "   (done)"
        self.view.show_frame(frame, f"{title}   step {step}{weight}")
        self._recorded = (frames, weights, title, step + 1)

    def _show(self) -> None:
        who = f"epoch {self._episode_epoch} policy" if self._player.policy is not None else "random policy"
        show_episode(self._player, self.view, self.action_probs, who)

    def _close_player(self) -> None:
        if self._player is not None:
            self.timer.stop()
            self._player.close()
            self._player = None
            if self.play_button.isChecked():
                self._start_episode()
                self.timer.start()
