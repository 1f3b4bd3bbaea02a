"""The one model of the run that every view draws from.

``RunModel`` holds what the window knows about the run: the configuration in force, the dataset and the
generation of the current network, the status (``engine.status.Status``), whether the user asked to train,
the pace, the selected parameter, the latest live snapshot, **the moment shown** (live, or a past step the
user went back to) and the frame drawn for it, the gradient-health history, and the step taken apart phase by
phase. Each aspect has its own signal. The controller is its only writer; views get the model and
subscribe (``app/gui.py`` connects them); the model never calls a view (napari's ViewerModel / QtViewer).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from engine.epochs import EpochClock, steps_per_epoch
from engine.frame import Frame
from engine.health import HealthTracker, layer_health, probe_batch
from engine.network import has_parameter
from engine.status import Status


def fits_selection(selection: tuple, sizes) -> bool:
    """Whether the network of ``sizes`` (units per layer, inputs first) has the selected parameter."""
    return has_parameter(sizes, *selection)

HEALTH_HZ = 5  # health records a second while training: norms, a bincount and a probe forward pass each
PROBE_FLOPS = 2_000_000  # probe samples x parameters per record: 256 samples for the presets, fewer for wide nets


class RunModel(QObject):
    """Signals, each for one aspect:

    ``network_changed(config)`` a new network (built, reset, preset, opened run): ``data``, ``generation`` are
    new; ``config_changed(config)`` the settings in force (also after a live change); ``status_changed(str)``;
    ``running_changed(bool)``; ``snapshot_changed(snapshot)`` every live snapshot (its records are those new
    since the last one); ``moment_changed(step or None)``; ``frame_changed(frame)`` what the views draw;
    ``selection_changed(tuple)`` ("w", layer, i, j) or ("b", layer, i), layer 1-based;
    ``pace_changed(steps_per_second or None)``; ``health_changed()``; ``preset_changed(preset, based_on)``;
    ``phases_changed(phases or None)`` one step taken apart, and ``phase_changed(index)``;
    ``inspection_changed(numbers)`` the Jumping Back numbers of the selection.
    """

    network_changed = Signal(object)
    steps_per_epoch_changed = Signal(int)
    config_changed = Signal(object)
    status_changed = Signal(str)
    running_changed = Signal(bool)
    snapshot_changed = Signal(object)
    moment_changed = Signal(object)
    frame_changed = Signal(object)
    selection_changed = Signal(tuple)
    pace_changed = Signal(object)
    health_changed = Signal()
    preset_changed = Signal(object, object)
    phases_changed = Signal(object)
    phase_changed = Signal(int)
    inspection_changed = Signal(object)
    # unit maps (issue #11): the unit whose map the Output view shows instead of the output, (column, unit) or None
    unit_shown_changed = Signal(object)
    marks_changed = Signal(object)  # [(epoch, text)]: changes made by hand, marked on the loss curve
    sample_changed = Signal(int)  # the training sample whose forward pass the graph and Output view show
    pinned_changed = Signal()  # compare runs (issue 12): the runs kept, their shown flags, or the config
    variant_changed = Signal(str)  # compare runs: what the variant in the background is doing ("" idle)
    landscape_changed = Signal(object)  # loss landscape (issue 12): engine.landscape.Landscape, None: none
    landscape_progress = Signal(int, int)  # loss landscape: grid points done, of total (0, 0: idle)
    # data changes under the network (issue #11): the data in force is new, the network the same
    data_changed = Signal(object)  # the new Dataset
    drawing_cleared = Signal(bool)  # Clear: the plane shows no point until the first one is drawn (True)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.config = None
        self.data = None  # the current network's Dataset: never written after it is built
        self.generation = 0
        self.status = Status.READY
        self.running = False
        self.pace: float | None = None
        self.preset: str | None = None
        self.based_on: str | None = None
        self.selection: tuple = ("w", 1, 0, 0)
        self.snapshot = None  # the newest live snapshot
        self.live_frame: Frame | None = None
        self.moment: int | None = None  # None: live; else the step shown
        self.frame: Frame | None = None  # what the views draw now
        self.steps = 0  # steps of the run so far (live)
        self.history_from = 0  # the earliest step a past moment can be shown for (Snapshot.history_from)
        self.epochs = 0
        self.phases = None
        self.phase = 0
        self.inspection = None
        self.health = HealthTracker()
        self.moment_health: list | None = None  # LayerHealth of the frame shown when it is not live
        self._probe = None
        self._last_health = -1e9
        self._health_steps = -1
        self.unit_shown: tuple | None = None  # unit maps: (column, unit) the Output view shows, None the output
        self.sample = 0  # the training sample whose forward pass is shown
        self.marks: list = []  # (epoch, text) of the changes made by hand in this run
        self.pinned: list = []  # engine.pinned.PinnedRun, oldest first (compare runs, issue 12)
        self.variant = ""
        self.landscape = None  # engine.landscape.Landscape of the moment it was computed for
        self.cleared = False  # data changes: Clear emptied the drawing; the network waits for a first point
        self.clock = EpochClock()  # steps <-> epochs, over the stretches of one epoch length (engine/epochs.py)

    # -- derived ----------------------------------------------------------------------------------------
    @property
    def steps_per_epoch(self) -> int:
        if self.data is None or self.config is None or not self.data.n_train:
            return 1
        return steps_per_epoch(self.data.n_train, self.config.batch_size or None)

    def is_live(self) -> bool:
        return self.moment is None

    # -- written by the controller ---------------------------------------------------------------------
    def set_network(self, config, data, generation: int) -> None:
        self.config, self.data, self.generation = config, data, generation
        self.set_cleared(False)
        self.clock.set([(0, 0, self.steps_per_epoch)])  # the worker says more for a run with data changes
        self.snapshot = self.live_frame = self.frame = None
        self.moment = None
        self.steps = self.epochs = 0
        self.history_from = 0  # the earliest step a past moment can be shown for (Snapshot.history_from)
        self.phases, self.inspection, self.moment_health = None, None, None
        self.health.reset()
        self._probe, self._health_steps = None, -1
        self.steps_per_epoch_changed.emit(self.steps_per_epoch)
        self.network_changed.emit(config)
        self.config_changed.emit(config)
        if not fits_selection(self.selection, config.layers):  # a new architecture without that parameter
            self.set_selection(("w", 1, 0, 0))
        self.moment_changed.emit(None)
        self.phases_changed.emit(None)

    def set_config(self, config) -> None:
        self.config = config
        self.config_changed.emit(config)

    def set_preset(self, preset: str | None, based_on: str | None) -> None:
        self.preset, self.based_on = preset, based_on
        self.preset_changed.emit(preset, based_on)

    def set_status(self, status) -> None:
        status = Status(status)
        if status != self.status:
            self.status = status
            self.status_changed.emit(status.value)

    def set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.running_changed.emit(running)

    def set_pace(self, steps_per_second: float | None) -> None:
        if steps_per_second != self.pace:
            self.pace = steps_per_second
            self.pace_changed.emit(steps_per_second)

    def set_selection(self, selection: tuple) -> None:
        selection = tuple(int(v) if k else v for k, v in enumerate(selection))
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit(selection)

    def take_snapshot(self, snapshot) -> None:
        """A live snapshot of the current network: records, status, and the live frame."""
        self.snapshot = snapshot
        self.steps, self.epochs = snapshot.steps, snapshot.epoch
        self.history_from = snapshot.history_from
        self.live_frame = self._keep_unit_maps(Frame.from_snapshot(snapshot), self.live_frame)
        self.set_status(snapshot.status)
        self.snapshot_changed.emit(snapshot)
        self._record_health(self.live_frame)
        if self.moment is None and self.phases is None:
            self._show(self.live_frame)

    def set_moment(self, step: int | None) -> None:
        """The moment shown: None for live, else a step (its frame follows from the worker)."""
        if step is not None:  # (the worker can show no step before the first one kept)
            step = int(min(max(step, self.history_from, 0), self.steps))
        if step == self.moment:
            return
        self.moment = step
        self.moment_changed.emit(step)
        if step is None:
            self.moment_health = None
            if self.live_frame is not None and self.phases is None:
                self._show(self.live_frame)

    def show_replayed(self, frame: Frame) -> None:
        """A past step reconstructed by the worker; shown if it is still the moment asked for."""
        if frame.generation != self.generation or frame.step != self.moment or self.phases is not None:
            return
        self.moment_health = self._healths(frame)
        self._show(frame)

    def set_phases(self, phases) -> None:
        """One step taken apart (``engine.phases``), or None to leave the phase walk."""
        self.phases, self.phase = phases, 0
        self.phases_changed.emit(phases)
        if phases is None:
            frame = self.live_frame if self.moment is None else self.frame
            if frame is not None:
                self._show(frame)
        else:
            self.set_phase(0)

    def set_phase(self, index: int) -> None:
        if self.phases is None:
            return
        self.phase = int(min(max(index, 0), len(self.phases.phases) - 1))
        self.phase_changed.emit(self.phase)
        frame = self.phases.frame_at(self.phase, self.generation)
        if frame is not None:
            self._show(frame)

    def set_inspection(self, result) -> None:
        """``app.commands.Inspected``: the Jumping Back numbers of a request (dropped if for another network)."""
        if result.request.generation != self.generation:
            return
        self.inspection = result
        self.inspection_changed.emit(result)

    def seed_health(self, frames: list) -> None:
        """The health history of a reopened run, from frames at its past steps (before its live records)."""
        frames = [f for f in frames if f.generation == self.generation]
        if not frames:
            return
        latest = self.health.latest
        self.health.reset()
        for frame in frames:
            self.health.record(self.clock.epoch_of(frame.step), self._healths(frame), frame.weights)
        if latest and self.live_frame is not None and self.live_frame.step > frames[-1].step:
            self.health.record(self.clock.epoch_of(self.live_frame.step), latest, self.live_frame.weights)
        self._health_steps = max(self._health_steps, frames[-1].step)
        self.health_changed.emit()

    def set_unit_shown(self, unit: tuple | None) -> None:
        """Unit maps: the unit (column 0 = inputs, unit) whose map the Output view shows; None: the output."""
        if unit != self.unit_shown:
            self.unit_shown = unit
            self.unit_shown_changed.emit(unit)

    def add_mark(self, epoch: float, text: str) -> None:
        self.marks = self.marks + [(float(epoch), text)]
        self.marks_changed.emit(self.marks)

    def clear_marks(self) -> None:
        if self.marks:
            self.marks = []
            self.marks_changed.emit(self.marks)

    def set_sample(self, index: int) -> None:
        if index != self.sample:
            self.sample = index
            self.sample_changed.emit(index)

    @staticmethod
    def _keep_unit_maps(frame: Frame, previous: Frame | None) -> Frame:
        """While training, the worker computes unit maps a few times a second, not for every snapshot: a live
        frame without them shows the previous live frame's (at most 1/UNIT_MAP_HZ old), not none."""
        if (frame.unit_maps is None and previous is not None and previous.generation == frame.generation
                and previous.sizes == frame.sizes and frame.status == "running"):
            frame.unit_maps = previous.unit_maps
        return frame

    # -- internals ----------------------------------------------------------------------------------------
    def _show(self, frame: Frame) -> None:
        self.frame = frame
        self.frame_changed.emit(frame)

    def _healths(self, frame: Frame) -> list:
        return layer_health(frame.weights, frame.grad_w, frame.activations, frame.biases, self._probe_for(frame),
                            has_gradients=frame.step > 0)

    def _probe_for(self, frame: Frame):
        d = self.data
        if d is None or d.n_features != frame.sizes[0]:
            return None
        if self._probe is None:
            n_params = sum(w.size for w in frame.weights)
            self._probe = probe_batch(d.X_train, int(min(256, max(16, PROBE_FLOPS // max(n_params, 1)))))
        return self._probe

    def _record_health(self, frame: Frame) -> None:
        """At most HEALTH_HZ records a second whether or not a view shows them, so the history has no gaps;
        always the first one and every change of state (a paused run's last weights)."""
        now = time.perf_counter()
        urgent = frame.status != Status.RUNNING or self.health.n == 0
        if frame.step == self._health_steps or (not urgent and now - self._last_health < 1.0 / HEALTH_HZ):
            return
        self._last_health, self._health_steps = now, frame.step
        healths = self._healths(frame)
        self.health.record(self.clock.epoch_of(frame.step), healths, frame.weights)
        self.health_changed.emit()

    # -- compare runs (issue 12) -------------------------------------------------------------------------
    def pinned_labels(self) -> list[str]:
        """Each pinned run's label against the config in force (engine.pinned.label)."""
        from engine.pinned import label
        return [label(self.config, run) for run in self.pinned]

    def set_pinned(self, runs: list) -> None:
        self.pinned = list(runs)
        self.pinned_changed.emit()

    def set_variant(self, text: str) -> None:
        self.variant = text
        self.variant_changed.emit(text)

    # -- loss landscape (issue 12) -----------------------------------------------------------------------
    def set_landscape(self, result) -> None:
        self.landscape = result
        self.landscape_changed.emit(result)

    # -- data changes under the network (issue #11) ---------------------------------------------------------
    def set_data(self, config, data) -> None:
        """The same network trains on new data (``data``, built from ``config``'s data fields) from now on."""
        self.config, self.data = config, data
        self._probe = None  # the health probe's samples were the old data's
        self.set_cleared(False)
        self.steps_per_epoch_changed.emit(self.steps_per_epoch)
        self.data_changed.emit(data)
        self.config_changed.emit(config)
        if self.sample >= data.n_train:
            self.set_sample(0)

    def set_epoch_clock(self, stretches) -> None:
        """The run's stretches of one epoch length (engine.epochs.epoch_clock), as the worker read them."""
        self.clock.set(stretches)

    def set_cleared(self, cleared: bool) -> None:
        if cleared != self.cleared:
            self.cleared = cleared
            self.drawing_cleared.emit(cleared)
