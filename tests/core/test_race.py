"""The race (algo/race.py) and its headless form, vpg-train --race (cli/race.py)."""

import dataclasses
import os
import time

import pytest

from vpg_gui.algo.metrics import read_csv
from vpg_gui.algo.race import Race
from vpg_gui.cli.train import main
from vpg_gui.config import TrainConfig
from vpg_gui.formats.checked_text import read_rows
from vpg_gui.storage.run_files import read_runs

TIMES = {"seconds", "steps_per_s"}  # wall-clock figures: the only columns two runs of one setting may differ in


def deterministic(history):
    return [{k: v for k, v in dataclasses.asdict(s).items() if k not in TIMES} for s in history]


def run_race(race, until, spread, on_epoch=lambda index, stats: None):
    """Advance ``race`` until every lane has ``until`` epochs (or the race is idle), recording the
    largest gap in finished epochs between the running lanes after every epoch that ends."""
    deadline = time.monotonic() + 120
    while not race.idle and min(lane.epoch for lane in race.lanes if lane.running) < until:
        assert time.monotonic() < deadline
        for index, stats in race.advance():
            on_epoch(index, stats)
            running = [lane.epoch for lane in race.lanes if lane.running]
            spread.append(max(running) - min(running))


@pytest.fixture
def lanes_of_three_speeds():
    # Batches of 200, 2000 and 8000 steps: the small one would run far ahead if nothing held it.
    configs = [TrainConfig(batch_steps=b, epochs=6, seed=3, num_envs=1) for b in (200, 2000, 8000)]
    race = Race(configs)
    yield race
    race.close()


def test_lanes_advance_in_lock_step(lanes_of_three_speeds):
    spread = []
    run_race(lanes_of_three_speeds, 6, spread)
    assert [lane.epoch for lane in lanes_of_three_speeds.lanes] == [6, 6, 6]
    assert max(spread) <= 1  # no lane two epochs ahead of another


def test_free_lanes_run_ahead(lanes_of_three_speeds):
    """The same lanes let free: the fast one gets two or more epochs ahead (what lock-step prevents)."""
    lanes_of_three_speeds.lockstep = False
    spread = []
    run_race(lanes_of_three_speeds, 3, spread)
    assert max(spread) >= 2


def test_a_paused_lane_stays_and_its_hot_change_is_its_own():
    race = Race([TrainConfig(batch_steps=300, epochs=0, seed=1), TrainConfig(batch_steps=300, epochs=0, seed=1)])
    try:
        run_race(race, 2, [])
        race.lanes[0].running = False
        race.apply(1, race.lanes[1].config.replace(lr=0.05, hidden_sizes=(8,)))  # the cold one is ignored
        seen = {0: [], 1: []}
        run_race(race, 5, [], lambda index, stats: seen[index].append(stats))
        assert seen[0] == [] and race.lanes[0].epoch == 2
        assert [s.lr for s in seen[1]] == [0.05] * len(seen[1]) and len(seen[1]) >= 3
        assert race.lanes[1].config.hidden_sizes == (32,)
        race.lanes[0].steps = 1  # Step: one epoch, then paused again
        run_race(race, 0, [])
        while race.lanes[0].in_flight or race.lanes[0].steps:
            race.advance()
        assert race.lanes[0].epoch == 3 and not race.lanes[0].running
    finally:
        race.close()


def test_closing_mid_epoch_ends_every_lane_process():
    race = Race([TrainConfig(batch_steps=400_000, seed=s) for s in (1, 2, 3)])
    pids = [lane.remote.pid for lane in race.lanes]
    race.advance(timeout=0.2)  # every lane is in the middle of a long epoch
    assert all(lane.in_flight for lane in race.lanes)
    race.close()  # how long it takes: benchmarks/bench_race.py
    assert not [pid for pid in pids if os.path.exists(f"/proc/{pid}")]  # ended and reaped


def test_vpg_train_race_writes_each_lane_as_vpg_train_would(tmp_path, capsys):
    lanes = ["weighting=episode-return", "weighting=reward-to-go,lr=0.02"]
    assert (
        main(
            ["--race", *lanes, "--epochs", "4", "--batch-steps", "800", "--seed", "5", "--out", str(tmp_path / "race")]
        )
        == 0
    )
    assert "lane 2: 4 epochs" in capsys.readouterr().err
    for number, flags in ((1, []), (2, ["--weighting", "reward-to-go", "--lr", "0.02"])):
        alone = tmp_path / f"alone-{number}"
        assert main([*flags, "--epochs", "4", "--batch-steps", "800", "--seed", "5", "--out", str(alone)]) == 0
        lane = tmp_path / "race" / f"lane-{number}"
        assert deterministic(read_csv(lane / "metrics.csv")) == deterministic(read_csv(alone / "metrics.csv"))
        assert (lane / "config.toml").read_text() == (alone / "config.toml").read_text()
        assert (lane / "checkpoint.pt").is_file()
    rows = read_rows(tmp_path / "race" / "race.csv")
    assert sorted((int(r["lane"]), int(r["epoch"])) for r in rows) == [(n, e) for n in (1, 2) for e in range(1, 5)]
    drawn = read_runs([tmp_path / "race"])
    assert len(drawn.labels()) == 2 and len(set(drawn.labels())) == 2
    assert "reward-to-go" in drawn.labels()[1]


@pytest.mark.parametrize(
    "argv, said",
    [
        (["--race", "lr=0.1"], "give 2 to 4 lanes, not 1"),
        (["--race", "lr=0.1", "lr=0.2", "lr=0.3", "lr=0.4", "lr=0.5"], "not 5"),
        (["--race", "lr=0.1", "speed=2"], "'speed' must be FIELD=VALUE"),
        (["--race", "lr=0.1", "lr=-1"], "lane 2: lr=-1.0: must be between"),
        (["--race", "lr=0.1", "preset=99"], "no such preset"),
        (["--race", "lr=0.1", "lr=0.2", "--seeds", "0-1"], "cannot be combined with --seeds"),
    ],
)
def test_a_bad_race_is_one_line_and_exit_2(argv, said, capsys, one_line):
    try:
        code = main(argv)
    except SystemExit as exc:  # refused by the flag's parser
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and one_line(err) and said in err


def epoch_of(n, lr=0.01, weighting="episode-return"):
    from vpg_gui.algo.metrics import EpochStats

    return EpochStats(n, 20.0 + n, 1, 10, 40, 20, 50, 1000, 1.0, 0.69, lr, 1000, 1.0, weighting, 0.05, 1e5)


def test_the_race_in_the_model_keeps_its_lanes_as_runs_until_and_after_it_ends():
    from vpg_gui.model.runs import MAX_KEPT, Workspace

    ws = Workspace(TrainConfig())
    for _ in range(MAX_KEPT):  # a full set of kept runs before the race
        ws.begin(ws.live.settings)
        ws.add_epoch(epoch_of(1), None)
        ws.reset(TrainConfig())
    race = ws.start_race([TrainConfig(), TrainConfig(weighting="reward-to-go"), TrainConfig(lr=0.02)])
    lanes = [lane.run for lane in race.lanes]
    assert all(run in ws.kept for run in lanes) and len(ws.kept) == MAX_KEPT  # the oldest kept runs made room
    for index, lane in enumerate(race.lanes[:2]):
        race.add_epoch(index, epoch_of(1, weighting=lane.run.config.weighting), f"policy {index}")
    race.edit(1, TrainConfig(lr=0.05, hidden_sizes=(8,)))
    assert lanes[1].settings.lr == 0.05 and lanes[1].settings.hidden_sizes == (32,)  # a hot change only
    race.add_epoch(1, epoch_of(2, lr=0.05, weighting="reward-to-go"), "policy")
    assert lanes[1].markers() == [(2, "lr 0.01 -> 0.05")] and lanes[0].markers() == []
    # The unstarted live run is not listed while the race is on: the lanes are labelled apart from each other.
    listed = dict((item.number, label) for item, label in ws.listed())
    assert ws.live.number not in listed and listed[lanes[0].number] != listed[lanes[1].number]
    ws.clear()
    ws.remove(lanes[0].number)
    assert ws.kept == lanes  # a race's lanes stay while it runs
    ws.select(lanes[0].number, 1)
    assert ws.selected().snapshot == "policy 0"  # time travel on a lane
    ws.end_race()
    assert ws.race is None and ws.kept == lanes[:2]  # the lane with no epoch goes


def test_opening_a_session_ends_the_race():
    from vpg_gui.model.runs import Run, Workspace

    ws = Workspace(TrainConfig())
    ws.start_race([TrainConfig(), TrainConfig(lr=0.02)])
    ended = []
    ws.race_changed.connect(lambda: ended.append(ws.race))
    ws.adopt(Run(1, TrainConfig()), [], [])
    assert ended == [None] and ws.race is None and ws.kept == []
