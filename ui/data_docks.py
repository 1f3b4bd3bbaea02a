"""Docks that only some data needs (the Digits view: image-shaped inputs only): the dataset decides whether
they are shown, never a layout restored from an earlier session.

A restored window state (``QMainWindow.restoreState``) carries each dock's visibility of the last session: a
digits session's Digits tab would come back in front of an XOR run's Output view, and a spiral session's hidden
Digits dock would stay hidden for the digits. So each such dock says here what the data wants
(``want(dock, wanted, neighbour)``), and ``reapply()``, called after every restore, puts that back.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget


class DataDocks:
    """The wanted visibility of each data-dependent dock of one window, and the dock brought to the front
    in its place when it goes."""

    def __init__(self):
        self._wanted: dict[QDockWidget, tuple[bool, QDockWidget | None]] = {}

    def want(self, dock: QDockWidget, wanted: bool, neighbour: QDockWidget | None = None) -> None:
        """``dock`` shown (and brought to the front) if ``wanted``, else hidden with ``neighbour`` in front."""
        self._wanted[dock] = (bool(wanted), neighbour)
        self._apply(dock)

    def reapply(self) -> None:
        """After a restored layout: every data-dependent dock as its data wants it."""
        for dock in self._wanted:
            self._apply(dock)

    def _apply(self, dock: QDockWidget) -> None:
        wanted, neighbour = self._wanted[dock]
        if dock.isHidden() != wanted:
            return  # as wanted already: the tab in front stays the one the user (or the layout) chose
        dock.setVisible(wanted)
        front = dock if wanted else neighbour
        if front is None:
            return
        if dock.window().isVisible():
            front.raise_()
        else:  # once the window is shown: before, it has no tab bar to bring a tab forward in
            QTimer.singleShot(0, front, front.raise_)
