"""Environment ids, and the only way one can import a module: the user typed it.

``package.module:Env-v0`` asks to import ``package.module``, which registers ``Env-v0``. Only an
id the user typed this time (a command-line flag, the window's Other... environment) may do that,
through ``allow_module``. An id read from a file (checkpoint, session, preset, remembered
settings) never imports anything: it must be registered already, or name a module the user
allowed in this process. Environments are made from the registered name alone, so gymnasium
never imports the module part either.

>>> split_env_id("CartPole-v1"), split_env_id("pkg.mod:Env-v0")
((None, 'CartPole-v1'), ('pkg.mod', 'Env-v0'))
>>> check_env_id("this:CartPole-v1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
vpg_gui.errors.ConfigError: env_id = 'this:CartPole-v1': names the module this, which vpg-gui imports only ...
"""

from __future__ import annotations

import difflib
import importlib

from vpg_gui.errors import ConfigError, shown

_allowed: set[str] = set()  # modules imported on the user's word in this process


def split_env_id(env_id: str) -> tuple[str | None, str]:
    module, sep, name = env_id.rpartition(":")
    return (module, name) if sep else (None, env_id)


def allow_module(env_id: str) -> None:
    """Import the module an id the user typed names (it registers the env); ConfigError if it
    cannot be imported. Ids without a module need nothing."""
    module, _ = split_env_id(env_id)
    if module is None or module in _allowed:
        return
    try:
        importlib.import_module(module)
    except BaseException as exc:  # SystemExit or KeyboardInterrupt from a module's top level too
        if isinstance(exc, KeyboardInterrupt):
            raise
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ConfigError(f"env_id = {shown(env_id)}: cannot import {module} ({reason})", "env_id") from None
    _allowed.add(module)


def modules_for(env_id: str) -> tuple[str, ...]:
    """The allowed module ``env_id`` needs (none for a plain id), for a child process to allow in
    its turn with ``allow_modules``: what the user allowed here, and only what this run needs."""
    module, _ = split_env_id(env_id)
    return (module,) if module in _allowed else ()


def allow_modules(modules: tuple[str, ...]) -> None:
    """In a child process: allow the modules its parent's user allowed (``modules_for``)."""
    for module in modules:
        allow_module(f"{module}:")


def check_env_id(env_id: str) -> None:
    """ConfigError unless ``env_id`` is registered (its module, if it names one, allowed). Imports nothing."""
    import gymnasium  # deferred: the registry import costs ~0.2 s and only validation needs it

    if not isinstance(env_id, str):
        raise ConfigError(f"env_id = {shown(env_id)}: must be text", "env_id")
    module, name = split_env_id(env_id)
    if module is not None and module not in _allowed:
        raise ConfigError(
            f"env_id = {shown(env_id)}: names the module {module}, which vpg-gui imports only when you type the id "
            f"yourself (--env {env_id}, or the window's Other... environment)",
            "env_id",
        )
    if name not in gymnasium.envs.registry:
        close = difflib.get_close_matches(name, list(gymnasium.envs.registry), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"env_id = {shown(env_id)}: not a registered gymnasium environment{hint}", "env_id")


def make_env(env_id: str, **kwargs):
    """gymnasium.make of the registered name; ConfigError naming a missing optional package."""
    import gymnasium as gym

    name = split_env_id(env_id)[1]
    try:
        return gym.make(name, **kwargs)
    except gym.error.Error as exc:  # unknown id, or a missing optional package (e.g. Box2D)
        raise ConfigError(f"env_id = {shown(env_id)}: {exc}", "env_id") from None
    except ImportError as exc:
        raise ConfigError(f"env_id = {shown(env_id)}: {missing_package(exc)}", "env_id") from None
    except Exception as exc:  # the env's own constructor failed
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ConfigError(f"env_id = {shown(env_id)}: making it failed ({reason})", "env_id") from None


def missing_package(exc: ImportError) -> str:
    """One line naming what to install, from an ImportError raised while making an env."""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        package = exc.name.split(".")[0]
        return f"needs the package {package}, which is not installed (pip install {package})"
    return str(exc).strip().splitlines()[0] if str(exc).strip() else "needs a package that is not installed"
