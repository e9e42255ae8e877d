"""CartPole drawn as shapes instead of pixels: where gymnasium's 600x400 ``rgb_array`` frame puts
the track, the cart, the pole and its axle, so a view can paint them itself at any size.

Why: gymnasium's frame costs ~5 ms in the window's thread (drawn with pygame, then copied and
transposed into numpy), so three race lanes at 50 frames a second would take more than the whole
thread (benchmarks/bench_race.py). Painting four shapes costs a fraction of a millisecond, and
stays sharp on a projector.

>>> scene = cartpole_scene(x=0.0, theta=0.0, length=0.5)
>>> scene.cart, scene.axle, scene.track_y
((275.0, 284.0, 50.0, 30.0), (300.0, 291.5), 299.0)
>>> [tuple(round(v, 1) for v in p) for p in scene.pole][:2]
[(295.0, 296.5), (295.0, 171.5)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 400  # gymnasium's CartPole frame
X_THRESHOLD = 2.4  # the track's half width, in metres (the episode ends past it)
CART_W, CART_H, POLE_W = 50.0, 30.0, 10.0
CART_TOP = 100.0  # from the bottom, as gymnasium draws it
CART_COLOR, POLE_COLOR, AXLE_COLOR = (0, 0, 0), (202, 152, 101), (129, 132, 203)


@dataclass(frozen=True)
class CartPoleScene:
    """In frame pixels, y down: the cart (left, top, width, height), the pole's four corners,
    the axle's centre, and the track's height."""

    cart: tuple[float, float, float, float]
    pole: tuple[tuple[float, float], ...]
    axle: tuple[float, float]
    track_y: float


def cartpole_scene(x: float, theta: float, length: float) -> CartPoleScene:
    """The shapes of CartPole at cart position ``x`` and pole angle ``theta`` (radians, 0 upright),
    with a pole of half-length ``length`` (the env's ``length``; a physics knob)."""
    scale = WIDTH / (2 * X_THRESHOLD)
    cart_x = x * scale + WIDTH / 2
    top = HEIGHT - 1 - CART_TOP  # the cart's centre line and the track, y down (gymnasium flips row r to H-1-r)
    axle = (cart_x, top - CART_H / 4)
    end = scale * 2 * length - POLE_W / 2  # the pole's far end, from the axle
    corners = ((-POLE_W / 2, -POLE_W / 2), (-POLE_W / 2, end), (POLE_W / 2, end), (POLE_W / 2, -POLE_W / 2))
    # gymnasium turns the pole by -theta in y-up pixels; here y grows downwards.
    cos, sin = math.cos(-theta), math.sin(-theta)
    pole = tuple((axle[0] + cx * cos - cy * sin, axle[1] - (cx * sin + cy * cos)) for cx, cy in corners)
    return CartPoleScene((cart_x - CART_W / 2, top - CART_H / 2, CART_W, CART_H), pole, axle, top)
