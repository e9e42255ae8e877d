"""Shared test setup: no display anywhere (Qt offscreen, SDL dummy)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
