"""A one-line label that takes the width it is given and ends in "…" where its text does not fit, with
the whole text as its tooltip: for readouts as long as the figures they show (the loss plot's
"epoch · train · test", the Output view's y_hat), which must not set a window's minimum width.

``setText(text, shorter)`` also takes shorter forms of the same readout, most wanted first: the longest that
fits is shown whole, and only the shortest is ever cut ("train 0.0011 · test 0.0012" reads better in a narrow
column than "epoch 204 · train 0.001…"). Its size hint is the whole text's width, so a layout that can give
it the room does."""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets


class ElidedLabel(QtWidgets.QLabel):
    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self._reserve = ""  # a text as wide as the widest this label will show (set_reserve)
        self._forms: tuple[str, ...] = ()
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str, shorter=()) -> None:  # (Qt's name)
        if (text, *shorter) == self._forms:  # readouts are set every frame: as QLabel.setText, nothing to do
            return
        self._full = text
        self._forms = (text, *shorter)
        self.setToolTip(text)
        self._elide()
        self.updateGeometry()

    def set_reserve(self, text: str) -> None:
        """Ask for ``text``'s width whatever is shown: a readout whose figures change width every frame (the
        timeline's "epoch 979 +6 · live") made its neighbours move with it."""
        if text != self._reserve:
            self._reserve = text
            self.updateGeometry()

    def text(self) -> str:
        """The whole text, as set (what is drawn may end in "…")."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QtCore.QSize:
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        width = max(metrics.horizontalAdvance(self._full), metrics.horizontalAdvance(self._reserve)) \
            + margins.left() + margins.right() + 2
        return QtCore.QSize(width, super().sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        fm, width = self.fontMetrics(), max(self.width(), 0)
        shown = next((form for form in self._forms if fm.horizontalAdvance(form) <= width), None)
        if shown is None:
            shown = fm.elidedText(self._forms[-1] if self._forms else "", QtCore.Qt.TextElideMode.ElideRight, width)
        if shown != super().text():
            super().setText(shown)
