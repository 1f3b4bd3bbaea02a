"""One axis class for every logarithmic axis (the loss plot, the health view's norms): labels on the
decades only, so the minor ticks 0.09, 0.08, ... of pyqtgraph's log axis never pile up.

Values reach the axis as log10(v). Ticks come in two levels: labelled (decades; 2 and 5 x 10^k as
well when fewer than two decades are in view and there is room; on a view narrower than the steps
between those, evenly spaced values) and unlabelled minor ticks with their grid lines.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

LABEL_PX = 24  # least distance between two labels along the axis (a line of 9 pt text and a gap)
_LOG_2, _LOG_5 = math.log10(2.0), math.log10(5.0)


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
        fine = [(s, v) for s, v in stdTicks if s < 1.0]
        if not readable(labelled) and fine and fine[0][0] * px_per_decade >= LABEL_PX:
            spacing, labelled = fine[0][0], list(fine[0][1])  # less than a 1-2-5 step in view: evenly spaced
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
        decades = super().logTickStrings(values, scale, spacing)  # 0.01, 10⁻⁵ as pyqtgraph writes them
        return [d if abs(v - round(v)) < 1e-9 else _plain(10.0 ** v * scale) for v, d in zip(values, decades)]


def _plain(x: float) -> str:
    """0.05, 0.0713, 2e-05: three significant digits, so that close values stay apart."""
    return f"{x:.3g}"


def label_strings(axis: pg.AxisItem, lo: float, hi: float, size: float) -> list[str]:
    """The non-empty tick labels `axis` draws for a view from lo to hi (log10 values) over `size` px
    (for tests and tools: what a user reads on the axis)."""
    labels = []
    for spacing, values in axis.tickValues(lo, hi, size):
        labels += [s for s in axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing) if s]
    return labels
