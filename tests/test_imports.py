"""Importing any module of vpg_gui changes nothing of the process: torch's thread count (and
the allocator) are set by the code that trains (algo/trainer.prepare_training_process), not on
import, so a program importing vpg_gui keeps its own settings."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, torch
torch.set_num_threads(3)
import vpg_gui
names = [m.name for m in pkgutil.walk_packages(vpg_gui.__path__, "vpg_gui.")]
for name in names:
    importlib.import_module(name)
print(len(names), torch.get_num_threads())
"""


def test_importing_every_module_sets_nothing():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, threads = map(int, done.stdout.split())
    assert count > 60 and threads == 3
