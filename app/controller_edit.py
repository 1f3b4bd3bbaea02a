"""What the controller does when the learner reaches into the network: a unit's map shown in the Output view, the
sample whose forward pass the graph shows, a parameter set by hand, points drawn into the plane. Mixed into
``app.controller.Controller``, the run model's only writer."""
from __future__ import annotations

import numpy as np

from app import commands as cmd
from app.undo import parameter_undo
from engine.validation import ConfigError

MAX_SET_VALUE = 1e6  # a weight typed by hand: beyond this, every unit it feeds saturates or overflows


class EditControllerMixin:
    # -- unit maps (issue #11) ----------------------------------------------------------------------------
    def show_unit(self, column: int, unit: int) -> None:
        """The Output view shows unit ``unit`` of column ``column``'s map (0: the inputs) instead of the output."""
        layers = self.model.config.layers if self.model.config is not None else ()
        if 0 <= column < len(layers) and 0 <= unit < layers[column]:
            self.model.set_unit_shown((int(column), int(unit)))

    def show_output(self, *_ignored) -> None:
        """The Output view shows the network's output again (also for every new network)."""
        self.model.set_unit_shown(None)

    def choose_sample(self, index: int) -> None:
        """The training sample whose forward pass the graph (and the Output view's bars) show."""
        data = self.model.data
        if data is not None and 0 <= index < data.n_train:
            self.model.set_sample(int(index))

    # -- a parameter set by hand (issue #11) ------------------------------------------------------------------
    def set_parameter(self, kind: str, layer: int, i: int, j: int | None, value) -> bool:
        """Set w_layer[i, j] (kind "w") or b_layer[i] ("b") to ``value`` between two steps; a value that is not
        a finite number, or a parameter the network lacks, is refused with one line saying so."""
        config = self.model.config
        name = f"w{layer}[{i}, {j}]" if kind == "w" else f"b{layer}[{i}]"
        if config is None:
            return False
        sizes = config.layers
        exists = 1 <= layer < len(sizes) and 0 <= i < sizes[layer] and (kind == "b" or 0 <= (j or 0) < sizes[layer - 1])
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if not exists or number is None or not np.isfinite(number) or abs(number) > MAX_SET_VALUE:
            what = (f"{name}: the network {'-'.join(map(str, sizes))} has no such parameter" if not exists else
                    f"{name}: {str(value)[:80]!r} is not allowed; expected a finite number within "
                    f"+-{MAX_SET_VALUE:g}")
            self.window.show_problem(what)
            return False
        self._host.post(cmd.SetParameter(self.model.generation, kind, int(layer), int(i),
                                         None if kind == "b" else int(j), number))
        return True

    def edit_weight(self, layer: int, i: int, j: int) -> None:
        """Ask for w_layer[i, j]'s new value (``ask_value``, a dialog) and set it."""
        frame = self.model.live_frame  # the value in force now, whichever moment is shown
        if frame is None or not 1 <= layer < len(frame.sizes):
            return
        value = self.ask_value(self.window, f"w{layer}[{i}, {j}]", float(frame.weights[layer - 1][i, j]))
        if value is not None:
            self.set_parameter("w", layer, i, j, value)

    @staticmethod
    def ask_value(parent, name: str, current: float):
        from ui.weight_dialog import ask_value
        return ask_value(parent, name, current)

    def _on_parameter_set(self, result) -> None:
        if result.generation != self.model.generation:
            return
        text = f"{result.name} set to {result.value:.4g} at epoch {result.epoch:.4g}"
        if result.loss_before is not None:
            text += f" (loss {result.loss_before:.4g} -> {result.loss_after:.4g})"
        self.model.add_mark(result.epoch, text)
        self.window.show_info(text)
        self.push_undo(parameter_undo(result))  # None for Undo's own setting back

    def forget_marks(self, *_ignored) -> None:
        self.model.clear_marks()

    # -- your own data, drawn (issue #11) -----------------------------------------------------------------
    def add_point(self, x: float, y: float, label: int) -> bool:
        """A point clicked into the Output view: (x1, x2) of class ``label``, or on a 1-D curve (x, y)
        (label -1). The data becomes dataset 'drawn' under the same network (weights kept), shown at once."""
        from engine.drawing import with_point
        drawn = self._drawn()
        if drawn is None:
            return False
        if self.model.cleared:  # the first point of a drawing started from scratch
            drawn = {**drawn, "points": [], **{k: [] for k in ("labels", "targets") if k in drawn}}
        if "targets" in drawn:
            return self._draw(with_point(drawn, (x,), float(y)), "Undo adding a point")
        return self._draw(with_point(drawn, (x, y), int(label)), "Undo adding a point")

    def remove_point(self, x: float, y: float, px: float = 1.0, py: float = 1.0) -> bool:
        """A right-click: the drawn point nearest (x, y) goes, distances in pixels (px, py: a pixel's size)."""
        from engine.drawing import without_nearest
        drawn = self._drawn()
        if drawn is None or self.model.cleared:
            return False
        try:
            return self._draw(without_nearest(drawn, (x, y), (px, py)), "Undo removing a point")
        except ConfigError as err:
            self.window.show_problem(str(err))
            return False

    def _drawn(self) -> dict | None:
        from engine.drawing import drawn_from
        config, data = self.model.config, self.model.data
        if config is None or data is None:
            return None
        if config.dataset == "drawn":
            return config.drawn
        try:
            return drawn_from(data)
        except ConfigError as err:
            self.window.show_problem(str(err))
            return None

    def _draw(self, drawn: dict, undo: str) -> bool:
        """The drawing ``drawn`` becomes the data, in place (``change_data``); the classes stay the network's
        (a drawing that needs another output layer builds a new network, asking first)."""
        changes = {"dataset": "drawn", "drawn": drawn}
        data = self.model.data
        if data.task == "classification":
            changes["n_classes"] = data.n_classes
        return bool(self.change_data(changes, undo=undo))

    def forget_sample(self, *_ignored) -> None:
        self.model.set_sample(0)

    def set_unit_maps(self, enabled: bool) -> None:
        self._host.post(cmd.SetUnitMaps(bool(enabled)))
