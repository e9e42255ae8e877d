"""`vpg-train --race`: two to four lanes trained at once, in lock-step, one process each.

    vpg-train --race "weighting=episode-return" "weighting=reward-to-go" --epochs 40 --out runs/race

Every lane starts from the same settings (the other flags, or their defaults) with its own
changes on top, so only what the lanes name differs (the seed too, unless a lane sets it). With
--out DIR, lane N's files go to DIR/lane-N/ as ``vpg-train --out`` writes them (config.toml,
metrics.csv, checkpoint.pt after every epoch) and DIR/race.csv holds a row per epoch and lane;
``vpg-plot DIR`` draws the lanes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from vpg_gui.cli.common import fail, stop_on_signals, summary
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.flags import flag_message


def lane_configs(settings: dict, lanes: list[dict]) -> list[TrainConfig]:
    """Each lane's settings: ``settings`` (the flags') with the lane's on top, checked;
    ConfigError names the lane.

    >>> [c.weighting for c in lane_configs({"lr": 0.02}, [{}, {"weighting": "reward-to-go"}])]
    ['episode-return', 'reward-to-go']
    """
    from vpg_gui.algo.race import LANES

    if len(lanes) not in LANES:
        raise ConfigError(f"--race: give {LANES.start} to {LANES.stop - 1} lanes, not {len(lanes)}")
    configs = []
    for number, lane in enumerate(lanes, 1):
        try:
            configs.append(TrainConfig(**{**settings, **lane}).validate())
        except ConfigError as exc:
            reason = str(exc).replace(f"{exc.field} = ", f"{exc.field}=", 1)
            raise ConfigError(f"--race lane {number}: {reason}") from None
    return configs


def race(prog: str, settings: dict, args: argparse.Namespace) -> int:
    """Train the lanes of ``args.race`` (parsed lanes) until each has its epochs, or Ctrl-C."""
    from vpg_gui.algo.race import Race
    from vpg_gui.envs.ids import allow_module
    from vpg_gui.formats.files import os_reason
    from vpg_gui.storage.run_dir import RunDirError, claim_run_dir, lane_dir

    try:
        for flag in ("seeds", "resume", "tensorboard"):
            if getattr(args, flag) is not None:
                raise ConfigError(f"--race: cannot be combined with --{flag}")
        if args.record_batches:
            raise ConfigError("--race: cannot be combined with --record-batches")
        configs = lane_configs(settings, args.race)
        if args.env_id is not None:  # typed as --env (not a preset's): its module may be imported
            allow_module(args.env_id)
    except ConfigError as exc:
        return fail(flag_message(exc) if exc.field and not str(exc).startswith("--") else str(exc), prog=prog)
    with contextlib.ExitStack() as stack:
        try:
            if args.out is not None:
                stack.enter_context(claim_run_dir(args.out, overwrite=args.overwrite))
                for number in range(1, len(configs) + 1):
                    stack.enter_context(claim_run_dir(lane_dir(args.out, number), overwrite=args.overwrite))
            lanes = Race(configs)
        except RunDirError as exc:
            return fail(str(exc), prog=prog)
        except OSError as exc:
            return fail(os_reason(exc), prog=prog)
        stack.callback(lanes.close)
        return _run(prog, lanes, args.out, args.json)


def _run(prog: str, lanes, out: Path | None, as_json: bool) -> int:
    from tqdm import tqdm

    from vpg_gui.algo.metrics import RACE_COLUMNS, MetricsCsv, csv_rows
    from vpg_gui.errors import TrainingDiverged
    from vpg_gui.formats.checked_text import toml_with_checksum
    from vpg_gui.formats.files import atomic_write_bytes, os_reason
    from vpg_gui.storage.run_dir import RACE_FILE, lane_dir

    histories = [[] for _ in lanes.lanes]
    code = 0
    with stop_on_signals() as stop, contextlib.ExitStack() as opened:
        files = []  # per lane: (its directory, its metrics.csv)
        if out is not None:
            try:
                table = MetricsCsv(out / RACE_FILE, [], RACE_COLUMNS)
                opened.callback(table.close)
                for number, lane in enumerate(lanes.lanes, 1):
                    where = lane_dir(out, number)
                    atomic_write_bytes(where / "config.toml", toml_with_checksum(lane.config.to_dict()).encode())
                    files.append((where, MetricsCsv(where / "metrics.csv", [])))
                    opened.callback(files[-1][1].close)
            except OSError as exc:
                return fail(os_reason(exc), prog=prog)
        epochs = [lane.config.epochs for lane in lanes.lanes]
        total = sum(epochs) if all(epochs) else None  # a lane until stopped (0): no total
        bar = tqdm(total=total, unit="epoch", file=sys.stderr)
        opened.callback(bar.close)
        while not lanes.idle and not stop.is_set():
            for index, result in lanes.advance(cancel=stop.is_set):
                if isinstance(result, TrainingDiverged):
                    bar.clear()
                    print(f"{prog}: lane {index + 1}: {result}", file=sys.stderr)
                    code = 1
                    continue
                history = histories[index]
                history.append(result)
                if files:
                    where, metrics = files[index]
                    try:
                        lanes.lanes[index].remote.save(where / "checkpoint.pt", stop.is_set)
                        metrics.append(history)
                        table.append(history, lane=index + 1)
                    except OSError as exc:
                        bar.close()
                        return fail(f"{os_reason(exc)} (lane {index + 1}, epoch {result.epoch})", 1, prog=prog)
                if as_json:
                    print(json.dumps({"lane": index + 1, **csv_rows(history[-2:])[-1]}), flush=True)
                bar.set_postfix_str(" ".join(f"{h[-1].return_mean:.0f}" if h else "-" for h in histories))
                bar.update(1)
    bar.close()
    for number, (lane, history) in enumerate(zip(lanes.lanes, histories, strict=True), 1):
        where = lane_dir(out, number) if out is not None else None
        print(summary(history, lane.info.reward_threshold, where, f"{prog}: lane {number}"), file=sys.stderr)
    if stop.is_set():
        print(f"{prog}: stopped at epochs {', '.join(str(len(h)) for h in histories)}", file=sys.stderr)
        return stop.code
    return code
