"""The real datasets shipped in resources/data/ (UCI Iris and Optical Recognition of Handwritten Digits),
read from their files: no download, ever. Source, citation and licence: resources/data/README.md.

``resources`` is a plain package (no Qt), so the engine may find its files through it.
"""
from __future__ import annotations

import csv
import functools
import gzip
from typing import NamedTuple

import numpy as np

import resources


class Shipped(NamedTuple):
    """One shipped dataset as read. X (n_features, n) float64 as in the file; labels (n,) int64."""

    X: np.ndarray
    labels: np.ndarray
    feature_names: list[str]
    target_names: list[str]
    image_shape: tuple | None  # (rows, cols) when each column of X is an image read row by row


IRIS_SPECIES = ["setosa", "versicolor", "virginica"]
DIGIT_SHAPE = (8, 8)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # the cache hands out the same arrays to every caller
    return a


@functools.lru_cache(maxsize=None)
def _iris() -> Shipped:
    with resources.path("data", "iris.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    X = np.array([[float(v) for v in row[:4]] for row in body]).T
    labels = np.array([IRIS_SPECIES.index(row[4]) for row in body], dtype=np.int64)
    return Shipped(_frozen(X), _frozen(labels), header[:4], list(IRIS_SPECIES), None)


@functools.lru_cache(maxsize=None)
def _digits() -> Shipped:
    with gzip.open(resources.path("data", "digits.csv.gz"), "rt", encoding="utf-8") as f:
        header = f.readline().strip().split(",")
        table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
    X = table[:, :-1].T.astype(np.float64)
    return Shipped(_frozen(X), _frozen(table[:, -1].copy()), header[:-1], [str(d) for d in range(10)],
                   DIGIT_SHAPE)


READERS = {"iris": _iris, "digits": _digits}


def read_shipped(name: str) -> Shipped:
    """The dataset ``name`` (a key of READERS) as its file holds it, read once per process."""
    return READERS[name]()


def prepare_inputs(name: str, X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The network's inputs from the split file values (n_features, n): digits' pixel counts 0..16 to
    [0, 1] (a tile of weights then reads like the image), iris standardised with the training split's
    mean and std (its four measurements span different ranges, petal width 0.1-2.5 cm, sepal length
    4.3-7.9 cm)."""
    if name == "digits":
        return X_train / 16.0, X_test / 16.0
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    std[std == 0] = 1.0  # a constant input stays 0 rather than becoming nan
    return (X_train - mean) / std, (X_test - mean) / std
