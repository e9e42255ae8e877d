"""The errors several layers raise, in one module that imports nothing of the project (so any
layer may raise or catch them; torch-free, so the window catches them without loading torch):
a setting that is not allowed, and how an epoch can end without stats.

>>> raise ConfigError("lr = -1: must be between 1e-06 and 10", "lr")
Traceback (most recent call last):
...
vpg_gui.errors.ConfigError: lr = -1: must be between 1e-06 and 10
"""

from typing import Any


class ConfigError(ValueError):
    """A setting with a value outside what is allowed; the message names field, value and range.

    ``field`` is the setting's name when one setting is to blame (the CLI turns it into a flag).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def shown(value: Any, limit: int = 40) -> str:
    """repr(value), cut to ``limit`` characters: a message quoting a file's value stays one short line.

    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."
    """
    text = " ".join(repr(value).split())  # one line, even for an array's repr
    return text if len(text) <= limit else text[: limit - 3] + "..."


class EpochCancelled(Exception):
    """Raised by ``Sampler.collect`` when its ``cancel`` callback says so; nothing of the epoch is kept."""


class EnvironmentFault(Exception):
    """The environment gave what no policy can learn from (observations that are NaN or
    infinite); the message names it. Nothing of the epoch is kept."""


class TrainingDiverged(Exception):
    """The update produced a NaN or infinite loss, gradient or weight. The trainer is left as it
    was after the last good epoch, so the run can go on (with a smaller learning rate)."""
