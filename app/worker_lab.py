"""The training thread's commands that reach into the run from the lab's tools: the unit maps attached to
snapshots and frames, a parameter set by hand, a run pinned for comparison, the inputs of a loss landscape.
Mixed into ``app.worker.TrainingWorker``: they run in the training thread, between two slices."""
from __future__ import annotations

import numpy as np

from app import commands as cmd
from engine.epochs import steps_per_epoch
from engine.parameter_edit import parameter_name


class LabWorkerMixin:
    # -- unit maps (issue #11): every unit's activation over the plane, with the frames of 2-D datasets ------
    def _on_SetUnitMaps(self, c: cmd.SetUnitMaps) -> None:
        self._unit_maps_on = c.enabled
        self._changed()

    def _attach_unit_maps(self, target, network) -> None:
        """Set ``target.unit_maps`` (a Snapshot or a Frame) for ``network``, computed here, off the GUI thread."""
        if not self._unit_maps_on or self._trainer is None:
            return
        source = self._unit_map_source
        if source is None or source[0] is not self._trainer.data:
            from engine.unit_maps import maps_for
            source = self._unit_map_source = (self._trainer.data, maps_for(self._trainer.data))
        if source[1] is not None:
            target.unit_maps = source[1].copies(network)


    # -- a parameter set by hand (issue #11) ------------------------------------------------------------------
    def _on_SetParameter(self, c: cmd.SetParameter) -> None:
        """Between two steps: the value goes into the network, a keyframe "edit" is pinned (replay never
        crosses it), and a snapshot follows at once, so the views show the effect even when paused."""
        trainer = self._trainer
        if trainer is None or c.generation != self._generation:
            return
        net = trainer.network
        array = net.weights[c.layer - 1] if c.kind == "w" else net.biases[c.layer - 1]
        index = (c.i, c.j) if c.kind == "w" else (c.i, 0)
        name = parameter_name(c.kind, c.layer, c.i, c.j)
        before = trainer.evaluate()["train_loss"]
        old = float(array[index])
        array[index] = c.value
        after = trainer.evaluate()["train_loss"]
        trainer.pin_keyframe("edit")
        epoch = trainer.epoch + trainer.step_in_epoch / steps_per_epoch(trainer.n, trainer.batch_size)
        self.parameter_set.emit(cmd.ParameterSet(self._generation, name, old, float(array[index]), trainer.steps,
                                                 epoch, before, after, c))
        self._changed(urgent=True)

    # -- compare runs (issue 12) ------------------------------------------------------------------------
    def _on_Pin(self, c: cmd.Pin) -> None:
        if self._trainer is None or c.generation != self._generation:
            return
        from engine.pinned import pin
        self.pinned.emit(pin(self._trainer))

    # -- loss landscape (issue 12) ------------------------------------------------------------------------
    def _on_LandscapeInputs(self, c: cmd.LandscapeInputs) -> None:
        if self._trainer is None or c.generation != self._generation:
            return
        trainer = self._trainer
        scratch = trainer.scratch()  # shares the (never written) training arrays; its own network
        for w, b, fw, fb in zip(scratch.network.weights, scratch.network.biases, c.weights, c.biases):
            w[...] = fw
            b[...] = fb
        # keyframes are never written once kept: their params can be shared with the landscape's thread
        path = [kf.params for kf in trainer.keyframes.frames() if kf.step < c.step]
        path.append(scratch.network.params.copy())  # the path ends where the map is centred: the moment shown
        trajectory = np.vstack(path) if len(path) >= 2 else None
        self.landscape_inputs.emit(cmd.LandscapeStart(scratch, trajectory, c.step, c.method))
