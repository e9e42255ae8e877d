"""Property test of the config validator: any value is either accepted (and in range) or refused
with a message naming the field and the value."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from vpg_gui.config import ConfigError, TrainConfig

NUMERIC = {"lr": st.floats(allow_nan=True, allow_infinity=True), "gamma": st.floats(allow_nan=True)}
INTEGER = ("batch_steps", "epochs", "seed", "num_envs")
ANYTHING = st.one_of(st.none(), st.booleans(), st.text(max_size=8), st.integers(), st.floats(), st.lists(st.integers()))


@settings(max_examples=300, deadline=None)
@given(
    field=st.sampled_from([*NUMERIC, *INTEGER, "weighting", "activation", "hidden_sizes"]),
    value=st.one_of(ANYTHING, st.integers(-(10**7), 10**7), st.tuples(st.integers(-5, 2000))),
)
def test_every_value_is_accepted_in_range_or_refused_by_name(field, value):
    try:
        TrainConfig(**{field: value}).validate()
    except ConfigError as exc:
        assert str(exc).startswith(f"{field} = ") and exc.field == field
        return
    if field in NUMERIC or field in INTEGER:
        meta = TrainConfig.__dataclass_fields__[field].metadata
        lo, hi = meta["min"], meta["max"]
        assert not isinstance(value, bool) and lo <= value <= hi and not math.isnan(value)
        assert field in NUMERIC or isinstance(value, int)
    elif field == "hidden_sizes":
        assert isinstance(value, tuple) and all(1 <= s <= 1024 for s in value)
    else:
        assert value in {"weighting": ("episode-return", "reward-to-go"), "activation": ("tanh", "relu")}[field]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), ANYTHING, max_size=4))
def test_from_dict_never_raises_anything_but_config_error(data):
    try:
        TrainConfig.from_dict(data)
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 400
        named = exc.field is not None and exc.field in data and message.startswith(f"{exc.field} = ")
        assert named or message.startswith("unknown setting "), message
