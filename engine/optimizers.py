"""Optimizers over the flat parameter vector.

Each optimizer owns its state and writes the update into a buffer; the caller applies it with
``params -= update`` (after checking it is finite). Hyperparameters that don't change shapes (learning
rate, momentum, betas, weight decay) are plain attributes, changeable between any two steps through
``set_hyperparameters``, which validates against ``HYPERPARAMETERS``.

L2 weight decay adds ``weight_decay * W`` to the gradient of the weights (not the biases) inside the
optimizer, so the gradients the UI shows stay those of the loss.
"""
from __future__ import annotations

import numpy as np

from .validation import ConfigError, Interval, OneOf

HYPERPARAMETERS = {
    "learning_rate": Interval(float, 0.0, 100.0, closed="right"),
    "momentum": Interval(float, 0.0, 1.0, closed="left"),
    "beta1": Interval(float, 0.0, 1.0, closed="left"),
    "beta2": Interval(float, 0.0, 1.0, closed="left"),
    "epsilon": Interval(float, 0.0, 1.0, closed="right"),
    "weight_decay": Interval(float, 0.0, 10.0),
}
OPTIMIZER = OneOf(("sgd", "momentum", "adam"))


class Optimizer:
    name = ""
    hyperparameters: tuple[str, ...] = ("learning_rate", "weight_decay")

    def __init__(self, n_params: int, decay_mask: np.ndarray, dtype=np.float64, **hyper):
        """``decay_mask`` (n_params,) is 1 where a parameter is a weight, 0 where it is a bias."""
        self.learning_rate = 0.01
        self.weight_decay = 0.0
        self.t = 0  # steps taken
        self._decay_mask = decay_mask.astype(dtype)
        self._g = np.empty(n_params, dtype)
        self.set_hyperparameters(**hyper)

    def set_hyperparameters(self, **hyper) -> None:
        for key, value in hyper.items():
            if key not in self.hyperparameters:
                raise ConfigError(key, value, f"a hyperparameter of {self.name}: {', '.join(self.hyperparameters)}")
            setattr(self, key, HYPERPARAMETERS[key].check(key, value))

    def hyper(self) -> dict:
        return {k: getattr(self, k) for k in self.hyperparameters}

    def _effective_grad(self, params, grad):
        if not self.weight_decay:
            return grad
        np.multiply(params, self._decay_mask, out=self._g)
        self._g *= self.weight_decay
        self._g += grad
        return self._g

    def compute_update(self, params: np.ndarray, grad: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write into ``out`` the vector to subtract from ``params``; advances the optimizer's state."""
        raise NotImplementedError

    _lr_value = None  # the learning rate _lr_array holds
    _lr_array = None

    def _learning_rate_array(self, dtype) -> np.ndarray:
        """The learning rate as a 0-d array of ``dtype``, remade when it changed: a ufunc converts a
        Python float on every call, which costs as much as the call itself on a small network."""
        if self.learning_rate != self._lr_value or dtype != self._lr_array.dtype:
            self._lr_value, self._lr_array = self.learning_rate, np.array(self.learning_rate, dtype)
        return self._lr_array

    def state(self) -> dict[str, np.ndarray]:
        """Arrays and counters that, with the hyperparameters, let a run continue bit for bit."""
        return {"t": np.array(self.t)}

    def load_state(self, state: dict) -> None:
        self.t = int(state["t"])


class SGD(Optimizer):
    """update = lr * g (the tutorial's ``w += -learning_rate * grad_w``)."""

    name = "sgd"

    def compute_update(self, params, grad, out):
        g = self._effective_grad(params, grad) if self.weight_decay else grad
        np.multiply(g, self._learning_rate_array(g.dtype), out)
        self.t += 1
        return out


class Momentum(Optimizer):
    """v = momentum * v + lr * g; update = v."""

    name = "momentum"
    hyperparameters = ("learning_rate", "momentum", "weight_decay")

    def __init__(self, n_params, decay_mask, dtype=np.float64, **hyper):
        self.momentum = 0.9
        self.velocity = np.zeros(n_params, dtype)
        super().__init__(n_params, decay_mask, dtype, **hyper)

    def compute_update(self, params, grad, out):
        v = self.velocity
        v *= self.momentum
        np.multiply(self._effective_grad(params, grad), self.learning_rate, out=out)
        v += out
        np.copyto(out, v)
        self.t += 1
        return out

    def state(self):
        return {"t": np.array(self.t), "velocity": self.velocity.copy()}

    def load_state(self, state):
        super().load_state(state)
        self.velocity[...] = state["velocity"]


class Adam(Optimizer):
    """m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; update = lr * m_hat / (sqrt(v_hat) + eps),
    with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t) (Kingma & Ba, 2015)."""

    name = "adam"
    hyperparameters = ("learning_rate", "beta1", "beta2", "epsilon", "weight_decay")

    def __init__(self, n_params, decay_mask, dtype=np.float64, **hyper):
        self.beta1, self.beta2, self.epsilon = 0.9, 0.999, 1e-8
        self.m = np.zeros(n_params, dtype)
        self.v = np.zeros(n_params, dtype)
        super().__init__(n_params, decay_mask, dtype, **hyper)

    def compute_update(self, params, grad, out):
        g = self._effective_grad(params, grad)
        self.t += 1
        self.m *= self.beta1
        np.multiply(g, 1.0 - self.beta1, out=out)
        self.m += out
        self.v *= self.beta2
        np.multiply(g, g, out=out)
        out *= 1.0 - self.beta2
        self.v += out
        # lr * m_hat / (sqrt(v_hat) + eps), folded so no temporary is allocated
        np.multiply(self.v, 1.0 / (1.0 - self.beta2 ** self.t), out=out)
        np.sqrt(out, out=out)
        out += self.epsilon
        np.divide(self.m, out, out=out)
        out *= self.learning_rate / (1.0 - self.beta1 ** self.t)
        return out

    def state(self):
        return {"t": np.array(self.t), "m": self.m.copy(), "v": self.v.copy()}

    def load_state(self, state):
        super().load_state(state)
        self.m[...] = state["m"]
        self.v[...] = state["v"]


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, n_params: int, decay_mask: np.ndarray, dtype=np.float64, **hyper) -> Optimizer:
    """Build the optimizer ``name`` with the hyperparameters it knows; others in ``hyper`` are ignored."""
    cls = OPTIMIZERS[OPTIMIZER.check("optimizer", name)]
    known = {k: v for k, v in hyper.items() if k in cls.hyperparameters and v is not None}
    return cls(n_params, decay_mask, dtype, **known)
