"""vpg-sweep on Ray: a grid over a local Ray, a sweep through --address to a Ray head this test
starts on a free port, bad input, and Ctrl-C."""

import csv
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys

import pytest

from vpg_gui.algo.metrics import STATS_COLUMNS, read_csv
from vpg_gui.cli.sweep import main
from vpg_gui.cli.train import main as train_main

TINY = ["--batch-steps", "300", "--hidden-sizes", "8"]
TIMING = {"seconds", "steps_per_s"}  # wall-clock columns: the only ones that may differ between runs


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_2x2_sweep_on_a_local_ray_writes_its_files_and_matches_vpg_train(tmp_path, capsys):
    out = tmp_path / "sweep"
    tb = tmp_path / "tb"
    args = ["--grid", "lr=0.01,0.1", "--seeds", "0-1", "--epochs", "3", *TINY, "--out", str(out), "--json"]
    assert main([*args, "--tensorboard", str(tb)]) == 0
    captured = capsys.readouterr()
    summary = rows(out / "summary.csv")
    assert sorted(r["trial"] for r in summary) == ["lr=0.01_seed=0", "lr=0.01_seed=1", "lr=0.1_seed=0", "lr=0.1_seed=1"]
    assert list(summary[0])[:3] == ["trial", "seed", "lr"]
    assert all(r["node"] and not r["error"] and float(r["final_return"]) > 0 for r in summary)
    assert [json.loads(line)["trial"] for line in captured.out.splitlines()] == [r["trial"] for r in summary]
    assert (out / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "4 trials in" in captured.err and f"files in {out}" in captured.err
    assert sorted(p.parent.name for p in tb.glob("*/events.out.tfevents.*")) == sorted(r["trial"] for r in summary)

    swept = read_csv(out / "trials" / "lr=0.1_seed=1" / "metrics.csv")
    assert train_main(["--lr", "0.1", "--seed", "1", "--epochs", "3", *TINY, "--out", str(tmp_path / "one")]) == 0
    alone = read_csv(tmp_path / "one" / "metrics.csv")
    assert len(swept) == len(alone) == 3
    for a, b in zip(swept, alone, strict=True):
        assert {c: getattr(a, c) for c in STATS_COLUMNS if c not in TIMING} == {
            c: getattr(b, c) for c in STATS_COLUMNS if c not in TIMING
        }
    row = next(r for r in summary if r["trial"] == "lr=0.1_seed=1")
    assert float(row["best_return"]) == pytest.approx(max(s.return_mean for s in alone))


@pytest.fixture
def ray_head():
    """A one-CPU Ray head on a free local port, stopped (exactly its processes) afterwards."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        connect=False,
        head_node_args={"num_cpus": 1, "gcs_server_port": free_port(), "include_dashboard": False},
    )
    try:
        yield cluster.address
    finally:
        cluster.shutdown()


def test_a_sweep_runs_on_the_ray_head_given_by_address(ray_head):
    args = ["--grid", "lr=0.01,0.1", "--epochs", "2", *TINY, "--address", ray_head]
    done = subprocess.run([sys.executable, "-m", "vpg_gui.cli.sweep", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 trials in" in done.stderr and "on 1 node(s), 1 CPUs" in done.stderr  # the head's one CPU, not ours


def test_an_unreachable_address_is_one_line_and_exit_2(capsys, one_line):
    assert main(["--address", f"127.0.0.1:{free_port()}", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and "no Ray head answers there" in err and "ray start --head" in err
    assert main(["--address", "nowhere", "--epochs", "1"]) == 2
    assert "must be HOST:PORT" in capsys.readouterr().err


@pytest.mark.parametrize(
    "grid, says",
    [
        ("lr=0.1,x", "lr=x"),
        ("nope=1,2", "must be FIELD=V1,V2"),
        ("lr=20", "--lr 20.0: must be between"),
        ("seed=1,2", "give the seeds with --seeds"),
        ("normalize_advantages=maybe", "must be true or false"),
        ("lr=0.1,0.1", "each value may be given once"),
    ],
)
def test_bad_grids_are_one_line_and_exit_2(grid, says, capsys, one_line):
    assert exit_code(["--grid", grid, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and says in err


def exit_code(argv):
    """main's exit code, whether it returns it or argparse raises it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def test_ctrl_c_stops_the_trials_keeps_what_finished_and_exits_130(tmp_path):
    out = tmp_path / "sweep"
    args = ["--grid", "lr=0.001,0.002,0.003,0.004", "--epochs", "400", "--batch-steps", "200", "--max-concurrent", "1"]
    sweep = subprocess.Popen(
        [sys.executable, "-m", "vpg_gui.cli.sweep", *args, "--hidden-sizes", "8", "--out", str(out), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(sweep.stdout.readline())  # the first trial ended
        sweep.send_signal(signal.SIGINT)
        _, err = sweep.communicate(timeout=120)
    finally:
        sweep.kill()
    assert sweep.returncode == 130, err
    assert "sweep stopped;" in err and "Traceback" not in err
    finished = rows(out / "summary.csv")
    assert finished[0]["trial"] == first["trial"] and 1 <= len(finished) < 4
    assert len(read_csv(out / "trials" / first["trial"] / "metrics.csv")) == 400


def test_stop_early_ends_hopeless_trials_before_their_last_epoch(tmp_path):
    out = tmp_path / "sweep"
    args = ["--grid", "lr=0.000001,0.1", "--seeds", "0-3", "--epochs", "9", *TINY, "--max-concurrent", "1"]
    assert main([*args, "--stop-early", "--out", str(out)]) == 0
    epochs = {r["trial"]: len(read_csv(out / "trials" / r["trial"] / "metrics.csv")) for r in rows(out / "summary.csv")}
    assert len(epochs) == 8 and min(epochs.values()) < 9 and max(epochs.values()) == 9


def test_processes_left_after_a_sweep_are_waited_for_then_killed():
    from vpg_gui.sweeps.process import end_processes

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lingering = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert end_processes([gone.pid, lingering.pid], timeout=0.3) == [lingering.pid]
    assert lingering.wait(timeout=10) == -signal.SIGKILL


@pytest.fixture
def not_ray():
    """A local port whose server answers in its own way: an HTTP/1.1 reply, or nothing at all."""
    import socketserver
    import threading

    servers = []

    def serve(reply: bytes):
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.recv(1024)
                if reply:
                    self.request.sendall(reply)
                else:
                    self.request.recv(1024)  # holds the connection, says nothing

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("reply", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b""])
def test_a_port_that_answers_but_is_not_ray_is_one_line_within_10_s(not_ray, reply, capsys, one_line):
    import time

    started = time.monotonic()
    assert main(["--address", not_ray(reply), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and "something answers there, but not a Ray head" in err
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("address", ["::::", "a b:99999999999", "host:0", "host:65536", ":6379", "\u00ff" * 300 + ":1"])
def test_garbage_addresses_are_one_line(address, capsys, one_line):
    assert main(["--address", address, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and ("must be HOST:PORT" in err or "no Ray head answers there" in err), err


def test_a_ray_head_with_token_authentication_says_what_to_set_and_works_with_the_token(tmp_path):
    import shutil
    import tempfile
    import time

    token = "vpg" * 11  # Ray asks for at least 32 characters
    plain = {k: v for k, v in os.environ.items() if not k.startswith("RAY_AUTH")}
    with_token = {**plain, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": token}
    port = free_port()
    temp = tempfile.mkdtemp(prefix="vr", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    ray = shutil.which("ray", path=os.path.dirname(sys.executable))
    head = subprocess.Popen(
        [ray, "start", "--head", "--block", "--port", str(port), "--num-cpus", "1", "--include-dashboard=false"]
        + ["--disable-usage-stats", "--temp-dir", temp],
        env=with_token,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its processes share its session: they are what the test stops
    )
    try:
        args = [sys.executable, "-m", "vpg_gui.cli.sweep", "--grid", "lr=0.01,0.1", "--epochs", "1", *TINY]
        args += ["--address", f"127.0.0.1:{port}"]
        deadline = time.monotonic() + 60
        while subprocess.run(["ray", "status", "--address", f"127.0.0.1:{port}"], env=with_token,
                             capture_output=True, executable=ray).returncode != 0:  # fmt: skip
            assert time.monotonic() < deadline and head.poll() is None, "the Ray head did not start"
            time.sleep(0.5)
        refused = subprocess.run(args, capture_output=True, text=True, env=plain, timeout=60)
        assert refused.returncode == 2, refused.stderr
        last = refused.stderr.splitlines()[-1]  # after the progress bar's lines
        assert last.startswith("vpg-sweep: error: ") and "Traceback" not in refused.stderr, refused.stderr
        assert "the Ray head asks for an authentication token: set RAY_AUTH_MODE=token" in refused.stderr
        done = subprocess.run(args, capture_output=True, text=True, env=with_token, timeout=120)
        assert done.returncode == 0 and "2 trials in" in done.stderr, done.stderr
    finally:
        # Exactly the head's session (SIGTERM makes a head drain for half a minute first).
        subprocess.run(["pkill", "-KILL", "-s", str(head.pid)], check=False)
        head.wait(timeout=30)
        shutil.rmtree(temp, ignore_errors=True)


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--grid", "epochs=0,1"], "--grid epochs: every value must be above 0"),
        (["--grid", "lr=0.1", "--grid", "lr=0.2", "--epochs", "1"], "--grid lr: given twice"),
    ],
)
def test_grids_that_would_never_end_or_repeat_a_field_are_refused(argv, says, capsys, one_line):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and says in err


@pytest.mark.skipif(importlib.util.find_spec("Box2D") is not None, reason="Box2D is installed")
def test_an_env_needing_a_missing_package_is_exit_2(capsys, one_line):
    assert main(["--env", "LunarLander-v3", "--grid", "lr=0.1,0.2", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert one_line(err, "vpg-sweep") and "Box2D is not installed" in err
