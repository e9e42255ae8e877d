"""Animated GIFs of episodes, for slides: the current episode again, or the policy's evolution.

Frames are written at the render's own resolution (600x400 for CartPole: a halved frame lost
the one-pixel track line), one by one, so memory stays flat; the file appears atomically when
complete. Each episode is played under the physics in force when it was trained.

    write_gif("episode.gif", replay_frames("CartPole-v1", seed, actions, {"length": 1.0}), fps=50)
    write_gif("evolution.gif", evolution_frames("CartPole-v1", [(1, p1, {}), (20, p20, {})]), fps=50)
    write_gif("race.gif", race_frames([("1. reward-to-go, epoch 30", "CartPole-v1", p, {}), ...]), fps=50)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import imageio.v2 as imageio
import numpy as np

from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.formats.files import new_temp_beside
from vpg_gui.playback.episode import play_frames


class GifCancelled(Exception):
    pass


def write_gif(
    path: Path | str, frames: Iterable[np.ndarray], fps: int, cancel: Callable[[], bool] | None = None
) -> int:
    """Write ``frames`` (H, W, 3 uint8) to ``path``; returns the number of frames."""
    path = Path(path)
    tmp = new_temp_beside(path)
    count = 0
    try:
        with imageio.get_writer(tmp, mode="I", format="GIF", duration=1000 / fps, loop=0) as writer:
            for frame in frames:
                if cancel is not None and cancel():
                    raise GifCancelled
                writer.append_data(frame)
                count += 1
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def evolution_frames(
    env_id: str, snapshots: list[tuple[int, NumpyPolicy, dict[str, float]]], seed: int = 0, max_steps: int = 300
) -> Iterator[np.ndarray]:
    """One greedy episode per (epoch, policy, physics), one after another, each captioned with its epoch."""
    for epoch, policy, physics in snapshots:
        for frame in play_frames(env_id, policy, seed, max_steps, physics):
            yield caption(frame, f"epoch {epoch}")


def race_frames(
    lanes: list[tuple[str, str, NumpyPolicy, dict[str, float]]], seed: int = 0, max_steps: int = 500
) -> Iterator[np.ndarray]:
    """A race's lanes side by side: one greedy episode per (title, env id, policy, physics), all
    from the same start, frame by frame, each captioned with its title; a lane whose episode has
    ended holds its last frame until the longest ends."""
    players = [play_frames(env_id, policy, seed, max_steps, physics) for _, env_id, policy, physics in lanes]
    titles = [title for title, *_ in lanes]
    last: list[np.ndarray | None] = [None] * len(lanes)
    while True:
        frames = [next(player, None) for player in players]
        if all(frame is None for frame in frames):
            return
        last = [frame if frame is not None else held for frame, held in zip(frames, last, strict=True)]
        height = max(frame.shape[0] for frame in last if frame is not None)
        yield np.hstack([_padded(caption(frame, title), height) for frame, title in zip(last, titles, strict=True)])


def _padded(frame: np.ndarray, height: int) -> np.ndarray:
    """``frame`` on a white strip ``height`` tall (lanes of different envs differ in size)."""
    if frame.shape[0] == height:
        return frame
    return np.vstack([frame, np.full((height - frame.shape[0], *frame.shape[1:]), 255, np.uint8)])


def caption(frame: np.ndarray, text: str) -> np.ndarray:
    """``frame`` with ``text`` drawn in its top-left corner (pygame's bundled font)."""
    import pygame

    pygame.font.init()  # again each time: closing a classic-control env quits pygame's modules
    font = pygame.font.Font(None, max(16, frame.shape[0] // 12))
    surface = pygame.surfarray.make_surface(frame.swapaxes(0, 1))
    surface.blit(font.render(text, True, (20, 20, 20)), (10, 8))
    return np.ascontiguousarray(pygame.surfarray.array3d(surface).swapaxes(0, 1))
