"""Loss functions, keyed by the names the UI and the CLI show.

Shapes: ``y_hat`` and ``y`` are (outputs, batch). ``value`` returns a Python float; ``gradient`` writes
dL/dy_hat into ``out``. Where an output activation pairs with a loss so that dL/dz collapses to
``(y_hat - y) * scale`` (sigmoid with binary cross-entropy, softmax with categorical cross-entropy),
``fused_scale`` gives that scale, and the training loop never forms the (unstable) quotient.
"""
from __future__ import annotations

import numpy as np


def _eps(dtype) -> float:
    return 1e-7 if dtype == np.float32 else 1e-12


class MSE:
    """The tutorial's loss: mean of (y - y_hat)^2 over output units and batch; gradient -2 (y - y_hat) / N."""

    name = "mse"
    output_activations = None  # any

    def value(self, y_hat, y) -> float:
        d = (y_hat - y).ravel()
        return float(np.dot(d, d)) / d.size

    def gradient(self, y_hat, y, out):
        np.subtract(y_hat, y, out=out)
        out *= 2.0 / out.size
        return out

    def fused_scale(self, y) -> None:
        return None


class BinaryCrossEntropy:
    """-mean(y log p + (1 - y) log(1 - p)) over output units and batch, p clipped away from 0 and 1."""

    name = "bce"
    output_activations = ("sigmoid",)

    def value(self, y_hat, y) -> float:
        eps = _eps(y_hat.dtype)
        p = np.clip(y_hat, eps, 1.0 - eps)
        return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))

    def gradient(self, y_hat, y, out):
        eps = _eps(y_hat.dtype)
        p = np.clip(y_hat, eps, 1.0 - eps)
        np.divide(p - y, p * (1.0 - p) * y.size, out=out)
        return out

    def fused_scale(self, y) -> float:
        return 1.0 / y.size


class CategoricalCrossEntropy:
    """-sum over classes of y log p, averaged over the batch; y one-hot (classes, batch)."""

    name = "cce"
    output_activations = ("softmax",)

    def value(self, y_hat, y) -> float:
        eps = _eps(y_hat.dtype)
        p = np.clip(y_hat, eps, 1.0)
        return float(-np.sum(y * np.log(p)) / y.shape[1])

    def gradient(self, y_hat, y, out):
        eps = _eps(y_hat.dtype)
        np.divide(-y, np.clip(y_hat, eps, 1.0) * y.shape[1], out=out)
        return out

    def fused_scale(self, y) -> float:
        return 1.0 / y.shape[1]


LOSSES = {"mse": MSE, "bce": BinaryCrossEntropy, "cce": CategoricalCrossEntropy}
LOSS_LABELS = {"mse": "Mean squared error", "bce": "Binary cross-entropy", "cce": "Categorical cross-entropy"}
