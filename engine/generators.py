"""The built-in 2-D and 1-D generators: (rng, n, noise, n_classes) -> (X (n_inputs, n), labels (n,) or
Y (n_targets, n)), and the recipe table that names them (engine/datasets.py's registry reads it).

All randomness comes from the ``rng`` passed in; see engine/datasets.py for the order of draws.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


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
    inputs: tuple = ("x1", "x2")  # the names of the rows of X


RECIPES = {
    "xor": Recipe("classification", 400, 0.05, _xor, lambda k: ["same sign", "opposite sign"]),
    "circles": Recipe("classification", 400, 0.05, _circles, lambda k: ["disk", "ring"]),
    "moons": Recipe("classification", 400, 0.1, _moons, lambda k: ["upper moon", "lower moon"]),
    "spiral": Recipe("classification", 400, 0.2, _spiral, lambda k: [f"arm {c}" for c in range(k)]),
    "blobs": Recipe("classification", 300, 0.15, _blobs, lambda k: [f"blob {c}" for c in range(k)]),
    "sine": Recipe("regression", 200, 0.1, _sine, lambda: ["sin(pi x)"], ("x",)),
}
DEFAULT_CLASSES = {"xor": 2, "circles": 2, "moons": 2, "spiral": 2, "blobs": 3}
VARIABLE_CLASSES = ("spiral", "blobs")  # the others have two classes by construction; n_classes is ignored
