"""A curve that grows by appending, for runs of any length: amortised-doubling buffers for x, y and log10 y, and
the y bounds of what is in view."""
from __future__ import annotations

import numpy as np


class GrowingCurve:
    """Epochs and losses in buffers that double when full, so appending k points costs O(k)
    amortised and the views handed to setData never copy the history.

    x is int64 on purpose: pyqtgraph then knows it is finite and skips an isfinite pass and a
    boolean-indexed copy of the whole array on every setData (~9 ms at a million points).
    log_y keeps log10(loss) for the new points only (NaN for a loss <= 0, which has no place on
    a log axis), instead of pyqtgraph taking log10 of the whole history on every setData.
    The finite min and max of y and of log_y are kept the same way, so the view can follow the
    data without pyqtgraph's auto-range measuring the curves (and repainting) on every frame.
    """

    def __init__(self, capacity: int = 1024):
        self._x = np.empty(capacity, dtype=np.int64)
        self._y = np.empty(capacity)
        self._log_y = np.empty(capacity)
        self.n = 0
        self._lo = np.array([np.nan, np.nan])  # finite min of (y, log_y); NaN: none yet
        self._hi = np.array([np.nan, np.nan])

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """x: (k,) integer epochs, increasing; y: (k,) losses."""
        k = len(y)
        if self.n + k > len(self._x):
            capacity = max(2 * len(self._x), self.n + k)
            for name in ("_x", "_y", "_log_y"):
                old = getattr(self, name)
                grown = np.empty(capacity, dtype=old.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
        end = self.n + k
        self._x[self.n : end] = x
        self._y[self.n : end] = y
        log_y = self._log_y[self.n : end]
        with np.errstate(divide="ignore", invalid="ignore"):  # log10(0) and log10(<0) are expected
            np.log10(y, out=log_y)
        log_y[~np.isfinite(log_y)] = np.nan  # -inf would stretch the view to infinity
        self.n = end
        if k:
            finite_y = np.where(np.isfinite(y), y, np.nan)  # a diverged run's inf has no place either
            for i, new in enumerate((finite_y, log_y)):
                # fmin/fmax skip NaN, and an all-NaN chunk leaves NaN, without a warning
                self._lo[i] = np.fmin(self._lo[i], np.fmin.reduce(new))
                self._hi[i] = np.fmax(self._hi[i], np.fmax.reduce(new))

    def y_bounds(self, log: bool) -> tuple[float, float] | None:
        """(min, max) over the finite y (or log10 y) so far; None when there is none."""
        i = 1 if log else 0
        lo, hi = float(self._lo[i]), float(self._hi[i])
        return None if np.isnan(lo) else (lo, hi)

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.n]

    @property
    def log_y(self) -> np.ndarray:
        return self._log_y[: self.n]
