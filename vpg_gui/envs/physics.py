"""Physics knobs: an env's own attributes (CartPole's gravity, pole length and mass, push force;
Pendulum's gravity and maximum torque), set on every copy of the env while training runs.

>>> import functools
>>> parse_physics("gravity=12, length=0.8")
(('gravity', 12.0), ('length', 0.8))
>>> format_physics((("gravity", 12.0), ("length", 0.8)))
'gravity=12,length=0.8'
>>> env = make_env("CartPole-v1")
>>> apply_physics(env, {"length": 1.0})
>>> env.unwrapped.length, env.unwrapped.polemass_length, env.unwrapped.gravity   # the rest: defaults
(1.0, 0.1, 9.8)
"""

from __future__ import annotations

import functools

from vpg_gui.envs.ids import make_env

# env name (without version) -> attribute -> (lowest, highest, what it is)
KNOBS = {
    "CartPole": {
        "gravity": (1.0, 30.0, "Gravity pulling the pole down (m/s²; Earth 9.8)."),
        "length": (0.1, 3.0, "Half the pole's length (m). A longer pole falls more slowly."),
        "masspole": (0.01, 2.0, "The pole's mass (kg)."),
        "force_mag": (1.0, 50.0, "Force of each push on the cart (N)."),
    },
    "Pendulum": {
        "g": (1.0, 30.0, "Gravity (m/s²; the env's default 10)."),
        "max_torque": (0.5, 5.0, "The largest torque the motor can apply; below ~1 it cannot swing up directly."),
    },
}


def env_name(env_id: str) -> str:
    """ "CartPole-v1", "pkg.mod:Ns/CartPole-v0" -> "CartPole": an env's name without module, namespace, version."""
    return env_id.rsplit(":", 1)[-1].rsplit("/", 1)[-1].split("-v")[0]


def knobs(env_id: str) -> dict[str, tuple[float, float, str]]:
    """The knobs an env has (empty for most)."""
    return KNOBS.get(env_name(env_id), {})


def defaults(env_id: str) -> dict[str, float]:
    """The knobs' values in a freshly made env."""
    return dict(_defaults(env_id))


@functools.cache
def _defaults(env_id: str) -> tuple[tuple[str, float], ...]:
    if not knobs(env_id):
        return ()

    env = make_env(env_id)
    try:
        return tuple((name, float(getattr(env.unwrapped, name))) for name in knobs(env_id))
    finally:
        env.close()


def parse_physics(text: str) -> tuple[tuple[str, float], ...]:
    """ "gravity=12,length=0.8" -> (("gravity", 12.0), ("length", 0.8)); ValueError says why not."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        try:
            pairs.append((name.strip(), float(value)))
        except ValueError:
            sep = ""
        if not sep:
            raise ValueError(f"{part!r}: must be name=number, e.g. gravity=12")
        if [n for n, _ in pairs].count(pairs[-1][0]) > 1:
            raise ValueError(f"{pairs[-1][0]!r} is given twice; give each knob once")
    return tuple(sorted(pairs))


def format_physics(physics) -> str:
    return ",".join(f"{name}={value:g}" for name, value in physics)


def apply_physics(env, physics: dict[str, float]) -> None:
    """Set the knobs on ``env`` (a single env or a vector env, each copy) to their defaults
    overridden by ``physics``, and recompute what CartPole derives from them."""
    spec_id = env.spec.id if env.spec is not None else env.unwrapped.spec.id
    values = {**defaults(spec_id), **physics}
    targets = [e.unwrapped for e in env.envs] if hasattr(env, "envs") else [env.unwrapped]
    for target in targets:
        for name, value in values.items():
            setattr(target, name, value)
        if hasattr(target, "polemass_length"):  # CartPole caches these at construction
            target.total_mass = target.masspole + target.masscart
            target.polemass_length = target.masspole * target.length
