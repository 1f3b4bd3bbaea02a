"""Issue #11's data changes in the window: the data panel under the Output view (noise, test fraction,
Regenerate, Clear) and the views following the data in force when it changes under the network.

``wire_data_changes(parts)`` (called from ``app.gui.assemble``) makes a ``DataWiring`` that owns the panel
and holds the slots: bound methods only, so no lambda holds the model or the window."""
from __future__ import annotations

from PySide6.QtCore import QObject

from ui.data_panel import DataPanel


class DataWiring(QObject):
    def __init__(self, parts):
        super().__init__(parts.window)
        self.model, self.controller, self.views = parts.model, parts.controller, parts.views
        self.panel = DataPanel()
        output = self.views.output
        output.layout().addWidget(self.panel)  # under the plane it changes
        m, c = self.model, self.controller
        parts.window.epoch_clock = parts.window.timeline.clock = m.clock  # engine.epochs.EpochClock, kept
        m.config_changed.connect(self.show_config)
        m.data_changed.connect(self.on_data)
        m.drawing_cleared.connect(self.on_cleared)
        self.panel.changes_requested.connect(c.change_data)
        self.panel.regenerate_requested.connect(c.regenerate)
        self.panel.clear_requested.connect(c.clear_drawing)

    def show_config(self, config) -> None:
        data = self.model.data
        drawable = data is not None and self.views.output.mode in ("plane", "curve")
        self.panel.set_config(config, data, self.controller.can_regenerate(), drawable)

    def on_data(self, data) -> None:
        """The same network, new data: every view draws the moment shown over it (nothing is cleared)."""
        for view in self.views.views():
            view.set_data(data)
        digits = getattr(self.views, "digits", None)
        if digits is not None:  # the test strip's images are the new test set's
            digits.set_data(data)

    def on_cleared(self, cleared: bool) -> None:
        """Clear: the plane without its points until the first one is drawn; Undo: the points back."""
        output = self.views.output
        if cleared:
            output.train_points.setData([], [])
            output.test_points.setData([], [])
            output.chosen.setData([], [])
            output.draw.setChecked(True)  # what Clear is for: drawing from scratch
            output.info.setText("No points: click to add one")
        elif self.model.data is not None:
            output.info.setText("")
            output.set_data(self.model.data)


def wire_data_changes(parts):
    return DataWiring(parts) if parts.views is not None else None
