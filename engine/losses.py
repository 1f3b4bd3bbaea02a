"""Loss functions, keyed by the names the UI and the CLI show.

Shapes: ``y_hat``, ``y`` and ``z`` are (outputs, batch); ``z`` is the output layer's pre-activation (the
logits), ``y_hat`` its activation. ``value(y_hat, y, z)`` returns a Python float; ``gradient`` writes
dL/dy_hat into ``out``.

Where an output activation pairs with a loss so that dL/dz collapses to ``(y_hat - y) * scale`` (sigmoid
with binary cross-entropy, softmax with categorical cross-entropy), ``fused_scale`` gives that scale and
nothing forms the (unstable) quotient dL/dy_hat: those losses have no ``gradient`` (``check_pairing``
refuses them on any other output). Those losses are computed from the
logits (log-sigmoid, log-softmax), never from y_hat: past |z| ~ 37 sigmoid rounds to exactly 1, so a
loss of clipped probabilities goes flat while (y_hat - y) / N does not, and the two would disagree.
From the logits, the loss is the function whose derivative (y_hat - y) / N is, everywhere.
"""
from __future__ import annotations

import numpy as np


class MSE:
    """The tutorial's loss: mean of (y - y_hat)^2 over output units and batch; gradient -2 (y - y_hat) / N."""

    name = "mse"
    output_activations = None  # any

    def value(self, y_hat, y, z=None) -> float:
        d = (y_hat - y).ravel()
        return float(np.dot(d, d)) / d.size

    def gradient(self, y_hat, y, out):
        np.subtract(y_hat, y, out=out)
        out *= 2.0 / out.size
        return out

    def fused_scale(self, y) -> None:
        return None


class BinaryCrossEntropy:
    """-mean(y log p + (1 - y) log(1 - p)) over output units and batch, p = sigmoid(z).

    From the logits: -log p = log(1 + e^-z) and -log(1 - p) = z + log(1 + e^-z), so the loss per entry is
    max(z, 0) - y z + log1p(e^-|z|), which never overflows and never takes the log of 0."""

    name = "bce"
    output_activations = ("sigmoid",)

    def value(self, y_hat, y, z) -> float:
        return float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))

    def fused_scale(self, y) -> float:
        return 1.0 / y.size


class CategoricalCrossEntropy:
    """-sum over classes of y log p, averaged over the batch; y one-hot (classes, batch), p = softmax(z).

    From the logits: log p = z - logsumexp(z) per column (log-softmax, the column max taken out first)."""

    name = "cce"
    output_activations = ("softmax",)

    def value(self, y_hat, y, z) -> float:
        shifted = z - z.max(axis=0, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        return float(-np.sum(y * log_p) / y.shape[1])

    def fused_scale(self, y) -> float:
        return 1.0 / y.shape[1]


LOSSES = {"mse": MSE, "bce": BinaryCrossEntropy, "cce": CategoricalCrossEntropy}
LOSS_LABELS = {"mse": "Mean squared error", "bce": "Binary cross-entropy", "cce": "Categorical cross-entropy"}
