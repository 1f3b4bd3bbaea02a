"""The training thread: a QObject moved to a QThread that trains in short slices and checks messages between them.

Everything crosses threads as messages: the window posts commands (``app.commands``) into a
``queue.SimpleQueue``; the worker answers with ``Snapshot`` objects built from copies, frames of past moments,
one step taken apart, and the facts of each save. The trainer is only ever touched by the worker thread once
handed over, so no array the worker uses is written by anyone else.

Snapshots are "latest wins": the worker takes one only after the window acknowledged the previous one, and at
most ``MAX_FPS`` times a second (while training at full speed, no more often than the window draws its frames:
``SetFrameInterval``), so a busy window never builds a queue of stale snapshots; the records in a
snapshot are everything new since the one before (``SnapshotCursor``), so skipping frames loses no history.

Pace: at full speed a slice trains for ``SLICE_SECONDS``; at a pace of p steps a second, step k of the run
since Train is due at t0 + k / p (an absolute schedule, so waiting never drifts), and the worker waits on its
queue until then, so a command is still seen at once.
"""
from __future__ import annotations

import queue
import time
import traceback

from PySide6.QtCore import QObject, Signal

from app import commands as cmd
from app.worker_data import DataWorkerMixin
from app.worker_lab import LabWorkerMixin
from app.worker_time import TimeWorkerMixin
from engine.optimizers import HYPERPARAMETERS
from engine.snapshot import SnapshotCursor
from engine.status import Status

MAX_FPS = 30
UNIT_MAP_HZ = 5  # unit maps per second while training: as often as the graph redraws (ui/network_graph MAX_FPS)
SNAPSHOT_BUDGET = 0.03  # of the worker's time for copying snapshots: a 512-wide network's take fewer per second
SLICE_SECONDS = 0.01  # a command waits at most one slice (plus one step) before it is seen
PAUSED_WAIT = 0.05  # when idle, block on the queue this long at most: no busy waiting, no hang on a lost wake-up
BEHIND_SECONDS = 0.25  # a paced run that falls this far behind (steps slower than the pace) starts its schedule anew

LIVE_KEYS = tuple(HYPERPARAMETERS)  # what changes between two steps without a new network


class TrainingWorker(TimeWorkerMixin, LabWorkerMixin, DataWorkerMixin, QObject):
    """Owns the Trainer of the current run once it is handed over with ``SetTrainer``.

    Signals carry only fresh objects (a Snapshot of copies, frames, results): nothing the worker keeps using.
    """

    # engine.snapshot.Snapshot, and how many CONTROL commands the worker had handled when it took it: the
    # window trusts the snapshot's status for its buttons only once the worker has seen every command it sent
    snapshot_ready = Signal(object, int)
    moment_ready = Signal(object)  # engine.frame.Frame of a past step (ShowMoment)
    phases_ready = Signal(object)  # engine.phases result (TakeApart)
    inspected = Signal(object)  # engine.inspect result (Inspect)
    history_ready = Signal(object)  # [engine.frame.Frame] at evenly spaced past steps (HealthHistory)
    recovered = Signal(int, float)  # Recover went back to this epoch and trains on at this learning rate
    failed = Signal(str)  # an unexpected error in a step or a save; training pauses, the network stays
    saved = Signal(object)  # app.commands.SaveResult
    pinned = Signal(object)  # engine.pinned.PinnedRun (Pin)
    landscape_inputs = Signal(object)  # app.commands.LandscapeStart (LandscapeInputs)
    parameter_set = Signal(object)  # app.commands.ParameterSet (SetParameter)
    data_set = Signal(object)  # app.commands.DataSet (SetData): the data changed under the network
    finished = Signal()

    def __init__(self):
        super().__init__()
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._trainer = None
        self._previous = None  # the trainer the last SetTrainer replaced, for Undo
        self._replayer = None
        self._generation = -1
        self._cursor = SnapshotCursor()
        self._epoch_limit = None
        self._running = False
        self._step_target = None  # epoch number a Step runs to
        self._status = Status.READY
        self._acked = True  # the window drew the last snapshot: a new one may be taken
        self._dirty = False  # something changed since the last snapshot
        self._urgent = False  # a state change the window should see without waiting for the frame clock
        self._last_emit = self._elapsed = self._rate = 0.0
        self._rate_mark = (0.0, 0)  # (clock, steps) at the last rate update
        self._control_seq = 0
        self._min_interval = 1.0 / MAX_FPS  # between two snapshots; longer when a snapshot is costly to copy
        self._frame_interval = 0.0  # the window's (SetFrameInterval): live snapshots no more often
        self._busy_since: float | None = None  # the clock when the elapsed time was last added to
        self._pace: float | None = None
        self._pace_t0 = 0.0
        self._pace_done = 0
        self._live_inspect = None  # an Inspect of the run as it trains, answered with the next step (worker_time)
        self._unit_maps_on = True  # unit maps: see the block at the end of the class
        self._unit_map_source = None  # engine.unit_maps.UnitMapSource of the current trainer's data
        self._unit_map_time = 0.0  # the clock when maps were last attached to a snapshot

    # -- called from any thread: they only post messages ---------------------------------------------
    def post(self, command) -> None:
        self._commands.put(command)

    # -- the loop, in the worker thread -------------------------------------------------------------
    def work(self) -> None:
        get = self._commands.get
        while True:
            wait = self._wait_seconds()
            try:
                command = get(timeout=wait) if wait > 0 else self._commands.get_nowait()
            except queue.Empty:
                command = None
            stop = False
            while command is not None:
                if isinstance(command, cmd.Stop):
                    stop = True
                    break
                self._handle(command)
                command = get_nowait(self._commands)
            if stop:
                break
            if self._busy():
                self._train_slice()
            else:
                self._busy_since = None
                if self._live_inspect is not None:  # paused before its step: answered with the last one
                    self._inspect_next_step(None, step=False)
            self._maybe_emit()
        self._trainer = self._replayer = self._previous = None
        self.finished.emit()

    def _every_step_shown(self) -> bool:
        """At a pace the eye follows (<= MAX_FPS steps a second), every step is its own frame."""
        return self._pace is not None and self._pace <= MAX_FPS

    def _busy(self) -> bool:
        return self._trainer is not None and (self._running or self._step_target is not None)

    def _wait_seconds(self) -> float:
        """How long the queue may block: not at all while training at full speed, until the next paced step,
        or PAUSED_WAIT when idle."""
        if not self._busy():
            return PAUSED_WAIT
        if self._pace is None:
            return 0.0
        if self._every_step_shown() and not self._acked:  # the next step waits for the window's Ack (a command)
            return PAUSED_WAIT
        due = self._pace_t0 + (self._pace_done + 1) / self._pace
        return min(max(due - time.perf_counter(), 0.0), PAUSED_WAIT)

    def _handle(self, command) -> None:
        if isinstance(command, cmd.CONTROL):
            self._control_seq += 1
        try:
            getattr(self, "_on_" + type(command).__name__)(command)
        except Exception:  # a bad message must not kill the thread that holds the user's network
            self._pause_with_error(traceback.format_exc(limit=3))

    def _on_Ack(self, _) -> None:
        self._acked = True

    def _on_SetTrainer(self, c: cmd.SetTrainer) -> None:
        # the trainer replaced is kept (one level): Edit > Undo brings it back, history and all
        self._previous = self._trainer
        self._adopt(c.trainer, c.generation, c.run)

    def _on_Undo(self, c: cmd.Undo) -> None:
        if self._previous is None:
            return
        self._previous, trainer = None, self._previous
        self._adopt(trainer, c.generation, False)

    def _adopt(self, trainer, generation: int, run: bool) -> None:
        self._trainer = trainer
        self._restart_records(generation)
        self._epoch_limit = trainer.config.epochs
        self._elapsed, self._rate, self._rate_mark = 0.0, 0.0, (0.0, 0)
        self._step_target = None
        if trainer.status == Status.DIVERGED:
            self._running, self._status = False, Status.DIVERGED
        elif self._limit_reached():
            self._running, self._status = False, Status.DONE
        else:
            self._running = run
            self._status = Status.RUNNING if run else (Status.PAUSED if trainer.steps else Status.READY)
        self._restart_pace()
        self._changed(urgent=True)

    def _on_Train(self, _) -> None:
        if self._trainer is None:
            return
        if self._trainer.status == Status.DIVERGED:
            self._trainer.resume_after_divergence()  # the user chose to go on (e.g. after lowering the LR)
        if self._limit_reached():
            self._status = Status.DONE
            self._running = False
        else:
            self._running, self._status = True, Status.RUNNING
        self._step_target = None
        self._restart_pace()
        self._changed(urgent=True)

    def _on_Pause(self, _) -> None:
        if self._trainer is None:
            return
        self._running, self._step_target = False, None
        if self._status in (Status.RUNNING, Status.READY) and self._trainer.steps:
            self._status = Status.PAUSED
        self._changed(urgent=True)

    def _on_Step(self, _) -> None:
        """Exactly one epoch: run until ``trainer.epoch`` has gone up by one (finishing a partial epoch)."""
        if self._trainer is None:
            return
        if self._limit_reached():  # the window offers to raise the limit; stepping past it would contradict it
            self._running, self._status = False, Status.DONE
            self._changed(urgent=True)
            return
        if self._trainer.status == Status.DIVERGED:
            self._trainer.resume_after_divergence()
        self._running = False
        self._step_target = self._trainer.epoch + 1
        self._status = Status.RUNNING
        self._restart_pace()
        self._changed(urgent=True)

    def _on_SetHyperparameters(self, c: cmd.SetHyperparameters) -> None:
        if self._trainer is None:
            return
        self._trainer.set_hyperparameters(**c.values)  # config and optimizer together, a keyframe pinned
        self._changed()

    def _on_SetEpochLimit(self, c: cmd.SetEpochLimit) -> None:
        self._epoch_limit = c.limit
        if self._trainer is None:
            return
        self._trainer.config = self._trainer.config.replace(epochs=c.limit)
        if self._status == Status.DONE and not self._limit_reached():
            self._status = Status.PAUSED
        elif self._running and self._limit_reached():
            self._running, self._status = False, Status.DONE
        self._changed(urgent=True)

    def _on_SetPace(self, c: cmd.SetPace) -> None:
        self._pace = c.steps_per_second
        self._restart_pace()

    def _on_SetFrameInterval(self, c: cmd.SetFrameInterval) -> None:
        self._frame_interval = c.seconds

    def _on_Save(self, c: cmd.Save) -> None:
        trainer = self._trainer
        if trainer is None:
            self.saved.emit(cmd.SaveResult(c.token, c.path, c.what, "there is no network to save"))
            return
        try:
            note = c.writer(c.path, trainer)
        except Exception as exc:  # disk full, permissions ...: say so, keep training
            self.saved.emit(cmd.SaveResult(c.token, c.path, c.what, str(exc) or type(exc).__name__))
        else:
            self.saved.emit(cmd.SaveResult(c.token, c.path, c.what, "", self._generation, trainer.steps,
                                           trainer.config, note if isinstance(note, str) else ""))

    # -- training -----------------------------------------------------------------------------------
    def _restart_records(self, generation: int) -> None:
        """The records start over under ``generation`` (a new trainer, a rewind): the next snapshot has them all."""
        self._generation, self._cursor, self._replayer = generation, SnapshotCursor(), None

    def _replay(self):
        """The replayer of the current trainer (built on first use: a scratch copy sharing its data)."""
        if self._replayer is None:
            from engine.replay import Replayer
            self._replayer = Replayer(self._trainer)
        return self._replayer

    def _limit_reached(self) -> bool:
        return self._epoch_limit is not None and self._trainer.epoch >= self._epoch_limit

    def _restart_pace(self) -> None:
        self._pace_t0, self._pace_done = time.perf_counter(), 0

    def _train_slice(self) -> None:
        trainer = self._trainer
        limit = self._step_target if self._step_target is not None else self._epoch_limit
        t0 = time.perf_counter()
        # the time spent training, waits between paced steps included: what the learner sees go by
        if self._busy_since is not None:
            self._elapsed += t0 - self._busy_since
        self._busy_since = t0
        max_steps = None
        if self._pace is not None:
            due = int((t0 - self._pace_t0) * self._pace) - self._pace_done
            if due <= 0:
                return
            if self._every_step_shown():  # one step at a time, after the window drew the last
                if not self._acked:
                    return
                if due > 1:  # the window was slow to draw: no catching up, the schedule goes on from this step
                    self._pace_t0, self._pace_done = t0, -1
                due = 1
            elif due > self._pace * BEHIND_SECONDS:  # steps are slower than the pace: take what is due, start anew
                self._pace_t0, self._pace_done = t0, -due
            max_steps = due
        try:
            taken = self._inspect_next_step(limit) if self._live_inspect is not None else 0
            taken = taken or trainer.run_for(SLICE_SECONDS, max_steps=max_steps, epoch_limit=limit)
        except Exception:
            self._pause_with_error(traceback.format_exc(limit=3))
            return
        self._pace_done += taken
        if taken:
            # at a pace the eye can follow, every step is its own snapshot
            self._changed(urgent=self._every_step_shown())
        if trainer.status == Status.DIVERGED:
            self._running, self._step_target, self._status = False, None, Status.DIVERGED
            self._changed(urgent=True)
        elif self._step_target is not None and trainer.epoch >= self._step_target:
            self._step_target = None
            self._status = Status.DONE if self._limit_reached() else Status.PAUSED
            self._changed(urgent=True)
        elif self._running and self._limit_reached():
            self._running, self._status = False, Status.DONE
            self._changed(urgent=True)
        elif not taken and self._running and max_steps is None:  # nothing more can happen: stop spinning
            self._running, self._status = False, Status.PAUSED
            self._changed(urgent=True)

    def _pause_with_error(self, text: str) -> None:
        self._running, self._step_target = False, None
        if self._status == Status.RUNNING:
            self._status = Status.PAUSED
        self._changed(urgent=True)
        self.failed.emit(text)

    def _changed(self, urgent: bool = False) -> None:
        self._dirty = True
        self._urgent = self._urgent or urgent

    def _maybe_emit(self) -> None:
        if not (self._dirty and self._acked and self._trainer is not None):
            return
        now = time.perf_counter()
        wait = max(self._min_interval, self._frame_interval) if self._status == Status.RUNNING else self._min_interval
        if not self._urgent and now - self._last_emit < wait:
            return
        trainer = self._trainer
        t_mark, s_mark = self._rate_mark
        if self._status != Status.RUNNING:
            self._rate = 0.0
            self._rate_mark = (now, trainer.steps)
        elif now - t_mark >= 0.25:  # steps/s over a quarter second reads steadily
            self._rate = (trainer.steps - s_mark) / (now - t_mark) if t_mark else 0.0
            self._rate_mark = (now, trainer.steps)
        self._report_data()  # a rewind across a data change: the window draws the data restored
        snap = self._cursor.take(trainer, generation=self._generation, status=self._status.value,
                                 steps_per_second=self._rate, elapsed=self._elapsed)
        self._min_interval = max(1.0 / MAX_FPS, (time.perf_counter() - now) / SNAPSHOT_BUDGET)
        self._dirty = self._urgent = False
        self._acked = False
        self._last_emit = now
        if self._status != Status.RUNNING or now - self._unit_map_time >= 1.0 / UNIT_MAP_HZ:
            self._unit_map_time = now
            self._attach_unit_maps(snap, self._trainer.network)
        self.snapshot_ready.emit(snap, self._control_seq)


def get_nowait(q: queue.SimpleQueue):
    try:
        return q.get_nowait()
    except queue.Empty:
        return None
