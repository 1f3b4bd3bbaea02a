"""What the controller does when the learner reaches into the network: a unit's map shown in the Output view, the
sample whose forward pass the graph shows, a parameter set by hand, points drawn into the plane. Mixed into
``app.controller.Controller``, the run model's only writer."""
from __future__ import annotations

from app import commands as cmd
from app.undo import parameter_undo
from engine.network import has_parameter
from engine.parameter_edit import as_number, parameter_name, parameter_problem
from engine.validation import ConfigError


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
        if config is None:
            return False
        what = parameter_problem(config.layers, kind, layer, i, j, value)  # the one check every way in shares
        if what is not None:
            self.window.show_problem(what)
            return False
        number = as_number(value)
        self._host.post(cmd.SetParameter(self.model.generation, kind, int(layer), int(i),
                                         None if kind == "b" else int(j), number))
        return True

    def edit_weight(self, layer: int, i: int, j: int) -> None:
        """Ask for w_layer[i, j]'s new value (``ask_value``, a dialog) and set it (a graph edge's double-click)."""
        self.edit_parameter(("w", layer, i, j))

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

    # -- a parameter set from every view that shows one (issue #11 section 5: heatmap cells, the inspector) ------
    def edit_parameter(self, parameter: tuple) -> None:
        """A double-click on a heatmap cell (or its menu's "Set ..."): ask for the new value of ("w", layer, i, j)
        or ("b", layer, i), the value in force now in the dialog, and set it."""
        kind, layer, i = parameter[:3]
        j = parameter[3] if kind == "w" else None
        frame = self.model.live_frame  # the value in force now, whichever moment is shown
        if frame is None or not has_parameter(frame.sizes, kind, layer, i, j or 0):
            return
        current = frame.weights[layer - 1][i, j] if kind == "w" else frame.biases[layer - 1][i, 0]
        value = self.ask_value(self.window, parameter_name(kind, layer, i, j), float(current))
        if value is not None:
            self.set_parameter(kind, layer, i, j, value)

    def set_parameter_value(self, parameter: tuple, value) -> bool:
        """The inspector's field: ("w", layer, i, j) or ("b", layer, i) set to ``value`` (``set_parameter``)."""
        kind, layer, i = parameter[:3]
        return self.set_parameter(kind, layer, i, parameter[3] if kind == "w" else None, value)

    def follow_edits_live(self) -> None:
        """Called once by the wiring (app/gui.py): every parameter set by hand is shown live (``_show_edit_live``).
        Connected after ``_on_parameter_set``, so it runs after the mark is made."""
        self._host.worker.parameter_set.connect(self._show_edit_live)

    def _show_edit_live(self, result) -> None:
        """An edit applies to the live network (the past is history and replays as it was), so a view showing a
        past moment, or a step taken apart, goes back to live, where the effect is, and the banner says so."""
        m = self.model
        if result.generation != m.generation or (m.moment is None and m.phases is None):
            return
        shown = f"step {m.phases.step} taken apart" if m.phases is not None else f"step {m.moment}"
        self.show_moment(None)
        self.window.show_info(f"{result.name} set to {result.value:.4g} on the live network at epoch "
                              f"{result.epoch:.4g}: back to live from {shown}")
