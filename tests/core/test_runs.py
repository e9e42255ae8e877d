"""The run model without Qt: transitions, truthful labels, markers, sessions as the model saved."""

import dataclasses

import numpy as np
import pytest

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.config import TrainConfig
from vpg_gui.model.runs import MAX_KEPT, Workspace
from vpg_gui.storage.autosave import Autosave
from vpg_gui.storage.presets import builtin_presets, load_preset
from vpg_gui.storage.session import read_session, save_session

# A CartPole policy of the default settings' sizes (4 -> 32 -> 2), as the training process sends.
POLICY = NumpyPolicy(
    [
        (np.zeros((4, 32), np.float32), np.zeros(32, np.float32)),
        (np.ones((32, 2), np.float32), np.zeros(2, np.float32)),
    ],
    "tanh",
)
BASE = EpochStats(1, 20, 5, 10, 40, 20, 250, 5000, 3.1, 0.69, 0.01, 5000, 1.0, "episode-return", 0.05, 1e5)


EVENTS = ("live_changed", "epoch_added", "settings_changed", "runs_changed", "seeds_added", "preset_changed",
          "labels_changed")  # fmt: skip


def listen(workspace, heard: list) -> None:
    """Append each event's short name ("runs", "labels", ...) to ``heard`` as the workspace announces it."""
    for name in EVENTS:
        short = name.split("_")[0]
        getattr(workspace, name).connect(lambda *_, n=short: heard.append(n))


def train(workspace, epochs, **hot):
    """Add ``epochs`` epochs to the live run that used its settings (plus ``hot`` from the first)."""
    live = workspace.live
    workspace.begin(live.settings)
    settings = live.settings.replace(**hot)
    workspace.edit(settings)
    for _ in range(epochs):
        s = workspace.live.settings
        stats = dataclasses.replace(
            BASE, epoch=len(live.history) + 1, lr=s.lr, weighting=s.weighting, batch_steps=s.batch_steps
        )
        workspace.add_epoch(stats, POLICY)


def test_the_lecture_scenario_gives_distinct_truthful_labels():
    ws = Workspace(TrainConfig())
    train(ws, 11)
    train(ws, 9, lr=0.3)  # a hot change that takes effect at epoch 12
    ws.reset(TrainConfig(weighting="reward-to-go"))
    train(ws, 20)
    ws.reset(TrainConfig(weighting="reward-to-go"))
    train(ws, 20)  # the same settings again
    assert ws.labels() == [
        "lr 0.01, reward-to-go, run 3",  # the live run first, then the kept ones
        "lr 0.01 -> 0.3 @ 12, episode-return",
        "lr 0.01, reward-to-go, run 2",
    ]
    assert ws.kept[0].markers() == [(12, "lr 0.01 -> 0.3")]  # kept runs keep their markers


def test_labels_follow_the_set_of_runs_on_screen():
    ws = Workspace(TrainConfig())
    train(ws, 3)
    ws.reset(TrainConfig(lr=0.05))
    assert ws.labels() == ["lr 0.05", "lr 0.01"]
    ws.edit(TrainConfig(lr=0.05, batch_steps=2000))  # before Train: the live run's settings are the form's
    assert ws.labels() == ["lr 0.05, batch steps 2000", "lr 0.01, batch steps 5000"]
    ws.clear()
    assert ws.labels() == ["run 2"]


def test_a_hot_change_after_the_last_epoch_does_not_relabel_a_finished_run():
    ws = Workspace(TrainConfig())
    train(ws, 3)
    ws.edit(TrainConfig(lr=0.3))  # never used by an epoch
    ws.reset(TrainConfig(weighting="reward-to-go"))
    assert ws.labels()[1] == "episode-return"  # lr is the same in both: not named


def test_cold_changes_wait_and_hot_ones_apply():
    ws = Workspace(TrainConfig())
    assert ws.begin(TrainConfig()) and not ws.begin(TrainConfig())  # the second Train continues
    assert ws.edit(TrainConfig(lr=0.3, seed=5)) == ["seed"]
    assert ws.live.settings.lr == 0.3 and ws.live.settings.seed == 0 and ws.live.config.lr == 0.01


def test_reset_keeps_runs_with_epochs_only_and_at_most_max_kept():
    ws = Workspace(TrainConfig())
    ws.reset(TrainConfig())  # no epochs: nothing to keep
    assert ws.kept == []
    for i in range(MAX_KEPT + 2):
        train(ws, 1)
        ws.reset(TrainConfig(seed=i))
    assert len(ws.kept) == MAX_KEPT and ws.kept[0].number == 4  # the oldest went first
    assert len({r.number for r in ws.runs()}) == len(ws.runs())


def test_a_preset_starts_a_new_run_and_is_marked_once_departed_from():
    preset = load_preset(builtin_presets()[1])
    ws = Workspace(TrainConfig())
    train(ws, 40)
    heard = []
    listen(ws, heard)
    ws.start_preset(preset)
    assert "live" in heard and ws.live.history == [] and not ws.live.started and len(ws.kept) == 1
    assert ws.live.settings == preset.config and ws.live.origin == f"preset {preset.title}"
    assert ws.preset_text(preset.config) == preset.title
    assert ws.preset_text(preset.config.replace(lr=0.5)) == f"{preset.title} (modified)"
    ws.reset(TrainConfig(), preset=None)
    assert ws.preset_text(TrainConfig()) is None


def test_seed_groups_are_labelled_by_their_seeds_and_grow_as_epochs_arrive():
    ws = Workspace(TrainConfig())
    group = ws.add_seed_group(TrainConfig(epochs=3), range(1, 6))
    ws.add_seed_epoch(group, 3, BASE)
    assert group.histories[3] == [BASE] and group.histories[1] == []
    assert ws.labels() == ["run 1", "seeds 1-5 (mean ± std)"]


def test_a_seed_band_grows_as_seeds_arrive_and_stays_inside_what_was_observed():
    group = Workspace(TrainConfig()).add_seed_group(TrainConfig(), [0, 1, 2])
    for seed, means in ((0, [10.0, 500.0]), (1, [30.0]), (2, [20.0])):
        for i, mean in enumerate(means):
            group.histories[seed].append(dataclasses.replace(BASE, epoch=i + 1, return_mean=mean))
    x, mean, lo, hi = group.band()
    assert x.tolist() == [1, 2] and mean.tolist() == [20, 500]  # epoch 2: only seed 0 so far
    std = np.std([10.0, 30.0, 20.0])
    assert lo.tolist() == [max(20 - std, 10), 500] and hi.tolist() == [min(20 + std, 30), 500]
    group.histories[1].append(dataclasses.replace(BASE, epoch=2, return_mean=0.0))
    assert group.band()[2][1] >= 0.0 and group.band()[3][1] <= 500.0  # never past the observed returns


def test_autosave_follows_the_live_run(tmp_path):
    ws = Workspace(TrainConfig(lr=0.02), Autosave(tmp_path))
    train(ws, 2)
    config, history = ws.autosave.last_run()
    assert config.lr == 0.02 and history == ws.live.history
    ws.close()
    assert Autosave(tmp_path).last_run() is None  # a clean close leaves nothing to restore


def test_a_session_is_the_model_saved(tmp_path):
    ws = Workspace(TrainConfig())
    train(ws, 3, lr=0.05)
    ws.reset(TrainConfig(weighting="reward-to-go"))
    group = ws.add_seed_group(TrainConfig(epochs=1), [0, 1])
    for seed in (0, 1):
        ws.add_seed_epoch(group, seed, BASE)
    save_session(tmp_path / "s.vpgsession", ws, None)
    session = read_session(tmp_path / "s.vpgsession")
    other = Workspace(TrainConfig())
    other.adopt(session.live, session.kept, session.seed_groups)
    assert other.labels() == ws.labels()
    assert [r.history for r in other.kept] == [r.history for r in ws.kept]
    assert other.seed_groups[0].histories == {0: [BASE], 1: [BASE]}
    other.reset(TrainConfig())
    assert other.live.number > max(r.number for r in ws.runs())  # numbers never repeat


def a_sweep(ws):
    """A sweep of lr over two values and one seed in ``ws``, as its job would leave it: one trial ended."""
    from vpg_gui.sweeps.spec import SweepSpec

    results = ws.start_sweep(SweepSpec(TrainConfig(epochs=2), {"lr": (0.01, 0.1)}, (0,)))
    for epoch in (1, 2):
        ws.add_sweep_epoch(results, "lr=0.1_seed=0", dataclasses.replace(BASE, epoch=epoch, return_mean=30.0 * epoch))
    ws.add_sweep_epoch(results, "lr=0.01_seed=0", BASE)
    ws.end_sweep_trial(results, "lr=0.1_seed=0", seconds=2.5, node="n1")
    return results


def test_a_sweep_is_the_models_and_a_session_keeps_it_as_far_as_it_got(tmp_path):
    ws = Workspace(TrainConfig())
    heard = []
    ws.sweep_changed.connect(lambda: heard.append("sweep"))
    results = a_sweep(ws)
    assert ws.sweep is results and heard == ["sweep", "sweep"]  # begun, one trial ended
    save_session(tmp_path / "s.vpgsession", ws, None)
    sweep = read_session(tmp_path / "s.vpgsession").sweep
    assert sweep.spec == results.spec and sweep.done == 1
    ended = sweep.trials["lr=0.1_seed=0"]
    assert (ended.history, ended.seconds, ended.node) == (results.trials["lr=0.1_seed=0"].history, 2.5, "n1")
    assert sweep.trials["lr=0.01_seed=0"].history == [BASE] and not sweep.trials["lr=0.01_seed=0"].ended
    assert [(p.value, p.mean) for p in sweep.sensitivity("lr")[""]] == [(0.01, 20.0), (0.1, 60.0)]
    other = Workspace(TrainConfig())
    other.sweep_changed.connect(lambda: heard.append("adopted"))
    other.adopt(ws.live, [], [], sweep=sweep)
    assert other.sweep is sweep and heard[-1] == "adopted"


@pytest.mark.parametrize(
    "damage, says",
    [
        (lambda d: d["trials"].pop(), "one entry per trial"),
        (lambda d: d["trials"][0].update(name="../x"), "not a trial of its grid"),
        (lambda d: d["trials"][0].update(seconds=-1.0), "seconds must be a number from 0"),
        (lambda d: d["trials"][0].update(node=["n"]), "node and error must be text"),
        (lambda d: d["spec"]["grid"].update(lr=[-5.0]), "lr"),
        (lambda d: d["spec"].pop("seeds"), "sweep: not a sweep's description"),
    ],
)
def test_a_damaged_sweep_in_a_session_is_refused_naming_what(tmp_path, damage, says):
    from vpg_gui.algo.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

    ws = Workspace(TrainConfig())
    a_sweep(ws)
    save_session(tmp_path / "s.vpgsession", ws, None)
    data = load_checkpoint(tmp_path / "s.vpgsession", kind="session")
    damage(data["sweep"])
    save_checkpoint(tmp_path / "bad.vpgsession", data, kind="session")  # with a valid checksum
    with pytest.raises(CheckpointError, match=f"bad.vpgsession: session contents are not valid: .*{says}"):
        read_session(tmp_path / "bad.vpgsession")


def test_an_older_session_is_refused_with_a_message(tmp_path):
    from vpg_gui.algo.checkpoint import CheckpointError, save_checkpoint

    save_checkpoint(
        tmp_path / "old.vpgsession", {"config": TrainConfig().to_dict(), "history": [], "kept_runs": []}, "session"
    )
    with pytest.raises(CheckpointError, match="earlier vpg-gui"):
        read_session(tmp_path / "old.vpgsession")


def test_runs_are_shown_hidden_and_removed_through_the_model():
    ws = Workspace(TrainConfig())
    heard = []
    listen(ws, heard)
    train(ws, 3)
    assert heard.count("labels") == 1  # the first epoch only: the other two changed nothing a label says
    train(ws, 1, lr=0.3)
    assert heard.count("labels") == 2  # a hot change
    ws.reset(TrainConfig(weighting="reward-to-go"))
    train(ws, 2)
    group = ws.add_seed_group(TrainConfig(), (1, 2))
    kept, live = ws.kept[0], ws.live
    assert [item for item, _ in ws.listed()] == [live, kept, group]
    heard.clear()
    ws.set_shown(kept.number, False)
    assert not ws.shown(kept) and heard == ["runs"]
    ws.set_shown(kept.number, False)  # no change, no news
    assert heard == ["runs"]
    assert [item for item, _ in ws.listed()] == [live, kept, group]  # hidden runs stay listed
    ws.remove(live.number)  # the live run is never removed
    ws.remove(group.number)
    assert ws.seed_groups == [] and ws.live is live and heard == ["runs", "runs"]
    ws.remove(kept.number)
    assert ws.kept == [] and ws.hidden == frozenset()  # its hidden mark goes with it


def test_the_model_answers_what_the_status_bar_and_reset_ask():
    ws = Workspace(TrainConfig(epochs=3))
    train(ws, 3)
    live = ws.live
    assert live.totals() == (3 * BASE.steps, 3 * BASE.seconds)
    assert live.at_cap(TrainConfig(epochs=3)) and not live.at_cap(TrainConfig(epochs=4))
    assert not live.at_cap(TrainConfig(epochs=0))  # until stopped
    form = TrainConfig(physics=(("gravity", 12.0),))
    assert ws.reset_settings(form).physics == ()  # no preset: the env's defaults
    preset = load_preset(builtin_presets()[0])
    ws.start_preset(dataclasses.replace(preset, config=preset.config.replace(physics=(("length", 0.8),))))
    assert ws.reset_settings(form).physics == (("length", 0.8),)  # the active preset's
    assert ws.reset_settings(form.replace(env_id="Acrobot-v1")).physics == ()  # another env: its defaults


def test_the_live_runs_environment_is_the_models():
    from vpg_gui.envs.make import env_info

    ws = Workspace(TrainConfig())
    heard = []
    ws.env_changed.connect(heard.append)
    info = env_info("CartPole-v1")
    ws.set_env_info(info)
    assert ws.env_info is info and heard == [info] and info.reward_threshold == 475.0
