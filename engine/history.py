"""A trainer's records: growing 1-D arrays (amortised O(1) append, contiguous view of what was appended).

The per-step loss history uses float32; the per-epoch records use float64 (the tutorial's figures are
checked on them to 1e-9). When every epoch is one step (the full batch, as in the tutorial), a step's loss
is its epoch's loss, so ``EpochSteps`` reads the step record from the per-epoch one instead of storing it a
second time. The bound that holds: a 10,000,000-step run keeps 80 MB of losses (float64 per epoch, when an
epoch is one step; float32 per step plus one float64 per epoch otherwise: 40 MB + 8 bytes per epoch), and
its buffers' untouched spare capacity after doubling is never resident.
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
    def dtype(self) -> np.dtype:
        return self._buf.dtype

    @property
    def nbytes(self) -> int:
        """Bytes of the buffer, spare capacity included."""
        return self._buf.nbytes

    def truncate(self, n: int) -> None:
        """Keep the first ``n`` values (a rewind); the capacity stays."""
        self._n = max(0, min(int(n), self._n))

class EpochSteps:
    """The per-step loss record of a trainer whose every epoch is one step: the per-epoch record ``epochs``
    (a GrowingArray of float64) read as float32, stored nowhere else. A 10,000,000-step tutorial run
    held 40 MB here and 80 MB there; now it holds the 80 MB once.

    ``append`` and ``extend`` record nothing: the epoch's own append (right after the step's, in the
    same call of ``Trainer._step``) is what this record shows, so its length is the number of epochs."""

    dtype = np.dtype(np.float32)

    def __init__(self, epochs: GrowingArray):
        self._epochs = epochs

    def __len__(self) -> int:
        return len(self._epochs)

    def append(self, value: float) -> None:
        pass

    def extend(self, values) -> None:
        pass

    def truncate(self, n: int) -> None:
        """Nothing of its own to cut: a rewind truncates the per-epoch record this one reads."""

    def view(self, start: int = 0) -> np.ndarray:
        """The step losses from ``start`` on, (n - start,) float32: a copy, not a view."""
        return self._epochs.view(start).astype(np.float32)

    @property
    def nbytes(self) -> int:
        return 0


def step_record(epochs: GrowingArray, one_step_per_epoch: bool):
    """The per-step loss record for a trainer: ``EpochSteps`` over ``epochs`` when every epoch is one step,
    else its own float32 GrowingArray."""
    return EpochSteps(epochs) if one_step_per_epoch else GrowingArray(np.float32)


def record_lengths(epoch_state: dict, classification: bool, n_test: int) -> dict:
    """{record: length} that the (checked) counters of ``epoch_state`` require: one step loss per step, one
    train loss per epoch, a test loss per epoch when there is a test set, accuracies for classification.
    A file whose records disagree with its counters lies about one of them, so it is refused, and a
    record can never be larger than the counters say before it is read."""
    steps, epochs = epoch_state["steps"], epoch_state["epoch"]
    return {"step_losses": steps, "train_losses": epochs, "test_losses": epochs if n_test else 0,
            "train_accuracy": epochs if classification else 0,
            "test_accuracy": epochs if classification and n_test else 0}
