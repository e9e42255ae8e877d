"""The window's run model, without Qt: one owner for every run on screen.

A ``Run`` owns its settings (what it started with, what is in force now), its history, its
policy snapshots and where it came from. A ``Workspace`` owns the live run, the runs kept to
compare with, the seed groups of Compare seeds, the active preset and the autosave; it changes
only through its named transitions and announces each change as a typed event. The window, the plots
and the file actions render and command it; sessions are it, saved.

>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.algo.metrics import EpochStats
>>> ws = Workspace(TrainConfig(lr=0.01))
>>> ws.begin(ws.live.settings)                   # Train: the live run starts from the form
True
>>> def epoch(n, lr): return EpochStats(n, 20, 5, 10, 40, 20, 250, 5000, 3.1, 0.69, lr, 5000, 1.0,
...                                     "episode-return", 0.05, 1e5)
>>> ws.add_epoch(epoch(1, 0.01), None)
>>> ws.edit(TrainConfig(lr=0.3))                 # a hot change: no cold setting is pending
[]
>>> ws.add_epoch(epoch(2, 0.3), None)
>>> ws.reset(TrainConfig(weighting="reward-to-go"))   # the run is kept, a new one waits for Train
>>> [run.number for run in ws.kept], ws.live.number, ws.live.started
([1], 2, False)
>>> ws.labels()
['lr 0.01, reward-to-go', 'lr 0.01 -> 0.3 @ 2, episode-return']
"""

from __future__ import annotations

import enum
import itertools
import operator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psygnal import Signal

from vpg_gui.algo.metrics import HOT_STATS, EpochStats, changes, hot_changes
from vpg_gui.config import HOT_FIELDS, TrainConfig, cold_changes
from vpg_gui.envs.physics import parse_physics
from vpg_gui.model.labels import Labelled, run_labels
from vpg_gui.model.race import RaceModel
from vpg_gui.sweeps.results import SweepResults
from vpg_gui.sweeps.spec import SweepSpec

MAX_KEPT = 8  # runs kept for comparison; the oldest goes first
# Time travel keeps a policy snapshot per epoch of every run on screen, up to this many bytes a run
# (a CartPole net of 32 units is 1.3 KB: 24,000 epochs); past it, every other snapshot goes, but
# never the first, the last or one at a marker. What each update did to its batch is kept for the
# last RECENT_RECORDS epochs and the epochs at markers (a batch of 5000 steps is ~300 KB).
SNAPSHOT_BUDGET = 32 * 2**20
RECENT_RECORDS = 10
RECORD_BUDGET = 64 * 2**20  # and at most this many bytes of them a run (the oldest unmarked go first)
MAX_SEED_GROUPS = 4
KEEP = object()  # reset(): leave the active preset as it is


def _typed(name: str, value: Any) -> Any:
    """A hot setting as an epoch records it, in TrainConfig's type."""
    return parse_physics(value) if name == "physics" else value


@dataclass(eq=False)
class Run:
    """One training run: ``config`` it started with, ``settings`` in force now (hot changes
    applied), ``history`` (each epoch records the hot settings it used), ``snapshots``
    (epoch -> NumpyPolicy, for replays and GIFs) and ``origin`` (settings, a preset, a session)."""

    number: int
    config: TrainConfig
    origin: str = "settings"
    history: list[EpochStats] = field(default_factory=list)
    snapshots: dict[int, Any] = field(default_factory=dict, repr=False)
    records: dict[int, Any] = field(default_factory=dict, repr=False)  # epoch -> BatchRecord (batch_record.py)
    settings: TrainConfig | None = None
    started: bool = False  # the worker has (or will have at the next epoch) this run's policy
    resume_state: dict | None = field(default=None, repr=False)  # Trainer.state() a session continues

    def __post_init__(self):
        if self.settings is None:
            self.settings = self.config
        # Derived from the history as it grows (it is only ever appended to): each epoch once.
        self._columns: dict[str, list[float]] = {}
        self._changes: dict[str, list] = {}
        self._compared = 0
        self._markers: list[tuple[int, str]] = []
        self._marked = 0

    @property
    def name(self) -> str:
        return f"run {self.number}"

    def end_settings(self) -> TrainConfig:
        """The settings its last epoch ran with (the ones in force, before any epoch)."""
        if not self.history:
            return self.settings
        last = self.history[-1]
        return self.config.replace(**{name: _typed(name, getattr(last, name)) for name in HOT_STATS})

    def setting_changes(self) -> dict[str, list[tuple[int, Any, Any]]]:
        """field -> [(epoch it took effect, before, after)]: the hot changes this run went through.
        Each epoch is compared once (histories only grow), so labels stay cheap to recompute."""
        for epoch, name, old, new in hot_changes(self.history[max(self._compared - 1, 0) :]):
            self._changes.setdefault(name, []).append((epoch, _typed(name, old), _typed(name, new)))
        self._compared = len(self.history)
        return self._changes

    def column(self, name: str) -> np.ndarray:
        """One EpochStats field over the history, as floats; each epoch is converted once, however
        often the plots draw it."""
        converted = self._columns.setdefault(name, [])
        converted.extend(map(float, map(operator.attrgetter(name), self.history[len(converted) :])))
        return np.asarray(converted, float)

    def totals(self) -> tuple[int, float]:
        """Steps and training seconds over the history (the status bar's; each epoch converted once).

        >>> run = Run(1, TrainConfig())
        >>> run.totals()
        (0, 0.0)
        """
        return int(self.column("steps").sum()), float(self.column("seconds").sum())

    def at_cap(self, config: TrainConfig) -> bool:
        """True when the run has the epochs ``config`` asks for (0: until stopped), so Train
        cannot go on without raising them (or a Reset)."""
        return bool(config.epochs) and len(self.history) >= config.epochs

    def markers(self) -> list[tuple[int, str]]:
        """(epoch, text) of each hot change: the plots' vertical lines."""
        self._markers.extend(changes(self.history[max(self._marked - 1, 0) :]))
        self._marked = len(self.history)
        return self._markers

    def labelled(self) -> Labelled:
        return Labelled(self.name, self.end_settings(), self.setting_changes())

    def grow(self, stats: EpochStats, snapshot, record=None) -> bool:
        """Add an epoch: its stats, its policy after the update, its batch record. True when the
        run's label may read otherwise (its first epoch, or a hot change at it).

        >>> run = Run(1, TrainConfig())
        >>> run.grow(EpochStats(1, 9.0, 0, 9, 9, 9, 1, 9, 0, 0, 0.01, 9, 1, "", 0.1, 90), None)
        True
        """
        before = self.history[-1] if self.history else None
        self.history.append(stats)
        self.keep_epoch(stats.epoch, snapshot, record)
        return before is None or bool(hot_changes([before, stats]))

    def keep_epoch(self, epoch: int, snapshot, record=None) -> None:
        """Keep epoch ``epoch``'s policy (and its batch record), within the budgets above.

        >>> run = Run(1, TrainConfig())
        >>> for e in range(1, 31):
        ...     run.keep_epoch(e, np.zeros(SNAPSHOT_BUDGET // 20, np.uint8), record=e)
        >>> min(run.snapshots), max(run.snapshots), len(run.snapshots) <= 20  # the first and last stay
        (1, 30, True)
        >>> sorted(run.records) == list(range(21, 31))
        True
        """
        self.snapshots[epoch] = snapshot
        marked = {e for e, _ in self.markers()}
        keep = marked | {min(self.snapshots), epoch}
        size = _nbytes(snapshot)
        if size * len(self.snapshots) > SNAPSHOT_BUDGET:
            thinned = sorted(e for e in self.snapshots if e not in keep)[1::2]
            for e in thinned:
                del self.snapshots[e]
        if record is not None:
            self.records[epoch] = record
            recent = sorted(self.records)[-RECENT_RECORDS:]
            self.records = {e: r for e, r in self.records.items() if e in recent or e in marked}
            total = sum(getattr(r, "nbytes", 0) for r in self.records.values())
            for e in sorted(self.records, key=lambda e: (e in marked, e))[:-1]:  # oldest unmarked first
                if total <= RECORD_BUDGET:
                    break
                total -= getattr(self.records.pop(e), "nbytes", 0)


@dataclass(eq=False)
class SeedGroup:
    """Compare seeds: ``config`` trained under each of ``seeds``; ``histories`` fill in as epochs arrive."""

    number: int
    config: TrainConfig
    seeds: tuple[int, ...]
    histories: dict[int, list[EpochStats]] = field(default_factory=dict)

    def __post_init__(self):
        for seed in self.seeds:
            self.histories.setdefault(seed, [])

    @property
    def name(self) -> str:
        return f"seeds {self.seeds[0]}-{self.seeds[-1]}"

    def labelled(self) -> Labelled:
        return Labelled(self.name, self.config, {}, self.seeds)

    def band(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(epoch, mean, lo, hi) of the seeds' mean returns, per epoch, over the seeds that have
        reached it (so the band grows as seeds arrive); lo / hi are mean -+ std kept inside the
        returns observed at that epoch: a band never reaches where no seed went. E.g. seed 0 at
        10 then 500, seed 1 at 30 so far: epochs [1, 2], mean [20, 500], lo [10, 500], hi [30, 500].
        """
        depth = max((len(h) for h in self.histories.values()), default=0)
        rows = []
        for i in range(depth):
            means = np.array([h[i].return_mean for h in self.histories.values() if len(h) > i])
            mean, std = means.mean(), means.std()
            rows.append((i + 1, mean, max(mean - std, means.min()), min(mean + std, means.max())))
        return tuple(np.array(column, float) for column in zip(*rows, strict=True)) if rows else (np.zeros(0),) * 4


def _nbytes(snapshot) -> int:
    """A NumpyPolicy's size in bytes (an array's; 0 for what has neither)."""
    layers = getattr(snapshot, "layers", None)
    if layers is None:
        return getattr(snapshot, "nbytes", 0)
    return sum(w.nbytes + b.nbytes for w, b in layers)


@dataclass(frozen=True)
class Selected:
    """The epoch of a run the render panel, the action bars, the heatmap and the update
    inspector show: the live run's newest unless the user picked another (time travel)."""

    run: Run
    epoch: int
    snapshot: Any  # its NumpyPolicy (after that epoch's update)
    record: Any  # its BatchRecord, when kept
    latest: bool  # following the live run's newest epoch


class RunState(str, enum.Enum):
    """The training job's state: what Train / Pause / Resume show."""

    IDLE = "idle"
    TRAINING = "training"
    PAUSED = "paused"


class Workspace:
    """What the window shows. It announces each change as a typed event (psygnal signals, the
    Qt-free signals napari's models use), to which each view connects what it renders:

        workspace.epoch_added.connect(plots_redraw)      # called with the new EpochStats
        workspace.runs_changed.connect(run_list.render)
    """

    live_changed = Signal()  # a new live run (Reset, a preset, a session)
    epoch_added = Signal(object)  # the live run grew by this EpochStats
    settings_changed = Signal()  # the live run's settings changed
    runs_changed = Signal()  # the kept runs or seed groups changed, or which of them are shown
    seeds_added = Signal()  # a seed group grew
    preset_changed = Signal()  # the active preset changed (or may read "(modified)" now)
    labels_changed = Signal()  # after epoch_added, when the live run's label may read otherwise
    env_changed = Signal(object)  # the live run's environment, as its EnvInfo (solved line, episode cap)
    run_state_changed = Signal()  # run_state or quiet changed
    sweep_changed = Signal()  # the sweep shown began, a trial of it ended, or a session brought one
    selection_changed = Signal()  # another epoch or run is selected (time travel), or following again
    race_changed = Signal()  # a race began or ended (model/race.py's RaceModel: the lanes' own events)

    def __init__(self, config: TrainConfig, autosave=None):
        self._numbers = itertools.count(1)
        self.live = Run(next(self._numbers), config)
        self.kept: list[Run] = []
        self.seed_groups: list[SeedGroup] = []
        self.preset = None  # the Preset the live settings came from, if any
        self.autosave = autosave  # storage.autosave.Autosave, or None (tests, sessions read from files)
        self.hidden: frozenset[int] = frozenset()  # numbers of the runs and seed groups not drawn
        self.env_info = None  # the live run's environment (envs.make.EnvInfo), once made
        self.run_state = RunState.IDLE  # the training job's
        self.quiet = True  # no epoch in flight: the job waits for a command
        self.sweep: SweepResults | None = None  # the last sweep (Run > Sweep...), as far as it got
        self.selection: tuple[int, int] | None = None  # (run number, epoch) picked; None: the live run's newest
        self.race: RaceModel | None = None  # the race on screen (Run > Race...), its lanes among the kept runs

    # --- transitions -------------------------------------------------------------------------

    def edit(self, config: TrainConfig) -> list[str]:
        """The form's settings changed. Before the live run started they are its settings;
        after, its hot ones apply from the next epoch and the cold ones wait (returned)."""
        live = self.live
        if not live.started:
            live.config = live.settings = config
            self.settings_changed.emit()
            return []
        live.settings = live.settings.replace(**{name: getattr(config, name) for name in HOT_FIELDS})
        self.settings_changed.emit()
        return cold_changes(live.config, config)

    def begin(self, config: TrainConfig) -> bool:
        """Train or Step: True when the live run starts now (from ``config``), so the worker
        needs a new policy; False when it goes on."""
        live = self.live
        if live.started:
            return False
        live.config = live.settings = config
        live.started = True
        if self.autosave is not None:
            self.autosave.start(live.history, live.config)
        self.settings_changed.emit()
        return True

    def add_epoch(self, stats: EpochStats, snapshot, run: int | None = None, record=None) -> None:
        """The live run grew by an epoch: its stats, its policy after the update and what the
        update did to its batch (``record``). ``run``: the number of the run it was trained for;
        an epoch that was in flight when a Reset replaced that run is dropped.

        >>> ws = Workspace(TrainConfig())
        >>> ws.reset(TrainConfig())  # run 1 had no epochs; run 2 is live
        >>> ws.add_epoch(EpochStats(1, 9.0, 0, 9, 9, 9, 1, 9, 0, 0, 0.1, 9, 1, "", 0.1, 90), None, run=1)
        >>> ws.live.number, ws.live.history
        (2, [])
        """
        if run is not None and run != self.live.number:
            return
        relabel = self.live.grow(stats, snapshot, record)
        if self.autosave is not None:
            self.autosave.append(self.live.history)
        self.epoch_added.emit(stats)
        if relabel:
            self.labels_changed.emit()

    def reset(self, config: TrainConfig, origin: str = "settings", preset=KEEP) -> None:
        """A new live run that waits for Train; the one before is kept if it has epochs. The
        active preset stays (``preset_text`` says whether the settings still match it) unless
        another one (or None) is given."""
        self._keep(self.live)
        self.live = Run(next(self._numbers), config, origin)
        if preset is not KEEP:
            self.preset = preset
        self.live_changed.emit()
        self.runs_changed.emit()
        self.preset_changed.emit()

    def reset_settings(self, config: TrainConfig) -> TrainConfig:
        """What Reset starts from, given the form's ``config``: the physics knobs go back to the
        env's defaults, or to the active preset's when it is for the same env."""
        preset = self.preset
        same_env = preset is not None and preset.config.env_id == config.env_id
        return config.replace(physics=preset.config.physics if same_env else ())

    def start_preset(self, preset) -> None:
        """Start from a preset's settings (the current run is kept to compare)."""
        self.reset(preset.config, f"preset {preset.title}", preset)

    def keep(self, run: Run) -> None:
        """Show ``run`` (e.g. the last run restored from autosave) beside the live one."""
        self._keep(run)
        self.runs_changed.emit()

    def new_run(self, history: list[EpochStats], config: TrainConfig, origin: str) -> Run:
        """A finished run from elsewhere (autosave, a file), numbered in this workspace."""
        return Run(next(self._numbers), config, origin, list(history))

    def adopt(self, live: Run, kept: list[Run], seed_groups: list[SeedGroup], preset=None, sweep=None) -> None:
        """Take over a saved workspace (a session): its runs, active preset and sweep replace
        everything on screen (a race on ends: its lanes are not the session's)."""
        self.end_race()
        self._numbers = itertools.count(max([live.number] + [r.number for r in (*kept, *seed_groups)]) + 1)
        self.live, self.kept, self.seed_groups, self.preset = live, list(kept), list(seed_groups), preset
        self.sweep = sweep
        if self.autosave is not None and live.started:
            self.autosave.start(live.history, live.config)
        self.live_changed.emit()
        self.runs_changed.emit()
        self.preset_changed.emit()
        self.sweep_changed.emit()

    def start_race(self, configs: list[TrainConfig], lockstep: bool = True) -> RaceModel:
        """A race of a lane per config: each lane a run, kept beside the others from the start."""
        runs = [Run(next(self._numbers), config, f"race lane {i}", started=True) for i, config in enumerate(configs, 1)]
        self.race = RaceModel(runs, lockstep)
        self.kept = self._trimmed([*self.kept, *runs])
        self.race.labels_changed.connect(self.labels_changed.emit)
        self.runs_changed.emit()
        self.race_changed.emit()
        return self.race

    def end_race(self) -> None:
        """The race is over: its lanes stay as kept runs (those that finished no epoch go)."""
        if self.race is None:
            return
        empty = {id(lane.run) for lane in self.race.lanes if not lane.run.history}
        self.kept = [run for run in self.kept if id(run) not in empty]
        self.race = None
        self.runs_changed.emit()
        self.race_changed.emit()

    def clear(self) -> None:
        """Drop the kept runs and seed groups (the live run and a race's lanes stay)."""
        self.kept, self.seed_groups = self.racing_runs(), []
        self.runs_changed.emit()

    def set_run_state(self, state: RunState, quiet: bool) -> None:
        """The training job is ``state``; ``quiet`` once no epoch is in flight (after Pause, the
        epoch running finishes first: "pausing" until then).

        >>> ws = Workspace(TrainConfig())
        >>> ws.set_run_state(RunState.PAUSED, quiet=False); ws.state_text()
        'pausing'
        """
        if (state, quiet) != (self.run_state, self.quiet):
            self.run_state, self.quiet = state, quiet
            self.run_state_changed.emit()

    def state_text(self) -> str:
        """The status bar's word for the run state."""
        return "pausing" if self.run_state == RunState.PAUSED and not self.quiet else self.run_state.value

    def set_env_info(self, info) -> None:
        """The live run's environment was made (or a session named it): its EnvInfo."""
        self.env_info = info
        self.env_changed.emit(info)

    def set_shown(self, number: int, shown: bool) -> None:
        """Draw (or hide) the run or seed group ``number``; hidden ones stay listed and kept."""
        hidden = self.hidden - {number} if shown else self.hidden | {number}
        if hidden != self.hidden:
            self.hidden = hidden
            self.runs_changed.emit()

    def remove(self, number: int) -> None:
        """Take the kept run or seed group ``number`` off the screen (the live run and a race's lanes stay)."""
        kept = [r for r in self.kept if r.number != number or r in self.racing_runs()]
        groups = [g for g in self.seed_groups if g.number != number]
        if (len(kept), len(groups)) != (len(self.kept), len(self.seed_groups)):
            self.kept, self.seed_groups, self.hidden = kept, groups, self.hidden - {number}
            self.runs_changed.emit()

    def add_seed_group(self, config: TrainConfig, seeds) -> SeedGroup:
        group = SeedGroup(next(self._numbers), config, tuple(seeds))
        self.seed_groups = [*self.seed_groups, group][-MAX_SEED_GROUPS:]
        self.runs_changed.emit()
        return group

    def add_seed_epoch(self, group: SeedGroup, seed: int, stats: EpochStats) -> None:
        group.histories[seed].append(stats)
        self.seeds_added.emit()

    def drop_seed_group(self, group: SeedGroup) -> None:
        if group in self.seed_groups:
            self.seed_groups = [g for g in self.seed_groups if g is not group]
            self.runs_changed.emit()

    def start_sweep(self, spec: SweepSpec) -> SweepResults:
        """A sweep begins: its results, empty, are the ones shown (and saved with a session).

        >>> ws = Workspace(TrainConfig())
        >>> results = ws.start_sweep(SweepSpec(TrainConfig(epochs=1), {"lr": (0.01, 0.1)}, (0,)))
        >>> stats = EpochStats(1, 9.0, 0, 9, 9, 9, 1, 9, 0, 0, 0.1, 9, 1, "", 0.1, 90)
        >>> ws.add_sweep_epoch(results, "lr=0.1_seed=0", stats)
        >>> ws.end_sweep_trial(results, "lr=0.1_seed=0", seconds=1.5, node="n1")
        >>> ws.sweep.done, ws.sweep.trials["lr=0.1_seed=0"].final_return
        (1, 9.0)
        """
        self.sweep = SweepResults(spec)
        self.sweep_changed.emit()
        return self.sweep

    def add_sweep_epoch(self, results: SweepResults, name: str, stats: EpochStats) -> None:
        """An epoch of trial ``name`` of ``results`` (a sweep replaced by a newer one still lands in its own)."""
        results.add_epoch(name, stats)

    def end_sweep_trial(self, results: SweepResults, name: str, seconds: float, node: str, error: str = "") -> None:
        results.end(name, seconds, node, error)
        if results is self.sweep:
            self.sweep_changed.emit()

    # --- time travel ---------------------------------------------------------------------------

    def select(self, number: int, epoch: int) -> None:
        """Show epoch ``epoch`` of run ``number`` (the nearest epoch whose policy is kept); the
        live run's newest epoch means following it again.

        >>> ws = Workspace(TrainConfig())
        >>> for e in (1, 2, 3):
        ...     ws.add_epoch(EpochStats(e, 9.0, 0, 9, 9, 9, 1, 9, 0, 0, 0.01, 9, 1, "", 0.1, 90), f"policy {e}")
        >>> ws.select(1, 2); ws.selected().snapshot, ws.selection_text()
        ('policy 2', "epoch 2 of run 'run 1'")
        >>> ws.step_selection(+1); ws.selection, ws.selection_text()
        (None, 'epoch 3 (latest)')
        """
        run = self._run(number)
        if run is None or not run.snapshots:
            return
        epoch = min(run.snapshots, key=lambda e: (abs(e - epoch), e))
        selection = None if run is self.live and epoch == max(run.snapshots) else (number, epoch)
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit()

    def step_selection(self, by: int) -> None:
        """The kept epoch ``by`` steps before (-1) or after (+1) the one shown, in the same run."""
        shown = self.selected()
        if shown is not None:
            epochs = sorted(shown.run.snapshots)
            index = min(max(epochs.index(shown.epoch) + by, 0), len(epochs) - 1)
            self.select(shown.run.number, epochs[index])

    def _run(self, number: int) -> Run | None:
        """The live or kept run ``number`` (None once it is gone)."""
        return next((r for r in self.runs() if r.number == number), None)

    def follow_latest(self) -> None:
        """Show the live run's newest epoch again, and each new one as it comes."""
        if self.selection is not None:
            self.selection = None
            self.selection_changed.emit()

    def selected(self) -> Selected | None:
        """What is shown: the selected epoch, or the live run's newest (None before any epoch)."""
        if self.selection is not None:
            number, epoch = self.selection
            run = self._run(number)
            if run is not None and epoch in run.snapshots:
                return Selected(run, epoch, run.snapshots[epoch], run.records.get(epoch), False)
        live = self.live
        if not live.snapshots:
            return None
        epoch = max(live.snapshots)
        return Selected(live, epoch, live.snapshots[epoch], live.records.get(epoch), True)

    def selection_text(self) -> str:
        """The render panel's caption: which policy it plays."""
        shown = self.selected()
        if shown is None:
            return "no policy yet: press Train"
        if shown.latest:
            return f"epoch {shown.epoch} (latest)"
        label = dict(
            (item.number, text) for item, text in zip((*self.runs(), *self.seed_groups), self.labels(), strict=True)
        )
        return f"epoch {shown.epoch} of run '{label[shown.run.number]}'"

    def close(self) -> None:
        if self.autosave is not None:
            self.autosave.close()

    # --- what is on screen -------------------------------------------------------------------

    def runs(self) -> list[Run]:
        """The live run first, then the kept ones, oldest first."""
        return [self.live, *self.kept]

    def labels(self) -> list[str]:
        """Legend labels of ``runs()`` then ``seed_groups``, computed over all of them (but the
        live run while a race hides it: the lanes are told apart from each other only)."""
        items = [item.labelled() for item in (*self.runs(), *self.seed_groups)]
        if self._live_unlisted():
            return [self.live.name, *run_labels(items[1:])]
        return run_labels(items)

    def _live_unlisted(self) -> bool:
        """The live run has no epoch and a race is on: it is not the next one compared, the lanes are."""
        return self.race is not None and not self.live.history

    def listed(self) -> list[tuple[Run | SeedGroup, str]]:
        """The runs the run list shows, with their labels: the live run once it has epochs or
        beside kept runs (it is the next one to compare), then the kept runs, then seed groups.

        >>> ws = Workspace(TrainConfig())
        >>> ws.listed()
        []
        >>> ws.add_seed_group(TrainConfig(), (1, 2)).number
        2
        >>> [(item.name, label) for item, label in ws.listed()]
        [('seeds 1-2', 'seeds 1-2 (mean ± std)')]
        """
        listed = list(zip([*self.runs(), *self.seed_groups], self.labels(), strict=True))
        return listed if (self.live.history or self.kept) and not self._live_unlisted() else listed[1:]

    def shown(self, item: Run | SeedGroup) -> bool:
        return item.number not in self.hidden

    def preset_text(self, config: TrainConfig) -> str | None:
        """The active preset's title, marked when ``config`` has departed from it; None without one."""
        if self.preset is None:
            return None
        return self.preset.title if config == self.preset.config else f"{self.preset.title} (modified)"

    def _keep(self, run: Run) -> None:
        if run.history:
            self.kept = self._trimmed([*self.kept, run])

    def _trimmed(self, kept: list[Run]) -> list[Run]:
        """``kept`` within MAX_KEPT: the oldest go first, but never a lane of the race on."""
        racing = self.racing_runs()
        while len(kept) > MAX_KEPT and any(run not in racing for run in kept):
            kept.remove(next(run for run in kept if run not in racing))
        return kept

    def racing_runs(self) -> list[Run]:
        """The runs of the race on (they stay kept, and listed, while it runs)."""
        return [lane.run for lane in self.race.lanes] if self.race is not None else []
