"""How noisy each estimator's gradient is, at one fixed policy: the comparison a class should see.

One policy (trained some epochs with reward-to-go, so it is neither random nor solved),
one large batch from it, and the variance of the gradient estimate under each weighting. The
value baseline is fitted on a second, independent batch from the same policy, so it cannot have
memorised the batch it is judged on.

>>> from vpg_gui.config import TrainConfig
>>> v = estimator_variances(TrainConfig(batch_steps=500, seed=0), warm_epochs=1, batch_steps=2000)
>>> list(v)
['episode-return', 'reward-to-go', 'reward-to-go - V(s)']
"""

from __future__ import annotations

import torch

from vpg_gui.algo.diagnostics import gradient_variance, policy_gradient_blocks
from vpg_gui.algo.returns import advantages, reward_to_go
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig

VALUE_FIT_ITERS = 300


def estimator_variances(config: TrainConfig, warm_epochs: int = 20, batch_steps: int = 20_000) -> dict[str, float]:
    """{estimator: variance of the gradient estimate} on one batch of ``batch_steps`` from the
    policy after ``warm_epochs`` epochs of ``config`` (undiscounted; lambda = 1 for the baseline,
    so all three estimate the same gradient)."""
    trainer = Trainer(config.replace(baseline="none", weighting="reward-to-go", gamma=1.0))
    try:
        for _ in range(warm_epochs):
            trainer.train_epoch()
        policy, typical = trainer.sampling_policy(), trainer.history[-1].length_mean if warm_epochs else 1.0
        fit, batch = (trainer.sampler.collect(policy, batch_steps, config.seed, 10**6 + k, typical) for k in (0, 1))
        trainer.fit_value(torch.from_numpy(fit.obs), reward_to_go(fit.rew, fit.lengths, 1.0), VALUE_FIT_ITERS)
        obs, act = torch.from_numpy(batch.obs), torch.from_numpy(batch.act)
        with torch.no_grad():
            values = trainer.value(obs).squeeze(-1).double().numpy()
        weights = {
            "episode-return": advantages(batch.rew, batch.lengths, 1.0, "episode-return"),
            "reward-to-go": advantages(batch.rew, batch.lengths, 1.0, "reward-to-go"),
            "reward-to-go - V(s)": advantages(batch.rew, batch.lengths, 1.0, "reward-to-go", values, lam=1.0),
        }
        return {
            name: gradient_variance(
                policy_gradient_blocks(trainer.policy, obs, act, torch.from_numpy(w).float()), batch.lengths
            )
            for name, w in weights.items()
        }
    finally:
        trainer.close()
