"""File fuzz: random bytes, truncations and bit flips of a real checkpoint, session and preset.

Each case is either refused with one short line, or loads to exactly what was saved; none
imports a module. ``pytest tests/core/test_file_fuzz.py --hypothesis-show-statistics`` prints
how the cases ended (the events below), the figures in README's "Safety".
"""

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.core.checkpoint import CheckpointError, load_checkpoint
from vpg_gui.core.session import read_session
from vpg_gui.core.trainer import Trainer
from vpg_gui.presets import Preset, load_preset, save_preset

EXAMPLES = 900  # over the three kinds


@pytest.fixture(scope="module")
def originals(tmp_path_factory, write_session):
    """Each kind: its bytes as saved, a loader, and what loading the good file gives."""
    folder = tmp_path_factory.mktemp("good")
    trainer = Trainer(TrainConfig(batch_steps=200, hidden_sizes=(8,), baseline="value"))
    trainer.train_epoch()
    trainer.save(folder / "c.pt")
    write_session(folder / "s.vpgsession", trainer.config, trainer.state(), [(trainer.config, list(trainer.history))])
    trainer.close()
    save_preset(folder / "p.toml", Preset("mine", "a preset", TrainConfig(lr=0.05, weighting="reward-to-go")))
    loaders = {"checkpoint": load_checkpoint, "session": read_session, "preset": load_preset}
    files = {"checkpoint": folder / "c.pt", "session": folder / "s.vpgsession", "preset": folder / "p.toml"}
    return {kind: (files[kind].read_bytes(), loaders[kind], loaders[kind](files[kind])) for kind in files}


def same(a, b) -> bool:
    """Deep equality, numpy arrays included."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__") and type(a) is type(b):
        return all(same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    if hasattr(a, "__dict__") and type(a) is type(b) and not callable(a):  # e.g. the session's NumpyPolicy
        return same(vars(a), vars(b))
    return a == b


def mutations(data: bytes):
    flips = st.lists(st.integers(0, len(data) * 8 - 1), min_size=1, max_size=4)
    return st.one_of(
        st.binary(max_size=600).map(lambda b: ("random bytes", b)),
        st.integers(0, len(data) - 1).map(lambda n: ("truncated", data[:n])),
        flips.map(lambda bits: ("bit flips", _flip(data, bits))),
    )


def _flip(data: bytes, bits: list[int]) -> bytes:
    out = bytearray(data)
    for bit in bits:
        out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "case"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["checkpoint", "session", "preset"]), draw=st.data())
def test_damaged_files_are_refused_in_one_line_or_load_identically(kind, draw, originals, scratch):
    good, load, expected = originals[kind]
    how, data = draw.draw(mutations(good))
    scratch.write_bytes(data)
    modules = set(sys.modules)
    try:
        loaded = load(scratch)
    except (CheckpointError, ConfigError) as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 400, message
        event(f"{kind}, {how}: refused")
    else:
        assert same(loaded, expected), f"{how} loaded something else"
        event(f"{kind}, {how}: loaded, identical")
    assert set(sys.modules) == modules  # nothing was imported
