"""Trainer: the simplest policy gradient, one epoch at a time.

Each epoch plays whole episodes with the current policy until the batch holds at least
``batch_steps`` steps, weights every action's log-probability by its episode's return (or its
reward-to-go) and takes ONE Adam step on ``-mean(logp * weight)``.

>>> from vpg_gui.config import TrainConfig
>>> trainer = Trainer(TrainConfig(batch_steps=500, seed=1))
>>> stats = trainer.train_epoch()
>>> stats.epoch, stats.steps >= 500
(1, True)
>>> trainer.apply(trainer.config.replace(lr=0.05))  # hot: used from the next epoch
>>> trainer.train_epoch().lr
0.05
>>> trainer.close()
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from vpg_gui.config import ConfigError, TrainConfig, cold_changes
from vpg_gui.core.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.core.envs import auto_num_envs, env_info
from vpg_gui.core.errors import TrainingDiverged
from vpg_gui.core.metrics import EpochStats
from vpg_gui.core.numpy_policy import NumpyPolicy
from vpg_gui.core.policy import build_mlp, numpy_copy
from vpg_gui.core.returns import policy_weights
from vpg_gui.core.rollout import Sampler


class Trainer:
    def __init__(self, config: TrainConfig):
        self.config = config.validate()
        # A tiny MLP runs fastest on one thread; more threads only add synchronisation.
        torch.set_num_threads(1)
        self.info = env_info(config.env_id)
        with torch.random.fork_rng(devices=[]):  # seed the init without disturbing global RNG
            torch.manual_seed(config.seed)
            self.policy, self.optimizer = self._new_model()
        self.num_envs = config.num_envs or auto_num_envs(self.info, config.batch_steps)
        self.sampler = Sampler(self.info, self.num_envs)
        self.history: list[EpochStats] = []

    @property
    def epoch(self) -> int:
        """Epochs completed so far."""
        return len(self.history)

    @property
    def finished(self) -> bool:
        return self.config.epochs > 0 and self.epoch >= self.config.epochs

    def apply(self, config: TrainConfig) -> None:
        """Take new settings from the next epoch on; cold changes need a new Trainer."""
        cold = cold_changes(self.config, config)
        if cold:
            raise ConfigError(f"{', '.join(cold)}: cannot change during a run; they apply on Reset")
        self.config = config.validate()

    def sampling_policy(self) -> NumpyPolicy:
        """A numpy copy of the current weights, safe to hand to another thread."""
        return numpy_copy(self.policy, self.config.activation)

    def train_epoch(self, cancel: Callable[[], bool] | None = None) -> EpochStats:
        """Sample, update, summarise. ``cancel`` can abort the sampling (EpochCancelled), leaving
        the policy and history as they were."""
        cfg = self.config
        start = time.perf_counter()
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr
        typical = self.history[-1].length_mean if self.history else 1.0
        batch = self.sampler.collect(self.sampling_policy(), cfg.batch_steps, cfg.seed, self.epoch + 1, typical, cancel)
        weights = policy_weights(batch.rew, batch.lengths, cfg.gamma, cfg.weighting)

        logp_all = torch.log_softmax(self.policy(torch.from_numpy(batch.obs)), dim=-1)
        logp = logp_all.gather(1, torch.from_numpy(batch.act)[:, None]).squeeze(1)
        loss = -(logp * torch.from_numpy(weights.astype(np.float32))).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self._guarded_step(loss)
        with torch.no_grad():
            entropy = float(-(logp_all.exp() * logp_all).sum(-1).mean())

        seconds = time.perf_counter() - start
        returns = batch.returns
        stats = EpochStats(
            epoch=self.epoch + 1,
            return_mean=float(returns.mean()),
            return_std=float(returns.std()),
            return_min=float(returns.min()),
            return_max=float(returns.max()),
            length_mean=float(batch.lengths.mean()),
            episodes=len(batch.lengths),
            steps=batch.steps,
            loss=loss.item(),
            entropy=entropy,
            lr=cfg.lr,
            batch_steps=cfg.batch_steps,
            gamma=cfg.gamma,
            weighting=cfg.weighting,
            seconds=seconds,
            steps_per_s=batch.steps / seconds,
        )
        self.history.append(stats)
        return stats

    def _guarded_step(self, loss: torch.Tensor) -> None:
        """optimizer.step(), unless the loss or a gradient is not finite; if the step makes a weight
        non-finite, undo it. Either way raise TrainingDiverged, the trainer as before the epoch."""
        epoch, lr = self.epoch + 1, self.config.lr
        advice = f"The policy is as it was after epoch {epoch - 1}. Try a smaller learning rate (now {lr:g})."
        grads = [p.grad for p in self.policy.parameters() if p.grad is not None]
        if not torch.isfinite(loss):
            raise TrainingDiverged(f"Epoch {epoch}: the loss became {loss.item()}. {advice}")
        if not all(torch.isfinite(g).all() for g in grads):
            raise TrainingDiverged(f"Epoch {epoch}: a gradient became NaN or infinite. {advice}")
        before = copy.deepcopy((self.policy.state_dict(), self.optimizer.state_dict()))
        self.optimizer.step()
        if not all(torch.isfinite(p).all() for p in self.policy.parameters()):
            self.policy.load_state_dict(before[0])
            self.optimizer.load_state_dict(before[1])
            raise TrainingDiverged(f"Epoch {epoch}: a weight became NaN or infinite. {advice}")

    # --- checkpoints -------------------------------------------------------------------------

    def state(self) -> dict:
        """The run as plain data (copies): config, policy, optimizer, history."""
        return {
            "config": self.config.to_dict(),
            "policy": copy.deepcopy(self.policy.state_dict()),
            "optimizer": copy.deepcopy(self.optimizer.state_dict()),
            "history": [s.to_dict() for s in self.history],
        }

    def save(self, path: Path | str) -> None:
        save_checkpoint(path, self.state())

    @classmethod
    def from_checkpoint(cls, path: Path | str, hot_changes: dict | None = None) -> Trainer:
        """A Trainer that continues the checkpointed run, optionally with new hot settings."""
        trainer = cls.from_state(path, load_checkpoint(path))
        if hot_changes:
            trainer.apply(trainer.config.replace(**hot_changes))
        return trainer

    @classmethod
    def from_state(cls, source: Path | str, data: dict) -> Trainer:
        """A Trainer continuing ``data`` (as from ``state()``); CheckpointError names ``source``."""
        try:
            config = TrainConfig.from_dict(data["config"])
        except (ConfigError, TypeError, AttributeError) as exc:
            raise CheckpointError(f"{source}: holds an invalid config: {exc}") from None
        trainer = cls(config)
        try:
            trainer._restore(source, data)
        except CheckpointError:
            trainer.close()
            raise
        return trainer

    def load(self, path: Path | str) -> None:
        """Load a checkpoint of a run with the same cold settings into this Trainer."""
        data = load_checkpoint(path)
        theirs = data["config"]
        differ = [k for k in ("env_id", "hidden_sizes", "activation") if theirs.get(k) != self.config.to_dict()[k]]
        if differ:
            raise CheckpointError(f"{path}: checkpoint is from another config ({', '.join(differ)} differ)")
        self._restore(path, data)
        self.config = TrainConfig.from_dict(theirs)

    def _new_model(self) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
        cfg, info = self.config, self.info
        policy = build_mlp(info.obs_dim, cfg.hidden_sizes, info.n_actions, cfg.activation)
        return policy, torch.optim.Adam(policy.parameters(), lr=cfg.lr)

    def _restore(self, path: Path | str, data: dict) -> None:
        # Load into fresh objects and swap only when everything fitted: a bad file leaves us untouched.
        policy, optimizer = self._new_model()
        try:
            history = [EpochStats.from_dict(d) for d in data["history"]]
            policy.load_state_dict(data["policy"])
            optimizer.load_state_dict(data["optimizer"])
        except (ValueError, KeyError, RuntimeError, TypeError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise CheckpointError(f"{path}: checkpoint does not fit this policy: {reason}") from None
        self.policy, self.optimizer, self.history = policy, optimizer, history

    def close(self) -> None:
        self.sampler.close()
