"""TrainerProcess: the Trainer's calls answered from a child process, its failures mapped back."""

import os
import signal

import pytest

from vpg_gui.algo.remote import RemoteError, TrainerProcess
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig
from vpg_gui.errors import EpochCancelled

FAST = TrainConfig(batch_steps=300, seed=3, epochs=0)


@pytest.fixture
def remote():
    with TrainerProcess() as r:
        yield r


def test_epochs_match_an_in_process_trainer_and_a_state_continues(remote):
    local = Trainer(FAST)
    remote.new_run(FAST)
    for _ in range(2):
        assert remote.train_epoch().return_mean == local.train_epoch().return_mean
    state = remote.state()
    assert [h["epoch"] for h in state["history"]] == [1, 2]
    remote.drop_run()
    assert not remote.has_run
    remote.new_run(FAST, state)  # continues at epoch 3, exactly as the uninterrupted run
    assert remote.train_epoch().return_mean == local.train_epoch().return_mean
    local.close()


def test_an_error_in_the_child_carries_its_traceback_and_the_child_goes_on(remote):
    remote.new_run(FAST)
    with pytest.raises(RemoteError) as raised:
        remote.apply(FAST.replace(seed=4))  # cold: refused by the Trainer in the child
    assert "seed" in str(raised.value) and "ConfigError" in raised.value.details
    assert remote.train_epoch().epoch == 1


def test_cancel_cuts_an_epoch_short(remote):
    remote.new_run(FAST.replace(batch_steps=1_000_000))
    with pytest.raises(EpochCancelled):
        remote.train_epoch(cancel=lambda: True)
    assert remote.state()["history"] == []  # nothing of the epoch kept; the child still answers
    remote.apply(FAST)
    assert remote.train_epoch().epoch == 1


def test_a_dead_child_is_reported_not_waited_for(remote):
    remote.new_run(FAST.replace(batch_steps=1_000_000))

    def kill_once() -> bool:  # polled while the child works on the epoch: it dies mid-epoch
        os.kill(remote.pid, signal.SIGKILL)
        return False

    with pytest.raises(RuntimeError, match=r"training process ended unexpectedly \(exit code -9\)"):
        remote.train_epoch(cancel=kill_once)
