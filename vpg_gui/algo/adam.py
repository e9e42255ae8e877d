"""Adam, step for step what ``torch.optim.Adam`` computes on CPU, without its start-up cost.

Every method of a torch optimizer goes through ``torch._dynamo`` (to keep the compiler out), and
the first call imports it: 1.2-1.4 s of every ``vpg-train`` start, a third of the process. This
is the same update as torch's single-tensor Adam (the path it takes for CPU tensors), operation
for operation, so the weights come out bit-identical (tested), and its ``state_dict`` is torch's,
so checkpoints written before read the same.

>>> import torch
>>> w = torch.nn.Parameter(torch.ones(2))
>>> opt = Adam([w], lr=0.1)
>>> w.grad = torch.tensor([1.0, -1.0])
>>> opt.step()
>>> [round(x, 6) for x in w.detach().tolist()]  # the first step moves each weight by lr
[0.9, 1.1]
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


class Adam:
    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        self.params = list(params)
        self.param_groups = [{"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": 0.0}]
        self.state: dict[int, dict[str, torch.Tensor]] = {}

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        group = self.param_groups[0]
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            state = self.state.get(i)
            if state is None:
                zeros = torch.zeros_like(p, memory_format=torch.preserve_format)
                state = self.state[i] = {"step": torch.tensor(0.0), "exp_avg": zeros, "exp_avg_sq": zeros.clone()}
            state["step"] += 1
            step = state["step"].item()
            state["exp_avg"].lerp_(p.grad, 1 - beta1)
            state["exp_avg_sq"].mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
            step_size = lr / (1 - beta1**step)
            denom = (state["exp_avg_sq"].sqrt() / (1 - beta2**step) ** 0.5).add_(eps)
            p.addcdiv_(state["exp_avg"], denom, value=-step_size)

    def state_dict(self) -> dict:
        """As ``torch.optim.Adam.state_dict()``: per-parameter moments and the group's settings."""
        return {
            "state": {i: dict(s) for i, s in self.state.items()},
            "param_groups": [{**self.param_groups[0], "params": list(range(len(self.params)))}],
        }

    def load_state_dict(self, data: dict) -> None:
        """From ``state_dict()`` (this class's or torch's Adam's): the moments are copied in."""
        group = data["param_groups"][0]
        if len(group["params"]) != len(self.params):
            raise ValueError(f"optimizer state for {len(group['params'])} parameters, not {len(self.params)}")
        self.param_groups[0].update(lr=group["lr"], betas=tuple(group["betas"]), eps=group["eps"])
        self.state = {
            int(i): {k: v.clone().to(self.params[int(i)].dtype if k != "step" else v.dtype) for k, v in s.items()}
            for i, s in data["state"].items()
        }
