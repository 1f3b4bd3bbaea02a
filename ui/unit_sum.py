"""One unit's sum for one sample, written out with its numbers: z = sum_j w[i, j] a[j] + b = ... and a = f(z),
as the graph's tooltip shows it (the tutorial's in_hidden = w.dot(x) + b, one row of it)."""
from __future__ import annotations

import numpy as np

MAX_TERMS = 6  # a 32-wide layer's sum is cut after this many terms, and says how many it left out


def factor(value: float) -> str:
    """A number in a written-out sum, bracketed when negative: 5.08×(-0.836), not 5.08×-0.836."""
    text = f"{value:.3g}"
    return f"({text})" if text.startswith("-") else text


def unit_sum_text(column: int, unit: int, w_row: np.ndarray, a_prev: np.ndarray, b: float, z: float, a: float,
                  activation: str) -> str:
    """``w_row`` (n_prev,) the unit's incoming weights, ``a_prev`` (n_prev,) the previous layer's activations
    for the sample, ``b`` its bias, ``z`` and ``a`` its sum and activation (as the forward pass computed them)."""
    prev = "x" if column == 1 else f"a{column - 1}"
    terms = [f"{factor(w)}\u00d7{factor(x)}" for w, x in zip(w_row[:MAX_TERMS], a_prev[:MAX_TERMS])]
    more = len(w_row) - MAX_TERMS
    if more > 0:
        rest = float(np.dot(w_row[MAX_TERMS:], a_prev[MAX_TERMS:]))
        terms.append(f"({more} more terms: {rest:.4g})")
    return (f"z{column}[{unit}] = sum_j w{column}[{unit}, j] {prev}[j] + b{column}[{unit}]\n"
            f"  = {' + '.join(terms)} + {factor(b)}\n  = {z:.4g}\n"
            f"a{column}[{unit}] = {activation}(z) = {a:.4g}")
