"""A growing 1-D array: amortised O(1) append, contiguous view of what was appended.

The per-step loss history uses float32: a 10,000,000-step run keeps it in 40 MB (at most 64 MB of
capacity after doubling), well under the 100 MB budget; the per-epoch records use float64.
"""
from __future__ import annotations

import numpy as np


class GrowingArray:
    def __init__(self, dtype=np.float32, capacity: int = 1024, values=None):
        self._buf = np.empty(max(int(capacity), 16), dtype)
        self._n = 0
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return self._n

    def _grow(self, need: int) -> None:
        cap = len(self._buf)
        while cap < need:
            cap *= 2
        buf = np.empty(cap, self._buf.dtype)
        buf[:self._n] = self._buf[:self._n]
        self._buf = buf

    def append(self, value: float) -> None:
        if self._n == len(self._buf):
            self._grow(self._n + 1)
        self._buf[self._n] = value
        self._n += 1

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=self._buf.dtype).ravel()
        if self._n + len(values) > len(self._buf):
            self._grow(self._n + len(values))
        self._buf[self._n:self._n + len(values)] = values
        self._n += len(values)

    def view(self, start: int = 0) -> np.ndarray:
        """The values appended from ``start`` on; a view, valid until the next append."""
        return self._buf[start:self._n]

    @property
    def nbytes(self) -> int:
        return self._buf.nbytes

    def truncate(self, n: int) -> None:
        """Keep the first ``n`` values (a rewind); the capacity stays."""
        self._n = max(0, min(int(n), self._n))
