"""Trainer: the simplest policy gradient, one epoch at a time.

Each epoch plays whole episodes with the current policy until the batch holds at least
``batch_steps`` steps, weights every action's log-probability by its episode's return (or its
reward-to-go, or a GAE advantage over a learned value baseline; see returns.advantages) and
takes ONE Adam step on ``-mean(logp * weight) - entropy_coef * entropy``. With the baseline on,
the value network is fitted to the batch's rewards-to-go (``value_iters`` Adam steps).

>>> from vpg_gui.config import TrainConfig
>>> trainer = Trainer(TrainConfig(batch_steps=500, seed=1))
>>> stats = trainer.train_epoch()
>>> stats.epoch, stats.steps >= 500
(1, True)
>>> trainer.apply(trainer.config.replace(lr=0.05))  # hot: used from the next epoch
>>> trainer.train_epoch().lr
0.05
>>> trainer.apply(trainer.config.replace(baseline="value"))  # so is the baseline
>>> stats = trainer.train_epoch()
>>> stats.baseline, stats.value_loss > 0, stats.grad_var > 0
('value', True, True)
>>> trainer.close()
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from vpg_gui.algo.adam import Adam
from vpg_gui.algo.batch_record import BatchRecord, weighting_name
from vpg_gui.algo.budget import episode_slices, step_slices
from vpg_gui.algo.checkpoint import MODEL_KEYS, CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.algo.diagnostics import GradientRecorder, grad_norm, mean_kl
from vpg_gui.algo.memory import keep_freed_memory
from vpg_gui.algo.metrics import HOT_STATS, EpochStats
from vpg_gui.algo.numpy_policy import NumpyPolicy
from vpg_gui.algo.policy import build_mlp, build_policy, numpy_copy
from vpg_gui.algo.returns import advantages, reward_to_go
from vpg_gui.algo.rollout import Sampler
from vpg_gui.config import ConfigError, TrainConfig, cold_changes
from vpg_gui.envs.make import auto_num_envs, env_info
from vpg_gui.envs.physics import format_physics
from vpg_gui.errors import EnvironmentFault, EpochCancelled, TrainingDiverged


@functools.cache
def prepare_training_process() -> None:
    """Once per process that trains, at its first Trainer (importing this module changes nothing):
    one torch thread (a tiny MLP runs fastest on one; more only add synchronisation), and freed
    memory kept, so an epoch's big tensors reuse the last epoch's memory, not fresh pages (memory.py)."""
    torch.set_num_threads(1)
    keep_freed_memory()


class Trainer:
    def __init__(self, config: TrainConfig, diagnostics: bool = True, record_batches: bool = False):
        """``diagnostics``: the gradient variance, norm and KL of each update (False: 0 in the
        stats, the update's numbers unchanged). ``record_batches``: keep what each update did to
        its batch's steps in ``last_record`` (batch_record.py), the update's numbers unchanged."""
        prepare_training_process()
        self.config = config.validate()
        self.diagnostics = diagnostics
        self.record_batches = record_batches
        self.last_record: BatchRecord | None = None  # the last epoch's, when record_batches
        self.info = env_info(config.env_id)
        with torch.random.fork_rng(devices=[]):  # seed the init without disturbing global RNG
            torch.manual_seed(config.seed)
            self.policy, self.optimizer, self.value, self.value_optimizer = self._new_model()
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
        """Sample, update, summarise. ``cancel`` can abort the epoch (EpochCancelled), leaving
        the policy and history as they were: it is polled every vector step of the sampling and
        between the update's chunks, so a big network or batch stops within a chunk."""
        cfg = self.config
        start = time.perf_counter()
        for group in self.optimizer.param_groups:
            group["lr"] = cfg.lr
        for group in self.value_optimizer.param_groups:
            group["lr"] = cfg.value_lr
        typical = self.history[-1].length_mean if self.history else 1.0
        playing = self.sampling_policy()
        batch = self.sampler.collect(
            playing,
            cfg.batch_steps,
            cfg.seed,
            self.epoch + 1,
            typical,
            cancel,
            dict(cfg.physics),
            starts=self.record_batches,
        )
        if not np.isfinite(batch.obs).all():  # the env's fault, not the learning rate's
            raise EnvironmentFault(
                f"{cfg.env_id} returned observations that are NaN or infinite in epoch {self.epoch + 1}; "
                "vpg-gui learns from finite observations only (check the environment or its physics)"
            )
        obs, act = torch.from_numpy(batch.obs), torch.from_numpy(batch.act)
        parts = episode_slices(batch.lengths, self._bytes_per_step())  # whole episodes each
        before = _tree_map(torch.Tensor.clone, torch.Tensor, self._model_state())  # restored if the update goes wrong
        values, value_loss = None, 0.0
        try:
            if cfg.baseline == "value":  # V from before this batch: fitting first would bias the weights
                with torch.no_grad():
                    values = torch.cat([self.value(obs[p]) for p in parts]).squeeze(-1).double().numpy()
                rtg = reward_to_go(batch.rew, batch.lengths, cfg.gamma)
                value_loss = self.fit_value(obs, rtg, cfg.value_iters, cancel)
            weights = advantages(
                batch.rew, batch.lengths, cfg.gamma, cfg.weighting, values, cfg.gae_lambda, cfg.normalize_advantages
            )
            w = torch.from_numpy(weights.astype(np.float32))

            loss, entropy, dists, sums, logp = self._policy_gradient(obs, act, w, parts, batch.lengths, cancel)
        except EpochCancelled:  # the value net may have stepped already
            self._load_model_state(before)
            raise
        # Without an entropy bonus the gradient is the variance's own mean: its norm comes free.
        norm = (
            sums.mean_gradient_norm()
            if sums is not None and not cfg.entropy_coef
            else grad_norm(self.policy.parameters())
        )
        self._guarded_step(loss, value_loss, before)
        logp_after = [] if self.record_batches else None
        kl = mean_kl(self.policy, dists, obs, parts, act, logp_after) if sums is not None else 0.0
        grad_var = sums.variance() if sums is not None else 0.0
        if self.record_batches:
            update = (loss, grad_var, logp, logp_after)
            self.last_record = self._record(batch, weights, values, update, obs, act, parts, playing)

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
            loss=loss,
            entropy=entropy,
            seconds=seconds,
            steps_per_s=batch.steps / seconds,
            value_loss=value_loss,
            kl=kl,
            grad_norm=norm,
            grad_var=grad_var,
            # the hot settings in force (physics as text, so it reads in a CSV cell)
            **{name: getattr(cfg, name) for name in HOT_STATS if name != "physics"},
            physics=format_physics(cfg.physics),
        )
        self.history.append(stats)
        return stats

    def _policy_gradient(self, obs, act, weights, parts: list[slice], lengths: np.ndarray, cancel=None):
        """The policy gradient into the policy's ``.grad``, as Spinning Up writes it: the loss is
        -(logp * weights).mean(), minus the entropy bonus; backward() fills the gradients. The batch
        goes through in ``parts``, chunks of whole episodes (a big batch in bounded memory), each
        weighted by its share of the batch, so the gradients add up to the whole batch's.

        Returns the loss, the mean entropy, the policy's distributions on each part before the
        update (for the KL), the gradient variance's sums, which a GradientRecorder's hooks
        take from the same backward pass (diagnostics.py; without diagnostics, those are empty),
        and each part's log-probabilities (for the batch record)."""
        c, steps, ends = self.config.entropy_coef, len(obs), np.cumsum(lengths)
        self.optimizer.zero_grad()
        total_loss, total_entropy, dists, logps = 0.0, 0.0, [], []
        with GradientRecorder(self.policy) if self.diagnostics else contextlib.nullcontext() as recorder:
            for p in parts:
                _stop_if(cancel)
                dist = self.policy.distribution(self.policy(obs[p]))
                logp = dist.log_prob(act[p])
                share = len(logp) / steps
                loss = -(logp * weights[p]).mean() * share  # summed over the parts: -(logp * weights).mean()
                loss.backward(retain_graph=c != 0)
                entropy = dist.entropy().mean() * share
                if c != 0:  # the entropy bonus: its own backward, so the diagnostics see the policy gradient alone
                    (-c * entropy).backward()
                total_loss += loss.item() - c * entropy.item()
                logps.append(logp.detach())
                total_entropy += entropy.item()
                if recorder is not None:
                    dists.append(dist.detach())
                    recorder.end_chunk(lengths[(ends > p.start) & (ends <= p.stop)], -steps)
        return total_loss, total_entropy, dists, recorder.sums if recorder is not None else None, logps

    def _record(self, batch, weights, values, update, obs, act, parts, playing) -> BatchRecord:
        """What this epoch's update did to each step of its batch (batch_record.py); ``update``:
        its loss, gradient variance and log-probabilities before and after (after: None or empty
        when the KL's pass did not take them)."""
        cfg = self.config
        loss, grad_var, logp, logp_after = update
        if logp_after is None or len(logp_after) != len(parts):  # no KL pass (diagnostics off): one of its own
            with torch.no_grad():
                logp_after = [self.policy.distribution(self.policy.evaluate(obs[p])).log_prob(act[p]) for p in parts]
        episodes = len(batch.lengths)
        return BatchRecord(
            epoch=self.epoch + 1,
            env_id=cfg.env_id,
            activation=cfg.activation,
            physics=format_physics(cfg.physics),
            weighting=weighting_name(cfg.weighting, cfg.baseline, cfg.gae_lambda, cfg.normalize_advantages),
            gamma=cfg.gamma,
            gae_lambda=cfg.gae_lambda,
            loss=loss,
            grad_var=grad_var,
            lengths=batch.lengths,
            returns=batch.returns,
            rewards=batch.rew,
            values=np.zeros(0) if values is None else values,
            weights=weights,
            logp_before=torch.cat(logp).numpy(),
            logp_after=torch.cat(logp_after).detach().numpy(),
            obs=batch.obs,
            actions=batch.act,
            start_states=np.zeros((episodes, 0)) if batch.start_states is None else batch.start_states,
            policy_before=playing.state(),
        )

    def fit_value(self, obs: torch.Tensor, targets: np.ndarray, iters: int, cancel=None) -> float:
        """``iters`` Adam steps of the value net on the squared error to ``targets`` (each step's
        gradient summed over chunks of steps); returns the error before them."""
        target = torch.from_numpy(targets.astype(np.float32))
        first = None
        for _ in range(iters):
            self.value_optimizer.zero_grad()
            total = 0.0
            for p in step_slices(len(obs), self._bytes_per_step()):
                _stop_if(cancel)
                loss = ((self.value(obs[p]).squeeze(-1) - target[p]) ** 2).mean() * ((p.stop - p.start) / len(obs))
                loss.backward()
                total += loss.item()
            self.value_optimizer.step()
            first = total if first is None else first
        return first

    def _bytes_per_step(self) -> int:
        """What a step of a forward and backward pass holds, for the memory budget (budget.py):
        float32 activations and their gradients, with room."""
        return 16 * (self.info.obs_dim + sum(self.config.hidden_sizes) + 2 * self.info.n_actions)

    def _guarded_step(self, loss: float, value_loss: float, before: dict) -> None:
        """optimizer.step(), unless the loss, a gradient or the value fit is not finite; if the step
        makes a weight non-finite, undo it. Either way raise TrainingDiverged, the trainer (value
        net included) restored to ``before``, its state before the epoch."""
        epoch, lr = self.epoch + 1, self.config.lr
        advice = f"The policy is as it was after epoch {epoch - 1}. Try a smaller learning rate (now {lr:g})."
        problem = None
        if not math.isfinite(loss):
            problem = f"the loss became {loss}"
        elif not all(torch.isfinite(p.grad).all() for p in self.policy.parameters() if p.grad is not None):
            problem = "a gradient became NaN or infinite"
        elif not (math.isfinite(value_loss) and all(torch.isfinite(p).all() for p in self.value.parameters())):
            problem = "the value network's fit became NaN or infinite"
            advice += f" Or a smaller value learning rate (now {self.config.value_lr:g})."
        else:
            self.optimizer.step()
            if not all(torch.isfinite(p).all() for p in self.policy.parameters()):
                problem = "a weight became NaN or infinite"
        if problem:
            self._load_model_state(before)
            raise TrainingDiverged(f"Epoch {epoch}: {problem}. {advice}")

    def _model_state(self) -> dict:
        return {
            "policy": self.policy.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "value": self.value.state_dict(),
            "value_optimizer": self.value_optimizer.state_dict(),
        }

    def _load_model_state(self, state: dict) -> None:
        self.policy.load_state_dict(state["policy"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.value.load_state_dict(state["value"])
        self.value_optimizer.load_state_dict(state["value_optimizer"])

    # --- checkpoints -------------------------------------------------------------------------

    def state(self) -> dict:
        """The run as plain data (numpy copies of the networks): config, networks, optimizers,
        history. What checkpoints and sessions hold; readable without torch."""
        return {
            "config": self.config.to_dict(),
            **_tree_map(lambda t: t.detach().numpy().copy(), torch.Tensor, self._model_state()),
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

    def _new_model(self) -> tuple[torch.nn.Module, Adam, torch.nn.Module, Adam]:
        """Policy and value networks with their optimizers. The value net always exists (it is
        small), so that turning the baseline on mid-run needs nothing but the setting."""
        cfg, info = self.config, self.info
        policy = build_policy(info.obs_dim, cfg.hidden_sizes, info.n_actions, cfg.activation, info.discrete)
        value = build_mlp(info.obs_dim, cfg.hidden_sizes, 1, cfg.activation)
        return (
            policy,
            Adam(policy.parameters(), lr=cfg.lr),
            value,
            Adam(value.parameters(), lr=cfg.value_lr),
        )

    def _restore(self, path: Path | str, data: dict) -> None:
        # Load into fresh objects and swap only when everything fitted: a bad file leaves us untouched.
        # Files from before the value baseline have no value net: it starts fresh.
        policy, optimizer, value, value_optimizer = self._new_model()
        tensors = _tree_map(torch.from_numpy, np.ndarray, {k: data.get(k) for k in MODEL_KEYS})
        try:
            history = [EpochStats.from_dict(d) for d in data["history"]]
            policy.load_state_dict(tensors["policy"])
            optimizer.load_state_dict(tensors["optimizer"])
            if tensors["value"] is not None:
                value.load_state_dict(tensors["value"])
                value_optimizer.load_state_dict(tensors["value_optimizer"])
        except (ValueError, KeyError, RuntimeError, TypeError, AttributeError, IndexError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise CheckpointError(f"{path}: checkpoint does not fit this policy: {reason}") from None
        self.policy, self.optimizer, self.history = policy, optimizer, history
        self.value, self.value_optimizer = value, value_optimizer

    def close(self) -> None:
        self.sampler.close()


def _stop_if(cancel: Callable[[], bool] | None) -> None:
    if cancel is not None and cancel():
        raise EpochCancelled


def _tree_map(fn, kind: type, tree):
    """``tree`` with every leaf of type ``kind`` replaced by ``fn(leaf)`` (dicts, lists, tuples)."""
    if isinstance(tree, kind):
        return fn(tree)
    if isinstance(tree, dict):
        return {k: _tree_map(fn, kind, v) for k, v in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(_tree_map(fn, kind, v) for v in tree)
    return tree
