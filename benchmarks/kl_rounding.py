"""How far other roundings of the updated policy's logits move the KL diagnostic: why its forward
stays torch's float32 one, bit for bit (the target is the former values within 1e-6).

    python benchmarks/kl_rounding.py       # 40 epochs of CartPole at batch 5000 (~5 s)

At every epoch the KL is recomputed from the same before-outputs with: the logits of numpy's
float32 forward (the sampling copy), a float64 KL of those, and a float64 KL of torch's own
logits (the exact KL of today's logits); printed, the worst relative difference to the KL the
trainer reports, and whether PolicyNet.evaluate gave torch's forward bit for bit.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from vpg_gui.algo import trainer as trainer_module  # noqa: E402
from vpg_gui.algo.diagnostics import mean_kl  # noqa: E402
from vpg_gui.algo.distributions import Categorical  # noqa: E402
from vpg_gui.algo.policy import PolicyNet  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402


def kl64(before: torch.Tensor, after: torch.Tensor) -> float:
    p, q = torch.log_softmax(before.double(), -1), torch.log_softmax(after.double(), -1)
    return float((p.exp() * (p - q)).sum(-1).mean())


def main() -> None:
    worst = {
        "numpy's float32 forward": 0.0,
        "numpy's forward, the KL in float64": 0.0,
        "torch's forward, the KL in float64 (today's logits, exactly)": 0.0,
    }
    identical = []
    logits = []  # the update's logits of each epoch (the before-distributions keep log-probs only)
    distribution = PolicyNet.distribution

    def recording(policy, out):
        if out.requires_grad:
            logits.append(out.detach())
        return distribution(policy, out)

    def compare(policy, before, obs, parts):
        kl = mean_kl(policy, before, obs, parts)
        with torch.no_grad():
            after = policy(obs)
        identical.append(torch.equal(policy.evaluate(obs), after))
        numpy_after = torch.from_numpy(trainer.sampling_policy().logits(obs.numpy()))
        (b,), last = before, logits[-1]
        for name, value in zip(
            worst,
            (float(b.kl(Categorical(numpy_after)).mean()), kl64(last, numpy_after), kl64(last, after)),
            strict=True,
        ):
            worst[name] = max(worst[name], abs(value - kl) / kl)
        return kl

    trainer_module.mean_kl = compare
    PolicyNet.distribution = recording
    trainer = trainer_module.Trainer(TrainConfig(batch_steps=5000, epochs=0, seed=0))
    for _ in range(40):
        trainer.train_epoch()
    trainer.close()
    print(f"PolicyNet.evaluate equal to forward bit for bit: {sum(identical)} of {len(identical)} epochs")
    for name, rel in worst.items():
        print(f"  {name}: worst relative difference {rel:.1e} (allowed 1e-6)")


if __name__ == "__main__":
    main()
