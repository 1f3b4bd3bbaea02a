"""The Output view's bar while it shows one unit's map instead of the network's output: the unit's whole name
(wrapped, never cut: at 1280 px it read "a1[2] (hidden layer…", at 1024 px nothing), the way back to the
output, and the colour scale of the map with the activations at its ends."""
from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

STRIP_PX = 10  # the colour strip's height; the numbers go under it


class ScaleStrip(QtWidgets.QWidget):
    """A horizontal colour scale: ``set_scale(values (n,), colors (n, 3) uint8)``, low to high, the lowest,
    middle and highest value written under it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.values = np.zeros(0)
        self.colors = np.zeros((0, 3), np.uint8)
        self.setMinimumWidth(80)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)

    def set_scale(self, values: np.ndarray, colors: np.ndarray) -> None:
        self.values, self.colors = np.asarray(values), np.asarray(colors, np.uint8)
        self.update()

    def ticks(self) -> list[str]:
        """The numbers written under the strip: lowest, middle, highest."""
        if not len(self.values):
            return []
        v = self.values
        return [f"{x:.3g}" for x in (v[0], (v[0] + v[-1]) / 2, v[-1])]

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(200, STRIP_PX + self.fontMetrics().height() + 2)

    def paintEvent(self, event) -> None:
        if not len(self.colors):
            return
        painter = QtGui.QPainter(self)
        w = self.width()
        n = len(self.colors)
        for k, (r, g, b) in enumerate(self.colors.tolist()):
            x0, x1 = round(k * w / n), round((k + 1) * w / n)
            painter.fillRect(x0, 0, x1 - x0, STRIP_PX, QtGui.QColor(r, g, b))
        painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        y, h = STRIP_PX + 1, self.fontMetrics().height()
        low, mid, high = self.ticks()
        align = QtCore.Qt.AlignmentFlag
        painter.drawText(QtCore.QRect(0, y, w, h), align.AlignLeft | align.AlignTop, low)
        painter.drawText(QtCore.QRect(0, y, w, h), align.AlignHCenter | align.AlignTop, mid)
        painter.drawText(QtCore.QRect(0, y, w, h), align.AlignRight | align.AlignTop, high)
        painter.end()


class UnitBar(QtWidgets.QWidget):
    """``show_unit(name, values, colors)`` names the unit shown and its colour scale; ``back`` asks for the
    output again (``output_requested``)."""

    output_requested = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QtWidgets.QLabel()
        self.name.setWordWrap(True)  # the whole name on two lines rather than a cut one
        self.name.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.back = QtWidgets.QPushButton("Show output")
        self.back.setToolTip("Show the network's output over the plane again, in place of the unit's map")
        self.back.clicked.connect(self.output_requested)
        self.scale = ScaleStrip()
        top = QtWidgets.QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name, 1)
        top.addWidget(self.back, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.scale)

    def show_unit(self, name: str, values: np.ndarray, colors: np.ndarray) -> None:
        text = f"Showing {name} over the plane"
        if self.name.text() != text:
            self.name.setText(text)
            self.name.setToolTip(text)
        self.scale.set_scale(values, colors)
        self.scale.setToolTip(f"The colours of {name}'s map: {self.scale.ticks()[0]} on the left, "
                              f"{self.scale.ticks()[-1]} on the right, dark in the middle")
