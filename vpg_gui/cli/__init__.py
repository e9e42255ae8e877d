"""The command-line tools: vpg-train (train.py), vpg-sweep (sweep.py), vpg-plot (plot.py) and what
they share (common.py)."""
