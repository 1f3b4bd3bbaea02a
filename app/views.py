"""The see-inside views in the main window: Output, Network graph and Gradient health as tabs on the right,
the Jumping Back inspector below them (clicking an edge or a heatmap cell shows its walk at once, as the
tutorial reads: the graph above, the chain rule below). Each is a dock the View menu shows and hides.

``Views(window, model)`` builds them; ``app.gui.assemble`` connects them to the run model, where everything
they show lives once: the dataset of each new network, the frame of the moment shown (live or replayed), the
health history and the selected weight (or bias). Layer numbers are 1-based everywhere, as in the tutorial.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTabWidget

from app.view_options import TITLES, fits
from ui.centre_room import CentreRoom
from ui.health_view import HealthView
from ui.inspector import Inspector
from ui.network_graph import NetworkGraph
from ui.output_view import OutputView
from ui.step_view import StepView

CENTRE_MIN_PX = 380  # the loss plot, timeline and heatmaps: what a fresh 1024 px layout leaves them
DOCK_WIDTH = 440  # px: the plane (aspect locked) and the inspector's lines want about this; the centre the rest
INSPECTOR_SHARE = 0.4  # of the right column's height, below the tabs


class Views(QObject):
    """The four views of one window (``output``, ``graph``, ``inspector``, ``health``) and their docks
    (``docks[key]``). Slots for the model: ``on_network``, ``on_frame``, ``on_selection``."""

    def __init__(self, window, model):
        super().__init__(window)
        self.window, self.model = window, model
        self.output, self.graph, self.inspector = OutputView(), NetworkGraph(), Inspector()
        self.health = HealthView(model.health, model.clock)
        self.step = StepView()
        widgets = {"output": self.output, "graph": self.graph, "inspector": self.inspector, "health": self.health,
                   "step": self.step}
        self.docks = {key: window.add_view(TITLES[key], widgets[key]) for key in ("output", "graph", "health",
                                                                                 "inspector", "step")}
        # add_view tabs every view with the first; the inspector goes below the tabs instead, the step taken
        # apart with it (the graph above shows the layer each phase is at)
        inspector = self.docks["inspector"]
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, inspector, Qt.Orientation.Vertical)
        window.tabifyDockWidget(inspector, self.docks["step"])
        inspector.raise_()
        # tabs above their views, not between them and the inspector, where they would read as its title
        window.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.North)
        self.docks["output"].raise_()
        self.centre_room = CentreRoom(window, CENTRE_MIN_PX)  # a narrower window takes from the docks too
        for view in self.views():  # a tab brought to the front draws what it missed behind the others
            self.docks[next(k for k, w in widgets.items() if w is view)].visibilityChanged.connect(
                lambda shown, view=view: shown and view.throttle.flush())

    @property
    def selection(self) -> tuple:
        return self.model.selection

    def views(self) -> list:
        """The views that draw the moment shown (the step view draws the step taken apart)."""
        return [self.output, self.graph, self.inspector, self.health]

    def size_docks(self) -> None:
        """Give the right column its default width and split; call once the window has its size."""
        w = self.window
        w.fit_settings_dock()
        # on a small screen the heatmaps in the middle need the room more than the views (1024 px: ~300)
        width = min(DOCK_WIDTH, max(260, int(w.width() * 0.29)))
        w.resizeDocks([self.docks["output"]], [width], Qt.Orientation.Horizontal)
        h = max(w.height() - 120, 300)
        w.resizeDocks([self.docks["output"], self.docks["inspector"]],
                      [int(h * (1 - INSPECTOR_SHARE)), int(h * INSPECTOR_SHARE)], Qt.Orientation.Vertical)

    def show_view(self, key: str) -> None:
        dock = self.docks[key]
        dock.show()
        dock.raise_()

    # --- slots for the model ------------------------------------------------------------------------
    def on_network(self, config) -> None:
        for view in self.views():
            view.throttle.clear()  # the old network's frame is not drawn over the new data
            view.set_data(self.model.data)
        self.on_selection(self.model.selection)

    def on_frame(self, frame) -> None:
        config = self.model.config
        self.output.show_frame(frame, config)
        self.graph.show_frame(frame, config)
        self.inspector.show_frame(frame, config)
        self.health.show_frame(frame, config, self.model.moment_health)

    def on_phases(self, walk) -> None:
        """A step taken apart (or None): the step view shows it, in front."""
        self.step.show_walk(walk)
        if walk is not None:
            self.show_view("step")
        else:
            self.graph.highlight_layer(None)

    def on_phase(self, index: int) -> None:
        self.step.show_phase(index)
        walk = self.model.phases
        layer = walk.phases[index].layer if walk is not None else None
        self.graph.highlight_layer(None if layer is None else layer + 1)

    def on_unit_shown(self, unit) -> None:
        """A unit's map in place of the output: the Output view shows it and comes to the front (it shares its
        tab area with the graph the unit was clicked in, so nothing seemed to happen)."""
        self.output.show_unit(unit)
        if unit is not None:
            self.show_view("output")

    def on_inspection(self, result) -> None:
        self.inspector.show_inspection(result.request, result.inspection)

    def on_health(self) -> None:
        self.health.throttle.redraw()

    def on_selection(self, selection: tuple) -> None:
        """One weight (or bias) everywhere: the graph's edge, the heatmap cells of W and dW, the inspector's walk."""
        kind, layer, i = selection[:3]
        self.graph.highlight_layer(None)  # the band belonged to the walk of the previous selection
        if kind == "w":
            j = selection[3]
            self.graph.select_weight(layer, i, j)
            self.window.heatmaps.highlight(layer, i, j)
            self.inspector.select_weight(layer, i, j)
        else:
            self.graph.select_bias(layer, i)
            self.window.heatmaps.highlight_bias(layer, i)  # its cell in b and grad b
            self.inspector.select_bias(layer, i)

    def outline_in_heatmaps(self) -> None:
        """The window rebuilt its heatmaps for a new network (which clears the outline)."""
        selection = self.model.selection
        if selection[0] == "w" and self.window.heatmaps.n_layers() >= selection[1]:
            self.window.heatmaps.highlight(*selection[1:])
        elif selection[0] == "b" and self.window.heatmaps.n_layers() >= selection[1]:
            self.window.heatmaps.highlight_bias(*selection[1:])

    # --- compatibility for callers that select directly --------------------------------------------------
    def select_weight(self, layer: int, i: int, j: int) -> None:
        self.model.set_selection(("w", layer, i, j))

    def select_bias(self, layer: int, i: int) -> None:
        self.model.set_selection(("b", layer, i))


def apply_arguments(views: Views, args) -> None:
    """``--show-view`` and ``--select-weight`` (checked by ``app.view_options``), once the network is built."""
    if getattr(args, "show_view", None):
        views.show_view(args.show_view)
    if getattr(args, "select_weight", None):
        layer, i, j = args.select_weight
        if fits(views.model.config.layers, layer, i, j):
            views.select_weight(layer, i, j)
        else:  # a run file's network, not known when the arguments were checked
            print(f"backprop-lab: --select-weight {layer},{i},{j}: the network has no w{layer}[{i}, {j}]; "
                  "nothing selected", file=sys.stderr)
