"""Activation functions, keyed by the names the UI and the CLI show.

Each activation has an in-place kernel pair used by the training loop (no allocation per step):
``forward(z, out)`` writes f(z) into ``out``; ``backward(z, a, grad_a, out, scratch)`` writes
dL/dz = dL/da * f'(z) into ``out``. All arrays are (units, batch). ``derivative(z, a)`` returns f'(z)
as a new array for the views that show the chain rule.

The kernels are written as lists of NumPy calls on fixed buffers (``forward_ops``, ``backward_ops``:
``functools.partial`` objects): the training loop makes each list once per batch size and runs it
every step, which on a small network costs a third less than calling a method that makes the same
calls. ``forward`` and ``backward`` run the same lists on any arrays.

Derivatives come from the post-activation output where that is exact (sigmoid a(1-a), tanh 1-a^2);
leaky ReLU needs the sign of the pre-activation, and its slope on the negative side is alpha, not 0.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .validation import ConfigError, Interval

ALPHA = Interval(float, 0.0, 1.0, closed="left")


class PerDtype(dict):
    """A constant as 0-d arrays, one per dtype, made on first use: ``ONE[a.dtype]``.

    A ufunc handed a Python float converts it on every call (~0.2 us, as long as the call itself on
    a small array); a 0-d array of the operand's dtype skips that and gives the same result, since the
    float is converted to that dtype either way."""

    def __init__(self, value):
        super().__init__()
        self.value = value  # a number, or dtype -> number

    def __missing__(self, dtype):
        dtype = np.dtype(dtype)
        value = self.value(dtype) if callable(self.value) else self.value
        const = self[dtype] = np.array(value, dtype)
        return const


ZERO, ONE = PerDtype(0.0), PerDtype(1.0)
# exp(-z) would overflow past ~709 (float64) / ~88 (float32); capping -z keeps sigmoid(-1000)
# at ~1e-308 (float64) with no warning, and sigmoid(+1000) is exactly 1.
EXP_CAP = PerDtype(lambda dtype: 708.0 if dtype == np.float64 else 88.0)
# Up to this many elements [z > 0] is computed as sign(z) (then capped below by a maximum): np.greater
# into a float array casts its bool result through a buffer, which costs three small ufunc calls; past
# it np.sign, not vectorised, is the slower one.
SMALL = 1024


def run(ops) -> None:
    for op in ops:
        op()


class Activation:
    name = ""
    elementwise = True

    def spec(self) -> str:
        """The text form, as typed on the command line (``leaky_relu:0.1``)."""
        return self.name

    def __call__(self, z: np.ndarray) -> np.ndarray:
        out = np.empty_like(z)
        self.forward(z, out)
        return out

    def forward_ops(self, z, out) -> list:
        """The calls that write f(z) into ``out``."""
        raise NotImplementedError

    def backward_ops(self, z, a, grad_a, out, scratch) -> list:
        """The calls that write dL/dz = grad_a * f'(z) into ``out``, using ``scratch``."""
        raise NotImplementedError

    def forward(self, z, out):
        run(self.forward_ops(z, out))

    def backward(self, z, a, grad_a, out, scratch):
        run(self.backward_ops(z, a, grad_a, out, scratch))

    def __eq__(self, other):
        return isinstance(other, Activation) and other.spec() == self.spec()

    def __hash__(self):
        return hash(self.spec())

    def __repr__(self):
        return f"Activation({self.spec()!r})"


class Sigmoid(Activation):
    name = "sigmoid"

    def forward_ops(self, z, out):
        return [partial(np.negative, z, out),
                partial(np.minimum, out, EXP_CAP[out.dtype], out=out),  # see EXP_CAP
                partial(np.exp, out, out),
                partial(np.add, out, ONE[out.dtype], out),
                partial(np.reciprocal, out, out)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        return [partial(np.subtract, ONE[a.dtype], a, scratch),
                partial(np.multiply, scratch, a, scratch),
                partial(np.multiply, grad_a, scratch, out)]

    def derivative(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    name = "tanh"

    def forward_ops(self, z, out):
        return [partial(np.tanh, z, out)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        return [partial(np.multiply, a, a, scratch),
                partial(np.subtract, ONE[a.dtype], scratch, scratch),
                partial(np.multiply, grad_a, scratch, out)]

    def derivative(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    name = "relu"

    def forward_ops(self, z, out):
        return [partial(np.maximum, z, ZERO[out.dtype], out=out)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        return [partial(np.greater, z, ZERO[z.dtype], scratch),
                partial(np.multiply, grad_a, scratch, out)]

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """f(z) = z for z > 0, alpha * z otherwise (the tutorial: ``np.where(x <= 0, leak * x, x)``)."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01):
        self.alpha = ALPHA.check("alpha", alpha)
        self._alpha = {}  # dtype -> alpha as a 0-d array (see PerDtype); a plain dict, so this pickles

    def spec(self) -> str:
        # repr, not :g: the text form is how a network is stored and rebuilt, so it must give back the
        # very alpha the user typed (0.123456789, not 0.123457)
        return f"{self.name}:{self.alpha!r}"

    def _alpha_of(self, dtype):
        alpha = self._alpha.get(dtype)
        if alpha is None:
            alpha = self._alpha[dtype] = np.array(self.alpha, dtype)
        return alpha

    def forward_ops(self, z, out):
        # With 0 <= alpha < 1, max(z, alpha*z) is z on the positive side and alpha*z on the other.
        return [partial(np.multiply, z, self._alpha_of(out.dtype), out),
                partial(np.maximum, z, out, out=out)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        # slope = max([z > 0], alpha): 1 on the positive side, alpha (not 0) at and below 0. [z > 0]
        # may come as sign(z) (see SMALL): -1 and 0 are below alpha alike. (A nan in z then gives a nan
        # slope where np.greater gives alpha; in training it has made every dL/da nan already.)
        positive = (partial(np.sign, z, scratch) if z.size <= SMALL
                    else partial(np.greater, z, ZERO[z.dtype], scratch))
        return [positive,
                partial(np.maximum, scratch, self._alpha_of(scratch.dtype), out=scratch),
                partial(np.multiply, grad_a, scratch, out)]

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)


class Linear(Activation):
    name = "linear"

    def forward_ops(self, z, out):
        return [partial(np.copyto, out, z)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        return [partial(np.copyto, out, grad_a)]

    def derivative(self, z, a):
        return np.ones_like(z)


class Softmax(Activation):
    """Softmax over the units of each column; output layer only. Paired with cross-entropy, the
    training loop uses the fused delta (y_hat - y) / batch and never calls ``backward``."""

    name = "softmax"
    elementwise = False

    def forward_ops(self, z, out):
        row = np.empty((1,) + z.shape[1:], out.dtype)  # a per-column max, then sum
        return [partial(np.maximum.reduce, z, axis=0, out=row, keepdims=True),  # z.max(axis=0) without its wrapper
                partial(np.subtract, z, row, out),
                partial(np.exp, out, out),
                partial(np.add.reduce, out, axis=0, out=row, keepdims=True),
                partial(np.divide, out, row, out)]

    def backward_ops(self, z, a, grad_a, out, scratch):
        # Jacobian-vector product: s * (g - sum(g * s)) per column
        row = np.empty((1,) + z.shape[1:], out.dtype)
        return [partial(np.multiply, grad_a, a, scratch),
                partial(np.add.reduce, scratch, axis=0, out=row, keepdims=True),
                partial(np.subtract, grad_a, row, out),
                partial(np.multiply, out, a, out)]

    def derivative(self, z, a):
        """The diagonal of the Jacobian, s(1-s); the full Jacobian also has -s_i s_j off the diagonal."""
        return a * (1.0 - a)


ACTIVATIONS = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "linear": Linear,
    "softmax": Softmax,
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def make_activation(spec, field: str = "activation") -> Activation:
    """Build an activation from ``"sigmoid"``, ``"leaky_relu:0.1"`` or an Activation."""
    if isinstance(spec, Activation):
        return spec
    if not isinstance(spec, str):
        raise ConfigError(field, spec, "one of " + ", ".join(ACTIVATIONS) + " (leaky_relu:ALPHA for a leak)")
    name, _, arg = spec.strip().partition(":")
    if name not in ACTIVATIONS:
        raise ConfigError(field, spec, "one of " + ", ".join(ACTIVATIONS) + " (leaky_relu:ALPHA for a leak)")
    if name == "leaky_relu":
        if not arg:
            return LeakyReLU()
        try:
            alpha = float(arg)
        except ValueError:
            raise ConfigError(f"{field} alpha", arg, ALPHA.describe()) from None
        try:
            return LeakyReLU(alpha)
        except ConfigError:
            raise ConfigError(f"{field} alpha", alpha, ALPHA.describe()) from None
    if arg:
        raise ConfigError(field, spec, f"'{name}' without a parameter")
    return ACTIVATIONS[name]()
