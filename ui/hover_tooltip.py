"""A tooltip for a pyqtgraph view whose text depends on where the mouse is (a graph's unit or edge), shown as the
mouse moves and kept while it rests.

Why a class of its own: Qt sends a view's viewport a ToolTip event ~0.7 s after the mouse stops. A
QGraphicsView hands it to its scene, which looks for an item with a tooltip, finds none and hides the tooltip
on screen; the widget's own tooltip, shown next by the same event, is the same text, which Qt takes for the
tip already showing, so the hide goes through: the text flashed up and was gone. Here the ToolTip event is
answered first, with the text under the mouse, and the scene never sees it.
"""
from __future__ import annotations

from typing import Callable

from PySide6 import QtCore, QtGui, QtWidgets


class HoverTooltip(QtCore.QObject):
    """``HoverTooltip(view, text_at)``: ``view`` a QGraphicsView (a pyqtgraph PlotWidget), ``text_at(scene_pos)``
    the text for a scene position ("" for none). Call ``moved(scene_pos)`` from the scene's sigMouseMoved;
    ``left`` says the mouse left the view (the scene sends no move for that)."""

    left = QtCore.Signal()

    def __init__(self, view: QtWidgets.QGraphicsView, text_at: Callable[[QtCore.QPointF], str]):
        super().__init__(view)
        self.view, self.text_at = view, text_at
        self.text = ""  # the text for the mouse's last position
        view.viewport().installEventFilter(self)

    def moved(self, scene_pos: QtCore.QPointF, text: str | None = None) -> None:
        """The mouse moved to ``scene_pos``; ``text``: its tooltip when the caller has it already (else text_at)."""
        self.text = self.text_at(scene_pos) if text is None else text
        self._show(QtGui.QCursor.pos())

    def _show(self, global_pos: QtCore.QPoint) -> None:
        if self.text:
            QtWidgets.QToolTip.showText(global_pos, self.text, self.view.viewport())
        elif QtWidgets.QToolTip.isVisible():
            QtWidgets.QToolTip.hideText()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QtCore.QEvent.Type.ToolTip:
            self.text = self.text_at(self.view.mapToScene(event.pos()))
            self._show(event.globalPos())
            return True  # answered: the scene would hide it
        if event.type() == QtCore.QEvent.Type.Leave:
            self.text = ""
            self.left.emit()
        return False
