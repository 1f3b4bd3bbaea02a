"""The data-drawing part of an exported training script (engine/script_export.py).

A training script reproduces a run from its seed, so it must draw the dataset exactly as
``engine.config.build`` does, value for value and draw for draw: the weights come from the same generator
right after. The built-in generators (``engine.generators._xor`` and the rest) are copied into the script
from their own source with ``inspect.getsource``, so the script and the engine cannot drift apart; the
encoding and the train/test split are written out here in a few lines (their engine versions validate
arguments the script has no use for; the tests run the script and compare the final loss bit for bit).

A CSV file, a shipped dataset (iris, digits) or drawn points cannot be drawn again from the seed: their
training split travels in the weights file (``travels``), and the script draws the one permutation the
split took, so the generator reaches the same state. Input features (engine/features.py) on a generated
dataset are computed in the script from its raw points, one line per feature (``FEATURE_CODE``).
"""
from __future__ import annotations

import inspect

from . import generators
from .generators import DEFAULT_CLASSES, RECIPES, VARIABLE_CLASSES

ENCODE = '''\
def encode_targets(labels, n_classes, one_hot):
    """Class labels (n,) -> one-hot targets (n_classes, n), or (1, n) of 0.0 / 1.0 for one output."""
    if one_hot:
        Y = np.zeros((n_classes, labels.shape[0]))
        Y[labels, np.arange(labels.shape[0])] = 1.0
        return Y
    return labels.astype(np.float64).reshape(1, -1)
'''

SPLIT = '''\
def train_split(X, Y, test_fraction, rng):
    """Shuffle the n columns; the first round(n * (1 - test_fraction)) are the training set."""
    n = X.shape[1]
    order = rng.permutation(n)
    n_train = min(n, max(1, int(round(n * (1.0 - test_fraction)))))
    return X[:, order[:n_train]], Y[:, order[:n_train]]
'''


# engine/features.py's FEATURES as the script writes them, on the raw points P (2, n); the bit-for-bit test
# with every feature on holds each equal to the engine's
FEATURE_CODE = {"x1": "P[0]", "x2": "P[1]", "x1^2": "P[0] ** 2", "x2^2": "P[1] ** 2", "x1*x2": "P[0] * P[1]",
                "sin(x1)": "np.sin(P[0])", "sin(x2)": "np.sin(P[1])"}


def travels(config) -> bool:
    """True when the script cannot draw the dataset from the seed (a CSV file, a shipped dataset, drawn
    points): its training inputs and targets go in the weights file as ``x_train`` and ``y_train``."""
    return config.dataset != "tutorial" and (config.dataset not in RECIPES or config.data_seed is not None)


def _features(features: tuple) -> list[str]:
    """Statements turning the raw points x_train (2, n) into the network's inputs, as with_features does."""
    if not features:
        return []
    rows = ", ".join(FEATURE_CODE[f] for f in features)
    return [f"# the input features {', '.join(features)}, from the raw points",
            "P = x_train", f"x_train = np.vstack([{rows}])"]


def data_code(config, data) -> tuple[list[str], list[str]]:
    """(definitions, statements) that leave ``x_train`` (n_0, n_train) and ``y_train`` (n_L, n_train),
    float64, in the script, drawn from ``rng`` as ``engine.config.make_data`` draws them."""
    name = config.dataset
    if name == "tutorial":
        return [], [f"x_train = rng.randint(1, 100, size=({config.layers[0]}, 1)) / 100  # x",
                    f"y_train = rng.randint(1, 100, size=({config.layers[-1]}, 1)) / 100  # y"]
    if travels(config) and name not in RECIPES:
        n = data.n_train + data.n_test
        where = {"csv": "a CSV file", "drawn": "points drawn on the plane"}.get(name, f"the shipped '{name}' file")
        return [], [f"# The data come from {where}, kept in the weights file: draw the split's permutation",
                    "# so that the generator is where the engine left it before the weights.",
                    f"rng.permutation({n})",
                    "x_train, y_train = weights['x_train'], weights['y_train']"]
    recipe = RECIPES[name]
    make = recipe.make
    defs = [inspect.getsource(make)]
    source = defs[0]
    if "_class_counts" in source:
        defs.insert(0, inspect.getsource(generators._class_counts))
    if "SPIRAL_TURNS" in source:
        defs.insert(0, f"SPIRAL_TURNS = {generators.SPIRAL_TURNS!r}\n")
    n = recipe.n_samples if config.n_samples is None else config.n_samples
    noise = recipe.noise if config.noise is None else config.noise
    defs.append(SPLIT)
    if recipe.task == "regression":
        draw = [f"X, Y = {make.__name__}(rng, {n}, {noise!r}, None)"]
    else:
        k = config.n_classes if (config.n_classes is not None and name in VARIABLE_CLASSES) else DEFAULT_CLASSES[name]
        defs.append(ENCODE)
        draw = [f"X, labels = {make.__name__}(rng, {n}, {noise!r}, {k})",
                f"Y = encode_targets(labels, {k}, one_hot={config.loss == 'cce' or k > 2})"]
    lines = [f"# the '{name}' dataset: {n} samples, noise {noise!r}", *draw,
             f"x_train, y_train = train_split(X, Y, {config.test_fraction!r}, rng)", *_features(config.features)]
    if config.data_seed is not None:  # drawn from the seed all the same: the weights follow the same draws
        lines += [f"# the run trains on data drawn from its data seed {config.data_seed} (Regenerate), kept in the "
                  "weights file", "x_train, y_train = weights['x_train'], weights['y_train']"]
    return defs, lines
