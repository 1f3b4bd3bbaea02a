"""One heatmap of the grid enlarged in its own window (double-click its title in the grid, or a gradient's
cells; Escape or closing the window returns). It shows the same matrix as the grid, live: the grid hands it
every update. A double-click on a cell of w or b here sets it, as in the grid (``cell_double_clicked``)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from ui.heatmap_panel import MatrixPanel
from ui.hover_tooltip import HoverTooltip

CELL_PX = 28  # a comfortable cell when the screen has room for it
SCREEN_SHARE = 0.8  # at most this much of the screen's width and height


class HeatmapPopout(QtWidgets.QDialog):
    """A non-modal window with one MatrixPanel. ``cell_text(i, j)`` gives the hover readout."""

    cell_double_clicked = QtCore.Signal(int, int)  # (i, j) of the cell; the grid asks to set it for w and b

    def __init__(self, layer: int, kind: str, title: str, shape: tuple[int, int], cell_text, parent=None,
                 shown_px: QtCore.QSizeF | None = None):
        """shown_px: the matrix's size in the grid now; the window starts at least twice as large."""
        super().__init__(parent)
        self._shown_px = shown_px or QtCore.QSizeF(0, 0)
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.cell_text = cell_text
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.panel = MatrixPanel(layer, kind)
        self.graphics.ci.addItem(self.panel.plot)
        hint = QtWidgets.QLabel("Esc closes · hover a cell for its value"
                                + (" · double-click it to set it" if kind in ("w", "b") else ""))
        hint.setWordWrap(True)  # (a small matrix's window is narrower than the line)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(hint)
        self.tooltip = HoverTooltip(self.graphics, self.text_at)
        self._proxy = pg.SignalProxy(self.graphics.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.configure(title, shape)

    def configure(self, title: str, shape: tuple[int, int]) -> None:
        """The matrix changed shape (a new network with this layer still in it)."""
        self.setWindowTitle(f"{title} · Backprop Lab")
        self.panel.configure(title, shape)
        self.resize(self._size_for(shape))

    def show_matrix(self, data, settle: bool = False) -> None:
        """data: (rows, cols), what the grid shows for this matrix."""
        self.panel.show(data, settle)

    def highlight(self, i: int | None, j: int | None) -> None:
        if self.panel.highlight is None:
            return
        self.panel.highlight.setVisible(i is not None)
        if i is not None:
            self.panel.highlight.setPos(j, i)

    def _size_for(self, shape) -> QtCore.QSize:
        rows, cols = shape
        screen = (self.screen() or QtGui.QGuiApplication.primaryScreen()).availableGeometry()
        chrome_w, chrome_h = 60, MatrixPanel.HEADER_PX + 50
        w = max(cols * CELL_PX, 2 * self._shown_px.width()) + chrome_w
        h = max(rows * CELL_PX, 2 * self._shown_px.height()) + chrome_h
        w = min(max(w, 360), int(screen.width() * SCREEN_SHARE))
        h = min(max(h, 280), int(screen.height() * SCREEN_SHARE))
        return QtCore.QSize(int(w), int(h))

    def text_at(self, scene_pos) -> str:
        cell = self.panel.cell_at(scene_pos)
        return self.cell_text(*cell) if cell else ""

    def _on_mouse_moved(self, event):
        self.tooltip.moved(event[0])  # shown as the mouse moves, kept while it rests (ui/hover_tooltip.py)

    def _on_mouse_clicked(self, event):
        """event: pyqtgraph MouseClickEvent; a double-click on a cell."""
        if event.button() == QtCore.Qt.MouseButton.LeftButton and event.double():
            cell = self.panel.cell_at(event.scenePos())
            if cell is not None:
                self.cell_double_clicked.emit(*cell)

    def closeEvent(self, event):
        self._proxy.disconnect()
        # the plot goes now, while Python runs (see HeatmapGrid._release_panels)
        self.graphics.ci.removeItem(self.panel.plot)
        super().closeEvent(event)
