"""Background work for the window: the training worker (training.py) and a sweep (sweep.py)."""
