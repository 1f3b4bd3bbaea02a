"""Copy as NumPy: one matrix on the clipboard as Python text (``w2 = np.array([...])``) for a notebook.

Two ways in: the Edit menu ("Copy w2 as NumPy" for the selected layer, Ctrl+Shift+C, and a "Copy as NumPy"
submenu with every matrix), and a right click on any heatmap. What is copied is what the heatmap shows.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.export import copy_matrix_to_clipboard
from ui.heatmaps import KINDS, HeatmapGrid

# heatmap kind -> the name the pasted variable gets (tutorial notation, 1-based layer)
NAMES = {"w": "w{}", "grad_w": "grad_w{}", "b": "b{}", "grad_b": "grad_b{}"}


def matrix_name(layer: int, kind: str) -> str:
    return NAMES[kind].format(layer)


class CopyAsNumpy(QObject):
    """The Edit menu's copy actions and the heatmaps' context menu. ``copied(name, text)`` after a copy;
    ``context_menu`` is the last menu a right click opened (tests trigger its actions)."""

    def __init__(self, window: QMainWindow, heatmaps: HeatmapGrid, before: QAction | None = None):
        super().__init__(window)
        self.heatmaps = heatmaps
        self.context_menu: QMenu | None = None
        self.last_text = ""
        self.menu = QMenu("&Edit", window)
        self.menu.setToolTipsVisible(True)
        if before is not None:
            window.menuBar().insertMenu(before, self.menu)
        else:
            window.menuBar().addMenu(self.menu)
        self.copy_action = QAction("&Copy w1 as NumPy", window)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.setToolTip("Copy the selected layer's weight matrix as Python text for a notebook "
                                    "(Ctrl+Shift+C); click a weight to select its layer")
        self.copy_action.triggered.connect(self.copy_selected)
        self.menu.addAction(self.copy_action)
        self.all_menu = QMenu("Copy as &NumPy", window)
        self.all_menu.setToolTipsVisible(True)
        self.all_menu.aboutToShow.connect(self._fill_all_menu)
        self.menu.addMenu(self.all_menu)
        self.menu.aboutToShow.connect(self._update_texts)
        heatmaps.cell_clicked.connect(lambda *_: self._update_texts())
        heatmaps.graphics.scene().sigMouseClicked.connect(self._on_scene_clicked)

    @property
    def window(self) -> QMainWindow:  # not an attribute: the lambdas below must not keep the window alive
        return self.parent()

    # -- what to copy -------------------------------------------------------------------------------
    def selected_layer(self) -> int:
        chosen = self.heatmaps.highlighted()
        return chosen[0] if chosen else 1

    def copy(self, layer: int, kind: str) -> str:
        """Put the shown matrix on the clipboard; returns the text ("" when nothing is drawn yet)."""
        if not 1 <= layer <= self.heatmaps.n_layers():
            return ""
        array = self.heatmaps.image(layer, kind)
        if array is None:
            self.window.statusBar().showMessage("Nothing to copy yet: the heatmaps are still being drawn", 4000)
            return ""
        name = matrix_name(layer, kind)
        self.last_text = copy_matrix_to_clipboard(name, array)
        self.window.statusBar().showMessage(f"Copied {name} {array.shape[0]}x{array.shape[1]} as NumPy text", 4000)
        return self.last_text

    def copy_selected(self) -> str:
        return self.copy(self.selected_layer(), "w")

    # -- menus ----------------------------------------------------------------------------------------
    def _update_texts(self) -> None:
        self.copy_action.setText(f"&Copy w{self.selected_layer()} as NumPy")
        self.copy_action.setEnabled(self.heatmaps.n_layers() > 0)

    def _fill_all_menu(self) -> None:
        self.all_menu.clear()
        for layer in range(1, self.heatmaps.n_layers() + 1):
            if layer > 1:
                self.all_menu.addSeparator()
            for kind in KINDS:
                self._add_copy(self.all_menu, layer, kind)

    def _add_copy(self, menu: QMenu, layer: int, kind: str) -> QAction:
        name = matrix_name(layer, kind)
        action = menu.addAction(f"Copy {name} as NumPy")
        action.setToolTip(f"Put {name} on the clipboard as `{name} = np.array([...])`")
        action.triggered.connect(lambda _=False: self.copy(layer, kind))
        return action

    def menu_for(self, layer: int, kind: str) -> QMenu:
        """The right-click menu of heatmap (layer, kind): that matrix first, then the layer's others."""
        menu = QMenu(self.window)
        menu.setToolTipsVisible(True)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._add_copy(menu, layer, kind)
        menu.addSeparator()
        for other in KINDS:
            if other != kind:
                self._add_copy(menu, layer, other)
        return menu

    def _on_scene_clicked(self, event) -> None:
        """A right click on a heatmap opens its menu (pyqtgraph's own menus are off on these plots)."""
        if event.button() != Qt.MouseButton.RightButton:
            return
        pos = event.scenePos()
        for layer in range(1, self.heatmaps.n_layers() + 1):
            for kind in KINDS:
                if self.heatmaps.panel_plot(layer, kind).vb.sceneBoundingRect().contains(pos):
                    event.accept()
                    self.context_menu = self.menu_for(layer, kind)
                    self.context_menu.addSeparator()  # the heatmap's own: set the cell, enlarge the matrix
                    self.heatmaps.add_actions(self.context_menu, layer, kind, pos)
                    self.context_menu.popup(event.screenPos().toPoint())
                    return
