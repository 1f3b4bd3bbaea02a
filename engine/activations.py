"""Activation functions, keyed by the names the UI and the CLI show.

Each activation has an in-place kernel pair used by the training loop (no allocation per step):
``forward(z, out)`` writes f(z) into ``out``; ``backward(z, a, grad_a, out, scratch)`` writes
dL/dz = dL/da * f'(z) into ``out``. All arrays are (units, batch). ``derivative(z, a)`` returns f'(z)
as a new array for the views that show the chain rule.

Derivatives come from the post-activation output where that is exact (sigmoid a(1-a), tanh 1-a^2);
leaky ReLU needs the sign of the pre-activation, and its slope on the negative side is alpha, not 0.
"""
from __future__ import annotations

import numpy as np

from .validation import ConfigError, Interval

ALPHA = Interval(float, 0.0, 1.0, closed="left")


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

    def __eq__(self, other):
        return isinstance(other, Activation) and other.spec() == self.spec()

    def __hash__(self):
        return hash(self.spec())

    def __repr__(self):
        return f"Activation({self.spec()!r})"


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z, out):
        np.negative(z, out=out)
        # exp(-z) would overflow past ~709 (float64) / ~88 (float32); capping it keeps sigmoid(-1000)
        # at ~1e-308 (float64) with no warning, and sigmoid(+1000) is exactly 1.
        np.minimum(out, 708.0 if out.dtype == np.float64 else 88.0, out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)

    def backward(self, z, a, grad_a, out, scratch):
        np.subtract(1.0, a, out=scratch)
        scratch *= a
        np.multiply(grad_a, scratch, out=out)

    def derivative(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    name = "tanh"

    def forward(self, z, out):
        np.tanh(z, out=out)

    def backward(self, z, a, grad_a, out, scratch):
        np.multiply(a, a, out=scratch)
        np.subtract(1.0, scratch, out=scratch)
        np.multiply(grad_a, scratch, out=out)

    def derivative(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    name = "relu"

    def forward(self, z, out):
        np.maximum(z, 0.0, out=out)

    def backward(self, z, a, grad_a, out, scratch):
        np.greater(z, 0.0, out=scratch)
        np.multiply(grad_a, scratch, out=out)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)


class LeakyReLU(Activation):
    """f(z) = z for z > 0, alpha * z otherwise (the tutorial: ``np.where(x <= 0, leak * x, x)``)."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01):
        self.alpha = ALPHA.check("alpha", alpha)

    def spec(self) -> str:
        return f"{self.name}:{self.alpha:g}"

    def forward(self, z, out):
        # With 0 <= alpha < 1, max(z, alpha*z) is z on the positive side and alpha*z on the other.
        np.multiply(z, self.alpha, out=out)
        np.maximum(z, out, out=out)

    def backward(self, z, a, grad_a, out, scratch):
        # slope = alpha + (1 - alpha) * [z > 0]: 1 on the positive side, alpha (not 0) at and below 0
        np.greater(z, 0.0, out=scratch)
        scratch *= 1.0 - self.alpha
        scratch += self.alpha
        np.multiply(grad_a, scratch, out=out)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)


class Linear(Activation):
    name = "linear"

    def forward(self, z, out):
        np.copyto(out, z)

    def backward(self, z, a, grad_a, out, scratch):
        np.copyto(out, grad_a)

    def derivative(self, z, a):
        return np.ones_like(z)


class Softmax(Activation):
    """Softmax over the units of each column; output layer only. Paired with cross-entropy, the
    training loop uses the fused delta (y_hat - y) / batch and never calls ``backward``."""

    name = "softmax"
    elementwise = False

    def forward(self, z, out):
        np.subtract(z, z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=0, keepdims=True)

    def backward(self, z, a, grad_a, out, scratch):
        # Jacobian-vector product: s * (g - sum(g * s)) per column
        np.multiply(grad_a, a, out=scratch)
        np.subtract(grad_a, scratch.sum(axis=0, keepdims=True), out=out)
        out *= a

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
