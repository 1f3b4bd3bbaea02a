"""The training thread: a QObject moved to a QThread that trains in short slices and checks messages between them.

Everything crosses threads as messages: the window posts commands into a ``queue.SimpleQueue`` (train, pause,
step, new hyperparameters, a whole new Trainer, stop, "I drew your last snapshot"); the worker answers with
``Snapshot`` objects built from copies. The trainer is only ever touched by the worker thread once handed over,
so no array the worker uses is written by anyone else.

Snapshots are "latest wins": the worker takes one only after the window acknowledged the previous one, and at
most ``MAX_FPS`` times a second, so a busy window never builds a queue of stale snapshots; the records in a
snapshot are everything new since the one before (``SnapshotCursor``), so skipping frames loses no history.
"""
from __future__ import annotations

import queue
import sys
import time
import traceback

from PySide6.QtCore import QObject, Qt, QThread, Signal

from engine.optimizers import HYPERPARAMETERS
from engine.snapshot import SnapshotCursor

MAX_FPS = 30
SNAPSHOT_BUDGET = 0.03  # of the worker's time for copying snapshots: a 512-wide network's take fewer per second
SLICE_SECONDS = 0.01  # a command waits at most one slice (plus one step) before it is seen
LAST_STEP_WAIT_MS = 60_000  # after stop()'s own timeout, for a step already under way
PAUSED_WAIT = 0.05  # when idle, block on the queue this long at most: no busy waiting, no hang on a lost wake-up

LIVE_KEYS = tuple(HYPERPARAMETERS)  # what changes between two steps without a new network
CONTROL = ("train", "pause", "step", "set_trainer", "epoch_limit")  # commands that change what the worker does


class TrainingWorker(QObject):
    """Owns the Trainer of the current run once it is handed over with ``set_trainer``.

    Signals carry only fresh objects (a Snapshot of copies, strings): nothing the worker keeps using.
    """

    # engine.snapshot.Snapshot, and how many CONTROL commands the worker had handled when it took it: the
    # window trusts the snapshot's status for its buttons only once the worker has seen every command it sent
    snapshot_ready = Signal(object, int)
    failed = Signal(str)  # an unexpected error in a step or a save; training pauses, the network stays
    saved = Signal(str, str)  # path, error ("" when it worked)
    finished = Signal()

    def __init__(self):
        super().__init__()
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._trainer = None
        self._generation = -1
        self._cursor = SnapshotCursor()
        self._epoch_limit = None
        self._running = False
        self._step_target = None  # epoch number a Step runs to
        self._status = "ready"
        self._acked = True  # the window drew the last snapshot: a new one may be taken
        self._dirty = False  # something changed since the last snapshot
        self._urgent = False  # a state change the window should see without waiting for the frame clock
        self._last_emit = 0.0
        self._elapsed = 0.0
        self._rate = 0.0
        self._rate_mark = (0.0, 0)  # (clock, steps) at the last rate update
        self._control_seq = 0
        self._min_interval = 1.0 / MAX_FPS  # between two snapshots; longer when a snapshot is costly to copy

    # -- called from any thread: they only post messages ---------------------------------------------
    def post(self, *command) -> None:
        self._commands.put(command)

    # -- the loop, in the worker thread -------------------------------------------------------------
    def work(self) -> None:
        get = self._commands.get
        while True:
            busy = self._trainer is not None and (self._running or self._step_target is not None)
            try:
                command = get(timeout=PAUSED_WAIT) if not busy else get_nowait(self._commands)
            except queue.Empty:
                command = None
            stop = False
            while command is not None:
                if command[0] == "stop":
                    stop = True
                    break
                self._handle(command)
                command = get_nowait(self._commands)
            if stop:
                break
            if self._trainer is not None and (self._running or self._step_target is not None):
                self._train_slice()
            self._maybe_emit()
        self._trainer = None
        self.finished.emit()

    def _handle(self, command: tuple) -> None:
        kind, args = command[0], command[1:]
        if kind in CONTROL:
            self._control_seq += 1
        try:
            getattr(self, "_on_" + kind)(*args)
        except Exception:  # a bad message must not kill the thread that holds the user's network
            self._pause_with_error(traceback.format_exc(limit=3))

    def _on_ack(self) -> None:
        self._acked = True

    def _on_set_trainer(self, trainer, generation: int, run: bool) -> None:
        self._trainer, self._generation = trainer, generation
        self._cursor = SnapshotCursor()
        self._epoch_limit = trainer.config.epochs
        self._elapsed, self._rate, self._rate_mark = 0.0, 0.0, (0.0, 0)
        self._step_target = None
        if trainer.status == "diverged":
            self._running, self._status = False, "diverged"
        elif self._limit_reached():
            self._running, self._status = False, "done"
        else:
            self._running = run
            self._status = "running" if run else ("paused" if trainer.steps else "ready")
        self._changed(urgent=True)

    def _on_train(self) -> None:
        if self._trainer is None:
            return
        if self._trainer.status == "diverged":
            self._trainer.resume_after_divergence()  # the user chose to go on (e.g. after lowering the LR)
        if self._limit_reached():
            self._status = "done"
            self._running = False
        else:
            self._running, self._status = True, "running"
        self._step_target = None
        self._changed(urgent=True)

    def _on_pause(self) -> None:
        if self._trainer is None:
            return
        self._running, self._step_target = False, None
        if self._status in ("running", "ready") and self._trainer.steps:
            self._status = "paused"
        self._changed(urgent=True)

    def _on_step(self) -> None:
        """Exactly one epoch: run until ``trainer.epoch`` has gone up by one (finishing a partial epoch)."""
        if self._trainer is None:
            return
        if self._trainer.status == "diverged":
            self._trainer.resume_after_divergence()
        self._running = False
        self._step_target = self._trainer.epoch + 1
        self._status = "running"
        self._changed(urgent=True)

    def _on_hyper(self, values: dict) -> None:
        if self._trainer is None:
            return
        self._trainer.set_hyperparameters(**values)  # config and optimizer together, a keyframe pinned
        self._changed()

    def _on_epoch_limit(self, limit) -> None:
        self._epoch_limit = limit
        if self._trainer is None:
            return
        self._trainer.config = self._trainer.config.replace(epochs=limit)
        if self._status == "done" and not self._limit_reached():
            self._status = "paused"
        elif self._running and self._limit_reached():
            self._running, self._status = False, "done"
        self._changed(urgent=True)

    def _on_save(self, path: str, save_run) -> None:
        if self._trainer is None:
            self.saved.emit(path, "there is no network to save")
            return
        try:
            save_run(path, self._trainer)
        except Exception as exc:  # disk full, permissions ...: say so, keep training
            self.saved.emit(path, str(exc) or type(exc).__name__)
        else:
            self.saved.emit(path, "")

    # -- training -----------------------------------------------------------------------------------
    def _limit_reached(self) -> bool:
        return self._epoch_limit is not None and self._trainer.epoch >= self._epoch_limit

    def _train_slice(self) -> None:
        trainer = self._trainer
        limit = self._step_target if self._step_target is not None else self._epoch_limit
        t0 = time.perf_counter()
        try:
            taken = trainer.run_for(SLICE_SECONDS, epoch_limit=limit)
        except Exception:
            self._pause_with_error(traceback.format_exc(limit=3))
            return
        self._elapsed += time.perf_counter() - t0
        if taken:
            self._changed()
        if trainer.status == "diverged":
            self._running, self._step_target, self._status = False, None, "diverged"
            self._changed(urgent=True)
        elif self._step_target is not None and trainer.epoch >= self._step_target:
            self._step_target = None
            self._status = "done" if self._limit_reached() else "paused"
            self._changed(urgent=True)
        elif self._running and self._limit_reached():
            self._running, self._status = False, "done"
            self._changed(urgent=True)
        elif not taken and self._running:  # nothing more can happen (should not occur): stop spinning
            self._running, self._status = False, "paused"
            self._changed(urgent=True)

    def _pause_with_error(self, text: str) -> None:
        self._running, self._step_target = False, None
        if self._status == "running":
            self._status = "paused"
        self._changed(urgent=True)
        self.failed.emit(text)

    def _changed(self, urgent: bool = False) -> None:
        self._dirty = True
        self._urgent = self._urgent or urgent

    def _maybe_emit(self) -> None:
        if not (self._dirty and self._acked and self._trainer is not None):
            return
        now = time.perf_counter()
        if not self._urgent and now - self._last_emit < self._min_interval:
            return
        trainer = self._trainer
        t_mark, s_mark = self._rate_mark
        if self._status != "running":
            self._rate = 0.0
            self._rate_mark = (now, trainer.steps)
        elif now - t_mark >= 0.25:  # steps/s over a quarter second reads steadily
            self._rate = (trainer.steps - s_mark) / (now - t_mark) if t_mark else 0.0
            self._rate_mark = (now, trainer.steps)
        snap = self._cursor.take(trainer, generation=self._generation, status=self._status,
                                 steps_per_second=self._rate, elapsed=self._elapsed)
        self._min_interval = max(1.0 / MAX_FPS, (time.perf_counter() - now) / SNAPSHOT_BUDGET)
        self._dirty = self._urgent = False
        self._acked = False
        self._last_emit = now
        self.snapshot_ready.emit(snap, self._control_seq)


def get_nowait(q: queue.SimpleQueue):
    try:
        return q.get_nowait()
    except queue.Empty:
        return None


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
        self.thread.start()

    def post(self, *command) -> None:
        if not self._stopped:
            self.worker.post(*command)

    def stop(self, timeout_ms: int = 3000) -> bool:
        """Ask the worker to stop and wait (bounded) for its thread to end. True if it ended."""
        if self._stopped:
            return True
        self._stopped = True
        self.worker.post("stop")
        ended = self.thread.wait(timeout_ms)
        if not ended:
            # One training step cannot be interrupted (a huge full batch can take seconds). Destroying a running
            # QThread would abort the process, so wait for that step, still within a bound, and say why.
            print("backprop-lab: waiting for the current training step to finish...", file=sys.stderr, flush=True)
            ended = self.thread.wait(LAST_STEP_WAIT_MS)
        self.worker = None  # deleted by its thread's deferred deletes: never touch it again
        return ended
