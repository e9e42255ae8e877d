"""The sweep engine: a sweep's trials trained on Ray, on this machine or on a Ray cluster. Each
trial is a streaming Ray task yielding its epochs; with ``stop_early``, a Tune trial, so that
Tune's ASHA can end the hopeless ones.

Without an address, Ray starts here with the machine's CPUs and stops at the end; with one
(``HOST:PORT`` of a running ``ray start --head``), the trials run on that cluster's nodes, each
of which needs vpg-gui installed. Each trial takes one CPU and reports every epoch; the events
reach ``on_event`` in the calling thread as they happen:

    ("ready", {"nodes": 1, "cpus": 2, "seconds": 4.1})   once Ray is up
    ("epoch", trial_name, EpochStats, pid)                after each epoch of a trial (pid: its worker's)
    ("end", trial_name, seconds, node, error)             a trial is over (error: "" if it was not cut short)

    run_sweep(SweepSpec(TrainConfig(epochs=30), {"lr": (0.01, 0.1)}, (0, 1)), print, threading.Event())

Setting ``stop`` ends every trial at its next epoch; what finished stays reported.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import shown
from vpg_gui.envs.ids import modules_for
from vpg_gui.sweeps.spec import SweepSpec

CONNECT_TIMEOUT_S = 5.0  # the TCP connection, then the gRPC greeting, then ray.init's retries: ~15 s at most
# HTTP/2's client preface and an empty SETTINGS frame: a gRPC server (Ray's GCS) answers with a
# SETTINGS frame of its own; a web server, a database or a closed service does not.
_HTTP2_HELLO = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
_SETTINGS = 4
# Tune's own files, tables and Ctrl-C handling are not wanted: the caller writes the files,
# shows progress and handles signals. Usage statistics stay on this machine.
_QUIET = {
    "TUNE_DISABLE_AUTO_CALLBACK_LOGGERS": "1",
    "TUNE_DISABLE_SIGINT_HANDLER": "1",
    "RAY_AIR_NEW_OUTPUT": "0",
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_DEDUP_LOGS": "0",
    # Ray's C++ handler for SIGTERM (and crashes) prints stack dumps; the sweep handles SIGTERM.
    "RAY_DISABLE_FAILURE_SIGNAL_HANDLER": "1",
}


class SweepError(RuntimeError):
    """The sweep could not reach its Ray cluster; the message names the address and says what to do."""


def check_address(address: str) -> tuple[str, int]:
    """'HOST:PORT' -> (host, port) once a TCP connection there succeeds; SweepError otherwise
    (its message starts with the address: the CLI puts --address before it).

    >>> check_address("nowhere")
    Traceback (most recent call last):
    ...
    vpg_gui.sweeps.ray_tune.SweepError: 'nowhere': must be HOST:PORT of a Ray head, e.g. 10.0.0.5:6379
    """
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")  # [::1]:6379
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c.isspace() for c in host):
        raise SweepError(f"{shown(address)}: must be HOST:PORT of a Ray head, e.g. 10.0.0.5:6379")
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S) as conn:
            conn.sendall(_HTTP2_HELLO)
            frame = conn.recv(9)
    except TimeoutError:
        frame = None
    except (OSError, UnicodeError) as exc:  # UnicodeError: a host name that is not one
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise SweepError(
            f"{address}: no Ray head answers there ({reason}); start one with "
            f"'ray start --head --port {port}' or leave --address out to run on this machine"
        ) from None
    if frame is None or len(frame) < 9 or frame[3] != _SETTINGS:
        raise SweepError(
            f"{address}: something answers there, but not a Ray head (it does not speak Ray's gRPC within "
            f"{CONNECT_TIMEOUT_S:g} s); give the port 'ray start --head' printed"
        )
    return host, int(port)


def run_sweep(
    spec: SweepSpec,
    on_event: Callable[[tuple], None],
    stop,
    address: str | None = None,
    max_concurrent: int | None = None,
    stop_early: bool = False,
) -> None:
    """Train every trial of ``spec``; see the module's docstring. ``stop`` has ``is_set()``."""
    trials = spec.trials()
    if address:
        check_address(address)
    os.environ.update(_QUIET)
    import ray

    started = time.perf_counter()
    ours = not ray.is_initialized()
    # A local Ray's session files (logs, sockets: ~0.4 MB a sweep) go where they are removed after.
    session = tempfile.mkdtemp(prefix="vpg-ray-") if ours and not address else None
    try:
        if ours:
            with _handlers_kept(ray), _connecting(address):
                ray.init(
                    address=address or "local",
                    num_cpus=None if address else os.cpu_count(),
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level="ERROR",
                    **({"_temp_dir": session} if session else {}),
                )
        on_event(("ready", _cluster(ray, time.perf_counter() - started)))
        modules = modules_for(spec.base.env_id)
        if stop_early:
            _tune_trials(trials, modules, on_event, stop, max_concurrent)
        else:
            _task_trials(ray, trials, modules, on_event, stop, max_concurrent)
    finally:
        if ours:
            ray.shutdown()
        if session:
            shutil.rmtree(session, ignore_errors=True)


@contextlib.contextmanager
def _connecting(address: str | None):
    """Around ray.init: for a cluster, a bounded wait (Ray retries 20 times, a second apart) and
    Ray's C++ warnings kept out of the terminal (written to file descriptor 2, a line a second),
    read instead to say in one line why the connection failed (SweepError)."""
    if not address:
        yield
        return
    wait = os.environ.setdefault("RAY_gcs_server_port_wait_time_s", f"{CONNECT_TIMEOUT_S:g}")
    with tempfile.TemporaryFile() as caught:
        saved = os.dup(2)
        os.dup2(caught.fileno(), 2)
        try:
            yield
        except Exception as exc:
            os.dup2(saved, 2)
            caught.seek(0)
            said = caught.read().decode(errors="replace")
            if "Unauthenticated" in said or "InvalidAuthToken" in said:
                raise SweepError(
                    f"{address}: the Ray head asks for an authentication token: set RAY_AUTH_MODE=token and give "
                    "the head's token (RAY_AUTH_TOKEN, or the file ~/.ray/auth_token), as Ray's docs describe"
                ) from None
            raise SweepError(
                f"{address}: could not connect to the Ray head within {wait} s ({type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:200]})"
            ) from None
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@contextlib.contextmanager
def _handlers_kept(ray):
    """The caller's Ctrl-C and SIGTERM handlers stay in force through ``ray.init``. Ray installs
    its own SIGTERM handler there, which exits at once (code 15, or 1 mid-start) with stack dumps
    and leaves Ray's agents and temp directory behind; the caller's handler stops the sweep
    cleanly instead (files closed, Ray shut down). Ray installs it through one function, made a
    no-op for the block (a SIGTERM mid-start then reaches the caller's handler too), and the
    handlers are put back after it whatever Ray did."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread has handlers
        yield
        return
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    utils = getattr(getattr(ray, "_private", None), "utils", None)
    installer = getattr(utils, "set_sigterm_handler", None)
    if installer is not None:
        utils.set_sigterm_handler = lambda _handler: None
    try:
        yield
    finally:
        if installer is not None:
            utils.set_sigterm_handler = installer
        for sig, handler in kept.items():
            signal.signal(sig, handler)


def _task_trials(ray, trials, modules, on_event, stop, max_concurrent: int | None) -> None:
    """Each trial a streaming Ray task yielding its epochs. Ray reuses its workers between
    tasks, so a worker imports torch once; unlike Tune's trial actors, nothing else starts up
    (Tune's trial machinery cost 3.7 s before the first trial here, two thirds of a short sweep)."""
    remote = ray.remote(num_cpus=1, num_returns="streaming")(_epochs)
    waiting, running = list(trials), {}  # generator -> [trial name, its last result]
    while (waiting or running) and not stop.is_set():
        while waiting and len(running) < (max_concurrent or len(trials)):
            trial = waiting.pop(0)
            running[remote.remote(trial.name, trial.config.to_dict(), modules)] = [trial.name, {}]
        ready, _ = ray.wait(list(running), num_returns=1, timeout=0.1)
        for generator in ready:
            name, last = running[generator]
            try:
                result = ray.get(next(generator))
            except StopIteration:
                del running[generator]
                on_event(_end(name, last, ""))
                continue
            except ray.exceptions.RayError as exc:  # the worker died (killed, out of memory)
                del running[generator]
                on_event(_end(name, last, f"its Ray worker stopped ({type(exc).__name__})"))
                continue
            running[generator][1] = result
            _relay_result(name, result, on_event)
    for generator in running:
        ray.cancel(generator)


def _tune_trials(trials, modules, on_event, stop, max_concurrent: int | None) -> None:
    """Each trial a Tune trial, so that Tune's ASHA can end the hopeless ones early. Tune's own
    files go to a temporary directory (the driver writes the sweep's)."""
    from ray import tune

    storage = tempfile.mkdtemp(prefix="vpg-sweep-")
    epochs = trials[0].config.epochs
    tuner = tune.Tuner(
        tune.with_resources(_train_trial, {"cpu": 1}),
        param_space={"trial": tune.grid_search([(t.name, t.config.to_dict(), modules) for t in trials])},
        tune_config=tune.TuneConfig(
            scheduler=tune.schedulers.ASHAScheduler(
                time_attr="training_iteration",
                metric="return_mean",
                mode="max",
                max_t=epochs,
                grace_period=max(1, epochs // 10),
            ),
            max_concurrent_trials=max_concurrent,
            reuse_actors=True,  # a worker imports torch once, not once per trial
            trial_dirname_creator=lambda trial: trial.trial_id,
        ),
        run_config=tune.RunConfig(
            name="sweep",
            storage_path=storage,
            verbose=0,
            stop=_stopper(stop),
            callbacks=[_relay(on_event)],
            failure_config=tune.FailureConfig(max_failures=0),
        ),
    )
    try:
        tuner.fit()
    finally:
        shutil.rmtree(storage, ignore_errors=True)


def _relay_result(name: str, result: dict, on_event) -> None:
    if "stats" in result:
        on_event(("epoch", name, EpochStats.from_dict(result["stats"]), result["pid"]))


def _end(name: str, last: dict, error: str) -> tuple:
    """The "end" event of a trial, from its last result (a failure it reported wins)."""
    return ("end", name, last.get("elapsed", 0.0), last.get("node", ""), last.get("error", error))


def _cluster(ray, seconds: float) -> dict:
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    return {"nodes": len(nodes), "cpus": int(ray.cluster_resources().get("CPU", 0)), "seconds": round(seconds, 2)}


def _epochs(name: str, settings: dict, modules: tuple):
    """One trial, in a Ray worker: a result per epoch; a failure is the last result, not raised."""
    import ray

    from vpg_gui.algo.trainer import Trainer
    from vpg_gui.config import TrainConfig
    from vpg_gui.envs.ids import allow_modules

    started = time.perf_counter()
    here = {"node": ray.get_runtime_context().get_node_id()[:12], "pid": os.getpid()}
    allow_modules(modules)
    last = 0.0
    try:
        trainer = Trainer(TrainConfig.from_dict(settings))
        try:
            while not trainer.finished:
                stats = trainer.train_epoch()
                last = stats.return_mean
                yield {"return_mean": last, "stats": stats.to_dict(), "elapsed": time.perf_counter() - started, **here}
        finally:
            trainer.close()
    except Exception as exc:  # a divergence, a bad env, memory: this trial's row says so, the sweep goes on
        error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        yield {"return_mean": last, "error": error, "elapsed": time.perf_counter() - started, **here}


def _train_trial(params: dict) -> None:
    """Tune's trainable: the trial's results reported one by one."""
    from ray import tune

    for result in _epochs(*params["trial"]):
        tune.report(result)


class _NotSaved:
    """Tune pickles its settings to a file for resuming; these hold live objects (an event, a
    callback) that a resumed sweep would not have, so they are saved as None."""

    def __reduce__(self):
        return type(None), ()


def _stopper(event):
    """A Tune stopper that stops every trial once ``event`` is set."""
    from ray import tune

    class Stopper(_NotSaved, tune.Stopper):
        def __call__(self, trial_id, result) -> bool:
            return False

        def stop_all(self) -> bool:
            return event.is_set()

    return Stopper()


def _relay(on_event):
    """A Tune callback that turns trial results into the sweep's events (in the driver's thread)."""
    from ray import tune

    last: dict[str, dict] = {}  # trial id -> its last result

    def end(trial, error: str) -> None:
        on_event(_end(trial.config["trial"][0], last.get(trial.trial_id, {}), error))

    class Relay(_NotSaved, tune.Callback):
        def on_trial_result(self, iteration, trials, trial, result, **info):
            last[trial.trial_id] = result
            _relay_result(trial.config["trial"][0], result, on_event)

        def on_trial_complete(self, iteration, trials, trial, **info):
            end(trial, "")

        def on_trial_error(self, iteration, trials, trial, **info):
            text = (trial.get_error() or "").strip().splitlines()
            end(trial, text[-1] if text else "its Ray worker stopped")

    return Relay()
