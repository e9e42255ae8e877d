"""File fuzz: random bytes, truncations and bit flips of a real checkpoint, session and preset.

Each case is either refused with one short line, or loads to exactly what was saved; none
imports a module. ``pytest tests/core/test_file_fuzz.py --hypothesis-show-statistics`` prints
how the cases ended (the events below), the figures in docs/safety.md.
"""

import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vpg_gui.algo.checkpoint import CheckpointError, load_checkpoint
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.storage.presets import Preset, load_preset, save_preset
from vpg_gui.storage.session import read_session

EXAMPLES = 900  # over the three kinds


@pytest.fixture(scope="module")
def originals(tmp_path_factory, saved_run):
    """Each kind: its bytes as saved, a loader, and what loading the good file gives."""
    folder = tmp_path_factory.mktemp("good")
    save_preset(folder / "p.toml", Preset("mine", "a preset", TrainConfig(lr=0.05, weighting="reward-to-go")))
    loaders = {"checkpoint": load_checkpoint, "session": read_session, "preset": load_preset}
    files = {**saved_run, "preset": folder / "p.toml"}
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


# --- checksummed but hostile: the document is the attacker's, the checksum is right ----------

HOSTILE_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", 1000))


def leaves(tree, path=()):
    """Paths to every value in ``tree`` (dict values, list items, arrays are leaves)."""
    yield path
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from leaves(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from leaves(value, (*path, index))


def replaced(tree, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {**tree, head: replaced(tree[head], rest, value)}
    return [replaced(v, rest, value) if i == head else v for i, v in enumerate(tree)]


def hostile_values():
    arrays = st.tuples(
        st.sampled_from(["float32", "float64", "int64", "int32", "uint8", "bool"]),
        st.lists(st.integers(0, 9), max_size=3),
    ).map(lambda d: np.zeros(d[1], d[0]))
    scalars = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1e300, -1e300, 10**30, -1, 0, 2**63]),
        st.integers(),
        st.booleans(),
        st.none(),
        st.text(max_size=20),
        st.sampled_from(["x", "gravity=abc", "inf", "nan", "1e300", "reward-to-go", ""]),
    )
    return st.one_of(scalars, arrays, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars))


@pytest.fixture(scope="module")
def trees(originals, tmp_path_factory):
    """Each kind's document as the loader sees it (its plain tree), to change one value of."""
    from vpg_gui.formats.container import read_checked

    folder = tmp_path_factory.mktemp("trees")
    out = {}
    for kind, fmt in (("checkpoint", "vpg-gui-checkpoint"), ("session", "vpg-gui-session")):
        (folder / kind).write_bytes(originals[kind][0])
        tree = read_checked(folder / kind, fmt, 2)
        out[kind] = (tree, list(leaves(tree))[1:])
    return out


@settings(max_examples=HOSTILE_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["checkpoint", "session"]), draw=st.data())
def test_checksummed_hostile_contents_are_refused_in_one_line_or_continue_a_run(kind, draw, trees, scratch):
    from vpg_gui.algo.checkpoint import save_checkpoint

    tree, paths = trees[kind]
    path = draw.draw(st.sampled_from(paths))
    value = draw.draw(hostile_values())
    save_checkpoint(scratch, replaced(tree, path, value), kind=kind)  # a valid checksum
    modules = set(sys.modules)
    try:
        loaded = load_checkpoint(scratch) if kind == "checkpoint" else read_session(scratch)
        state = loaded if kind == "checkpoint" else loaded.live.resume_state
        if state is not None:  # what the training process does with it: continue the run
            Trainer.from_state(scratch, state).close()
    except (CheckpointError, ConfigError) as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 400, message
        event(f"{kind}: refused")
    else:
        event(f"{kind}: loaded")
    assert set(sys.modules) - modules <= {"vpg_gui.algo.trainer"}  # nothing named in a file
