"""``python -m vpg_gui``: the window, as ``vpg-gui``.

python -m vpg_gui --lr 0.05
"""

import sys

if __name__ == "__main__":  # training processes import this module again: never open a window there
    from vpg_gui.launch import gui

    sys.exit(gui())
