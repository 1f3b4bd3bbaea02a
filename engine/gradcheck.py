"""Backprop checked against central differences, for every parameter.

For each parameter p: numeric = (L(p + h) - L(p - h)) / 2h. Each array (w1, b1, ...) is judged by its
norm-wise relative error ||analytic - numeric|| / (||analytic|| + ||numeric||): an element-wise ratio
would flag components of 1e-10 that differences of losses of order 1 cannot resolve. h = 1e-5 balances
truncation (h^2) against round-off (eps / h); across every activation x loss pairing the error stays
below 1e-8 (tests/test_gradients.py).

Differences of losses carry round-off of about eps * |L| / h per entry, sqrt(n) * that for an array of n:
a gradient smaller than that (the early layers of a deep sigmoid net, ~1e-10) cannot be resolved at
any h. Each array's error is therefore measured against the larger of its own norm and
``RESOLUTION_SCALE`` times that noise, so noise alone reads ~1e-7 while any error that differences can
see still shows. Works on a float64 copy of the network so a float32 network is checked with the
precision the check needs.
"""
from __future__ import annotations

import numpy as np

from .backprop import Backprop, make_loss, output_and_loss
from .network import Network, layer_views

RESOLUTION_SCALE = 1e7


def central_difference(network: Network, loss, X: np.ndarray, Y: np.ndarray, p: np.ndarray, h: float) -> float:
    """(L(p + h) - L(p - h)) / 2h for the one parameter ``p``, a 1-element view into ``network.params``;
    the parameter is restored afterwards."""
    keep = p[0]
    p[0] = keep + h
    up = output_and_loss(network, loss, X, Y)[0]
    p[0] = keep - h
    down = output_and_loss(network, loss, X, Y)[0]
    p[0] = keep
    return (up - down) / (2 * h)


def numeric_gradient(network: Network, loss, X: np.ndarray, Y: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient (n_params,) of the loss on X (n_0, B), Y (n_L, B)."""
    loss = make_loss(loss)
    p = network.params
    return np.array([central_difference(network, loss, X, Y, p[k:k + 1], h) for k in range(p.size)])


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-12) -> float:
    """||analytic - numeric|| / max(||analytic|| + ||numeric||, floor); 0 when both are zero."""
    diff = float(np.linalg.norm(np.ravel(analytic) - np.ravel(numeric)))
    return diff / max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), floor)


def resolution(loss: float, h: float, size: int) -> float:
    """Norm of the round-off that central differences of a loss ``loss`` carry over ``size`` entries."""
    return float(np.finfo(np.float64).eps * max(abs(loss), 1.0) / h * np.sqrt(size))


def gradient_check(network: Network, loss, X: np.ndarray, Y: np.ndarray, h: float = 1e-5) -> dict[str, float]:
    """Relative error between backprop and central differences, per array: {"w1": e, "b1": e, ...}
    (1-based names, as the tutorial writes them)."""
    net = network if network.dtype == np.float64 else network.astype("float64")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    bp = Backprop(net, loss)
    value = bp.loss_and_gradients(np.asfortranarray(X), Y)
    numeric = numeric_gradient(net, bp.loss, X, Y, h)
    nw, nb = layer_views(numeric, net.sizes)
    result = {}
    for l in range(net.n_layers):
        for name, a, n in ((f"w{l + 1}", bp.grad_w[l], nw[l]), (f"b{l + 1}", bp.grad_b[l], nb[l])):
            result[name] = relative_error(a, n, RESOLUTION_SCALE * resolution(value, h, a.size))
    return result

