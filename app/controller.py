"""Carries out what the user asks for, and is the only writer of the run model.

The controller lives in the GUI thread. It keeps the configuration in force, builds every new network itself
(so a refused value is reported where it was typed and the running network is never touched), then hands the
new Trainer to the worker as a command; from then on only the worker touches it. What comes back from the
worker (snapshots, frames of past moments, one step taken apart, save results) goes into the model, which the
views listen to. The window is called only for questions and messages (``ask_apply``, ``show_problem`` ...).
"""
from __future__ import annotations

import functools
import itertools
import os
import weakref

from PySide6.QtCore import QObject, Signal

import resources
from app import commands as cmd
from app.controller_compare import CompareControllerMixin
from app.controller_data import EMPTY_DRAWING, DataControllerMixin
from app.controller_edit import EditControllerMixin
from app.controller_time import TimeControllerMixin
from app.worker import LIVE_KEYS
from app.worker_thread import WorkerThread
from app.run_model import RunModel
from app.undo import NetworkUndo, UndoEntry, UndoStack  # noqa: F401 (UndoEntry: the entries' base, for callers)
from engine.adapt import adapt
from engine.config import TrainConfig, build
from engine.status import Status
from engine.validation import ConfigError, shorten

REPLAY_BUDGET_MB = 256  # the default memory for looking back: keyframes thinned evenly past it
RUN_KEYS = ("epochs",)  # changes how long to train, not what: applied live too
# every TrainConfig field as a sentence names it ("Undo changing the dataset and the drawn points")
FIELD_NAMES = {"layers": "the layers", "activations": "the activations", "loss": "the loss", "optimizer":
               "the optimizer", "init": "the initialisation", "dtype": "the precision", "batch_size": "the batch size",
               "dataset": "the dataset", "n_samples": "the number of samples", "noise": "the noise",
               "test_fraction": "the test fraction", "n_classes": "the number of classes", "seed": "the seed",
               "learning_rate": "the learning rate", "momentum": "the momentum", "beta1": "Adam's beta1",
               "beta2": "Adam's beta2", "epsilon": "Adam's epsilon", "weight_decay": "the weight decay",
               "epochs": "the epoch limit", "csv_path": "the CSV file", "csv_target": "the CSV target columns",
               "csv_header": "the CSV header", "csv_task": "the CSV task", "features": "the input features",
               "drawn": "the drawn points", "csv_separator": "the CSV separator", "csv_max_mb": "the CSV size limit",
               "extra": "the extra settings"}


def names_of(changes: dict) -> str:
    """'the dataset and the drawn points': the fields changed, as a sentence names them."""
    names = list(dict.fromkeys(FIELD_NAMES.get(k, "the " + k.replace("_", " ")) for k in changes
                               if k != "activations" or "layers" not in changes))
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def describe(changes: dict, running: bool = True) -> str:
    return f"You changed {names_of(changes)} " + ("while training." if running else "of a network already trained.")


class Controller(TimeControllerMixin, EditControllerMixin, DataControllerMixin, CompareControllerMixin, QObject):
    """Owns the training thread for one window and writes the ``RunModel`` (``self.model``).

    Signals (GUI thread): ``snapshot_shown(snapshot)`` after the model took a snapshot of the current network,
    ``network_built(config)`` after a new network was handed to the worker, ``saved(result)`` after a write the
    worker did (an ``app.commands.SaveResult``; the window has already said how it went).
    """

    snapshot_shown = Signal(object)
    network_built = Signal(object)
    saved = Signal(object)

    def __init__(self, window, model: RunModel | None = None, parent=None):
        super().__init__(parent if parent is not None else window)  # lives as long as its window
        self.window = window
        self.model = model if model is not None else RunModel(self)
        self._sent = 0  # CONTROL commands posted; see TrainingWorker.snapshot_ready
        self.undo_stack = UndoStack()  # Edit > Undo, newest last (app/undo.py)
        self.replay_budget = REPLAY_BUDGET_MB * 2**20  # bytes the keyframes of a run may take (a setting)
        self._tokens = itertools.count(1)
        self.pending_saves: list[cmd.Save] = []  # posted to the worker, not reported yet, oldest first
        self._marks_before_recovery: list = []  # (step, epoch, text) while a recovery goes back (controller_time)
        self._clock_before_recovery = None  # the run's EpochClock then
        self._host = WorkerThread()
        worker = self._host.worker
        worker.snapshot_ready.connect(self._on_snapshot)  # queued: the worker lives in its own thread
        worker.moment_ready.connect(self.model.show_replayed)
        worker.phases_ready.connect(self._on_phases)
        worker.inspected.connect(self.model.set_inspection)
        worker.recovered.connect(self._on_recovered)
        worker.history_ready.connect(self.model.seed_health)
        worker.failed.connect(self._on_failed)
        worker.saved.connect(self._on_saved)
        worker.parameter_set.connect(self._on_parameter_set)
        worker.pinned.connect(self._on_pinned)
        worker.landscape_inputs.connect(self._on_landscape_inputs)
        worker.data_set.connect(self._on_data_set)
        self._host.start()
        # Whatever drops the last reference first (a test, a crash path), the thread is stopped before its
        # QThread can be destroyed while running, which would abort the process.
        weakref.finalize(self, self._host.stop)

    # -- what the model knows, for callers that ask the controller ------------------------------------
    config = property(lambda self: self.model.config)
    data = property(lambda self: self.model.data)
    generation = property(lambda self: self.model.generation)
    status = property(lambda self: self.model.status)
    running = property(lambda self: self.model.running)
    last_snapshot = property(lambda self: self.model.snapshot)
    preset = property(lambda self: self.model.preset)
    based_on = property(lambda self: self.model.based_on)

    # -- transport ----------------------------------------------------------------------------------
    def _can_train(self) -> bool:
        """False (and the window says why) when there is nothing to train on or the epoch limit is reached."""
        if self.model.cleared:
            self.window.show_problem(EMPTY_DRAWING)
            return False
        if self._at_limit():
            self.window.offer_more_epochs(self.model.config.epochs)
            return False
        return True

    def train(self) -> None:
        if not self._can_train():
            return
        self._control(cmd.Train())
        self._set_running(True)

    def pause(self) -> None:
        self._control(cmd.Pause())
        self._set_running(False)

    def toggle(self) -> None:
        (self.pause if self.model.running else self.train)()

    def step(self) -> None:
        if not self._can_train():
            return
        self._control(cmd.Step())
        self._set_running(False)

    def more_epochs(self, extra: int) -> None:
        """Raise the epoch limit by ``extra`` (the "+N epochs" offer at the limit)."""
        config = self.model.config
        if config is not None and config.epochs is not None:
            self.apply({"epochs": config.epochs + int(extra)})

    def _at_limit(self) -> bool:
        m = self.model
        return m.config is not None and m.config.epochs is not None and m.epochs >= m.config.epochs \
            and m.status in (Status.DONE, Status.PAUSED, Status.READY)

    def reset(self) -> None:
        """Fresh weights from the seed, same configuration, history cleared; paused."""
        if self.model.config is None:
            return
        try:
            trainer = build(self.model.config, fit_io=True)
        except (ConfigError, OSError) as err:  # e.g. a CSV file that has gone since
            self.window.show_problem(f"Could not reset: {err}")
            return
        self._install(trainer, run=False, undo="Undo resetting the weights")

    def set_pace(self, steps_per_second: float | None) -> None:
        self.model.set_pace(steps_per_second)
        self._host.post(cmd.SetPace(steps_per_second))

    def set_frame_interval(self, seconds: float) -> None:
        """The window's frame clock slowed down or sped up: live snapshots follow it (SetFrameInterval)."""
        self._host.post(cmd.SetFrameInterval(float(seconds)))

    # -- configuration ------------------------------------------------------------------------------
    def load_preset(self, name: str) -> bool:
        preset = resources.load_preset(name)
        config = TrainConfig.from_dict(preset["config"])
        if self.model.running and not self.window.ask_apply(f"You chose the preset '{preset['title']}' while training."):
            self.model.set_preset(self.model.preset, self.model.based_on)  # the picker shows what is in force
            return False
        self._install(build(config, fit_io=True), run=False, undo="Undo loading the preset")
        self.model.set_preset(name, None)
        self.set_pace(preset.get("pace"))  # a lesson opens at a pace a learner can follow
        self.window.set_document(preset["title"])
        return True

    def apply(self, changes: dict) -> bool:
        """Apply edits from the window: live for hyperparameters and the epoch limit, otherwise by building
        a new network (asking first while training). Returns True if the change is in force."""
        config = self.model.config
        if config is None:
            return False
        changes = {k: v for k, v in changes.items() if getattr(config, k) != v}
        if not changes:
            return True
        structural = {k: v for k, v in changes.items() if k not in LIVE_KEYS and k not in RUN_KEYS}
        try:
            if not structural:
                return self._apply_live(changes)
            if (in_place := self.change_data(changes, ask=False)) is not None:  # the data only: weights kept
                return in_place
            # anything that draws new weights asks first while there is training to lose (running, paused or
            # done); Edit > Undo brings the old network back anyway
            if self._has_history() and not self.window.ask_apply(describe(structural, self.model.running)):
                self.model.set_config(config)  # keep training: the fields show what is in force
                return False
            trainer, note = self._build_changed(changes)
        except ConfigError as err:
            self.model.set_config(config)
            self.window.show_config_error(f"{err} (the current network is kept)", err.field)
            return False
        # the network is no longer the preset's: the picker and its description must not say it is
        preset, based_on = None, self.model.preset or self.model.based_on
        self._install(trainer, run=self.model.running, undo=f"Undo changing {names_of(structural)}")
        self.model.set_preset(preset, based_on)
        if note:
            self.window.show_note(note)
        return True

    def _apply_live(self, changes: dict) -> bool:
        config = self.model.config.replace(**changes).validated()  # ConfigError goes back to the field
        hyper = {k: v for k, v in changes.items() if k in LIVE_KEYS}
        if hyper:
            self._host.post(cmd.SetHyperparameters(hyper))
        if "epochs" in changes:
            self._control(cmd.SetEpochLimit(config.epochs))
        self.model.set_config(config)
        return True

    def _build_changed(self, changes: dict):
        """A Trainer for the config with ``changes`` and what must follow them (``engine.adapt``: the output
        layer and loss that fit each other and the data), and the note saying what was chosen."""
        config, note = adapt(self.model.config, changes)
        return build(config, fit_io=True), note

    # -- files --------------------------------------------------------------------------------------
    def open_run(self, path: str):
        """Open the run in ``path``, paused. Returns (steps, config) as loaded, or None when the file cannot
        be read: that is reported and nothing changes (network, history, file name)."""
        from engine.savefile import load_run
        try:
            trainer = load_run(path)
        except Exception as err:  # any exception while opening a file is "cannot open", never a traceback
            shown = err if isinstance(err, (ConfigError, OSError)) else f"{path}: {type(err).__name__}: {err}"
            self.window.show_problem(shorten(f"Could not open the run: {shown}", 1000))
            return None
        loaded = trainer.steps, trainer.config  # read before the worker owns it
        self.open_trainer(trainer)
        self.window.set_document(os.path.basename(path))
        return loaded

    def open_trainer(self, trainer) -> None:
        """Show and continue a trainer built elsewhere (a loaded run); paused."""
        self.model.set_preset(None, None)
        steps, marks = trainer.steps, list(trainer.marks)  # read before the worker owns it
        self._install(trainer, run=False)
        for epoch, text in marks:  # (after the new network, which clears the marks of the one before)
            self.model.add_mark(epoch, text)
        if steps:  # a reopened run shows the health it had: its history, from its own keyframes
            self._host.post(cmd.HealthHistory(self.model.generation))

    def save_run(self, path: str, writer=None, what: str = "the run") -> cmd.Save:
        """Save the run to ``path`` (or write ``what`` with ``writer(path, trainer)``, e.g. an export) in the
        worker, which owns the trainer: it writes between two slices, so the file holds one consistent state.
        Returns the posted command; its ``token`` comes back in the ``saved`` result."""
        from engine.savefile import save_run
        if writer is None:  # the run, with the marks its loss curve shows (a weight set, the data changed)
            writer = functools.partial(save_run, marks=list(self.model.marks))
        save = cmd.Save(path, writer, what, next(self._tokens))
        self.pending_saves.append(save)
        self._host.post(save)
        return save

    # -- plumbing -----------------------------------------------------------------------------------
    def set_replay_budget(self, megabytes: int) -> None:
        """Memory for the keyframes that replay any past step: more keeps them closer together (faster scrubbing
        of a long run), less thins them."""
        self.replay_budget = int(megabytes) * 2**20
        self._host.post(cmd.SetReplayBudget(self.replay_budget))

    def _has_history(self) -> bool:
        return self.model.running or self.model.steps > 0

    def undo(self) -> None:
        """Edit > Undo: the newest edit taken back, whichever kind it was (app/undo.py says what each keeps)."""
        entry = self.undo_stack.pop(self.model.generation)
        if entry is not None:
            entry.run(self)
        self.show_undo()

    def push_undo(self, entry: UndoEntry | None) -> None:
        self.undo_stack.push(entry)
        self.show_undo()

    def show_undo(self) -> None:
        top = self.undo_stack.top
        self.window.set_undo(top.text if top is not None and top.generation == self.model.generation else None)

    def _install(self, trainer, run: bool, undo: str | None = None) -> None:
        m = self.model
        generation = m.generation + 1
        # the network replaced, if it has training to lose (the worker keeps its trainer for Undo)
        self.undo_stack.replaced_by(NetworkUndo(undo, generation, m.config, m.data, m.preset, m.based_on,
                                                m.generation) if undo and self._has_history() else None)
        if trainer.keyframes is not None:
            trainer.keyframes.set_budget(self.replay_budget)  # (not training yet: the GUI thread may)
        self._control(cmd.SetTrainer(trainer, generation, run))
        m.set_network(trainer.config, trainer.data, generation)
        m.set_status(Status.RUNNING if run else Status.READY)  # until the worker says more
        self._set_running(run)
        self.show_undo()
        self.network_built.emit(trainer.config)

    def _control(self, command) -> None:
        self._sent += 1
        self._host.post(command)

    def _set_running(self, running: bool) -> None:
        self.model.set_running(running)

    def _on_snapshot(self, snapshot, seq: int) -> None:
        try:
            if snapshot.generation != self.model.generation:
                return  # from a network already replaced
            stopped = snapshot.status in (Status.DONE, Status.DIVERGED, Status.PAUSED, Status.READY)
            if seq == self._sent and stopped and self.model.running:
                self._set_running(False)  # the worker stopped on its own (epoch limit, divergence)
            self.model.take_snapshot(snapshot)
            self.snapshot_shown.emit(snapshot)
        finally:
            self._host.post(cmd.Ack())  # only now may the worker take the next one: latest wins

    def _on_failed(self, text: str) -> None:
        self._set_running(False)
        self.window.show_problem("Training paused after an unexpected error (the network is kept): "
                                 + text.strip().splitlines()[-1])

    def _on_saved(self, result: cmd.SaveResult) -> None:
        self.pending_saves = [s for s in self.pending_saves if s.token != result.token]
        if result.error:
            self.window.show_problem(f"Could not save {result.what} to {result.path}: {result.error}")
        else:
            self.window.show_info(f"Saved {result.what} to {result.path}" +
                                  (f". Note: {result.note}" if result.note else ""))
        self.saved.emit(result)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop the training thread (bounded wait). Safe to call twice."""
        return self._host.stop(timeout_ms)
