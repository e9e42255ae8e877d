"""How an epoch can end without stats; torch-free, so the window can catch them without loading torch."""


class EpochCancelled(Exception):
    """Raised by ``Sampler.collect`` when its ``cancel`` callback says so; nothing of the epoch is kept."""


class EnvironmentFault(Exception):
    """The environment gave what no policy can learn from (observations that are NaN or
    infinite); the message names it. Nothing of the epoch is kept."""


class TrainingDiverged(Exception):
    """The update produced a NaN or infinite loss, gradient or weight. The trainer is left as it
    was after the last good epoch, so the run can go on (with a smaller learning rate)."""
