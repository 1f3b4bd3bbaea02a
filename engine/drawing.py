"""Drawing your own data: a dataset's points as the config's ``drawn`` field, and that field with one point
added or the nearest one removed (what a click and a right-click in the Output view ask for).

``drawn`` is {"points": [[x1, x2], ...], "labels": [c, ...]} (classification) or {"points": [[x], ...],
"targets": [y, ...]} (1-D regression), as engine/datasets.py ``DrawnPoints`` checks it. The first drawing
starts from the dataset on screen: its train and test points, raw (before any input features).
"""
from __future__ import annotations

import numpy as np

from .datasets import DRAWN
from .validation import ConfigError


def drawn_from(dataset) -> dict:
    """The ``drawn`` field holding every point of ``dataset`` (train, then test), raw, with its class or target.
    A classification over the plane or a 1-D regression with one target; anything else is refused."""
    P = np.hstack([dataset.plane_X_train, dataset.plane_X_test])  # (d, n)
    if dataset.task == "classification" and P.shape[0] == 2:
        labels = np.concatenate([dataset.labels_train, dataset.labels_test])
        return DRAWN.check("drawn", {"points": P.T.tolist(), "labels": labels.tolist(),
                                     "names": list(dataset.target_names)})
    if dataset.task == "regression" and P.shape[0] == 1 and dataset.n_outputs == 1:
        y = np.concatenate([dataset.Y_train[0], dataset.Y_test[0]])
        return DRAWN.check("drawn", {"points": P.T.tolist(), "targets": y.tolist()})
    raise ConfigError("dataset", dataset.name, "a 2-D classification or a 1-D regression to draw points into")


def with_point(drawn: dict, point, value) -> dict:
    """``drawn`` with ``point`` (x1, x2) of class ``value``, or (x,) with target ``value``, added at the end."""
    key = "labels" if "labels" in drawn else "targets"
    return DRAWN.check("drawn", {**drawn, "points": drawn["points"] + [list(map(float, point))],
                                 key: drawn[key] + [value]})


def without_nearest(drawn: dict, point, scale=(1.0, 1.0)) -> dict:
    """``drawn`` without the point nearest ``point``, distances measured in units of ``scale`` per axis (a
    view passes its pixel size, so "nearest" is what looks nearest). The last point is never removed: a
    dataset needs one."""
    key = "labels" if "labels" in drawn else "targets"
    if len(drawn["points"]) <= 1:
        raise ConfigError("drawn", "removing the last point", "at least one point in a drawn dataset")
    if key == "targets":  # a 1-D drawing is drawn as (x, y): nearest in the plane of the curve
        P = np.column_stack([np.asarray(drawn["points"], float)[:, 0], np.asarray(drawn["targets"], float)])
    else:
        P = np.asarray(drawn["points"], float)
    d = np.hypot(*((P - np.asarray(point, float)[:2]) / np.asarray(scale, float)).T)
    k = int(np.argmin(d))
    return {**drawn, "points": drawn["points"][:k] + drawn["points"][k + 1:], key: drawn[key][:k] + drawn[key][k + 1:]}
