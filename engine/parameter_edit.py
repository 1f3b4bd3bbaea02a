"""A weight or bias set by hand: its name and the one check every way in shares (the controller's
``set_parameter``, the weight dialog, the inspector's field), so each says the same line about a bad value.

A parameter is named as the tutorial writes it: ``w2[1, 3]`` (kind "w", 1-based layer, row i = the unit fed,
column j = the unit feeding it) or ``b2[1]`` (kind "b").
"""
from __future__ import annotations

import math
import re

from engine.network import has_parameter
from engine.validation import shown

MAX_SET_VALUE = 1e6  # a weight typed by hand: beyond this, every unit it feeds saturates or overflows


def parameter_name(kind: str, layer: int, i: int, j: int | None = None) -> str:
    """'w2[1, 3]' for kind "w", 'b2[1]' for kind "b"."""
    return f"w{layer}[{i}, {j}]" if kind == "w" else f"b{layer}[{i}]"


_NAME = re.compile(r"([wb])(\d+)\[(\d+)(?:, (\d+))?\]")


def parse_parameter_name(name: str) -> tuple:
    """The inverse of ``parameter_name``: 'w2[1, 3]' -> ("w", 2, 1, 3), 'b2[1]' -> ("b", 2, 1)."""
    match = _NAME.fullmatch(name)
    if match is None or (match[1] == "w") != (match[4] is not None):
        raise ValueError(f"{name!r} is not a parameter's name; expected e.g. 'w2[1, 3]' or 'b2[1]'")
    kind, layer, i, j = match[1], int(match[2]), int(match[3]), match[4]
    return (kind, layer, i, int(j)) if kind == "w" else (kind, layer, i)


def as_number(value) -> float | None:
    """``value`` (a number, or text as typed: surrounding spaces allowed) as a float, None if it is none."""
    try:
        return float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        return None


def value_problem(name: str, value) -> str | None:
    """One line saying why ``value`` cannot be given to parameter ``name``, None when it can: it must be a
    finite number within +-MAX_SET_VALUE."""
    number = as_number(value)
    if number is not None and math.isfinite(number) and abs(number) <= MAX_SET_VALUE:
        return None
    return (f"{name}: {shown(str(value))} is not allowed; expected a finite number within "
            f"+-{MAX_SET_VALUE:g}")


def parameter_problem(sizes, kind: str, layer: int, i: int, j: int | None, value) -> str | None:
    """``value_problem`` for w_layer[i, j] / b_layer[i] of a network of ``sizes`` (units per layer, inputs
    first), after checking the network has that parameter at all."""
    name = parameter_name(kind, layer, i, j)
    if kind not in ("w", "b") or not has_parameter(sizes, kind, layer, i, j or 0):
        return f"{name}: the network {'-'.join(map(str, sizes))} has no such parameter"
    return value_problem(name, value)
