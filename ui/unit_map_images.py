"""Colours for unit maps: one unit's activation over the input plane as an RGB image, in the Output view's
colours, so a map reads like the Output plane.

A sigmoid unit is coloured exactly as the Output view colours one sigmoid output (class 1's colour where
a >= 0.5, brighter the nearer a is to 0 or 1); any other unit by the sign of its activation around 0 (tanh:
over [-1, 1]; unbounded ones over the map's own largest |a|); a softmax unit k by its probability, in class
k's colour.
"""
from __future__ import annotations

import numpy as np

from ui.output_view import CLASS_COLORS

DARK, SPAN = 0.12, 0.58  # the Output view's levels: dark where unsure, at most 70% of the colour


def unit_images(maps: np.ndarray, activation: str | None, res: int) -> np.ndarray:
    """(n, res, res, 3) uint8 images of a layer's maps (n, res * res) (pixel [r, c] at (xs[c], ys[r]));
    ``activation`` the layer's activation name (None: the network's inputs)."""
    a = np.nan_to_num(np.asarray(maps, dtype=np.float64).reshape(-1, res, res))
    n = a.shape[0]
    if activation == "softmax":
        level = DARK + SPAN * np.clip(a, 0.0, 1.0)
        colors = CLASS_COLORS[np.arange(n) % len(CLASS_COLORS)][:, None, None, :]
        return (colors * level[..., None]).astype(np.uint8)
    if activation == "sigmoid":
        t = 2.0 * a - 1.0
    elif activation == "tanh":
        t = a
    else:
        scale = np.abs(a).reshape(n, -1).max(axis=1) if a.size else np.ones(n)
        t = a / np.where(scale > 0, scale, 1.0)[:, None, None]
    level = DARK + SPAN * np.clip(np.abs(t), 0.0, 1.0)
    colors = np.where((t >= 0)[..., None], CLASS_COLORS[1], CLASS_COLORS[0])
    return (colors * level[..., None]).astype(np.uint8)


def unit_name(column: int, unit: int, activations, feature_names) -> str:
    """"x1" for an input, "a2[3] (hidden layer 2, tanh)", "a3[0] (output, sigmoid)"."""
    if column == 0:
        return feature_names[unit] if unit < len(feature_names) else f"x[{unit}]"
    where = "output" if column == len(activations) else f"hidden layer {column}"
    return f"a{column}[{unit}] ({where}, {activations[column - 1]})"
