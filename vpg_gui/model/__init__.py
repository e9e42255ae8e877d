"""What the window shows, without Qt: the runs, kept runs and seed groups (runs.py) and the labels
that tell them apart (labels.py). Views render it and send it commands."""
