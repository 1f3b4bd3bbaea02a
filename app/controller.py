"""Wires the main window to the training thread.

The controller lives in the GUI thread. It keeps the configuration in force, builds every new network itself
(so a refused value is reported where it was typed and the running network is never touched), then hands the
new Trainer to the worker as a message; from then on only the worker touches it. Snapshots come back through
the controller's own slot, so tests (and anything else) can wait on ``snapshot_shown``, a signal of an object
in the GUI thread.
"""
from __future__ import annotations

import os
import weakref
from collections import deque

from PySide6.QtCore import QObject, Signal

import resources
from app.worker import LIVE_KEYS, WorkerThread
from engine.config import TrainConfig, build
from engine.losses import LOSSES
from engine.validation import ConfigError, shorten

RUN_KEYS = ("epochs",)  # changes how long to train, not what: applied live too
FIELD_NAMES = {"layers": "the layers", "activations": "the activations", "loss": "the loss", "optimizer":
               "the optimizer", "init": "the initialisation", "dtype": "the precision", "batch_size": "the batch size",
               "dataset": "the dataset", "n_samples": "the number of samples", "noise": "the noise",
               "test_fraction": "the test fraction", "n_classes": "the number of classes", "seed": "the seed"}


def describe(changes: dict) -> str:
    names = [FIELD_NAMES.get(k, k) for k in changes if k != "activations" or "layers" not in changes]
    return "You changed " + ", ".join(names) + " while training."


class Controller(QObject):
    """Owns the training thread for one window.

    Signals (GUI thread): ``snapshot_shown(snapshot)`` after the window took a snapshot of the current network,
    ``network_built(config)`` after a new network was handed to the worker (its dataset is ``data``),
    ``saved(path, error)`` after a write the worker did for ``save_run`` ("" when it worked; the window has
    already said how it went).
    """

    snapshot_shown = Signal(object)
    network_built = Signal(object)
    saved = Signal(str, str)

    def __init__(self, window, parent=None):
        super().__init__(parent if parent is not None else window)  # lives as long as its window
        self.window = window
        self.config: TrainConfig | None = None
        self.preset: str | None = None  # the preset the network is, None once edited or opened from a file
        self.based_on: str | None = None  # the preset an edited network started from
        self.generation = 0
        self.status = "ready"
        self.running = False  # what the user asked for: Train (True) or Pause/Step/Reset (False)
        self.last_snapshot = None  # the newest snapshot of the current network the window took
        self.data = None  # the current network's Dataset: never written after build, so the views may read it
        self._sent = 0  # CONTROL commands posted; see TrainingWorker.snapshot_ready
        self._writes: deque[str] = deque()  # what each posted save writes, oldest first (one saved() each)
        self._host = WorkerThread()
        worker = self._host.worker
        worker.snapshot_ready.connect(self._on_snapshot)  # queued: the worker lives in its own thread
        worker.failed.connect(self._on_failed)
        worker.saved.connect(self._on_saved)

        window.train_requested.connect(self.train)
        window.pause_requested.connect(self.pause)
        window.step_requested.connect(self.step)
        window.reset_requested.connect(self.reset)
        window.config_edited.connect(self.apply)
        window.preset_chosen.connect(self.load_preset)
        window.about_to_close.connect(self.shutdown)
        window.set_presets([(n, p["title"], p.get("description", "")) for n, p in
                            ((n, resources.load_preset(n)) for n in resources.preset_names())])
        self._host.start()
        # Whatever drops the last reference first (a test, a crash path), the thread is stopped before its
        # QThread can be destroyed while running, which would abort the process.
        weakref.finalize(self, self._host.stop)

    # -- transport ----------------------------------------------------------------------------------
    def train(self) -> None:
        if self.status == "done" and self.config is not None and self.config.epochs is not None:
            self.window.show_info(f"The epoch limit ({self.config.epochs:,}) is reached: raise it under Training, "
                                  "or reset the weights to train again.")
        self._control("train")
        self._set_running(True)

    def pause(self) -> None:
        self._control("pause")
        self._set_running(False)

    def toggle(self) -> None:
        (self.pause if self.running else self.train)()

    def step(self) -> None:
        self._control("step")
        self._set_running(False)

    def reset(self) -> None:
        """Fresh weights from the seed, same configuration, history cleared; paused."""
        if self.config is None:
            return
        try:
            trainer = build(self.config, fit_io=True)
        except (ConfigError, OSError) as err:  # e.g. a CSV file that has gone since
            self.window.show_problem(f"Could not reset: {err}")
            return
        self._install(trainer, run=False)

    # -- configuration ------------------------------------------------------------------------------
    def load_preset(self, name: str) -> bool:
        preset = resources.load_preset(name)
        config = TrainConfig.from_dict(preset["config"])
        if self.running and not self.window.ask_apply(f"You chose the preset '{preset['title']}' while training."):
            self.window.select_preset(self.preset)
            return False
        self.preset, self.based_on = name, None
        self._install(build(config, fit_io=True), run=False)
        self.window.set_document(preset["title"])
        return True

    def apply(self, changes: dict) -> bool:
        """Apply edits from the window: live for hyperparameters and the epoch limit, otherwise by building
        a new network (asking first while training). Returns True if the change is in force."""
        if self.config is None:
            return False
        changes = {k: v for k, v in changes.items() if getattr(self.config, k) != v}
        if not changes:
            return True
        structural = {k: v for k, v in changes.items() if k not in LIVE_KEYS and k not in RUN_KEYS}
        try:
            if not structural:
                return self._apply_live(changes)
            if self.running and not self.window.ask_apply(describe(structural)):
                self.window.set_config(self.config)  # keep training: the fields show what is in force
                return False
            trainer, note = self._build_changed(changes)
        except ConfigError as err:
            self.window.set_config(self.config)
            self.window.show_config_error(f"{err} (the current network is kept)", err.field)
            return False
        # the network is no longer the preset's: the picker and its description must not say it is
        self.based_on, self.preset = self.preset or self.based_on, None
        self._install(trainer, run=self.running)
        if note:
            self.window.show_note(note)
        return True

    def _apply_live(self, changes: dict) -> bool:
        config = self.config.replace(**changes).validated()  # ConfigError goes back to the field
        self.config = config
        hyper = {k: v for k, v in changes.items() if k in LIVE_KEYS}
        if hyper:
            self._host.post("hyper", hyper)
        if "epochs" in changes:
            self._control("epoch_limit", config.epochs)
        self.window.set_config(config)
        return True

    def _build_changed(self, changes: dict):
        """A Trainer for the config with ``changes``, adapting what must follow: the output activation a loss
        requires, and for a new dataset the loss and output activation of its preset if the old ones don't fit."""
        config = self.config.replace(**changes)
        note = ""
        loss = LOSSES.get(changes.get("loss"))
        required = loss.output_activations if loss is not None else None
        if required and config.activations[-1].split(":")[0] not in required:
            config = config.replace(activations=config.activations[:-1] + (required[0],))
            note = f"The output activation is now {required[0]}, which the loss '{config.loss}' needs."
        if "dataset" in changes:
            template = _preset_for_dataset(config.dataset)
            if template is not None and config.dataset == "tutorial":
                config = config.replace(layers=(template.layers[0],) + config.layers[1:-1] + (template.layers[-1],))
            try:
                return build(config, fit_io=True), note
            except ConfigError as err:
                if template is None:
                    raise
                fitted = config.replace(loss=template.loss,
                                        activations=config.activations[:-1] + template.activations[-1:])
                try:
                    trainer = build(fitted, fit_io=True)
                except ConfigError:
                    raise err from None
                return trainer, (f"The loss is now '{fitted.loss}' with a {fitted.activations[-1]} output, "
                                 f"which suit the dataset '{fitted.dataset}'.")
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
        self.preset = self.based_on = None
        self._install(trainer, run=False)

    def save_run(self, path: str, writer=None, what: str = "the run") -> None:
        """Save the run to ``path`` (or write ``what`` with ``writer(path, trainer)``, e.g. an export) in the
        worker, which owns the trainer: it writes between two slices, so the file holds one consistent state."""
        from engine.savefile import save_run
        self._writes.append(what)
        self._host.post("save", path, writer or save_run)

    # -- plumbing -----------------------------------------------------------------------------------
    def _install(self, trainer, run: bool) -> None:
        self.generation += 1
        self.config, self.data = trainer.config, trainer.data
        self.status, self.last_snapshot = ("running" if run else "ready"), None  # until the worker says more
        self.window.new_network(self.config)
        self.window.select_preset(self.preset, self.based_on)
        self._control("set_trainer", trainer, self.generation, run)
        self._set_running(run)
        self.network_built.emit(self.config)

    def _control(self, *command) -> None:
        self._sent += 1
        self._host.post(*command)

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.window.set_running(running)

    def _on_snapshot(self, snapshot, seq: int) -> None:
        try:
            if snapshot.generation != self.generation:
                return  # from a network already replaced
            self.status = snapshot.status
            self.last_snapshot = snapshot
            if seq == self._sent and snapshot.status in ("done", "diverged", "paused", "ready") and self.running:
                self._set_running(False)  # the worker stopped on its own (epoch limit, divergence)
            self.window.show_snapshot(snapshot)
            self.snapshot_shown.emit(snapshot)
        finally:
            self._host.post("ack")  # only now may the worker take the next one: latest wins

    def _on_failed(self, text: str) -> None:
        self._set_running(False)
        self.window.show_problem("Training paused after an unexpected error (the network is kept): "
                                 + text.strip().splitlines()[-1])

    def _on_saved(self, path: str, error: str) -> None:
        what = self._writes.popleft() if self._writes else "the run"
        if error:
            self.window.show_problem(f"Could not save {what} to {path}: {error}")
        else:
            self.window.show_info(f"Saved {what} to {path}")
        self.saved.emit(path, error)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop the training thread (bounded wait). Safe to call twice."""
        return self._host.stop(timeout_ms)


def _preset_for_dataset(dataset: str) -> TrainConfig | None:
    for name in resources.preset_names():
        preset = resources.load_preset(name)
        if preset["config"].get("dataset") == dataset:
            return TrainConfig.from_dict(preset["config"])
    return None
