"""Input features for 2-D datasets: what the network sees instead of the raw point (x1, x2).

TensorFlow Playground's set: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2). A network with x1^2 and x2^2
among its inputs separates the circles dataset with no hidden layer, because the disk and the ring are
split by a straight line in (x1^2, x2^2). The points themselves stay 2-D: the dataset keeps them, and
views that draw over the plane map their grid through ``apply_features`` to get the network's inputs.

A list of features is a set: ``FeatureList.check`` returns it in this table's order, so toggling x2 on
before x1 gives the same input layer as the other way round.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import ConfigError

# name -> P (2, n) -> (n,)
FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda P: P[0],
    "x2": lambda P: P[1],
    "x1^2": lambda P: P[0] ** 2,
    "x2^2": lambda P: P[1] ** 2,
    "x1*x2": lambda P: P[0] * P[1],
    "sin(x1)": lambda P: np.sin(P[0]),
    "sin(x2)": lambda P: np.sin(P[1]),
}
FEATURE_NAMES = tuple(FEATURES)
PLANE_DIMS = 2  # features are defined over the plane (x1, x2) only


class FeatureList:
    """A constraint for the ``features`` field: None or a list of distinct names from FEATURES.

    ``check`` returns a tuple in FEATURE_NAMES order; None and [] both mean the raw inputs, ().
    A string is taken as a comma-separated list ("x1,x2,x1^2"), as the CLI writes it.
    """

    def describe(self) -> str:
        return "a list of distinct input features from " + ", ".join(FEATURE_NAMES) + " (or none: the raw inputs)"

    def check(self, field: str, value) -> tuple:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")] if value.strip() else []
        if not isinstance(value, (list, tuple)):
            raise ConfigError(field, value, self.describe())
        for name in value:
            if name not in FEATURES:
                raise ConfigError(field, name, "one of " + ", ".join(FEATURE_NAMES))
        repeated = [name for name in FEATURE_NAMES if list(value).count(name) > 1]
        if repeated:
            raise ConfigError(field, repeated[0], "each feature at most once")
        return tuple(name for name in FEATURE_NAMES if name in value)


FEATURE_LIST = FeatureList()


def check_plane(features: tuple, n_inputs: int, dataset: str) -> None:
    """Refuse features on a dataset whose inputs are not the 2-D plane."""
    if features and n_inputs != PLANE_DIMS:
        raise ConfigError("features", list(features),
                          f"no features with dataset '{dataset}': input features need 2-D inputs (x1, x2), "
                          f"and it has {n_inputs}")


def apply_features(features: tuple, P: np.ndarray) -> np.ndarray:
    """The network's inputs (len(features), n) for raw points P (2, n); P itself for no features.

    ``features`` must already be checked (FEATURE_LIST.check): it is used as given.
    """
    P = np.asarray(P, dtype=np.float64)
    if not features:
        return P
    if P.ndim != 2 or P.shape[0] != PLANE_DIMS:
        raise ConfigError("points", f"array of shape {P.shape}", "raw points of shape (2, n)")
    return np.vstack([FEATURES[name](P) for name in features])
