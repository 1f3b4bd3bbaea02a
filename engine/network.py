"""A fully-connected network of any depth, its parameters in one flat vector.

Layer l (0-based) maps a_{l-1} (n_{l-1}, batch) to a_l = f_l(W_l a_{l-1} + b_l), with W_l of shape
(n_l, n_{l-1}) and b_l of shape (n_l, 1), as in the tutorial. All W and b are views into one
contiguous vector ``params`` laid out W_0, b_0, W_1, b_1, ...: the optimizers update every parameter
with a handful of vector operations, and the gradient vector has the same layout.
"""
from __future__ import annotations

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, Activation, make_activation
from .validation import ConfigError, Interval, OneOf

WIDTH = Interval(int, 1, 4096)
DEPTH = Interval(int, 1, 32)
DTYPE = OneOf(("float64", "float32"))
INIT = OneOf(("uniform", "xavier", "he"))


def layer_views(flat: np.ndarray, sizes) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Split a flat vector laid out W_0, b_0, W_1, ... into lists of (n_l, n_{l-1}) and (n_l, 1) views."""
    ws, bs, at = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        ws.append(flat[at:at + n_out * n_in].reshape(n_out, n_in))
        at += n_out * n_in
        bs.append(flat[at:at + n_out].reshape(n_out, 1))
        at += n_out
    return ws, bs


def has_parameter(sizes, kind: str, layer: int, i: int, j: int = 0) -> bool:
    """Whether a network of ``sizes`` (units per layer, inputs first) has w_layer[i, j] (``kind`` "w") or
    b_layer[i] (``kind`` "b"); ``layer`` is 1-based, as the tutorial writes w1 .. wL."""
    return 1 <= layer < len(sizes) and 0 <= i < sizes[layer] and (kind == "b" or 0 <= j < sizes[layer - 1])


def _dtype_name(dtype):
    try:
        return np.dtype(dtype).name
    except TypeError:
        return dtype


def check_architecture(sizes, activations) -> tuple[tuple[int, ...], list[Activation]]:
    """Validate layer sizes (inputs first) and one activation per weight layer."""
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise ConfigError("layers", sizes, "a list of layer sizes, inputs first") from None
    if len(sizes) < 2:
        raise ConfigError("layers", sizes, "at least an input and an output size")
    DEPTH.check("number of weight layers", len(sizes) - 1)
    sizes = tuple(WIDTH.check(f"layers[{i}]", s) for i, s in enumerate(sizes))
    if isinstance(activations, (str, Activation)):
        activations = [activations]
    elif not isinstance(activations, (list, tuple)):  # e.g. 7 or null from a run file's JSON
        raise ConfigError("activations", activations, "a list of activations, one per weight layer")
    acts = [make_activation(a, f"activations[{i}]") for i, a in enumerate(activations)]
    if len(acts) != len(sizes) - 1:
        raise ConfigError("activations", [a.spec() for a in acts],
                          f"one activation per weight layer ({len(sizes) - 1})")
    for i, act in enumerate(acts[:-1]):
        if act.name not in HIDDEN_ACTIVATIONS:
            raise ConfigError(f"activations[{i}]", act.spec(),
                              "a hidden-layer activation: " + ", ".join(HIDDEN_ACTIVATIONS))
    return sizes, acts


class Network:
    """Weights and biases of a feed-forward network.

    Attributes
    ----------
    sizes : tuple of int, (n_0 inputs, n_1, ..., n_L outputs)
    activations : list of L Activation
    params : (n_params,) flat vector; ``weights[l]`` (n_{l+1}, n_l) and ``biases[l]`` (n_{l+1}, 1) view it.
    """

    def __init__(self, sizes, activations, dtype: str = "float64"):
        self.sizes, self.activations = check_architecture(sizes, activations)
        self.dtype = np.dtype(DTYPE.check("dtype", _dtype_name(dtype)))
        n = sum(o * i + o for i, o in zip(self.sizes[:-1], self.sizes[1:]))
        self.params = np.zeros(n, dtype=self.dtype)
        self.weights, self.biases = layer_views(self.params, self.sizes)

    @property
    def n_layers(self) -> int:
        """Number of weight layers L."""
        return len(self.sizes) - 1

    def initialize(self, method: str, rng: np.random.RandomState) -> None:
        """Draw every W from ``rng`` in layer order; biases start at zero.

        ``uniform`` is the tutorial's ``np.random.random(size=(out, in))``; ``xavier`` is Glorot's
        uniform(-r, r), r = sqrt(6 / (in + out)); ``he`` is normal(0, sqrt(2 / in)).
        """
        INIT.check("init", method)
        for w in self.weights:
            n_out, n_in = w.shape
            if method == "uniform":
                w[...] = rng.random_sample(size=(n_out, n_in))
            elif method == "xavier":
                r = np.sqrt(6.0 / (n_in + n_out))
                w[...] = rng.uniform(-r, r, size=(n_out, n_in))
            else:
                w[...] = rng.standard_normal(size=(n_out, n_in)) * np.sqrt(2.0 / n_in)
        for b in self.biases:
            b[...] = 0.0

    def forward(self, X: np.ndarray, trace: bool = False):
        """Outputs for inputs X (n_0, batch) -> (n_L, batch). With ``trace``, also the lists of
        pre-activations z_l and activations a_l (a[0] is X) that the chain-rule views show."""
        a = np.asarray(X, dtype=self.dtype)
        zs, acts = [], [a]
        for w, b, f in zip(self.weights, self.biases, self.activations):
            z = w @ a + b
            a = f(z)
            if trace:
                zs.append(z)
                acts.append(a)
        return (a, zs, acts) if trace else a

    def astype(self, dtype: str) -> "Network":
        """A copy of the network with its parameters in ``dtype``."""
        other = Network(self.sizes, self.activations, dtype)
        other.params[...] = self.params
        return other

    def copy(self) -> "Network":
        return self.astype(str(self.dtype))

    def describe(self) -> str:
        acts = ", ".join(a.spec() for a in self.activations)
        return "-".join(map(str, self.sizes)) + f" ({acts})"


def network_from(sizes, activations, weights, biases, into: Network | None = None) -> Network:
    """A float64 Network holding copies of ``weights`` / ``biases`` (e.g. a Snapshot's); ``into`` is
    reused when its architecture matches, so a view refreshing 30 times a second allocates nothing."""
    if into is None or tuple(into.sizes) != tuple(sizes) or \
            [a.spec() for a in into.activations] != [make_activation(a).spec() for a in activations]:
        into = Network(sizes, [make_activation(a) for a in activations], "float64")
    for dst, src in zip(into.weights, weights):
        dst[...] = src
    for dst, src in zip(into.biases, biases):
        dst[...] = src
    return into
