"""Run a variant: a second Trainer, in its own thread, trained to the current run's epoch from the same initial
weights (``engine.variants.run_variant``), then pinned. The main training thread and its trainer are never
touched: the variant is built from the configuration alone.

The thread is wired as the training thread is (``started -> work``, ``finished -> quit``, both deleted
later); ``cancel()`` only sets a flag the training loop checks between steps.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal

PROGRESS_SECONDS = 0.2  # between two progress reports: the panel's text, not a flood of signals


class VariantJob(QObject):
    """Trains ``reference`` with ``changes`` for ``epochs`` epochs. Signals (from its thread):
    ``progress(epoch, epochs)``, ``done(PinnedRun | None)`` (None: cancelled), ``failed(str)``; then
    ``finished``."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, reference, epochs: int, changes: dict):
        super().__init__()
        self.reference, self.epochs, self.changes = reference, int(epochs), dict(changes)
        self._cancel = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def _should_stop(self, trainer=None) -> bool:
        now = time.perf_counter()
        if trainer is not None and now - self._last_report >= PROGRESS_SECONDS:
            self._last_report = now
            self.progress.emit(trainer.epoch, self.epochs)
        return self._cancel.is_set()

    def work(self) -> None:
        try:
            from engine.pinned import pin
            from engine.variants import build_variant
            trainer = build_variant(self.reference, **self.changes)
            trainer.run_epochs(self.epochs, should_stop=lambda: self._should_stop(trainer))
            self.done.emit(None if self._cancel.is_set() else pin(trainer))
        except Exception as exc:  # a variant that cannot be built or diverges badly: say so, nothing else
            self.failed.emit(str(exc) or type(exc).__name__)
        finally:
            self.finished.emit()


def start_variant(reference, epochs: int, changes: dict) -> tuple[VariantJob, QThread]:
    """A VariantJob started in a new QThread with its whole lifecycle wired. Connect to the job's signals
    before the event loop runs again (they are queued to the caller's thread)."""
    thread = QThread()
    thread.setObjectName("variant")
    job = VariantJob(reference, epochs, changes)
    job.moveToThread(thread)
    thread.started.connect(job.work)
    job.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    job.finished.connect(job.deleteLater)
    thread.finished.connect(thread.deleteLater)
    return job, thread
