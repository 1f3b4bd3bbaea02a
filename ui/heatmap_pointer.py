"""What the pointer does on the heatmap grid (ui/heatmaps.py): hover reads a cell out, a click selects a weight,
a double-click on a cell of w or b asks to set it and anywhere else on a heatmap enlarges it, and the
right-click menu (built by ui/copy_numpy.py) gets the same two entries. Mixed into ``HeatmapGrid``, which
declares the signals (``cell_clicked``, ``bias_clicked``, ``parameter_edit_requested``) and holds the panels."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.parameter_edit import parameter_name
from ui.heatmap_panel import MatrixPanel

EDITABLE = ("w", "b")  # a double-click on one of their cells sets it; on a gradient's, it enlarges the matrix


class HeatmapPointer:
    """The pointer's part of ``HeatmapGrid``: hover, click, double-click and the right-click menu's own entries."""

    def hover_text(self) -> str:
        return self.tooltip.text

    def _panel_cell_at(self, scene_pos) -> tuple[MatrixPanel, int, int] | None:
        for panel in self._panels.values():
            cell = panel.cell_at(scene_pos)
            if cell is not None:
                return panel, cell[0], cell[1]
        return None

    def text_at(self, scene_pos) -> str:
        """The tooltip at a scene position. On a cell: its value and gradient, and what a double-click there does;
        elsewhere on a heatmap, how to enlarge it; "" off the heatmaps."""
        hit = self._panel_cell_at(scene_pos)
        if hit:
            return self.cell_text(hit[0].layer, hit[0].kind, hit[1], hit[2]) + "\n" + (
                "Double-click to set it (double-click the title to enlarge)" if hit[0].kind in EDITABLE
                else "Double-click to enlarge")
        panel = self._panel_at(scene_pos)
        return f"{panel.title}: double-click to enlarge, right-click for more" if panel else ""

    def _on_mouse_moved(self, event):
        """event: (scene position,) from the SignalProxy. The tooltip (ui/hover_tooltip.py) shows it as the mouse
        moves and keeps it while the mouse rests (the scene hid a widget tooltip ~0.7 s after it showed)."""
        self.tooltip.moved(event[0])

    def _panel_at(self, scene_pos) -> MatrixPanel | None:
        """The heatmap (title, indices, cells, colour bar) under a scene position."""
        return next((p for p in self._panels.values() if p.plot.sceneBoundingRect().contains(scene_pos)), None)

    @staticmethod
    def _parameter(panel: MatrixPanel, i: int, j: int) -> tuple:
        return ("w", panel.layer, i, j) if panel.kind == "w" else ("b", panel.layer, i)

    def _on_mouse_clicked(self, event):
        """event: pyqtgraph MouseClickEvent; W and dW cells select a weight. A double-click on a W or b cell
        asks to set it, anywhere else on a heatmap enlarges it."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        hit = self._panel_cell_at(event.scenePos())
        if event.double():
            if hit and hit[0].kind in EDITABLE:
                self.parameter_edit_requested.emit(self._parameter(*hit))
                return
            panel = self._panel_at(event.scenePos())
            if panel is not None:
                self.pop_out(panel.layer, panel.kind)
                return
        if hit and hit[0].kind in ("w", "grad_w"):
            self.cell_clicked.emit(hit[0].layer, hit[1], hit[2])
        elif hit and hit[0].kind in ("b", "grad_b"):  # the bias, as a click on its unit in the graph selects it
            self.bias_clicked.emit(hit[0].layer, hit[1])

    def add_actions(self, menu: QtWidgets.QMenu, layer: int, kind: str, scene_pos=None) -> None:
        """The heatmap's own entries in its right-click menu (built by ui/copy_numpy.py): on a cell of w or b,
        "Set w2[1, 3]..." (as a double-click there), and "Enlarge ... in its own window" (as a double-click on
        the title)."""
        panel = self._panel(layer, kind)
        cell = panel.cell_at(scene_pos) if scene_pos is not None else None
        if cell is not None and kind in EDITABLE:
            parameter = self._parameter(panel, *cell)
            name = parameter_name(*parameter)
            action = menu.addAction(f"Set {name}...")
            action.setToolTip(f"Type a new value for {name} (as a double-click on the cell)")
            action.triggered.connect(lambda _=False: self.parameter_edit_requested.emit(parameter))
        action = menu.addAction(f"Enlarge {panel.title} in its own window")
        action.setToolTip("Open this heatmap enlarged; it follows the training live (as a double-click on its title)")
        action.triggered.connect(lambda _=False: self.pop_out(layer, kind))
