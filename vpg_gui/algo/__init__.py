"""The policy gradient itself, without Qt: the policy, sampling, returns and weights, the update
(trainer.py), its diagnostics, the epoch record (metrics.py) and the training process (remote.py)."""
