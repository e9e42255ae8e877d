"""`vpg-train`: train headless, with a progress bar, CSV / JSON metrics and checkpoints.

    vpg-train --epochs 30 --weighting reward-to-go --out runs/rtg
    vpg-train --resume runs/rtg/checkpoint.pt --epochs 60 --out runs/rtg
    vpg-train --seeds 0-4 --baseline value --out runs/sweep   # seeds in parallel, on Ray (see vpg-sweep)

Bad input gets one line on stderr and exit code 2, before anything is written.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import re
import signal
import sys
from pathlib import Path

from vpg_gui.config import (
    ACTIVATIONS,
    BASELINES,
    FIELD_NAMES,
    HOT_FIELDS,
    WEIGHTINGS,
    ConfigError,
    TrainConfig,
    field_help,
    parse_sizes,
)

PROG = "vpg-train"
# Config field -> flag; every field has one (the window's launcher reuses this table).
FLAGS = {name: "--" + {"env_id": "env"}.get(name, name).replace("_", "-") for name in FIELD_NAMES}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit code 2, and a
    flag's value may be any number: argparse takes ``--lr -inf`` or ``--lr -1e-3`` for two flags
    ("expected one argument"); here they are read as ``--lr=-inf``, so the value is checked and
    refused by name like any other.

    >>> parser = OneLineParser(prog="x"); _ = parser.add_argument("--lr", type=float)
    >>> parser.parse_args(["--lr", "-1e-3"]).lr
    -0.001
    """

    _NUMBER = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)

    def parse_known_args(self, args=None, namespace=None):
        tokens: list[str] = []
        for token in sys.argv[1:] if args is None else list(args):
            flag = self._option_string_actions.get(tokens[-1]) if tokens else None
            if flag is not None and flag.nargs is None and self._NUMBER.match(token):
                tokens[-1] = f"{tokens[-1]}={token}"
            else:
                tokens.append(token)
        return super().parse_known_args(tokens, namespace)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _seeds(text: str) -> list[int]:
    from vpg_gui.core.sweep_spec import parse_seeds

    try:
        return parse_seeds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _physics(text: str) -> tuple[tuple[str, float], ...]:
    from vpg_gui.core.physics import parse_physics

    try:
        return parse_physics(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _num_envs(text: str) -> int:
    if text == "auto":
        return 0
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or 'auto'") from None


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return parse_sizes(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _preset(text: str):
    from vpg_gui.presets import find_preset, load_preset

    try:
        return load_preset(find_preset(text))
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """--preset, and one flag per TrainConfig field, all defaulting to None (= not given)."""
    parser.add_argument(
        "--preset",
        type=_preset,
        metavar="N|NAME|FILE",
        help="start from a preset's settings: a built-in one's number (1-9) or name (reward-to-go), or a .toml "
        "file; the setting flags given override its settings",
    )
    defaults = TrainConfig()
    kinds = {f.name: f.type for f in dataclasses.fields(TrainConfig)}
    choices = {"weighting": WEIGHTINGS, "activation": ACTIVATIONS, "baseline": BASELINES}
    for name in FIELD_NAMES:
        default = getattr(defaults, name)
        shown = {"hidden_sizes": "32", "num_envs": "auto", "physics": "the env's own"}.get(name, default)
        kwargs = {"default": None, "help": f"{field_help(name)} [default: {shown}]", "dest": name}
        if name in choices:
            kwargs["choices"] = choices[name]
        elif name == "hidden_sizes":
            kwargs.update(type=_sizes, metavar="W[,W...]")
        elif name == "num_envs":
            kwargs.update(type=_num_envs, metavar="N|auto")
        elif name == "physics":
            kwargs.update(type=_physics, metavar="NAME=X[,NAME=X...]")
        elif kinds[name] == "bool":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif kinds[name] in ("int", "float"):
            kwargs["type"] = {"int": int, "float": float}[kinds[name]]
        parser.add_argument(FLAGS[name], **kwargs)


def given_settings(args: argparse.Namespace) -> dict:
    """The settings the flags give: the preset's (if any), overridden by each setting flag given."""
    given = {name: getattr(args, name) for name in FIELD_NAMES if getattr(args, name) is not None}
    preset = getattr(args, "preset", None)
    return given if preset is None else {**{n: getattr(preset.config, n) for n in FIELD_NAMES}, **given}


def _out_dir(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a directory (use --out . for the current one)")
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Train a policy with the simplest policy gradient, headless.")
    add_config_flags(parser)
    parser.add_argument(
        "--out",
        type=_out_dir,
        metavar="DIR",
        help="write metrics.csv, config.toml and checkpoint.pt here: a new or empty directory, or this run's "
        "own directory with --resume",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="let --out replace the vpg-gui run already in that directory"
    )
    parser.add_argument("--resume", type=Path, metavar="CHECKPOINT", help="continue the run saved in CHECKPOINT")
    parser.add_argument("--json", action="store_true", help="print one JSON object per epoch on stdout")
    add_tensorboard_flag(parser)
    parser.add_argument(
        "--seeds",
        type=_seeds,
        metavar="A-B|A,B,...",
        help="train every seed of a range (0-4) or list (1,3,7) on Ray, one per core (a vpg-sweep over seeds; "
        "$RAY_ADDRESS runs it on a cluster); with --out, each seed's files go to DIR/trials/seed=N/, one row "
        "per seed to DIR/summary.csv and the per-epoch mean and spread over seeds to DIR/aggregate.csv",
    )
    return parser


def add_tensorboard_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tensorboard",
        type=_out_dir,
        metavar="DIR",
        help="also write every per-epoch metric as TensorBoard scalars to DIR (a sweep: DIR/<trial>/); "
        "view them with: tensorboard --logdir DIR",
    )


def flag_message(exc: ConfigError) -> str:
    """The error in flags: "--lr 0.0: ..." rather than "lr = 0.0: ..."."""
    return str(exc).replace(f"{exc.field} = ", f"{FLAGS[exc.field]} ", 1) if exc.field else str(exc)


def _fail(message: str, code: int = 2, prog: str = PROG) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = given_settings(args)
    # Deferred so that --help and bad flags answer at once, without loading torch.
    from vpg_gui.core.checkpoint import CheckpointError
    from vpg_gui.core.env_ids import allow_module
    from vpg_gui.core.files import os_reason
    from vpg_gui.core.run_dir import RunDirError, claim_run_dir

    with contextlib.ExitStack() as stack:
        try:
            if args.seeds is not None:
                if args.resume is not None:
                    raise ConfigError("--seeds: cannot be combined with --resume")
                from vpg_gui.sweep_cli import sweep

                return sweep(PROG, settings, {}, args.seeds, args)
            if args.env_id is not None:  # typed on the command line (not a preset's): its module may be imported
                allow_module(args.env_id)
            if args.resume is not None and args.preset is not None:
                raise ConfigError("--preset: cannot be combined with --resume (the checkpoint has its settings)")
            trainer = stack.enter_context(contextlib.closing(_trainer(args, settings)))
            if args.out is not None:
                stack.enter_context(claim_run_dir(args.out, args.resume, args.overwrite, trainer.history))
        except ConfigError as exc:
            return _fail(flag_message(exc))
        except (CheckpointError, RunDirError) as exc:
            return _fail(str(exc))
        except OSError as exc:
            return _fail(os_reason(exc))
        return _run(trainer, args.out, args.json, args.tensorboard)


def _trainer(args: argparse.Namespace, settings: dict):
    """A new Trainer from the flags, or one continuing --resume with the hot flags applied."""
    from vpg_gui.core.trainer import Trainer

    if args.resume is None:
        return Trainer(TrainConfig(**settings))
    trainer = Trainer.from_checkpoint(args.resume, {k: v for k, v in settings.items() if k in HOT_FIELDS})
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


class Stop:
    """Set by Ctrl-C or SIGTERM; ``code`` is the exit code the first one asks for (130 / 143).

    A plain flag, not a threading.Event: Event.set takes a lock, and a second signal arriving
    while the first handler holds it deadlocked the process (five Ctrl-Cs in a row, seen here)."""

    def __init__(self):
        self.code = 0

    def is_set(self) -> bool:
        return self.code != 0

    def on_signal(self, sig: int, _frame) -> None:
        self.code = self.code or 128 + sig


@contextlib.contextmanager
def stop_on_signals():
    """Ctrl-C / SIGTERM set the yielded Stop instead of raising, so the epoch in flight is
    cancelled and no file is cut off half-way, however many arrive. The previous handlers come
    back afterwards, unless a signal came: then the program is on its way out, and further
    signals are ignored (a third Ctrl-C must not interrupt the last line or the exit)."""
    stop = Stop()
    previous = {sig: signal.signal(sig, stop.on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if stop.is_set() else handler)


def _run(trainer, out: Path | None, as_json: bool, tensorboard: Path | None = None) -> int:
    """Train until done or stopped, writing the files of ``out`` after every epoch. A file-system
    fault, a divergence or running out of memory ends the run with one line and exit code 1; the
    files then hold every epoch that finished before it."""
    from tqdm import tqdm

    from vpg_gui.core.checked_text import toml_with_checksum
    from vpg_gui.core.errors import EnvironmentFault, EpochCancelled, TrainingDiverged
    from vpg_gui.core.files import atomic_write_bytes, os_reason
    from vpg_gui.core.metrics import MetricsCsv, csv_rows

    with stop_on_signals() as stop, contextlib.ExitStack() as opened:
        metrics = None
        if out is not None:
            try:
                atomic_write_bytes(out / "config.toml", toml_with_checksum(trainer.config.to_dict()).encode())
                metrics = MetricsCsv(out / "metrics.csv", trainer.history)
            except OSError as exc:  # before any training: like a bad --out
                return _fail(os_reason(exc))
            opened.callback(metrics.close)
        log = None
        if tensorboard is not None:
            from vpg_gui.core.tensorboard import ScalarLog

            try:
                log = ScalarLog(tensorboard)
            except OSError as exc:  # before any training: like a bad --tensorboard
                return _fail(os_reason(exc))
            opened.callback(log.close)
        total = trainer.config.epochs or None
        saved = trainer.epoch  # the epochs the files in out hold
        bar = tqdm(total=total, initial=min(trainer.epoch, total or trainer.epoch), unit="epoch", file=sys.stderr)
        opened.callback(bar.close)
        while not trainer.finished and not stop.is_set():
            try:
                stats = trainer.train_epoch(cancel=stop.is_set)
                if out is not None:
                    trainer.save(out / "checkpoint.pt")
                    metrics.append(trainer.history)
                    saved = trainer.epoch
                if log is not None:
                    log.add(stats)
            except EpochCancelled:
                break
            except (TrainingDiverged, EnvironmentFault) as exc:  # the files hold the last good epoch
                bar.close()
                return _fail(str(exc), 1)
            except OSError as exc:
                bar.close()
                kept = f"epochs 1-{saved}" if saved else "no epoch"
                where = f" ({kept} in {out}; --resume continues from there)" if out is not None else ""
                return _fail(f"{os_reason(exc)}{where}", 1)
            except (MemoryError, RuntimeError) as exc:
                if not isinstance(exc, MemoryError) and "allocate" not in str(exc):
                    raise
                bar.close()
                return _fail(
                    f"out of memory in epoch {trainer.epoch + 1}: try a smaller --batch-steps or --hidden-sizes", 1
                )
            if as_json:
                print(json.dumps(csv_rows(trainer.history[-2:])[-1]), flush=True)
            bar.set_postfix(epoch=stats.epoch, ret=f"{stats.return_mean:.1f}", steps_s=f"{stats.steps_per_s:,.0f}")
            bar.update(1)
    print(summary(trainer.history, trainer.info.reward_threshold, out), file=sys.stderr)
    if stop.is_set():
        print(f"{PROG}: stopped after epoch {trainer.epoch}", file=sys.stderr)
        return stop.code
    return 0


def summary(history, threshold: float | None, out: Path | None) -> str:
    """The last line of a run: epochs, best mean return, solve epoch, where the files went.

    >>> from vpg_gui.core.metrics import EpochStats
    >>> h = [EpochStats(i, r, 0, r, r, r, 1, 500, 0, 0, 0.01, 500, 1, "e", 0.1, 5e3) for i, r in [(1, 20), (2, 480)]]
    >>> summary(h, 475.0, None)
    'vpg-train: 2 epochs, best mean return 480.0 at epoch 2, solved (475) at epoch 2; nothing kept (no --out)'
    """
    if not history:
        return f"{PROG}: no epoch finished" + (f"; {out} holds the run's settings" if out else "")
    best = max(history, key=lambda s: s.return_mean)
    epochs = history[-1].epoch
    text = f"{PROG}: {epochs} epoch{'s' * (epochs != 1)}, best mean return {best.return_mean:.1f} at epoch {best.epoch}"
    if threshold is not None:
        solved = next((s.epoch for s in history if s.return_mean >= threshold), None)
        text += f", solved ({threshold:g}) at epoch {solved}" if solved else f", not solved ({threshold:g})"
    return text + (f"; files in {out}" if out is not None else "; nothing kept (no --out)")


if __name__ == "__main__":
    from vpg_gui.launch import train

    sys.exit(train())
