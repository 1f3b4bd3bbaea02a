"""The loss over a 2-D slice of parameter space: theta(alpha, beta) = theta_0 + alpha d1 + beta d2.

Two ways to choose the directions d1, d2 (flat vectors laid out like ``Network.params``):

- ``random_directions``: filter-normalised random directions (Li, Xu, Taylor, Studer, Goldstein,
  "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018). Each direction is Gaussian, then every
  row of each W (the incoming weights of one unit, the fully-connected "filter") is rescaled to the norm
  of that row of the network's W; the biases' entries are zero. Moving alpha = 1 along d1 then changes
  every unit's weights by about their own size, so slices of different networks compare.
- ``pca_directions``: the two principal directions of a trajectory (parameter vectors along the run,
  e.g. keyframes) around its last point, the plane the optimizer moved in most.

``project`` puts a trajectory on the plane (least squares, so it also works for the non-orthogonal random
directions). ``loss_grid`` evaluates the whole grid with stacked matrix products, a chunk of grid points
per call (the per-point loop ``loss_grid_loop`` is the readable reference it is tested and timed against).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .backprop import make_loss, output_and_loss
from .network import Network, layer_views
from .validation import ConfigError, Interval

GRID = Interval(int, 3, 401)
CHUNK_BYTES = 1 << 18  # one layer's activations for a chunk of grid points: z and a together stay in L2
WORKERS = Interval(int, 1, 64)


def _rows_scaled(direction: np.ndarray, network: Network) -> np.ndarray:
    """``direction`` (n_params,) with each W row scaled to the norm of the network's row, biases zero."""
    d = np.array(direction, dtype=np.float64)
    dw, db = layer_views(d, network.sizes)
    for w, v, b in zip(network.weights, dw, db):
        norm_v = np.linalg.norm(v, axis=1, keepdims=True)
        v *= np.linalg.norm(np.asarray(w, np.float64), axis=1, keepdims=True) / np.where(norm_v > 0, norm_v, 1.0)
        b[...] = 0.0
    return d


def random_directions(network: Network, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two filter-normalised Gaussian directions (n_params,) float64 for ``network``, from ``seed``."""
    rng = np.random.default_rng(seed)
    n = network.params.size
    return _rows_scaled(rng.standard_normal(n), network), _rows_scaled(rng.standard_normal(n), network)


def _trajectory(trajectory, n_params: int) -> np.ndarray:
    T = np.asarray(trajectory, dtype=np.float64)
    if T.ndim != 2 or T.shape[1] != n_params:
        raise ConfigError("trajectory", f"shape {T.shape}", f"(points, {n_params}): parameter vectors of the network")
    return T


def pca_directions(trajectory, center=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d1, d2, explained) for a trajectory (T, n_params): the unit principal directions of its points
    around ``center`` (default: its last point) and the share of the spread each explains (2,)."""
    T = np.asarray(trajectory, dtype=np.float64)
    if T.ndim != 2 or T.shape[0] < 2:
        raise ConfigError("trajectory", f"shape {T.shape}", "at least 2 parameter vectors, one per row")
    c = T[-1] if center is None else np.asarray(center, np.float64)
    _, s, vt = np.linalg.svd(T - c, full_matrices=False)
    if vt.shape[0] < 2:  # one parameter: no second direction exists
        raise ConfigError("trajectory", f"shape {T.shape}", "a network with at least 2 parameters")
    total = float(np.sum(s * s))
    explained = (s[:2] ** 2 / total) if total > 0 else np.zeros(2)
    return vt[0].copy(), vt[1].copy(), explained


def project(trajectory, center, d1, d2) -> np.ndarray:
    """Coordinates (T, 2) of each point of ``trajectory`` (T, n_params) on the plane through ``center``
    spanned by d1, d2: the (alpha, beta) whose point theta_0 + alpha d1 + beta d2 is nearest."""
    D = np.stack([np.asarray(d1, np.float64), np.asarray(d2, np.float64)], axis=1)  # (n_params, 2)
    T = _trajectory(trajectory, D.shape[0])
    coords, *_ = np.linalg.lstsq(D, (T - np.asarray(center, np.float64)).T, rcond=None)
    return coords.T


def symmetric_axis(half_width: float, n: int) -> np.ndarray:
    """n values from -half_width to half_width, exactly antisymmetric, 0.0 in the middle for odd n."""
    n = GRID.check("grid size", n)
    a = np.linspace(-half_width, half_width, n)
    return (a - a[::-1]) / 2.0


class _Stack:
    """Buffers for k grid points at once: z_l and a_l (k, n_l, n) per layer, allocated once per chunk
    size and reused (a fresh megabyte-sized array per layer and chunk costs as much as the tanh in it)."""

    def __init__(self, network: Network, k: int, n: int):
        self.network, self.k = network, k
        self.z = [np.empty((k, m, n), network.dtype) for m in network.sizes[1:]]
        self.a = [np.empty((k, m, n), network.dtype) for m in network.sizes[1:]]

    def forward(self, P: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(outputs, output logits), both (k, n_L, n), of the network with each of the k parameter vectors
        P (k, n_params) on X (n_0, n): the losses take the logits too (the cross-entropies are computed from
        them, engine/losses.py)."""
        net, k = self.network, P.shape[0]
        at, a = 0, X
        for l, (n_in, n_out, f) in enumerate(zip(net.sizes[:-1], net.sizes[1:], net.activations)):
            W = P[:, at:at + n_out * n_in].reshape(k, n_out, n_in)
            at += n_out * n_in
            b = P[:, at:at + n_out].reshape(k, n_out, 1)
            at += n_out
            z, out = self.z[l][:k], self.a[l][:k]
            np.matmul(W, a, out=z)  # (k, n_out, n): one matrix product per grid point, in one call
            z += b
            if f.elementwise:
                f.forward(z, out)
            else:  # softmax works over axis 0, the units: put them there (views) and back
                f.forward(np.moveaxis(z, 1, 0), np.moveaxis(out, 1, 0))
            a = out
        return a, z


def loss_grid(network: Network, loss, X: np.ndarray, Y: np.ndarray, d1, d2, alphas, betas,
              workers: int = 1, should_stop=None, on_progress=None) -> np.ndarray:
    """Loss (len(betas), len(alphas)) of ``network`` with parameters params + alpha d1 + beta d2 on
    X (n_0, n), Y (n_L, n); row i is betas[i], column j alphas[j], so it draws as an image.

    The grid points go through the network a chunk at a time, as stacks of matrices (one ``matmul`` per
    layer and chunk); ``workers`` > 1 evaluates chunks on that many threads (NumPy releases the GIL in
    ``matmul`` and the ufuncs). The values do not depend on the chunking or the threads.

    For a caller off the GUI thread: ``should_stop()`` is asked before each chunk, and once it says True
    the points not yet computed stay nan; ``on_progress(done, total)`` follows each chunk (from the
    worker threads when ``workers`` > 1)."""
    loss = make_loss(loss)
    workers = WORKERS.check("workers", workers)
    dt = network.dtype
    X, Y = np.asarray(X, dt), np.asarray(Y, dt)
    alphas, betas = np.asarray(alphas, np.float64), np.asarray(betas, np.float64)
    A, B = (g.ravel() for g in np.meshgrid(alphas, betas))  # row-major over (betas, alphas)
    theta = network.params.astype(np.float64)
    d1, d2 = np.asarray(d1, np.float64), np.asarray(d2, np.float64)
    widest = max(network.sizes[1:])
    chunk = max(1, CHUNK_BYTES // (widest * max(X.shape[1], 1) * dt.itemsize))
    out = np.full(A.size, np.nan)
    stacks = threading.local()  # one set of buffers per thread
    done = [0]
    lock = threading.Lock()

    def run(lo: int) -> None:
        if should_stop is not None and should_stop():
            return
        hi = min(lo + chunk, A.size)
        P = (theta + A[lo:hi, None] * d1 + B[lo:hi, None] * d2).astype(dt)
        if not hasattr(stacks, "stack"):
            stacks.stack = _Stack(network, chunk, X.shape[1])
        y_hat, z = stacks.stack.forward(P, X)
        for i in range(hi - lo):  # the loss output_and_loss computes, for each point's outputs and logits
            out[lo + i] = loss.value(y_hat[i], Y, z[i])
        if on_progress is not None:
            with lock:
                done[0] += hi - lo
                on_progress(done[0], A.size)

    with np.errstate(all="ignore"):  # a far corner of the slice may overflow: its loss is inf, not news
        if workers == 1:
            for lo in range(0, A.size, chunk):
                run(lo)
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(run, range(0, A.size, chunk)))
    return out.reshape(betas.size, alphas.size)


def loss_grid_loop(network: Network, loss, X, Y, d1, d2, alphas, betas) -> np.ndarray:
    """``loss_grid`` one point at a time through ``output_and_loss`` (the engine's evaluation): the plain
    reference."""
    loss = make_loss(loss)
    probe = network.copy()
    theta = network.params.astype(np.float64)
    out = np.empty((len(betas), len(alphas)))
    with np.errstate(all="ignore"):
        for i, beta in enumerate(betas):
            for j, alpha in enumerate(alphas):
                probe.params[...] = theta + alpha * np.asarray(d1) + beta * np.asarray(d2)
                out[i, j] = output_and_loss(probe, loss, X, Y)[0]
    return out


@dataclass
class Landscape:
    """A computed slice: ``losses`` (len(betas), len(alphas)); ``path`` (T, 2) or None; ``center_loss``;
    ``step``: the training step whose weights are its centre, when the caller knows it (None otherwise)."""

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    center: np.ndarray
    center_loss: float
    path: np.ndarray | None
    method: str
    explained: np.ndarray | None = None
    step: int | None = None

    def locate(self, weights, biases) -> tuple[float, float]:
        """(alpha, beta) of the point of the slice nearest to the network with ``weights`` W_l (n_l, n_{l-1})
        and ``biases`` b_l (n_l, 1) (another moment of the same run): where it is on this map. Solved through
        the 2 x 2 normal equations, so it costs three dot products of the parameters, not a least-squares
        factorisation of an (n_params, 2) matrix."""
        theta = np.concatenate([np.concatenate([np.ravel(w), np.ravel(b)]) for w, b in zip(weights, biases)])
        if theta.size != self.center.size:
            raise ConfigError("weights", f"{theta.size} parameters", f"{self.center.size}: the network of the slice")
        offset = theta.astype(np.float64) - self.center
        gram = np.array([[self.d1 @ self.d1, self.d1 @ self.d2], [self.d1 @ self.d2, self.d2 @ self.d2]])
        alpha, beta = np.linalg.lstsq(gram, np.array([self.d1 @ offset, self.d2 @ offset]), rcond=None)[0]
        return float(alpha), float(beta)


def landscape(trainer, method: str = "random", trajectory=None, n: int = 41, half_width: float | None = None,
              seed: int = 0, margin: float = 1.25, workers: int = 1, should_stop=None,
              on_progress=None) -> Landscape:
    """The slice through the trainer's current weights on its training set, ``n`` x ``n`` points.

    method ``random``: filter-normalised directions, alpha and beta in [-half_width, half_width] (default 1).
    method ``pca``: the trajectory's principal directions around the current weights; the range covers the
    projected trajectory ``margin`` times over unless ``half_width`` is given. A trajectory given with
    ``random`` is projected too. ``workers``, ``should_stop`` and ``on_progress`` go to ``loss_grid``."""
    net = trainer.network
    center = net.params.astype(np.float64)
    explained = None
    if method == "random":
        d1, d2 = random_directions(net, seed)
    elif method == "pca":
        if trajectory is None:
            raise ConfigError("trajectory", None, "parameter vectors along the run for method 'pca'")
        d1, d2, explained = pca_directions(np.vstack([_trajectory(trajectory, center.size), center]), center)
    else:
        raise ConfigError("method", method, "one of random, pca")
    path = None if trajectory is None else project(trajectory, center, d1, d2)
    if half_width is None:
        reach = 0.0 if path is None else float(np.abs(path).max())
        half_width = margin * reach if (method == "pca" and reach > 0) else 1.0
    ha = hb = float(Interval(float, 0.0, 1e6, closed="right").check("half_width", half_width))
    alphas, betas = symmetric_axis(ha, n), symmetric_axis(hb, n)
    X, Y = trainer.data.X_train, trainer.data.Y_train
    losses = loss_grid(net, trainer.loss, X, Y, d1, d2, alphas, betas, workers, should_stop, on_progress)
    center_loss = output_and_loss(net, trainer.loss, np.asarray(X, net.dtype), np.asarray(Y, net.dtype))[0]
    return Landscape(alphas, betas, losses, d1, d2, center, center_loss, path, method, explained)
