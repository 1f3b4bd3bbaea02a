"""How fast training runs: full speed, or a pace a learner can follow (steps per second).

One choice, shown twice: a combo box on the transport toolbar and a Pace submenu of the Train menu, kept in
step by ``set_pace``; ``pace_chosen(steps_per_second or None)`` reports what the user picked.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QMenu, QWidget

PACES = (None, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def pace_text(pace: float | None) -> str:
    if pace is None:
        return "Full speed"
    return f"{pace:,g} step/s" if pace == 1 else f"{pace:,g} steps/s"


class PaceControl(QObject):
    pace_chosen = Signal(object)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setToolTip("Training pace: full speed, or slow enough to watch every step (each step is drawn "
                              "at up to 30 steps/s)")
        self.menu = QMenu("P&ace", parent)
        self.menu.setToolTipsVisible(True)
        self._group = QActionGroup(self)
        self._actions: dict = {}
        for pace in PACES:
            self.combo.addItem(pace_text(pace), pace)
            action = QAction(pace_text(pace), parent, checkable=True)
            action.triggered.connect(lambda _=False, p=pace: self.pace_chosen.emit(p))
            self._group.addAction(action)
            self.menu.addAction(action)
            self._actions[pace] = action
        self.combo.activated.connect(lambda i: self.pace_chosen.emit(self.combo.itemData(i)))
        self.set_pace(None)

    def set_pace(self, pace: float | None) -> None:
        if pace not in self._actions:  # a pace from a setting that is not in the list: add it
            self.combo.addItem(pace_text(pace), pace)
            action = QAction(pace_text(pace), self.parent(), checkable=True)
            action.triggered.connect(lambda _=False, p=pace: self.pace_chosen.emit(p))
            self._group.addAction(action)
            self.menu.addAction(action)
            self._actions[pace] = action
        blocked = self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(pace) if pace is not None else 0)
        self.combo.blockSignals(blocked)
        self._actions[pace].setChecked(True)

    def pace(self) -> float | None:
        return self.combo.currentData()
