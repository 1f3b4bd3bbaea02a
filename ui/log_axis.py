"""One axis class for every logarithmic axis (the loss plot, the health view's norms): labels on the
decades only, so the minor ticks 0.09, 0.08, ... of pyqtgraph's log axis never pile up.

Values reach the axis as log10(v). Ticks come in two levels: labelled (decades; 2 and 5 x 10^k as
well when fewer than two decades are in view and there is room; on a view narrower than the steps
between those, round values a round step apart: 0.4, 0.5, 0.6, never 0.398, 0.501, 0.631) and unlabelled
minor ticks with their grid lines.

An axis writes all its labels one way: plainly (0.01, 0.25) when every one is between 0.001 and 1000, else
every one as a power of ten (10⁻², 10⁻⁴, 2·10⁻⁶), never "0.0001" beside "10⁻⁶".
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

LABEL_PX = 24  # least distance between two labels along the axis (a line of 9 pt text and a gap)
PLAIN = (1e-3, 1e3)  # labels all in [low, high) are written plainly, else all as powers of ten
_LOG_2, _LOG_5 = math.log10(2.0), math.log10(5.0)
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class LogAxis(pg.AxisItem):
    """A pg.AxisItem that labels a log axis readably. Use it in place of the default left axis and
    switch log mode on as usual (setLogMode / PlotItem.setLogMode)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        """[(spacing, labelled log10 values), (None, unlabelled minor values)] (see the module)."""
        span = max(maxVal - minVal, 1e-12)
        px_per_decade = size / span

        def readable(values):  # pyqtgraph drops a label that would stick out past either end
            margin = LABEL_PX / 2 / px_per_decade
            return sum(minVal + margin <= v <= maxVal - margin for v in values) >= 2

        coarse = [(s, v) for s, v in stdTicks if s >= 1.0]  # whole decades, thinned for a long axis
        decades = (coarse[0][0], list(coarse[0][1])) if coarse else (1.0, [])
        spacing, labelled = decades
        if not readable(labelled) and px_per_decade * _LOG_2 >= LABEL_PX:
            labelled = [v + m for v in range(math.floor(minVal), math.ceil(maxVal) + 1)
                        for m in (0.0, _LOG_2, _LOG_5) if minVal <= v + m <= maxVal]
            spacing = _LOG_2
        if not readable(labelled):  # less than a 1-2-5 step in view: round values a round step apart
            round_values = _round_steps(minVal, maxVal, px_per_decade, readable)
            if round_values is not None:
                spacing, labelled = round_values
        if not readable(labelled):
            spacing, labelled = decades  # an axis too short for two labels: what fits, never on top of each other
        minor = [x for _, v in coarse[1:] for x in v]  # the decades between the labelled ones
        if px_per_decade >= LABEL_PX / 2:  # the 2..9 x 10^k lines, unless a decade is too short for them
            minor += [v + math.log10(m) for v in range(math.floor(minVal), math.ceil(maxVal))
                      for m in range(2, 10) if minVal < v + math.log10(m) < maxVal]
        minor = [x for x in minor if not np.isclose(labelled, x, atol=1e-9).any()]
        return [(spacing, labelled), (None, minor)]

    def logTickStrings(self, values, scale, spacing):
        if spacing is None:
            return [""] * len(values)  # the minor level
        xs = [10.0 ** v * scale for v in values]
        plain = all(PLAIN[0] * (1 - 1e-9) <= x < PLAIN[1] for x in xs)
        return [_plain(x) if plain else _power(x) for x in xs]


def _round_steps(lo: float, hi: float, px_per_decade: float, readable) -> tuple[float, list[float]] | None:
    """(step, log10 values): the multiples of the smallest 1-2-5 step between 10^lo and 10^hi whose labels stay
    LABEL_PX apart and are readable. On an axis too short for that (the log scale crowds the top), the
    coarsest step's multiples thinned from the top down until they are apart. None if neither gives two."""
    a, b = 10.0 ** lo, 10.0 ** hi
    top = math.floor(math.log10(b - a)) if b > a else math.floor(lo)
    steps = [m * 10.0 ** k for k in range(top - 3, top + 1) for m in (1.0, 2.0, 5.0)]
    candidates = []
    for step in steps:
        values = np.arange(math.ceil(a / step - 1e-9), math.floor(b / step + 1e-9) + 1) * step
        values = values[values > 0]
        if len(values) < 2:
            break  # larger steps only give fewer
        logs = np.log10(values)
        if np.diff(logs).min() * px_per_decade >= LABEL_PX and readable(logs):
            return step, [float(v) for v in logs]
        candidates.append((step, logs))
    margin = LABEL_PX / 2 / px_per_decade
    for step, logs in reversed(candidates):
        kept = []
        for v in logs[::-1]:  # from the top, where the labels crowd
            if lo + margin <= v <= hi - margin and (not kept or (kept[-1] - v) * px_per_decade >= LABEL_PX):
                kept.append(float(v))
        if len(kept) >= 2:
            return step, kept[::-1]
    return None


def _plain(x: float) -> str:
    """0.05, 0.0713, 2e-05: three significant digits, so that close values stay apart."""
    return f"{x:.3g}"


def _power(x: float) -> str:
    """10⁻⁶, 2·10⁻⁵, 1.25·10⁻⁵: the mantissa to three significant digits, as pyqtgraph writes a decade."""
    if not x > 0 or not math.isfinite(x):
        return _plain(x)
    exponent = math.floor(math.log10(x))
    mantissa = float(f"{x / 10.0 ** exponent:.3g}")
    if mantissa >= 10:  # 9.996 rounds up to the next decade
        mantissa, exponent = mantissa / 10, exponent + 1
    head = "" if mantissa == 1 else f"{mantissa:g}·"
    return f"{head}10{str(exponent).translate(_SUPERSCRIPT)}"


def label_strings(axis: pg.AxisItem, lo: float, hi: float, size: float) -> list[str]:
    """The non-empty tick labels `axis` draws for a view from lo to hi (log10 values) over `size` px
    (for tests and tools: what a user reads on the axis)."""
    labels = []
    for spacing, values in axis.tickValues(lo, hi, size):
        labels += [s for s in axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing) if s]
    return labels
