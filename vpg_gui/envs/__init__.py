"""Environments, without Qt: which ids may be made (ids.py), making them (make.py), their physics
knobs (physics.py) and the lean CartPole vector env (cartpole.py)."""
