"""Colours for unit maps: one unit's activation over the input plane as an RGB image, in the Output view's
colours, so a map reads like the Output plane; and the scale and legend that say what those colours mean.

A sigmoid unit is coloured exactly as the Output view colours one sigmoid output (class 1's colour where
a >= 0.5, brighter the nearer a is to 0 or 1); any other unit by the sign of its activation around 0 (tanh:
over [-1, 1]; unbounded ones over the map's own largest |a|); a softmax unit k by its probability, in class
k's colour.
"""
from __future__ import annotations

import numpy as np

from ui.output_view import CLASS_COLORS

DARK, SPAN = 0.12, 0.58  # the Output view's levels: dark where unsure, at most 70% of the colour
BOUNDED = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def value_range(a: np.ndarray, activation: str | None) -> tuple[float, float]:
    """The activations at the two ends of the colour scale of a map ``a`` (any shape): the bounded activations'
    own range, else (-m, m) with m the map's largest |a| (an input's, a relu's, a linear unit's)."""
    if activation in BOUNDED:
        return BOUNDED[activation]
    finite = np.abs(np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0))
    m = float(finite.max()) if finite.size else 0.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def colors_of(a: np.ndarray, activation: str | None, unit=0, scale=1.0) -> np.ndarray:
    """uint8 (..., 3) colours of activations ``a`` (any shape) of unit ``unit`` (its class, for softmax);
    ``scale`` the |a| at full colour for the unbounded activations (both may be arrays broadcasting with ``a``
    over its leading axes, one per map)."""
    a = np.nan_to_num(np.asarray(a, dtype=np.float64))
    if activation == "softmax":
        level = DARK + SPAN * np.clip(a, 0.0, 1.0)
        return (CLASS_COLORS[np.asarray(unit) % len(CLASS_COLORS)] * level[..., None]).astype(np.uint8)
    if activation == "sigmoid":
        t = 2.0 * a - 1.0
    elif activation == "tanh":
        t = a
    else:
        scale = np.asarray(scale, dtype=np.float64)
        t = a / np.where(scale > 0, scale, 1.0)
    level = DARK + SPAN * np.clip(np.abs(t), 0.0, 1.0)
    colors = np.where((t >= 0)[..., None], CLASS_COLORS[1], CLASS_COLORS[0])
    return (colors * level[..., None]).astype(np.uint8)


LUT_STEPS = 256  # levels of each sign in a map's colour table: within one level of a uint8 channel
SIGNED_COLORS = None  # (2 * LUT_STEPS, 3) uint8, built on first use: see unit_images


def unit_images(maps: np.ndarray, activation: str | None, res: int, units=None) -> np.ndarray:
    """(n, res, res, 3) uint8 images of a layer's maps (n, res * res) (pixel [r, c] at (xs[c], ys[r]));
    ``activation`` the layer's activation name (None: the network's inputs); ``units`` (n,) the units' indices
    in their layer (a softmax unit's colour is its class's; default 0 .. n-1).

    colors_of's colours, looked up in a table instead of computed per pixel (the graph colours about 100 maps
    of 2,500 pixels a frame; a fifth of the time): each sign's colour, within one level a channel."""
    global SIGNED_COLORS
    a = np.nan_to_num(np.asarray(maps, dtype=np.float64).reshape(-1, res, res))
    n = a.shape[0]
    units = np.arange(n) if units is None else np.asarray(units, dtype=np.int64).reshape(-1)
    if activation == "softmax":
        return colors_of(a, activation, units[:, None, None])
    if activation == "sigmoid":
        t = 2.0 * a - 1.0
    elif activation == "tanh":
        t = a
    else:  # each map over its own largest |a|
        scale = np.abs(a).reshape(n, -1).max(axis=1) if a.size else np.ones(n)
        t = a / np.where(scale > 0, scale, 1.0)[:, None, None]
    k = LUT_STEPS
    if SIGNED_COLORS is None:  # entry i: t in [i / k - 1, (i + 1) / k - 1), coloured at its end farther from 0
        i = np.arange(2 * k)
        SIGNED_COLORS = colors_of(np.where(i < k, i / k - 1.0, (i + 1) / k - 1.0), "tanh")
    index = ((np.clip(t, -1.0, 1.0) + 1.0) * k).astype(np.intp)  # >= 0: truncation is floor
    np.minimum(index, 2 * k - 1, out=index)  # (t = 1)
    return np.take(SIGNED_COLORS, index, axis=0)


def scale_colors(a: np.ndarray, activation: str | None, unit: int = 0, steps: int = 64):
    """(values (steps,), colours (steps, 3) uint8): the colour scale of the map ``a`` of ``unit``, low to high."""
    lo, hi = value_range(a, activation)
    values = np.linspace(lo, hi, steps)
    return values, colors_of(values, activation, unit, max(abs(lo), abs(hi)))


def legend_entries(name: str, activation: str | None, unit: int, class_names) -> list[tuple[str, tuple]]:
    """(text, RGB) entries saying what the map's colours are: which side of 0 (or of 0.5 for a sigmoid) each
    colour is, or a softmax unit's class; ``name`` what to call the value ("a", "x1")."""
    bright = DARK + SPAN
    c0, c1 = (tuple(int(v) for v in CLASS_COLORS[k] * bright) for k in (0, 1))
    if activation == "softmax":
        cls = class_names[unit] if unit < len(class_names) else str(unit)
        color = tuple(int(v) for v in CLASS_COLORS[unit % len(CLASS_COLORS)] * bright)
        return [(f"{name} = p({cls})", color)]
    middle = "0.5" if activation == "sigmoid" else "0"
    return [(f"{name} > {middle}", c1), (f"{name} < {middle}", c0)]


def unit_label(column: int, unit: int, feature_names) -> str:
    """The short name: "x1" (an input, by its feature), "a2[3]"."""
    if column == 0:
        return feature_names[unit] if unit < len(feature_names) else f"x[{unit}]"
    return f"a{column}[{unit}]"


def unit_name(column: int, unit: int, activations, feature_names) -> str:
    """"x1 (input 0)" for an input, "a2[3] (hidden layer 2, tanh)", "a3[0] (output, sigmoid)"."""
    label = unit_label(column, unit, feature_names)
    if column == 0:
        return f"{label} (input {unit})"
    where = "output" if column == len(activations) else f"hidden layer {column}"
    return f"{label} ({where}, {activations[column - 1]})"
