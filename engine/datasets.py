"""Built-in datasets, and the target encoding and accuracy every dataset shares.

Arrays are (features, samples), float64: a batch is a matrix with one column per sample.

All randomness comes from the ``rng`` the caller passes in. The caller draws the network's initial
weights from the same generator afterwards, so every generator draws the same number of values in the
same order whatever the noise (a zero noise still draws its jitter and multiplies it by 0).

==========  ==============  =========  =======  ====================================================
name        task            n_samples  noise    what noise means
==========  ==============  =========  =======  ====================================================
tutorial    regression      1 (fixed)  unused   the tutorial's single sample, x then y
xor         classification  400        0.05     std of Gaussian jitter on each coordinate
circles     classification  400        0.05     std of Gaussian jitter on each coordinate
moons       classification  400        0.1      std of Gaussian jitter on each coordinate
spiral      classification  400        0.2      std of Gaussian jitter on each point's angle (radians)
blobs       classification  300        0.15     std of each Gaussian cluster
sine        regression      200        0.1      std of Gaussian noise added to y = sin(pi x)
==========  ==============  =========  =======  ====================================================
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from engine.losses import LOSSES
from engine.validation import ConfigError, Interval, OneOf


@dataclass
class Dataset:
    """Train and test arrays for one task.

    X_train (n_features, n_train), Y_train (n_outputs, n_train), X_test (n_features, n_test),
    Y_test (n_outputs, n_test), all float64; n_test may be 0. labels_* are (n,) int64 class indices for
    classification, else None. For classification ``target_names[c]`` names class c; for regression
    ``target_names[i]`` names row i of Y.
    """

    name: str
    task: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_train: np.ndarray | None
    labels_test: np.ndarray | None
    n_classes: int | None
    feature_names: list[str]
    target_names: list[str]

    @property
    def n_features(self) -> int:
        return self.X_train.shape[0]

    @property
    def n_outputs(self) -> int:
        return self.Y_train.shape[0]

    @property
    def n_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_test(self) -> int:
        return self.X_test.shape[1]


DATASETS = ("tutorial", "xor", "circles", "moons", "spiral", "blobs", "sine")

DATASET_CONSTRAINTS = {
    "name": OneOf(DATASETS),
    "n_samples": Interval(int, 4, 100_000),
    "noise": Interval(float, 0, 2),
    "test_fraction": Interval(float, 0, 0.9),
    "loss": OneOf(tuple(LOSSES)),
    "n_classes": Interval(int, 2, 8),
    "n_inputs": Interval(int, 1, 4096),
    "n_outputs": Interval(int, 1, 4096),
}

# encode_targets also serves CSV files, which may hold more classes than the built-in generators make.
ENCODE_CONSTRAINTS = {"n_classes": Interval(int, 2, 4096), "loss": OneOf(tuple(LOSSES))}


# --- encoding, accuracy, split ---------------------------------------------------------------------

def encode_targets(labels, n_classes: int, loss: str) -> np.ndarray:
    """Targets for the loss from class labels (n,) int in [0, n_classes).

    One-hot (n_classes, n) if ``loss == "cce"`` or ``n_classes > 2``; otherwise (1, n) holding 0.0 / 1.0,
    which a single sigmoid output matches under "mse" or "bce".
    """
    n_classes = ENCODE_CONSTRAINTS["n_classes"].check("n_classes", n_classes)
    loss = ENCODE_CONSTRAINTS["loss"].check("loss", loss)
    labels = np.asarray(labels)
    if labels.ndim != 1 or not (np.issubdtype(labels.dtype, np.integer) or labels.size == 0):
        raise ConfigError("labels", f"array of shape {labels.shape} and dtype {labels.dtype}", "a 1-D integer array")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)][0]
        raise ConfigError("labels", int(bad), f"class indices in [0, {n_classes - 1}]")
    n = labels.shape[0]
    if loss == "cce" or n_classes > 2:
        Y = np.zeros((n_classes, n), dtype=np.float64)
        Y[labels, np.arange(n)] = 1.0
        return Y
    return labels.astype(np.float64).reshape(1, n)


def accuracy(y_hat, labels) -> float:
    """Fraction of columns of y_hat (k, n) whose predicted class equals labels (n,).

    With k > 1 the prediction is the row of the largest output; with k == 1 it is class 1 where the output
    is at least 0.5 (as the trainer counts). Returns nan for n == 0 (no test set), where no accuracy exists.
    """
    y_hat = np.asarray(y_hat)
    labels = np.asarray(labels)
    if y_hat.ndim != 2 or labels.ndim != 1 or y_hat.shape[1] != labels.shape[0]:
        raise ConfigError("y_hat", f"shape {y_hat.shape} with labels of shape {labels.shape}",
                          "y_hat of shape (k, n) and labels of shape (n,)")
    if labels.shape[0] == 0:
        return float("nan")
    predicted = np.argmax(y_hat, axis=0) if y_hat.shape[0] > 1 else (y_hat[0] >= 0.5).astype(np.int64)
    return float(np.mean(predicted == labels))


def train_test_split(X, Y, labels, test_fraction: float, rng: np.random.RandomState):
    """Shuffle the n columns with ``rng``, then the first round(n * (1 - test_fraction)) are train.

    X (n_features, n), Y (n_outputs, n), labels (n,) or None. Returns (X_train, Y_train, labels_train,
    X_test, Y_test, labels_test). At least one sample stays in train: a network needs something to fit.
    """
    test_fraction = DATASET_CONSTRAINTS["test_fraction"].check("test_fraction", test_fraction)
    n = X.shape[1]
    order = rng.permutation(n)
    n_train = min(n, max(1, int(round(n * (1.0 - test_fraction)))))
    tr, te = order[:n_train], order[n_train:]
    pick = (lambda a, idx: None if a is None else a[..., idx])
    return X[:, tr], Y[:, tr], pick(labels, tr), X[:, te], Y[:, te], pick(labels, te)


def check_regression_loss(loss: str, Y: np.ndarray, what: str) -> str:
    """Refuse a loss that cannot score the real-valued targets Y (n_targets, n) of ``what``: "cce" wants
    class labels, "bce" wants targets in [0, 1]."""
    in_unit = Y.size == 0 or (Y.min() >= 0.0 and Y.max() <= 1.0)
    allowed = ("mse", "bce") if in_unit else ("mse",)
    if loss not in allowed:
        span = "" if in_unit else f" (they span {Y.min():g} to {Y.max():g}; bce needs [0, 1])"
        raise ConfigError("loss", loss, f"{' or '.join(allowed)} for the real-valued targets of {what}{span}")
    return loss


# --- generators: (rng, n, noise, n_classes) -> (X (n_inputs, n), labels (n,) or Y (n_targets, n)) ---

def _class_counts(n: int, k: int) -> np.ndarray:
    """Labels (n,) in class order with counts differing by at most one, so classes are balanced."""
    counts = np.full(k, n // k)
    counts[: n % k] += 1
    return np.repeat(np.arange(k, dtype=np.int64), counts)


def _xor(rng, n, noise, n_classes):
    # Labels first, then a point uniform in the quadrants of that label: the same distribution as
    # labelling uniform points by sign(x1) != sign(x2), but with exactly balanced classes.
    labels = _class_counts(n, 2)
    magnitude = rng.uniform(0.0, 1.0, size=(2, n))
    sign1 = np.where(rng.randint(0, 2, size=n) == 1, 1.0, -1.0)
    sign2 = np.where(labels == 1, -sign1, sign1)
    X = magnitude * np.vstack([sign1, sign2])
    return X + noise * rng.normal(size=(2, n)), labels


def _circles(rng, n, noise, n_classes):
    # Playground's layout: class 0 fills the disk r < 0.5, class 1 the ring 0.7 < r < 1.
    labels = _class_counts(n, 2)
    r = rng.uniform(np.where(labels == 0, 0.0, 0.7), np.where(labels == 0, 0.5, 1.0))
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
    X = np.vstack([r * np.cos(angle), r * np.sin(angle)])
    return X + noise * rng.normal(size=(2, n)), labels


def _moons(rng, n, noise, n_classes):
    # scikit-learn's make_moons (angles evenly spaced, no draws), then centred and shrunk by 1.5 so
    # x spans [-1, 1] with the aspect kept; the jitter is added in that frame.
    labels = _class_counts(n, 2)
    n_upper = int(np.sum(labels == 0))
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n - n_upper)
    x = np.concatenate([np.cos(t_upper), 1.0 - np.cos(t_lower)])
    y = np.concatenate([np.sin(t_upper), 0.5 - np.sin(t_lower)])
    X = (np.vstack([x, y]) - np.array([[0.5], [0.25]])) / 1.5
    return X + noise * rng.normal(size=(2, n)), labels


SPIRAL_TURNS = 1.0  # each arm winds once around the centre: hard enough to need a hidden layer or two


def _spiral(rng, n, noise, n_classes):
    # cs231n's spiral with the arms evenly offset (as in Playground); jitter on the angle, so points near
    # the centre, where the arms meet, move less than points on the rim.
    k = n_classes or 2
    labels = _class_counts(n, k)
    r = np.empty(n)
    for c in range(k):
        m = int(np.sum(labels == c))
        r[labels == c] = (np.arange(m) + 1.0) / max(m, 1)  # start off the origin so no point is shared
    t = 2.0 * np.pi * (SPIRAL_TURNS * r + labels / k) + noise * rng.normal(size=n)
    return np.vstack([r * np.cos(t), r * np.sin(t)]), labels


def _blobs(rng, n, noise, n_classes):
    # Centres evenly spaced on a circle of radius 0.6 (not drawn) so no two blobs can land on each other.
    k = n_classes or 3
    labels = _class_counts(n, k)
    angle = 2.0 * np.pi * np.arange(k) / k + np.pi / 4
    centres = 0.6 * np.vstack([np.cos(angle), np.sin(angle)])
    return centres[:, labels] + noise * rng.normal(size=(2, n)), labels


def _sine(rng, n, noise, n_classes):
    x = rng.uniform(-1.0, 1.0, size=n)
    y = np.sin(np.pi * x) + noise * rng.normal(size=n)
    return x.reshape(1, n), y.reshape(1, n)


class Recipe(NamedTuple):
    task: str
    n_samples: int
    noise: float
    make: Callable
    names: Callable  # classification: k -> class names; regression: () -> target names


RECIPES = {
    "xor": Recipe("classification", 400, 0.05, _xor, lambda k: ["same sign", "opposite sign"]),
    "circles": Recipe("classification", 400, 0.05, _circles, lambda k: ["disk", "ring"]),
    "moons": Recipe("classification", 400, 0.1, _moons, lambda k: ["upper moon", "lower moon"]),
    "spiral": Recipe("classification", 400, 0.2, _spiral, lambda k: [f"arm {c}" for c in range(k)]),
    "blobs": Recipe("classification", 300, 0.15, _blobs, lambda k: [f"blob {c}" for c in range(k)]),
    "sine": Recipe("regression", 200, 0.1, _sine, lambda: ["sin(pi x)"]),
}
DEFAULT_CLASSES = {"xor": 2, "circles": 2, "moons": 2, "spiral": 2, "blobs": 3}
VARIABLE_CLASSES = ("spiral", "blobs")  # the others have two classes by construction; n_classes is ignored


def check_rng(rng) -> np.random.RandomState:
    if not isinstance(rng, np.random.RandomState):
        raise ConfigError("rng", rng, "a numpy.random.RandomState (the caller seeds it)")
    return rng


def _tutorial(rng, n_inputs: int, n_outputs: int, loss: str) -> Dataset:
    # Exactly the tutorial's draws, x before y, so seed 42 reproduces its figures.
    x = rng.randint(1, 100, size=(n_inputs, 1)) / 100
    y = rng.randint(1, 100, size=(n_outputs, 1)) / 100
    check_regression_loss(loss, y, "the tutorial sample")
    return Dataset("tutorial", "regression", x, y, np.empty((n_inputs, 0)), np.empty((n_outputs, 0)),
                   None, None, None, [f"x{i + 1}" for i in range(n_inputs)],
                   [f"y{i + 1}" for i in range(n_outputs)])


def make_dataset(name: str, *, rng: np.random.RandomState, n_samples: int | None = None,
                 noise: float | None = None, test_fraction: float = 0.2, loss: str = "mse",
                 n_classes: int | None = None, n_inputs: int = 5, n_outputs: int = 4) -> Dataset:
    """Build the dataset ``name`` (one of DATASETS), drawing everything from ``rng``.

    None for n_samples or noise takes the dataset's default (module table). n_classes applies to spiral
    and blobs; n_inputs and n_outputs to tutorial only. Every argument is checked, even one the dataset
    ignores, so a bad value never waits for the dataset that would use it.
    """
    C = DATASET_CONSTRAINTS
    name = C["name"].check("name", name)
    rng = check_rng(rng)
    n_samples = None if n_samples is None else C["n_samples"].check("n_samples", n_samples)
    noise = None if noise is None else C["noise"].check("noise", noise)
    test_fraction = C["test_fraction"].check("test_fraction", test_fraction)
    loss = C["loss"].check("loss", loss)
    n_classes = None if n_classes is None else C["n_classes"].check("n_classes", n_classes)
    n_inputs = C["n_inputs"].check("n_inputs", n_inputs)
    n_outputs = C["n_outputs"].check("n_outputs", n_outputs)
    if name == "tutorial":
        return _tutorial(rng, n_inputs, n_outputs, loss)

    recipe = RECIPES[name]
    n = recipe.n_samples if n_samples is None else n_samples
    noise = recipe.noise if noise is None else noise
    if recipe.task == "regression":
        X, Y = recipe.make(rng, n, noise, None)
        check_regression_loss(loss, Y, f"dataset {name}")
        Xtr, Ytr, _, Xte, Yte, _ = train_test_split(X, Y, None, test_fraction, rng)
        return Dataset(name, "regression", Xtr, Ytr, Xte, Yte, None, None, None, ["x"], recipe.names())

    k = n_classes if (n_classes is not None and name in VARIABLE_CLASSES) else DEFAULT_CLASSES[name]
    X, labels = recipe.make(rng, n, noise, k)
    Y = encode_targets(labels, k, loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, labels, test_fraction, rng)
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, k, ["x1", "x2"], recipe.names(k))
