"""Work in a thread of its own, off the GUI thread and off the training thread: a variant's training
(compare runs) or a loss landscape. The work is a plain function ``fn(should_stop, on_progress)`` that returns
its result; it checks ``should_stop()`` between its pieces and reports ``on_progress(done, total)``.

The thread is wired as the training thread is (``started -> work``, ``finished -> quit``, both deleted
later); ``cancel()`` only sets a flag the work checks.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal

from ui.gui_thread_gc import collect_on_gui_thread

PROGRESS_SECONDS = 0.2  # between two progress reports: a label's text, not a flood of signals


class BackgroundJob(QObject):
    """Runs ``fn``. Signals (from its thread, queued to the receiver's): ``progress(done, total)``,
    ``done(result)`` (None once cancelled), ``failed(str)``; then ``finished``."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, fn):
        super().__init__()
        self._fn = fn
        self._cancel = threading.Event()
        self._last_report = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _on_progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self._last_report >= PROGRESS_SECONDS or done >= total:
            self._last_report = now
            self.progress.emit(int(done), int(total))

    def work(self) -> None:
        try:
            result = self._fn(self.cancelled, self._on_progress)
            self.done.emit(None if self.cancelled() else result)
        except Exception as exc:  # the work cannot be done (a bad change, no memory): say so, nothing else
            self.failed.emit(str(exc) or type(exc).__name__)
        finally:
            self.finished.emit()


def start_job(fn, name: str) -> tuple[BackgroundJob, QThread]:
    """A BackgroundJob for ``fn`` in a new QThread with its whole lifecycle wired, not started yet: connect to
    the job's signals, then ``thread.start()``."""
    collect_on_gui_thread()  # before a thread of ours runs beside the window (ui/gui_thread_gc.py)
    thread = QThread()
    thread.setObjectName(name)
    job = BackgroundJob(fn)
    job.moveToThread(thread)
    thread.started.connect(job.work)
    job.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    job.finished.connect(job.deleteLater)
    thread.finished.connect(thread.deleteLater)
    return job, thread


def cancel_and_wait(running: tuple[BackgroundJob, QThread] | None, timeout_ms: int = 3000) -> bool:
    """Cancel a job started with ``start_job`` and wait (bounded) for its thread; False when there was none."""
    if running is None:
        return False
    job, thread = running
    job.cancel()
    thread.wait(timeout_ms)
    return True


def variant_work(reference, epochs: int, changes: dict):
    """The work of Run a variant: ``engine.variants.build_variant`` trained ``epochs`` epochs, pinned."""
    def fn(should_stop, on_progress):
        from engine.pinned import pin
        from engine.variants import build_variant
        trainer = build_variant(reference, **changes)

        def stop() -> bool:
            on_progress(trainer.epoch, epochs)
            return should_stop()
        trainer.run_epochs(epochs, should_stop=stop)
        return pin(trainer)
    return fn
