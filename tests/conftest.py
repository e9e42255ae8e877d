"""Shared test setup: no display anywhere (Qt offscreen, SDL dummy), and a way to write sessions."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pytest  # noqa: E402 (after the environment above)

# A module that fails on import on purpose (an env module with a bug): only the tests import it.
collect_ignore = ["core/raising_env.py"]

from vpg_gui.algo.metrics import EpochStats  # noqa: E402
from vpg_gui.algo.numpy_policy import policy_from_state, state_sizes  # noqa: E402
from vpg_gui.model.runs import Workspace  # noqa: E402
from vpg_gui.storage.session import save_session  # noqa: E402


@pytest.fixture(scope="session")
def saved_run(tmp_path_factory, write_session):
    """{"checkpoint": path, "session": path} of one real epoch (a value baseline, so both
    networks and optimizers; the session keeps the run once more as a kept run)."""
    from vpg_gui.algo.trainer import Trainer
    from vpg_gui.config import TrainConfig

    folder = tmp_path_factory.mktemp("saved")
    trainer = Trainer(TrainConfig(batch_steps=200, hidden_sizes=(8,), baseline="value"))
    trainer.train_epoch()
    trainer.save(folder / "c.pt")
    write_session(folder / "s.vpgsession", trainer.config, trainer.state(), [(trainer.config, list(trainer.history))])
    trainer.close()
    return {"checkpoint": folder / "c.pt", "session": folder / "s.vpgsession"}


@pytest.fixture(scope="session")
def probed_start():
    """probed_start("train"): a ``python -c`` script running that console entry point, which says
    "up" on stderr the moment it starts importing torch, the slowest part of start-up: a test
    can signal the process there."""
    script = """
import sys
class Probe:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            print("up", file=sys.stderr, flush=True)
sys.meta_path.insert(0, Probe())
from vpg_gui.launch import {entry}
sys.exit({entry}())
"""
    return lambda entry: script.format(entry=entry)


@pytest.fixture(scope="session")
def write_session():
    """write_session(path, config, state=None, kept=()): a session whose live run has ``config``
    and continues ``state`` (Trainer.state(), or None before any epoch), beside ``kept`` runs
    given as (config, history)."""

    def write(path, config, state=None, kept=()):
        workspace = Workspace(config)
        for kept_config, history in kept:
            workspace.keep(workspace.new_run(history, kept_config, "settings"))
        if state is not None:
            workspace.begin(config)
            net = state["policy"]  # its layers' sizes read from the weights: no env is made (or imported)
            policy = policy_from_state(net, config.activation, state_sizes(net))
            for stats in state["history"]:  # each epoch's policy: the last one's (time travel keeps them)
                workspace.add_epoch(EpochStats.from_dict(stats), policy)
        save_session(path, workspace, state)

    return write


@pytest.fixture(scope="session")
def one_line():
    """one_line(stderr, prog="vpg-train"): the command said what was wrong in one line, as its
    errors do ("vpg-train: error: ..."), with no traceback."""

    def check(stderr: str, prog: str = "vpg-train") -> bool:
        return stderr.startswith(f"{prog}: error: ") and stderr.count("\n") == 1 and "Traceback" not in stderr

    return check
