"""The training thread's lifecycle: ``WorkerThread`` starts an ``app.worker.TrainingWorker`` in its own QThread,
posts commands to it, and stops it cleanly (bounded waits, never destroying a running QThread)."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt, QThread

from app import commands as cmd
from app.worker import TrainingWorker
from ui.gui_thread_gc import collect_on_gui_thread

LAST_STEP_WAIT_MS = 60_000  # after stop()'s own timeout, for a step already under way


class WorkerThread:
    """Starts a TrainingWorker in its own QThread with the whole lifecycle wired, and stops it cleanly."""

    def __init__(self):
        self.thread = QThread()
        self.thread.setObjectName("training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.work)
        # Direct: quit() is thread-safe, and a queued call would wait for the GUI loop, which may be
        # blocked in stop() waiting for this very thread.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.finished.connect(self.worker.deleteLater)
        self.thread.finished.connect(self.thread.deleteLater)
        self._stopped = False

    def start(self) -> None:
        collect_on_gui_thread()  # before a thread of ours runs beside the window (ui/gui_thread_gc.py)
        self.thread.start()

    def post(self, command) -> None:
        if not self._stopped:
            self.worker.post(command)

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Ask the worker to stop and wait (bounded) for its thread to end. True if it ended."""
        if self._stopped:
            return True
        self._stopped = True
        self.worker.post(cmd.Stop())
        ended = self.thread.wait(timeout_ms)
        if not ended:
            # One training step cannot be interrupted (a huge full batch can take seconds). Destroying a running
            # QThread would abort the process, so wait for that step, still within a bound, and say why.
            print("backprop-lab: waiting for the current training step to finish...", file=sys.stderr, flush=True)
            ended = self.thread.wait(LAST_STEP_WAIT_MS)
        self.worker = None  # deleted by its thread's deferred deletes: never touch it again
        return ended
