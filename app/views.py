"""The see-inside views in the main window: Output, Network graph and Gradient health as tabs on the right,
the Jumping Back inspector below them (clicking an edge or a heatmap cell shows its walk at once, as the
tutorial reads: the graph above, the chain rule below). Each is a dock the View menu shows and hides.

``install_views(window, controller)`` builds them and wires them:

- data: every new network (built, reset, preset, opened run) gives each view its dataset; the window
  hands them every snapshot with the config in force (``MainWindow.add_view``);
- selection: one weight (or bias) is selected everywhere: a graph edge, a W / dW heatmap cell and the
  inspector's walk follow whichever the user clicked; ``select_*`` from outside never emits, so nothing
  loops. The selection outlives a new network when the network still has that weight, else it falls back
  to w1[0, 0];
- stepping through the inspector's walk shades, in the graph, the layer it crosses.

Layer numbers are 1-based everywhere, as in the tutorial (w1 .. wL).
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTabWidget

from app.view_options import TITLES, fits
from ui.health_view import HealthView
from ui.inspector import Inspector
from ui.network_graph import NetworkGraph
from ui.output_view import OutputView

DOCK_WIDTH = 440  # px: the plane (aspect locked) and the inspector's lines want about this; the centre the rest
INSPECTOR_SHARE = 0.4  # of the right column's height, below the tabs


class Views(QObject):
    """The four views of one window (``output``, ``graph``, ``inspector``, ``health``), their docks
    (``docks[key]``) and the selection they share: ``selection`` is ("w", layer, i, j) or ("b", layer, i)."""

    def __init__(self, window, controller):
        super().__init__(window)
        self.window, self.controller = window, controller
        self.output, self.graph, self.inspector, self.health = OutputView(), NetworkGraph(), Inspector(), HealthView()
        widgets = {"output": self.output, "graph": self.graph, "inspector": self.inspector, "health": self.health}
        self.docks = {key: window.add_view(TITLES[key], widgets[key]) for key in ("output", "graph", "health",
                                                                                 "inspector")}
        # add_view tabs every view with the first; the inspector goes below the tabs instead
        inspector = self.docks["inspector"]
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, inspector, Qt.Orientation.Vertical)
        # tabs above their views, not between them and the inspector, where they would read as its title
        window.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.North)
        self.docks["output"].raise_()
        for key, dock in self.docks.items():  # a tab brought to the front draws what it missed behind the others
            dock.visibilityChanged.connect(lambda shown, view=widgets[key]: shown and view.throttle.flush())
        self.selection: tuple = ("w", 1, 0, 0)

        self.graph.weight_selected.connect(self.select_weight)
        self.graph.bias_selected.connect(self.select_bias)
        window.heatmaps.cell_clicked.connect(self.select_weight)
        self.inspector.bias.toggled.connect(self._on_inspector_bias)  # after the inspector's own slot
        self.inspector.layer_crossed.connect(self.graph.highlight_layer)
        controller.network_built.connect(self._on_network)
        window.views_rebuilt.connect(self._outline_in_heatmaps)
        self.select_weight(1, 0, 0)  # the inspector's own default, now shown in the graph and heatmaps too
        if getattr(controller, "data", None) is not None:  # a network came before the views
            self._on_network(controller.config)
            self._outline_in_heatmaps()

    def views(self) -> list:
        return [self.output, self.graph, self.inspector, self.health]

    def size_docks(self) -> None:
        """Give the right column its default width and split; call once the window has its size."""
        w = self.window
        w.resizeDocks([self.docks["output"]], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        h = max(w.height() - 120, 300)
        w.resizeDocks([self.docks["output"], self.docks["inspector"]],
                      [int(h * (1 - INSPECTOR_SHARE)), int(h * INSPECTOR_SHARE)], Qt.Orientation.Vertical)

    def show_view(self, key: str) -> None:
        dock = self.docks[key]
        dock.show()
        dock.raise_()

    # --- selection --------------------------------------------------------------------------------
    def select_weight(self, layer: int, i: int, j: int) -> None:
        """w_layer[i, j] everywhere: the graph's edge, the heatmap cells of W and dW, the inspector's walk."""
        self.selection = ("w", int(layer), int(i), int(j))
        self.graph.select_weight(layer, i, j)
        self.graph.highlight_layer(None)  # the band belonged to the walk of the previous selection
        self.window.heatmaps.highlight(layer, i, j)
        self.inspector.select_weight(layer, i, j)

    def select_bias(self, layer: int, i: int) -> None:
        self.selection = ("b", int(layer), int(i))
        self.graph.select_bias(layer, i)
        self.graph.highlight_layer(None)
        self.window.heatmaps.highlight(None)  # the heatmaps outline weights only
        self.inspector.select_bias(layer, i)

    def _on_inspector_bias(self, on: bool) -> None:
        """The inspector's "bias" box switches between w[i, j] and b[i] of the same unit: the others follow."""
        insp = self.inspector
        if on:
            self.select_bias(insp.layer, insp.i)
        else:
            self.select_weight(insp.layer, insp.i, insp.j)

    def _valid(self, sizes) -> bool:
        kind, layer, i = self.selection[:3]
        return fits(sizes, layer, i, self.selection[3] if kind == "w" else 0)

    def _outline_in_heatmaps(self) -> None:
        """The window rebuilt its heatmaps for a new network (which clears the outline)."""
        if self.selection[0] == "w" and self.window.heatmaps.n_layers() >= self.selection[1]:
            self.window.heatmaps.highlight(*self.selection[1:])

    # --- data ---------------------------------------------------------------------------------------
    def _on_network(self, config) -> None:
        data = self.controller.data
        for view in self.views():
            view.throttle.clear()  # the old network's snapshot is not drawn over the new data
            view.set_data(data)
        if not self._valid(config.layers):
            self.select_weight(1, 0, 0)


def install_views(window, controller) -> Views:
    """Add the four views to ``window`` as docks, wired to ``controller`` and to each other."""
    views = Views(window, controller)
    window.see_inside = views  # referenced by the window: lives as long as it
    return views


def apply_arguments(views: Views, args) -> None:
    """``--show-view`` and ``--select-weight`` (checked by ``app.view_options``), once the network is built."""
    if getattr(args, "show_view", None):
        views.show_view(args.show_view)
    if getattr(args, "select_weight", None):
        layer, i, j = args.select_weight
        if fits(views.controller.config.layers, layer, i, j):
            views.select_weight(layer, i, j)
        else:  # a run file's network, not known when the arguments were checked
            print(f"backprop-lab: --select-weight {layer},{i},{j}: the network has no w{layer}[{i}, {j}]; "
                  "nothing selected", file=sys.stderr)
