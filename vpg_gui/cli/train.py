"""`vpg-train`: train headless, with a progress bar, CSV / JSON metrics and checkpoints.

    vpg-train --epochs 30 --weighting reward-to-go --out runs/rtg
    vpg-train --resume runs/rtg/checkpoint.pt --epochs 60 --out runs/rtg
    vpg-train --seeds 0-4 --baseline value --out runs/sweep   # seeds in parallel, on Ray (see vpg-sweep)

Bad input gets one line on stderr and exit code 2, before anything is written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from vpg_gui.cli.common import fail, stop_on_signals, summary
from vpg_gui.config import HOT_FIELDS, ConfigError, TrainConfig
from vpg_gui.flags import (
    FLAGS,
    OneLineParser,
    add_config_flags,
    add_tensorboard_flag,
    flag_message,
    given_settings,
    out_dir,
    parse_lane,
    seeds_arg,
)

PROG = "vpg-train"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Train a policy with the simplest policy gradient, headless.")
    add_config_flags(parser)
    parser.add_argument(
        "--out",
        type=out_dir,
        metavar="DIR",
        help="write metrics.csv, config.toml and checkpoint.pt here: a new or empty directory, or this run's "
        "own directory with --resume",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="let --out replace the vpg-gui run already in that directory"
    )
    parser.add_argument("--resume", type=Path, metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT")
    parser.add_argument("--json", action="store_true", help="print one JSON object per epoch on stdout")
    parser.add_argument(
        "--no-diagnostics",
        dest="diagnostics",
        action="store_false",
        help="skip the update's diagnostics (gradient variance, KL; written as 0): the training is the same",
    )
    parser.add_argument(
        "--record-batches",
        action="store_true",
        help="with --out: write each epoch's batch to DIR/batches/epoch-NNNN.npz (each step's weight and "
        "log-probability before and after the update, what replays its episodes); vpg-plot --inspect draws one",
    )
    add_tensorboard_flag(parser)
    parser.add_argument(
        "--race",
        nargs="+",
        type=parse_lane,
        metavar="LANE",
        help="train 2 to 4 lanes at once, in lock-step, one process each; a lane is comma-separated "
        "FIELD=VALUE settings (weighting=reward-to-go,lr=0.02) or preset=N, on top of the other flags' "
        "settings; with --out, lane N's files go to DIR/lane-N/ and a row per epoch and lane to DIR/race.csv",
    )
    parser.add_argument(
        "--seeds",
        type=seeds_arg,
        metavar="A-B|A,B,...",
        help="train every seed of a range (0-4) or list (1,3,7) on Ray, one per core (a vpg-sweep over seeds; "
        "$RAY_ADDRESS runs it on a cluster); with --out, each seed's files go to DIR/trials/seed=N/, one row "
        "per seed to DIR/summary.csv and the per-epoch mean and spread over seeds to DIR/aggregate.csv",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = given_settings(args)
    # Deferred so that --help and bad flags answer at once, without loading torch.
    from vpg_gui.algo.checkpoint import CheckpointError
    from vpg_gui.envs.ids import allow_module
    from vpg_gui.formats.files import os_reason
    from vpg_gui.storage.run_dir import RunDirError, claim_run_dir

    if args.race is not None:
        from vpg_gui.cli.race import race

        return race(PROG, settings, args)
    with contextlib.ExitStack() as stack:
        try:
            if args.seeds is not None:
                if args.resume is not None:
                    raise ConfigError("--seeds: cannot be combined with --resume")
                from vpg_gui.cli.sweep import sweep

                return sweep(PROG, settings, {}, args.seeds, args)
            if args.env_id is not None:  # typed on the command line (not a preset's): its module may be imported
                allow_module(args.env_id)
            if args.record_batches and (args.out is None or args.seeds is not None):
                raise ConfigError("--record-batches: needs --out DIR (the records go to DIR/batches/)")
            if args.resume is not None and args.preset is not None:
                raise ConfigError("--preset: cannot be combined with --resume (the checkpoint has its settings)")
            trainer = stack.enter_context(contextlib.closing(_trainer(args, settings)))
            if args.out is not None:
                stack.enter_context(claim_run_dir(args.out, args.resume, args.overwrite, trainer.history))
        except ConfigError as exc:
            return fail(flag_message(exc), prog=PROG)
        except (CheckpointError, RunDirError) as exc:
            return fail(str(exc), prog=PROG)
        except OSError as exc:
            return fail(os_reason(exc), prog=PROG)
        return _run(trainer, args.out, args.json, args.tensorboard)


def _trainer(args: argparse.Namespace, settings: dict):
    """A new Trainer from the flags, or one continuing --resume with the hot flags applied."""
    from vpg_gui.algo.trainer import Trainer

    if args.resume is None:
        return Trainer(TrainConfig(**settings), diagnostics=args.diagnostics, record_batches=args.record_batches)
    trainer = Trainer.from_checkpoint(args.resume, {k: v for k, v in settings.items() if k in HOT_FIELDS})
    trainer.diagnostics, trainer.record_batches = args.diagnostics, args.record_batches
    try:
        changed = sorted(k for k, v in settings.items() if k not in HOT_FIELDS and getattr(trainer.config, k) != v)
        if changed:
            raise ConfigError(f"{FLAGS[changed[0]]}: cannot change when resuming (only hot settings can)")
        if trainer.finished:
            raise ConfigError(
                f"--epochs {trainer.config.epochs}: the run in {args.resume} already has {trainer.epoch} epochs; "
                f"give --epochs above {trainer.epoch} (or 0 to run until stopped)"
            )
    except ConfigError:
        trainer.close()
        raise
    return trainer


def _run(trainer, out: Path | None, as_json: bool, tensorboard: Path | None = None) -> int:
    """Train until done or stopped, writing the files of ``out`` after every epoch. A file-system
    fault, a divergence or running out of memory ends the run with one line and exit code 1; the
    files then hold every epoch that finished before it."""
    from tqdm import tqdm

    from vpg_gui.algo.metrics import MetricsCsv, csv_rows
    from vpg_gui.errors import EnvironmentFault, EpochCancelled, TrainingDiverged
    from vpg_gui.formats.checked_text import toml_with_checksum
    from vpg_gui.formats.files import atomic_write_bytes, os_reason
    from vpg_gui.storage.run_dir import BATCHES, batch_path

    with stop_on_signals() as stop, contextlib.ExitStack() as opened:
        metrics = None
        if out is not None:
            try:
                atomic_write_bytes(out / "config.toml", toml_with_checksum(trainer.config.to_dict()).encode())
                if trainer.record_batches:
                    (out / BATCHES).mkdir(exist_ok=True)
                metrics = MetricsCsv(out / "metrics.csv", trainer.history)
            except OSError as exc:  # before any training: like a bad --out
                return fail(os_reason(exc), prog=PROG)
            opened.callback(metrics.close)
        log = None
        if tensorboard is not None:
            from vpg_gui.storage.tensorboard import ScalarLog

            try:
                log = ScalarLog(tensorboard)
            except OSError as exc:  # before any training: like a bad --tensorboard
                return fail(os_reason(exc), prog=PROG)
            opened.callback(log.close)
        total = trainer.config.epochs or None
        saved = trainer.epoch  # the epochs the files in out hold
        bar = tqdm(total=total, initial=min(trainer.epoch, total or trainer.epoch), unit="epoch", file=sys.stderr)
        opened.callback(bar.close)
        while not trainer.finished and not stop.is_set():
            try:
                stats = trainer.train_epoch(cancel=stop.is_set)
                if out is not None:
                    if trainer.last_record is not None:
                        trainer.last_record.save(batch_path(out, stats.epoch))
                    trainer.save(out / "checkpoint.pt")
                    metrics.append(trainer.history)
                    saved = trainer.epoch
                if log is not None:
                    log.add(stats)
            except EpochCancelled:
                break
            except (TrainingDiverged, EnvironmentFault) as exc:  # the files hold the last good epoch
                bar.close()
                return fail(str(exc), 1, prog=PROG)
            except OSError as exc:
                bar.close()
                kept = f"epochs 1-{saved}" if saved else "no epoch"
                where = f" ({kept} in {out}; --resume continues from there)" if out is not None else ""
                return fail(f"{os_reason(exc)}{where}", 1, prog=PROG)
            except (MemoryError, RuntimeError) as exc:
                if not isinstance(exc, MemoryError) and "allocate" not in str(exc):
                    raise
                bar.close()
                return fail(
                    f"out of memory in epoch {trainer.epoch + 1}: try a smaller --batch-steps or --hidden-sizes",
                    1,
                    prog=PROG,
                )
            if as_json:
                print(json.dumps(csv_rows(trainer.history[-2:])[-1]), flush=True)
            bar.set_postfix(epoch=stats.epoch, ret=f"{stats.return_mean:.1f}", steps_s=f"{stats.steps_per_s:,.0f}")
            bar.update(1)
    print(summary(trainer.history, trainer.info.reward_threshold, out, PROG), file=sys.stderr)
    if stop.is_set():
        print(f"{PROG}: stopped after epoch {trainer.epoch}", file=sys.stderr)
        return stop.code
    return 0


if __name__ == "__main__":
    from vpg_gui.launch import train

    sys.exit(train())
