"""gymnasium's CartPole vector step against envs/cartpole.py's lean one, in one run.

    python benchmarks/bench_cartpole_step.py       # ~10 s

64 copies (the sampler's number at batch 5000), actions from a fixed random sequence, 20,000
steps each, three rounds; prints the median microseconds per step and the ratio.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from gymnasium.envs.classic_control.cartpole import CartPoleVectorEnv  # noqa: E402

from vpg_gui.envs.cartpole import LeanCartPoleVectorEnv  # noqa: E402

COPIES, STEPS = 64, 20_000


def per_step(env) -> float:
    actions = np.random.default_rng(0).integers(0, 2, size=(STEPS, COPIES))
    env.reset(seed=0)
    start = time.perf_counter()
    for action in actions:
        env.step(action)
    return (time.perf_counter() - start) / STEPS * 1e6


def main() -> None:
    envs = {"gymnasium": CartPoleVectorEnv(COPIES), "lean": LeanCartPoleVectorEnv(COPIES)}
    times = {name: statistics.median(per_step(env) for _ in range(3)) for name, env in envs.items()}
    for name, us in times.items():
        print(f"{name:10s} {us:6.1f} us per vector step of {COPIES} copies")
    print(f"lean / gymnasium: {times['lean'] / times['gymnasium']:.2f}")


if __name__ == "__main__":
    main()
