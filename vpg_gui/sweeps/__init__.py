"""Sweeps, without Qt: a sweep's trials (spec.py), the Ray Tune engine (ray_tune.py), a sweep in a
child process (process.py), its results (results.py) and its directory (files.py)."""
