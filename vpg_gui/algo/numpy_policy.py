"""NumpyPolicy: a read-only numpy copy of the policy MLP, for sampling and for the render panel.

One small numpy forward per vector step costs a few microseconds where a torch call costs tens
(sampling is the hot path; see benchmarks/bench_core.py), and the GUI thread can use it without
importing torch.

>>> w1, b1 = np.eye(2, dtype=np.float32), np.zeros(2, np.float32)
>>> pol = NumpyPolicy([(w1, b1)], "tanh")
>>> pol.greedy(np.array([[0.0, 1.0], [2.0, 1.0]], np.float32))
array([1, 0])
>>> pol.probs(np.zeros((1, 2), np.float32))
array([[0.5, 0.5]], dtype=float32)

With a log-std, actions are continuous: Gaussian samples around the MLP's output.

>>> gauss = NumpyPolicy([(w1, b1)], "tanh", log_std=np.log(np.full(2, 0.5, np.float32)))
>>> mean, std = gauss.mean_std(np.array([[0.0, 1.0]], np.float32))
>>> mean.round(3).tolist(), std.tolist(), gauss.greedy(np.zeros((1, 2), np.float32)).tolist()
([[0.0, 1.0]], [[0.5, 0.5]], [[0.0, 0.0]])
"""

from __future__ import annotations

import numpy as np

_NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0.0)}


class NumpyPolicy:
    """A read-only numpy copy of the MLP: logits, sampled and greedy actions for a batch of observations."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], activation: str, log_std: np.ndarray | None = None):
        self.layers = layers
        self.log_std = log_std  # None: discrete actions (the output is logits)
        self.activation = activation
        self._act = _NUMPY_ACTIVATIONS[activation]

    def state(self) -> dict[str, np.ndarray]:
        """The weights as a torch-style state dict of numpy arrays, as policy_from_state reads them
        (a session keeps each epoch's snapshot so).

        >>> p = NumpyPolicy([(np.ones((4, 8), np.float32), np.zeros(8, np.float32))], "tanh")
        >>> policy_from_state(p.state(), "tanh", (4, 8)).layers[0][0].shape
        (4, 8)
        """
        state = {}
        for i, (w, b) in enumerate(self.layers):
            state[f"{2 * i}.weight"], state[f"{2 * i}.bias"] = np.ascontiguousarray(w.T), b
        if self.log_std is not None:
            state["log_std"] = self.log_std
        return state

    @property
    def outputs(self) -> int:
        """Logits, or the Gaussian's means: one per action (discrete) or action dimension."""
        return self.layers[-1][1].shape[0]

    @property
    def discrete(self) -> bool:
        return self.log_std is None

    def logits(self, obs: np.ndarray) -> np.ndarray:
        x = obs
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < last:
                x = self._act(x)
        return x

    def logp_gradients(self, obs: np.ndarray, act: np.ndarray) -> np.ndarray:
        """Each step's gradient of log pi(a|s) with respect to every weight, (steps, weights), by
        backpropagation in numpy: what the window needs to tell a gradient's variance without
        torch (batch_record.BatchRecord.gradient_variance; tested against torch's).

        >>> p = NumpyPolicy([(np.ones((2, 2), np.float32), np.zeros(2, np.float32))], "tanh")
        >>> p.logp_gradients(np.array([[1.0, 2.0]], np.float32), np.array([0])).round(2).tolist()
        [[0.5, -0.5, 1.0, -1.0, 0.5, -0.5]]
        """
        x, inputs, outputs = np.asarray(obs, np.float64), [], []
        last = len(self.layers) - 1
        for i, (w, b) in enumerate(self.layers):
            inputs.append(x)
            x = x @ w + b
            if i < last:
                x = self._act(x)
                outputs.append(x)
        if self.discrete:  # d log softmax(z)[a] / dz = onehot(a) - softmax(z)
            z = np.exp(x - x.max(axis=-1, keepdims=True))
            delta = -z / z.sum(axis=-1, keepdims=True)
            delta[np.arange(len(x)), np.asarray(act, int)] += 1.0
            extra = []
        else:  # a Gaussian's log-density: d/d mean = (a - mean) / var; d/d log_std = ((a - mean) / std)^2 - 1
            std = np.exp(self.log_std.astype(np.float64))
            scaled = (np.asarray(act, np.float64) - x) / std
            delta, extra = scaled / std, [scaled**2 - 1.0]
        grads = []
        for i in range(last, -1, -1):
            w, _ = self.layers[i]
            grads = [(inputs[i][:, :, None] * delta[:, None, :]).reshape(len(x), -1), delta, *grads]
            if i > 0:
                h = outputs[i - 1]
                slope = 1.0 - h**2 if self.activation == "tanh" else (h > 0).astype(np.float64)
                delta = (delta @ w.T.astype(np.float64)) * slope
        return np.concatenate([*grads, *extra], axis=1)

    def probs(self, obs: np.ndarray) -> np.ndarray:
        z = self.logits(obs)
        z = np.exp(z - z.max(axis=-1, keepdims=True))
        return z / z.sum(axis=-1, keepdims=True)

    def mean_std(self, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Continuous actions: the Gaussian's mean and standard deviation per state."""
        mean = self.logits(obs)
        return mean, np.broadcast_to(np.exp(self.log_std), mean.shape)

    def sample(self, obs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Categorical samples via the Gumbel-max trick (argmax(logits + Gumbel noise)), or
        Gaussian ones (mean + std * noise, not clipped: the env's bounds are the caller's)."""
        return self.act(obs, self.noise(rng, (len(obs), self.outputs)))

    def noise(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """The noise ``act`` takes, drawn for ``shape``'s leading dimensions at once: a block of
        (steps, copies, actions) is the same numbers as one draw per step, in order."""
        return rng.gumbel(size=shape) if self.discrete else rng.standard_normal(shape)

    def act(self, obs: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``sample`` with its noise given."""
        z = self.logits(obs)
        if self.discrete:
            return (z + noise).argmax(axis=-1)  # the method: np.argmax's Python wrapper costs as much again
        return (z + np.exp(self.log_std) * noise).astype(np.float32)

    def greedy(self, obs: np.ndarray) -> np.ndarray:
        """The most likely action: the largest logit, or the Gaussian's mean."""
        z = self.logits(obs)
        return np.argmax(z, axis=-1) if self.discrete else z


def state_sizes(state: dict[str, np.ndarray]) -> tuple[int, ...]:
    """The widths a saved policy's layers chain, read from its weights (observation to output).

    >>> state_sizes({"0.weight": np.zeros((8, 4)), "0.bias": np.zeros(8), "2.weight": np.zeros((2, 8))})
    (4, 8, 2)
    """
    weights = [
        state[k] for k in sorted((k for k in state if k.endswith(".weight")), key=lambda k: int(k.split(".")[0]))
    ]
    return (weights[0].shape[1], *(w.shape[0] for w in weights)) if weights else ()


def policy_from_state(state: dict[str, np.ndarray], activation: str, sizes: tuple[int, ...]) -> NumpyPolicy:
    """The NumpyPolicy of saved weights (``Trainer.state()["policy"]``: a torch state dict as numpy
    arrays), without torch. ``sizes``: the widths the layers must chain, from the observation to
    the output; ValueError when the weights do not fit them.

    >>> state = {"0.weight": np.zeros((8, 4)), "0.bias": np.zeros(8), "2.weight": np.zeros((2, 8))}
    >>> state["2.bias"] = np.zeros(2)
    >>> policy_from_state(state, "tanh", (4, 8, 2)).logits(np.zeros((1, 4), np.float32)).shape
    (1, 2)
    """
    names = sorted({key.rpartition(".")[0] for key in state if key != "log_std"}, key=int)
    try:
        layers = [
            (np.ascontiguousarray(state[f"{n}.weight"].T, np.float32), state[f"{n}.bias"].astype(np.float32))
            for n in names
        ]
    except (KeyError, AttributeError) as exc:
        raise ValueError(f"the policy's weights are incomplete ({exc})") from None
    have = tuple(w.shape[0] for w, _ in layers) + ((layers[-1][0].shape[1],) if layers else ())
    if have != tuple(sizes) or any(w.shape[1:] != b.shape for w, b in layers):
        raise ValueError(f"the policy's layers are {have}, the settings ask for {tuple(sizes)}")
    log_std = state.get("log_std")
    return NumpyPolicy(layers, activation, None if log_std is None else np.asarray(log_std, np.float32))
