"""Backprop checked against central differences, for every parameter or a random subset of each array.

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

import time

import numpy as np

from .backprop import Backprop, make_loss, output_and_loss
from .network import Network, layer_views

RESOLUTION_SCALE = 1e7
# Entries checked per array by default: a 512x512 layer has 262,144, which take minutes, while a random 256
# of them find any error of backprop's formula (it is the same formula for every entry of an array).
MAX_PER_ARRAY = 256


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


def numeric_gradient(network: Network, loss, X: np.ndarray, Y: np.ndarray, h: float = 1e-5,
                     indices: np.ndarray | None = None, on_entry=None) -> np.ndarray:
    """Central-difference gradient of the loss on X (n_0, B), Y (n_L, B): (n_params,), or (k,) for the
    flat parameter ``indices`` (k,) only. ``on_entry(done)`` is called after each entry."""
    loss = make_loss(loss)
    p = network.params
    indices = np.arange(p.size) if indices is None else indices
    out = np.empty(indices.size)
    for n, k in enumerate(indices):
        out[n] = central_difference(network, loss, X, Y, p[k:k + 1], h)
        if on_entry is not None:
            on_entry(n + 1)
    return out


def check_plan(sizes, max_per_array: int | None = MAX_PER_ARRAY, seed: int = 0) -> dict[str, np.ndarray]:
    """{"w1": flat indices into params, "b1": ..., ...}: every entry of an array of at most
    ``max_per_array`` entries, else that many drawn at random without replacement (sorted), from a
    generator seeded with ``seed``, so a check is repeatable. ``None``: every entry of every array."""
    rng = np.random.RandomState(seed)
    flat = np.arange(sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:])))
    ws, bs = layer_views(flat, sizes)
    plan = {}
    for l, (w, b) in enumerate(zip(ws, bs)):
        for name, a in ((f"w{l + 1}", w), (f"b{l + 1}", b)):
            idx = a.ravel()
            if max_per_array is not None and idx.size > max_per_array:
                idx = np.sort(rng.choice(idx, max_per_array, replace=False))
            plan[name] = idx
    return plan


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-12) -> float:
    """||analytic - numeric|| / max(||analytic|| + ||numeric||, floor); 0 when both are zero."""
    diff = float(np.linalg.norm(np.ravel(analytic) - np.ravel(numeric)))
    return diff / max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), floor)


def resolution(loss: float, h: float, size: int) -> float:
    """Norm of the round-off that central differences of a loss ``loss`` carry over ``size`` entries."""
    return float(np.finfo(np.float64).eps * max(abs(loss), 1.0) / h * np.sqrt(size))


def gradient_check(network: Network, loss, X: np.ndarray, Y: np.ndarray, h: float = 1e-5,
                   plan: dict | None = None, on_entry=None) -> dict[str, float]:
    """Relative error between backprop and central differences, per array: {"w1": e, "b1": e, ...}
    (1-based names, as the tutorial writes them). ``plan`` ({name: flat indices}, ``check_plan``) limits
    each array to some of its entries; None checks every one. ``on_entry(done)`` after each entry, with
    ``done`` counted over the whole check."""
    net = network if network.dtype == np.float64 else network.astype("float64")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    plan = check_plan(net.sizes, None) if plan is None else plan
    bp = Backprop(net, loss)
    value = bp.loss_and_gradients(np.asfortranarray(X), Y)
    analytic = bp.grads  # (n_params,), laid out like the parameters: the plan's indices fit both
    result, done = {}, 0
    for name, idx in plan.items():
        offset = done
        numeric = numeric_gradient(net, bp.loss, X, Y, h, idx,
                                   None if on_entry is None else (lambda n, o=offset: on_entry(o + n)))
        done += idx.size
        result[name] = relative_error(analytic[idx], numeric, RESOLUTION_SCALE * resolution(value, h, idx.size))
    return result


def seconds_per_entry(network: Network, loss, X: np.ndarray, Y: np.ndarray, repeats: int = 5) -> float:
    """Measured time of one central difference (two forward passes) on X (n_0, B), after a warm-up."""
    net = network if network.dtype == np.float64 else network.astype("float64")
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    loss = make_loss(loss)
    p = net.params
    central_difference(net, loss, X, Y, p[:1], 1e-5)
    started = time.perf_counter()
    for _ in range(repeats):
        central_difference(net, loss, X, Y, p[:1], 1e-5)
    return (time.perf_counter() - started) / repeats
