"""Gradient health per weight layer: norms, their ratio, dead ReLUs, warnings, and their history.

Thresholds (on the Frobenius norms of one layer's W and of its loss gradient dW):

* vanishing: ``||dW|| / ||W|| < 1e-7``. An SGD step then changes the layer by less than
  ``learning_rate * 1e-7`` of its size: the layer has effectively stopped learning, and float32 weights
  cannot even represent such a change (eps ~1.2e-7). It is a warning only when the gradient died on the
  way back, i.e. the layer's ratio is also 100 times below the output layer's: when every layer is that
  small together, the loss of the batch is simply ~0 (a fitted spiral reaches 1e-8), nothing is wrong.
* exploding: ``||dW|| / ||W|| > 10``: one SGD step at learning rate 0.1 would move the layer by more than
  its own size. Healthy runs sit near 1e-3..1 (the presets, checked in tests/test_health.py); divergent
  ones pass 10 several steps before the loss becomes inf or nan. Also exploding: weights whose RMS passes
  1e3 (every sigmoid/tanh unit fed by them is saturated, and products of such layers overflow soon), or
  any non-finite weight or gradient.
* dead ReLU: a relu unit whose activation is <= 0 for every sample of a probe batch: its gradient is 0
  for all of them, so (short of a change upstream) it never learns again. Leaky ReLU units cannot die.
  Warning "dead" when at least half of a layer's units are dead (healthy presets stay under 20%).

No gradient warning is given before the first step: the gradients are still zeros then.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .chain import network_from

VANISHING_RATIO = 1e-7
EXPLODING_RATIO = 10.0
HUGE_WEIGHT_RMS = 1e3
VANISHING_DROP = 100.0  # ... and this many times below the output layer's ratio
DEAD_WARNING = 0.5
HIST_BINS = 41  # odd, so zero is the centre of a bin and tripling the range merges whole bins (below)


@dataclass
class LayerHealth:
    """Statistics of weight layer ``layer`` (0-based; the tutorial's w{layer+1})."""

    layer: int
    grad_norm: float  # ||dW||_F (nan before the first step)
    weight_norm: float  # ||W||_F
    ratio: float  # ||dW|| / ||W|| (nan before the first step)
    weight_rms: float  # ||W|| / sqrt(W.size)
    dead_fraction: float | None  # relu layers with a probe batch; None otherwise
    warning: str | None = None  # None, "vanishing", "exploding" or "dead"
    message: str = ""  # one line for the learner when there is a warning


def dead_fractions(weights, biases, activations, X_probe) -> list[float | None]:
    """Fraction of units of each relu layer that are <= 0 on every column of X_probe (n_0, B);
    None for other activations. weights[l] (n_l, n_{l-1}), biases[l] (n_l, 1), activations: specs."""
    sizes = (weights[0].shape[1],) + tuple(w.shape[0] for w in weights)
    net = network_from(sizes, activations, weights, biases)
    _, zs, _ = net.forward(X_probe, trace=True)
    return [float(np.mean(np.all(z <= 0, axis=1))) if f.name == "relu" else None
            for z, f in zip(zs, net.activations)]


def _norm(x: np.ndarray) -> float:
    flat = x.ravel()
    return math.sqrt(float(np.dot(flat, flat)))


def layer_health(weights, grad_w, activations=None, biases=None, X_probe=None,
                 has_gradients: bool = True) -> list[LayerHealth]:
    """One LayerHealth per weight layer. ``X_probe`` (n_0, B) with ``biases`` and ``activations``
    (specs) enables the dead-ReLU fractions; ``has_gradients`` False (no step yet) silences the
    gradient warnings."""
    dead = [None] * len(weights)
    if X_probe is not None and biases is not None and activations is not None:
        with np.errstate(all="ignore"):  # a diverged run's weights may overflow here; that is reported below
            dead = dead_fractions(weights, biases, activations, X_probe)
    result = []
    with np.errstate(all="ignore"):
        for l, (w, g) in enumerate(zip(weights, grad_w)):
            wn, gn = _norm(w), _norm(g) if has_gradients else math.nan
            ratio = gn / wn if wn > 0 else (math.inf if gn > 0 else math.nan)
            result.append(LayerHealth(l, gn, wn, ratio, wn / math.sqrt(w.size), dead[l]))
    for h in result:
        _judge(h, has_gradients, result[-1].ratio)
    return result


def _judge(h: LayerHealth, has_gradients: bool, output_ratio: float) -> None:
    name = f"w{h.layer + 1}"
    if not math.isfinite(h.weight_norm) or (has_gradients and not math.isfinite(h.grad_norm)):
        h.warning, h.message = "exploding", f"{name}: weights or gradients are no longer finite numbers"
    elif h.weight_rms > HUGE_WEIGHT_RMS:
        h.warning = "exploding"
        h.message = f"{name}: weights are huge (RMS {h.weight_rms:.3g} > {HUGE_WEIGHT_RMS:g})"
    elif has_gradients and h.weight_norm > 0 and h.ratio > EXPLODING_RATIO:
        h.warning = "exploding"
        h.message = f"{name}: gradients explode (||dW||/||W|| = {h.ratio:.3g} > {EXPLODING_RATIO:g})"
    elif has_gradients and h.ratio < VANISHING_RATIO and h.ratio * VANISHING_DROP < output_ratio:
        h.warning = "vanishing"
        h.message = f"{name}: gradients vanish (||dW||/||W|| = {h.ratio:.3g} < {VANISHING_RATIO:g}, " \
                    f"{output_ratio / max(h.ratio, 1e-300):.2g} times below the output layer's): " \
                    f"this layer has stopped learning"
    elif h.dead_fraction is not None and h.dead_fraction >= DEAD_WARNING:
        h.warning = "dead"
        h.message = f"{name}: {h.dead_fraction:.0%} of its ReLU units are dead (<= 0 for every probe sample)"


def health_of_snapshot(snapshot, X_probe=None) -> list[LayerHealth]:
    """LayerHealth per layer of an engine.snapshot.Snapshot (no gradient warnings before step 1)."""
    return layer_health(snapshot.weights, snapshot.grad_w, snapshot.activations, snapshot.biases, X_probe,
                        has_gradients=snapshot.steps > 0)


def health_of_trainer(trainer, X_probe=None) -> list[LayerHealth]:
    """LayerHealth per layer of a Trainer's current weights and last gradients."""
    net = trainer.network
    return layer_health(net.weights, trainer.backprop.grad_w, [a.spec() for a in net.activations],
                        net.biases, X_probe, has_gradients=trainer.steps > 0)


def probe_batch(X: np.ndarray, size: int = 256) -> np.ndarray:
    """Up to ``size`` columns of X (n_0, n), evenly spaced, so the probe covers the whole set."""
    n = X.shape[1]
    return X if n <= size else X[:, np.linspace(0, n - 1, size).astype(int)]


class HealthTracker:
    """History of LayerHealth per layer and of each layer's weight histogram.

    At most ``max_records`` rows are kept: when full, every other row is dropped and from then on only
    every second call is recorded (then every fourth, ...), so a long run keeps its whole span evenly.
    Histograms have HIST_BINS fixed bins over [-R_l, R_l]; when a weight falls outside, R_l triples and
    the old rows are re-binned exactly (with an odd number of bins, each old bin lies inside one new bin).
    """

    def __init__(self, max_records: int = 1000, bins: int = HIST_BINS):
        if bins % 2 == 0:
            raise ValueError(f"bins: {bins} is not allowed; expected an odd number")
        self.max_records, self.bins = max_records, bins
        self.reset()

    def reset(self) -> None:
        self.n = 0
        self.n_layers = 0
        self._stride, self._calls = 1, 0
        self.latest: list[LayerHealth] = []

    def _allocate(self, n_layers: int) -> None:
        m, L = self.max_records, n_layers
        self.n_layers = L
        self._epochs = np.empty(m)
        self._grad = np.empty((m, L))
        self._weight = np.empty((m, L))
        self._dead = np.empty((m, L))
        self._hist = np.zeros((L, m, self.bins), np.float32)
        self.ranges = np.zeros(L)

    @property
    def epochs(self) -> np.ndarray:
        """(n,) epoch of each record (fractional epochs when the caller passes them)."""
        return self._epochs[:self.n] if self.n_layers else np.empty(0)

    @property
    def grad_norms(self) -> np.ndarray:
        """(n, L) ||dW|| per record and layer."""
        return self._grad[:self.n]

    @property
    def weight_norms(self) -> np.ndarray:
        return self._weight[:self.n]

    @property
    def dead(self) -> np.ndarray:
        """(n, L) dead-ReLU fraction, nan for layers that are not relu or without a probe."""
        return self._dead[:self.n]

    def histogram(self, layer: int) -> np.ndarray:
        """(n, bins) fraction of the layer's weights in each bin, one row per record."""
        return self._hist[layer, :self.n]

    def bin_edges(self, layer: int) -> np.ndarray:
        """(bins + 1,) edges of the layer's histogram bins, over [-R, R]."""
        r = self.ranges[layer]
        return np.linspace(-r, r, self.bins + 1)

    def record(self, epoch: float, healths: list[LayerHealth], weights) -> bool:
        """Add one record; returns False when thinning skipped it. ``weights[l]`` (n_l, n_{l-1})."""
        if self.n_layers != len(healths):
            self.reset()
            self._allocate(len(healths))
        self.latest = healths
        call, self._calls = self._calls, self._calls + 1
        if call % self._stride:  # kept rows are the calls 0, stride, 2 stride, ... (thinning keeps evens)
            return False
        if self.n == self.max_records:
            self._thin()
        k = self.n
        self._epochs[k] = epoch
        for l, h in enumerate(healths):
            self._grad[k, l] = h.grad_norm
            self._weight[k, l] = h.weight_norm
            self._dead[k, l] = np.nan if h.dead_fraction is None else h.dead_fraction
            self._hist[l, k] = self._bin(l, weights[l])
        self.n += 1
        return True

    def record_snapshot(self, snapshot, epoch: float | None = None, X_probe=None) -> list[LayerHealth]:
        """Health of ``snapshot`` recorded at ``epoch`` (default: its completed epochs); returns it."""
        healths = health_of_snapshot(snapshot, X_probe)
        self.record(snapshot.epoch if epoch is None else epoch, healths, snapshot.weights)
        return healths

    def _thin(self) -> None:
        keep = slice(0, self.n, 2)
        m = len(range(*keep.indices(self.n)))
        for arr in (self._epochs, self._grad, self._weight, self._dead):
            arr[:m] = arr[keep]
        self._hist[:, :m] = self._hist[:, keep]
        self.n = m
        self._stride *= 2

    def _bin(self, l: int, w: np.ndarray) -> np.ndarray:
        w = w.ravel()
        finite = np.isfinite(w)
        if not finite.all():
            w = w[finite]
        top = float(np.max(np.abs(w))) if w.size else 0.0
        if self.ranges[l] == 0:  # first record: the smallest power of 3 holding every weight
            self.ranges[l] = 3.0 ** math.ceil(math.log(max(top, 1e-6), 3))
        while top > self.ranges[l] and top < 1e300:
            self._triple(l)
        r, b = self.ranges[l], self.bins
        idx = ((w + r) * (b / (2 * r))).astype(np.int64)
        np.clip(idx, 0, b - 1, out=idx)
        counts = np.bincount(idx, minlength=b).astype(np.float32)
        return counts / max(w.size, 1)

    def _triple(self, l: int) -> None:
        # old bin k spans [k + bins, k + bins + 1] in old widths from the new left edge -3R; new bins are
        # 3 old widths wide and start at multiples of 3, so old bin k lies wholly in new bin (k + bins) // 3
        merge = np.zeros((self.bins, self.bins), np.float32)
        merge[np.arange(self.bins), (np.arange(self.bins) + self.bins) // 3] = 1.0
        self._hist[l, :self.n] = self._hist[l, :self.n] @ merge
        self.ranges[l] *= 3.0
