"""`vpg-sweep`: hyperparameter and seed sweeps on Ray, on this machine or a Ray cluster.

    vpg-sweep --grid lr=0.001,0.01,0.1 --seeds 0-4 --epochs 30 --out runs/lr
    vpg-sweep --grid lr=0.01,0.1 --grid weighting=episode-return,reward-to-go --out runs/lr-w
    vpg-sweep --grid hidden_sizes="8;32;64,64" --address 10.0.0.5:6379 --out runs/sizes

Every vpg-train setting flag fixes a setting for all trials; ``--grid`` spans a field's values
(separated by ``;`` for hidden_sizes and physics, whose values hold commas). ``vpg-train --seeds``
runs here too, as a sweep over seeds alone. Bad input: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from vpg_gui.cli.common import fail, stop_on_signals
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.flags import (
    OneLineParser,
    add_config_flags,
    add_tensorboard_flag,
    flag_message,
    given_settings,
    out_dir,
    parse_grid,
    seeds_arg,
)

PROG = "vpg-sweep"


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number above 0")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog=PROG, description="Sweep settings and seeds of vpg-gui's training on Ray.")
    add_config_flags(parser)
    parser.add_argument(
        "--grid",
        type=parse_grid,
        action="append",
        default=[],
        metavar="FIELD=V1,V2,...",
        help="sweep a setting over these values (repeatable: every combination runs); e.g. lr=0.001,0.01,0.1 or "
        "hidden_sizes=8;64,64",
    )
    parser.add_argument("--seeds", type=seeds_arg, default=[0], metavar="A-B|A,B,...", help="seeds of every value [0]")
    parser.add_argument(
        "--out", type=out_dir, metavar="DIR", help="write summary.csv, trials/<trial>/ and sensitivity.png here"
    )
    parser.add_argument("--overwrite", action="store_true", help="let --out replace the sweep already there")
    parser.add_argument(
        "--address",
        metavar="HOST:PORT",
        help="run on the Ray cluster whose head is there (default: $RAY_ADDRESS, else a Ray started here "
        "with this machine's CPUs)",
    )
    parser.add_argument("--max-concurrent", type=_positive, metavar="N", help="trials at a time (default: one per CPU)")
    parser.add_argument("--json", action="store_true", help="print each trial's summary row as JSON when it ends")
    add_tensorboard_flag(parser)
    parser.add_argument(
        "--stop-early", action="store_true", help="end hopeless trials early (Tune's ASHA on the mean return)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = [name for name, _ in args.grid]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice is not None:
        return fail(f"--grid {twice}: given twice; give all its values in one --grid {twice}=V1,V2,...", prog=PROG)
    return sweep(PROG, given_settings(args), dict(args.grid), args.seeds, args)


def sweep(prog: str, settings: dict, grid: dict, seeds: list[int], args: argparse.Namespace) -> int:
    """Check everything, then train the trials; shared by ``vpg-sweep`` and ``vpg-train --seeds``."""
    import contextlib

    from vpg_gui.envs.ids import allow_module
    from vpg_gui.envs.make import env_info
    from vpg_gui.storage.run_dir import RunDirError, claim_run_dir
    from vpg_gui.sweeps.ray_tune import SweepError, check_address
    from vpg_gui.sweeps.spec import SweepSpec

    with contextlib.ExitStack() as stack:
        try:
            if args.env_id is not None:  # typed on the command line (not a preset's): its module may be imported
                allow_module(args.env_id)
            base = TrainConfig(**settings).validate()
            if base.epochs == 0:
                raise ConfigError("--epochs 0: a sweep (--seeds, --grid) needs --epochs above 0 (each trial's epochs)")
            spec = SweepSpec(base, grid, tuple(seeds))
            trials = spec.trials()  # every trial's settings checked before anything starts
            if any(t.config.epochs == 0 for t in trials):
                raise ConfigError("--grid epochs: every value must be above 0 (0 would train until stopped)")
            for env_id in {t.config.env_id for t in trials}:
                env_info(env_id)  # an env that cannot be made (a missing package) is bad input too
            flag = "--address" if getattr(args, "address", None) else "$RAY_ADDRESS"
            address = getattr(args, "address", None) or os.environ.get("RAY_ADDRESS")
            if address:
                check_address(address)
            out = stack.enter_context(claim_run_dir(args.out, overwrite=args.overwrite)) if args.out else None
        except ConfigError as exc:
            return fail(flag_message(exc), prog=prog)
        except SweepError as exc:
            return fail(f"{flag} {exc}", prog=prog)
        except RunDirError as exc:
            return fail(str(exc), prog=prog)
        return _run(prog, spec, out, address, args)


def _run(prog: str, spec, out: Path | None, address: str | None, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vpg_gui.envs.make import env_info
    from vpg_gui.formats.files import os_reason
    from vpg_gui.storage.tensorboard import TrialLogs
    from vpg_gui.sweeps.files import SweepFiles
    from vpg_gui.sweeps.ray_tune import SweepError, run_sweep
    from vpg_gui.sweeps.results import SweepResults

    results = SweepResults(spec)
    logs = TrialLogs(args.tensorboard)
    threshold = env_info(spec.base.env_id).reward_threshold
    started = time.perf_counter()
    cluster, epochs = {}, [0]
    bar = tqdm(total=len(results.trials), unit="trial", file=sys.stderr, desc=f"{prog}: starting Ray")
    try:
        files = SweepFiles(out, results) if out is not None else None
    except OSError as exc:
        bar.close()
        return fail(os_reason(exc), prog=prog)

    def on_event(event: tuple) -> None:
        kind, *rest = event
        if kind == "ready":
            cluster.update(rest[0])
            bar.set_description(f"{len(results.trials)} trials on {cluster['cpus']} CPUs")
        elif kind == "epoch":
            name, stats, _ = rest
            results.add_epoch(name, stats)
            if files is not None:
                files.epoch(name)
            logs.add(name, stats)
            epochs[0] += 1
            bar.set_postfix(epochs=epochs[0], refresh=False)
        else:
            name, seconds, node, error = rest
            results.end(name, seconds, node, error)
            if files is not None:
                files.end(name, threshold)
            logs.end(name)
            if args.json:
                print(json.dumps(results.summary_row(results.trials[name], threshold)), flush=True)
            bar.update(1)

    with stop_on_signals() as stop:
        try:
            run_sweep(
                spec,
                on_event,
                stop,
                address=address,
                max_concurrent=getattr(args, "max_concurrent", None),
                stop_early=getattr(args, "stop_early", False),
            )
        except SweepError as exc:  # the cluster would not take the driver
            bar.close()
            return fail(f"{'--address' if getattr(args, 'address', None) else '$RAY_ADDRESS'} {exc}", prog=prog)
        except OSError as exc:
            return fail(os_reason(exc), 1, prog=prog)
        finally:
            bar.close()
            logs.close()
            if files is not None:
                files.close()
    finished = [r for r in results.trials.values() if r.ended]
    if stop.is_set():
        print(f"{prog}: sweep stopped; {len(finished)} of {len(results.trials)} trials finished", file=sys.stderr)
        return stop.code
    if out is not None and spec.grid:
        _draw_sensitivity(prog, out)
    failed = [r for r in finished if r.error]
    print(_summary(prog, results, cluster, time.perf_counter() - started, out), file=sys.stderr)
    for r in failed:
        print(f"{prog}: trial {r.trial.name} stopped: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def _summary(prog: str, results, cluster: dict, seconds: float, out: Path | None) -> str:
    """One line: how many trials, where, how long, the best one and where the files are."""
    scored = [r for r in results.trials.values() if r.final_return is not None]
    best = max(scored, key=lambda r: r.final_return, default=None)
    where = f"{cluster.get('nodes', 0)} node(s), {cluster.get('cpus', 0)} CPUs"
    text = f"{prog}: {len(results.trials)} trials in {seconds:.1f} s on {where}"
    if best is not None:
        text += f"; best {best.trial.name} (final return {best.final_return:.1f})"
    return text + (f"; files in {out}" if out is not None else "; no files kept (no --out)")


def _draw_sensitivity(prog: str, out: Path) -> None:
    """sensitivity.png by vpg-plot's drawing code, in its own process: this one never loads Qt."""
    png = out / "sensitivity.png"
    command = [sys.executable, "-m", "vpg_gui.cli.plot", "--sensitivity", str(out), "--out", str(png)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"{prog}: warning: sensitivity.png not drawn: {reason}", file=sys.stderr)


if __name__ == "__main__":
    from vpg_gui.launch import sweep as entry

    sys.exit(entry())
