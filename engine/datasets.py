"""The dataset registry, and the target encoding, split and accuracy every dataset shares.

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
iris        classification  150 fixed  unused   UCI Iris, 4 inputs standardised with the train split's
                                                mean and std, 3 classes (resources/data/)
digits      classification  1797 fixed unused   UCI handwritten digits, 8x8 pixels scaled to [0, 1],
                                                10 classes (resources/data/)
==========  ==============  =========  =======  ====================================================

The generators are in engine/generators.py, the shipped files are read by engine/shipped_data.py, and
``dataset_from_points`` makes a dataset of points a person drew. Any 2-D dataset can take input
features (engine/features.py) through ``with_features``: the network then sees the features, and the
dataset keeps the raw points so that views still draw over the plane (x1, x2).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from engine.features import FEATURE_LIST, apply_features, check_plane
from engine.generators import DEFAULT_CLASSES, RECIPES, VARIABLE_CLASSES
from engine.losses import LOSSES
from engine.shipped_data import READERS, prepare_inputs, read_shipped
from engine.validation import ConfigError, Interval, OneOf


@dataclass
class Dataset:
    """Train and test arrays for one task.

    X_train (n_features, n_train), Y_train (n_outputs, n_train), X_test (n_features, n_test),
    Y_test (n_outputs, n_test), all float64; n_test may be 0. labels_* are (n,) int64 class indices for
    classification, else None. For classification ``target_names[c]`` names class c; for regression
    ``target_names[i]`` names row i of Y. ``feature_names[i]`` names row i of X.

    With input features (``features`` not empty), X_* are the network's inputs (len(features), n) and
    raw_X_* the 2-D points they were computed from (2, n); a view draws ``plane_X_*`` and maps its grid
    with ``inputs``. ``image_shape`` is (rows, cols) when each column of X is an image read row by row.
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
    image_shape: tuple | None = None
    features: tuple = ()
    raw_X_train: np.ndarray | None = None
    raw_X_test: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        """The network's input size."""
        return self.X_train.shape[0]

    @property
    def plane_X_train(self) -> np.ndarray:
        """(n_raw, n_train): the points as drawn or generated, before any input features."""
        return self.X_train if self.raw_X_train is None else self.raw_X_train

    @property
    def plane_X_test(self) -> np.ndarray:
        return self.X_test if self.raw_X_test is None else self.raw_X_test

    @property
    def n_raw_features(self) -> int:
        """The size of a raw point: 2 for a dataset over the plane, whatever features it has on."""
        return self.plane_X_train.shape[0]

    def inputs(self, P: np.ndarray) -> np.ndarray:
        """The network's inputs (n_features, G) for raw points P (n_raw_features, G), e.g. a view's grid."""
        return apply_features(self.features, P)

    @property
    def n_outputs(self) -> int:
        return self.Y_train.shape[0]

    @property
    def n_train(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_test(self) -> int:
        return self.X_test.shape[1]


# The config's fields that say which data a run trains on (engine/config.py make_data), as opposed to the
# network and its training: changing only these keeps the weights (``Trainer.set_data``).
DATA_FIELDS = ("dataset", "n_samples", "noise", "test_fraction", "n_classes", "drawn", "data_seed", "csv_path",
               "csv_target", "csv_header", "csv_task", "csv_separator", "csv_max_mb")

DATASETS = ("tutorial", "xor", "circles", "moons", "spiral", "blobs", "sine", "iris", "digits")

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
    if name in READERS:
        return _shipped(name, rng, test_fraction, loss)

    recipe = RECIPES[name]
    n = recipe.n_samples if n_samples is None else n_samples
    noise = recipe.noise if noise is None else noise
    if recipe.task == "regression":
        X, Y = recipe.make(rng, n, noise, None)
        check_regression_loss(loss, Y, f"dataset {name}")
        Xtr, Ytr, _, Xte, Yte, _ = train_test_split(X, Y, None, test_fraction, rng)
        return Dataset(name, "regression", Xtr, Ytr, Xte, Yte, None, None, None, list(recipe.inputs),
                       recipe.names())

    k = n_classes if (n_classes is not None and name in VARIABLE_CLASSES) else DEFAULT_CLASSES[name]
    X, labels = recipe.make(rng, n, noise, k)
    Y = encode_targets(labels, k, loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, labels, test_fraction, rng)
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, k, list(recipe.inputs),
                   recipe.names(k))


def _shipped(name: str, rng, test_fraction: float, loss: str) -> Dataset:
    # The same split as a generated dataset's (one permutation from rng); the scaling is fitted on the
    # training split alone, so no test value leaks into it.
    s = read_shipped(name)
    k = len(s.target_names)
    Y = encode_targets(s.labels, k, loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(s.X, Y, s.labels, test_fraction, rng)
    Xtr, Xte = prepare_inputs(name, Xtr, Xte)
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, k, list(s.feature_names),
                   list(s.target_names), image_shape=s.image_shape)


def input_count(name: str, n_inputs: int) -> int | None:
    """How many inputs dataset ``name`` has before features (``n_inputs`` for tutorial); None when only its
    file can tell (csv, drawn)."""
    if name == "tutorial":
        return n_inputs
    if name in READERS:
        return read_shipped(name).X.shape[0]
    return len(RECIPES[name].inputs) if name in RECIPES else None


def with_features(data: Dataset, features) -> Dataset:
    """``data`` with the network's inputs computed from its raw 2-D points by ``features`` (names from
    engine/features.py; None or empty: the raw points). Features already on ``data`` are replaced, not
    stacked, so a view can switch them on the same points."""
    features = FEATURE_LIST.check("features", features)
    if features == data.features:
        return data
    P_train, P_test = data.plane_X_train, data.plane_X_test
    if not features:
        return dataclasses.replace(data, X_train=P_train, X_test=P_test, feature_names=["x1", "x2"],
                                   features=(), raw_X_train=None, raw_X_test=None)
    check_plane(features, P_train.shape[0], data.name)
    return dataclasses.replace(data, X_train=apply_features(features, P_train),
                               X_test=apply_features(features, P_test), feature_names=list(features),
                               features=features, raw_X_train=P_train, raw_X_test=P_test)


# --- drawn data: points a person placed on the plane ------------------------------------------------

MAX_DRAWN = 10_000  # a run file's header holds the points (engine/config.py DRAWN); this keeps it < 1 MB
TASK = OneOf(("classification", "regression"))


def _points_arrays(points, values, task: str, where: str = ""):
    """(X (d, n) float64, labels (n,) int64 or Y (k, n) float64) from rows of points (n, d), d 1 or 2,
    and their class labels (n,) or targets (n,) / (n, k); ``where`` prefixes the field names."""
    try:
        P = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}points", points, "rows of 1 or 2 numbers, one row per point") from None
    if P.ndim != 2 or P.shape[1] not in (1, 2) or not 1 <= P.shape[0] <= MAX_DRAWN:
        raise ConfigError(f"{where}points", f"array of shape {P.shape}",
                          f"(n, 1) or (n, 2) with 1 <= n <= {MAX_DRAWN:,}")
    if not np.isfinite(P).all():
        raise ConfigError(f"{where}points", "NaN or inf", "finite coordinates")
    n = P.shape[0]
    if task == "classification":
        labels = np.asarray(values)
        if labels.shape != (n,) or not (np.issubdtype(labels.dtype, np.integer) and labels.min() >= 0):
            raise ConfigError(f"{where}labels", f"array of shape {labels.shape} and dtype {labels.dtype}",
                              f"{n} class indices >= 0, one per point")
        return P.T, labels.astype(np.int64)
    try:
        Y = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}targets", values, "one number (or row of numbers) per point") from None
    if Y.shape[:1] != (n,) or Y.ndim not in (1, 2) or Y.size == 0 or not np.isfinite(Y).all():
        raise ConfigError(f"{where}targets", f"array of shape {Y.shape}", f"(n,) or (n, k) finite targets, n = {n}")
    return P.T, Y.reshape(n, -1).T


def dataset_from_points(points, values, task: str, test_fraction: float, rng: np.random.RandomState, *,
                        loss: str = "mse", n_classes: int | None = None, name: str = "drawn",
                        class_names: list | None = None) -> Dataset:
    """A dataset of drawn points, split like every other with ``rng``.

    points (n, d), d 1 or 2 (the plane, or x of a 1-D regression); values: classification, class labels
    (n,) int, with ``n_classes`` classes (None: the largest label + 1, at least 2); regression, targets
    (n,) or (n, k) (a 1-D drawing clicks (x, y): points (n, 1) and targets (n,)). ``class_names``: the classes'
    names (a drawing over a dataset keeps its: "same sign", "opposite sign"), else "class 0", "class 1", ...
    """
    task = TASK.check("task", task)
    rng = check_rng(rng)
    test_fraction = DATASET_CONSTRAINTS["test_fraction"].check("test_fraction", test_fraction)
    loss = DATASET_CONSTRAINTS["loss"].check("loss", loss)
    X, values = _points_arrays(points, values, task)
    inputs = ["x1", "x2"] if X.shape[0] == 2 else ["x"]
    if task == "regression":
        check_regression_loss(loss, values, "the drawn points")
        Xtr, Ytr, _, Xte, Yte, _ = train_test_split(X, values, None, test_fraction, rng)
        names = ["y"] if values.shape[0] == 1 else [f"y{i + 1}" for i in range(values.shape[0])]
        return Dataset(name, "regression", Xtr, Ytr, Xte, Yte, None, None, None, inputs, names)
    k = max(2, int(values.max()) + 1, len(class_names or ())) if n_classes is None else n_classes
    Y = encode_targets(values, k, loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, values, test_fraction, rng)
    names = list(class_names) if class_names and len(class_names) == k else [f"class {c}" for c in range(k)]
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, k, inputs, names)


class DrawnPoints:
    """A constraint for the config's ``drawn`` field: {"points": [[x1, x2], ...], "labels": [c, ...]} for
    classification or {"points": [[x], ...], "targets": [y, ...]} for regression. ``check`` returns the
    same with plain floats and ints, so the config round-trips through JSON exactly."""

    def describe(self) -> str:
        return ('{"points": rows of 1 or 2 numbers, and "labels" (class per point, and optionally "names" of '
                f'the classes) or "targets" (number per point)}}, at most {MAX_DRAWN:,} points')

    @staticmethod
    def task(drawn: dict) -> str:
        return "classification" if "labels" in drawn else "regression"

    def check(self, field: str, value) -> dict:
        if not isinstance(value, dict) or "points" not in value or len(set(value) & {"labels", "targets"}) != 1 \
                or set(value) - {"points", "labels", "targets", "names"} or ("names" in value and "labels" not in value):
            raise ConfigError(field, value if not isinstance(value, dict) else sorted(value), self.describe())
        task = self.task(value)
        X, values = _points_arrays(value["points"], value.get("labels", value.get("targets")), task, field + ".")
        if task == "classification":
            checked = {"points": X.T.tolist(), "labels": values.tolist()}
            if "names" in value:
                names = value["names"]
                if not (isinstance(names, list) and 2 <= len(names) <= 4096 and values.max() < len(names)
                        and all(isinstance(s, str) and len(s) <= 120 for s in names)):
                    raise ConfigError(f"{field}.names", names, "a list of 2 or more class names (at most 120 "
                                                               "characters each), one for every class drawn")
                checked["names"] = list(names)
            return checked
        return {"points": X.T.tolist(), "targets": values.T.tolist() if values.shape[0] > 1 else values[0].tolist()}


DRAWN = DrawnPoints()
