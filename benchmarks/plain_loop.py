"""The post's simplest policy gradient, written plainly (its bugs fixed): the baseline.

One env, one torch forward per step, every action weighted by its whole episode's return,
one Adam step per epoch on at least ``batch_steps`` steps of whole episodes.

>>> loop = PlainLoop(seed=0, batch_steps=500)
>>> mean_return, steps, seconds = loop.train_epoch()
>>> steps >= 500
True
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np
import torch
from torch import nn
from torch.distributions import Categorical


class PlainLoop:
    def __init__(self, seed: int = 0, batch_steps: int = 5000, lr: float = 1e-2, env_id: str = "CartPole-v1"):
        torch.set_num_threads(1)
        torch.manual_seed(seed)
        self.env = gym.make(env_id)
        obs_dim = self.env.observation_space.shape[0]
        self.policy = nn.Sequential(nn.Linear(obs_dim, 32), nn.Tanh(), nn.Linear(32, self.env.action_space.n))
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=lr)
        self.batch_steps = batch_steps
        self.obs, _ = self.env.reset(seed=seed)

    def train_epoch(self) -> tuple[float, int, float]:
        """One epoch; returns (mean episode return, steps, seconds)."""
        start = time.perf_counter()
        batch_obs, batch_acts, batch_weights, batch_rets = [], [], [], []
        ep_rews: list[float] = []
        obs, _ = self.env.reset()
        while True:
            batch_obs.append(obs.copy())
            with torch.no_grad():
                logits = self.policy(torch.as_tensor(obs, dtype=torch.float32))
            act = Categorical(logits=logits).sample().item()
            obs, rew, terminated, truncated, _ = self.env.step(act)
            batch_acts.append(act)
            ep_rews.append(rew)
            if terminated or truncated:
                ep_ret, ep_len = sum(ep_rews), len(ep_rews)
                batch_rets.append(ep_ret)
                batch_weights += [ep_ret] * ep_len
                obs, _ = self.env.reset()
                ep_rews = []
                if len(batch_obs) >= self.batch_steps:
                    break
        logits = self.policy(torch.as_tensor(np.array(batch_obs), dtype=torch.float32))
        logp = Categorical(logits=logits).log_prob(torch.as_tensor(batch_acts, dtype=torch.int64))
        loss = -(logp * torch.as_tensor(batch_weights, dtype=torch.float32)).mean()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return float(np.mean(batch_rets)), len(batch_obs), time.perf_counter() - start
