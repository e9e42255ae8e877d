"""`vpg-gui`: the playground window (arrives with the window issue; for now it says so)."""

import sys


def main() -> int:
    print("vpg-gui: the window is not built yet; use vpg-train for headless training", file=sys.stderr)
    return 1
