"""What each unit computes over the input plane: every unit's activation of every layer on a grid of
raw 2-D points, from one forward pass over the whole grid.

A view that draws a small map on each unit of the network graph needs, per frame, a_l (n_l, G) for
every layer l over the G grid points. ``UnitMaps`` holds the buffers for one architecture and one grid
(allocated once, as the training loop does) and refills them from the current weights with one matrix
product and one activation kernel per layer, the same kernels training runs. Input features are
applied to the grid once, when the grid is set, since they do not change with the weights.

Layout: ``maps[0]`` is the network's input (n_0, G) (the features, or x1 and x2), ``maps[l]`` for
l = 1..L the activations of weight layer l (n_l, G), ``maps[L]`` the output. With a grid from
``plane_grid``, ``maps[l][i].reshape(res, res)[r, c]`` is unit i at (xs[c], ys[r]).
"""
from __future__ import annotations

import numpy as np

from .activations import run
from .features import FEATURE_LIST, apply_features
from .network import Network
from .validation import ConfigError, Interval

RESOLUTION = Interval(int, 2, 1024)


def plane_grid(lo, hi, res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs (res,), ys (res,), grid (2, res * res)): a res x res grid over [lo[0], hi[0]] x [lo[1], hi[1]],
    row r holding x2 = ys[r], column c x1 = xs[c] (grid[:, r * res + c] = (xs[c], ys[r]))."""
    res = RESOLUTION.check("resolution", res)
    xs, ys = np.linspace(lo[0], hi[0], res), np.linspace(lo[1], hi[1], res)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([gx.ravel(), gy.ravel()])


class UnitMaps:
    """Buffers and kernels for the unit maps of networks shaped like ``network`` over ``grid``.

    ``grid`` (2, G) raw points; ``features`` the dataset's input features (names from engine/features.py,
    () for the raw points), which must give the network's n_0 inputs.
    """

    def __init__(self, network: Network, grid: np.ndarray, features=()):
        self.features = FEATURE_LIST.check("features", features)
        grid = np.asarray(grid, dtype=np.float64)
        if grid.ndim != 2 or grid.shape[0] != 2:
            raise ConfigError("grid", f"array of shape {grid.shape}", "raw 2-D points of shape (2, G)")
        inputs = apply_features(self.features, grid)
        if inputs.shape[0] != network.sizes[0]:
            raise ConfigError("features", list(self.features),
                              f"features giving the network's {network.sizes[0]} inputs, not {inputs.shape[0]}")
        self.sizes, self.dtype = network.sizes, network.dtype
        self.activations = network.activations
        G = grid.shape[1]
        self.grid = grid
        self.maps = [np.ascontiguousarray(inputs, dtype=self.dtype)]
        self.maps += [np.empty((n, G), dtype=self.dtype) for n in self.sizes[1:]]
        self._zs = [np.empty((n, G), dtype=self.dtype) for n in self.sizes[1:]]
        self._ops = [f.forward_ops(z, a) for f, z, a in zip(self.activations, self._zs, self.maps[1:])]

    def fits(self, network: Network) -> bool:
        """Whether ``network`` has the architecture these buffers were made for."""
        return (network.sizes == self.sizes and network.dtype == self.dtype
                and list(network.activations) == list(self.activations))

    def compute(self, network: Network) -> list[np.ndarray]:
        """[a_0 (n_0, G), a_1 (n_1, G), ..., a_L (n_L, G)] for ``network``'s current weights.

        The arrays are this object's buffers, overwritten by the next call: copy what must outlive it.
        """
        if not self.fits(network):
            raise ConfigError("network", network.describe(),
                              f"a network shaped {'-'.join(map(str, self.sizes))} like the one the maps were made for")
        return self._compute(network)

    def _compute(self, network: Network) -> list[np.ndarray]:
        """``compute`` for a network known to fit (``UnitMapSource`` keys its buffers by architecture)."""
        for w, b, z, a_in, ops in zip(network.weights, network.biases, self._zs, self.maps, self._ops):
            np.matmul(w, a_in, out=z)
            z += b
            run(ops)
        return self.maps


def unit_maps(network: Network, grid: np.ndarray, features=()) -> list[np.ndarray]:
    """Every unit's activation over ``grid`` (2, G), as a new list of (n_l, G) arrays, l = 0..L.

    For one frame; a view that redraws keeps a ``UnitMaps`` and calls ``compute``.
    """
    return [m.copy() for m in UnitMaps(network, grid, features).compute(network)]


PLANE_PAD = 0.1  # fraction of the data's span added around it on the plane
PLANE_RESOLUTION = 50  # the Output view's grid, and the unit maps' (the same plane and pixels)


def plane_of(dataset, res: int = PLANE_RESOLUTION) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``plane_grid`` over a 2-D dataset's raw points (train and test, ``plane_X_*``) and PLANE_PAD of their
    span around them: the plane the Output view draws and the unit maps are computed on."""
    X = np.hstack([dataset.plane_X_train, dataset.plane_X_test])
    if dataset.name == "drawn":  # a drawing of a few points (one, after Clear) still has a plane to draw on
        X = np.hstack([X, [[-1.0, 1.0], [-1.0, 1.0]]])
    lo, hi = X.min(axis=1), X.max(axis=1)
    span = np.maximum(hi - lo, 1e-9)
    return plane_grid(lo - PLANE_PAD * span, hi + PLANE_PAD * span, res)


def maps_for(dataset) -> "UnitMapSource | None":
    """What computes the unit maps of ``dataset``'s networks, or None when it is not over the plane."""
    if dataset is None or dataset.n_raw_features != 2:
        return None
    return UnitMapSource(plane_of(dataset)[2], dataset.features)


CHUNK = 64  # grid points per product: small enough that OpenBLAS never threads it (see UnitMapSource)


class UnitMapSource:
    """``UnitMaps`` over one grid for whichever network it is given (one per architecture and dtype, kept):
    the live network and a replayed moment's float64 one alternate while a run is scrubbed.

    The grid is computed in chunks of CHUNK points. A 32x32 by 32x2500 product is large enough for OpenBLAS
    to split over its threads, and on a busy 2-core machine (the window's GUI thread and the trainer) those
    threads wait for each other: 68 ms median instead of 2 ms for spiral's maps, measured; products of
    32x32x64 stay on the calling thread, as the trainer's own mini-batch products do."""

    def __init__(self, grid: np.ndarray, features=()):
        self.grid, self.features = grid, features
        self._kept: dict = {}

    def copies(self, network: Network) -> list[np.ndarray]:
        """[a_0 (n_0, G), ..., a_L (n_L, G)] as float32 copies (what crosses to the window: half the bytes)."""
        key = (network.sizes, network.dtype, tuple(f.spec() for f in network.activations))
        chunks = self._kept.get(key)
        if chunks is None:
            G = self.grid.shape[1]
            chunks = self._kept[key] = [UnitMaps(network, self.grid[:, s:s + CHUNK], self.features)
                                        for s in range(0, G, CHUNK)]
        out = [np.empty((n, self.grid.shape[1]), np.float32) for n in network.sizes]
        with np.errstate(all="ignore"):  # a diverged network's maps are nan, drawn dark
            for s, maps in zip(range(0, self.grid.shape[1], CHUNK), chunks):
                for dst, a in zip(out, maps._compute(network)):  # the key matched the architecture
                    dst[:, s:s + a.shape[1]] = a
        return out
