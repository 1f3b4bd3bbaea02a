"""Dock tabs that read whole: a group of tabbed docks shows its short titles ("Graph", "Health") when the full
ones ("Network graph", "Gradient health") do not fit the group's width, as on a 1024 px screen where Qt cut
them to "O...", "Network ..."; the full title stays in the View menu.

(No tooltips on the tabs: the tab bars are Qt's own, made and dropped by the window's layout, and a Python
wrapper for one, found with findChildren, crashed the garbage collector once the window went.)
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

SHORT_TITLES = {"Network graph": "Graph", "Gradient health": "Health"}  # what a tab says when pressed
TAB_PADDING = 28  # px a dock tab adds to its text (the style's margins and frame), with some to spare


class DockTitles(QObject):
    """``add(dock, short)``: ``dock``'s title (its full one) gives way to ``short`` (by default its entry in
    SHORT_TITLES) in a tab group too narrow for the full titles. Refitted whenever a dock is resized, shown or
    hidden."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._window = window
        self._titles: dict[QDockWidget, tuple[str, str]] = {}  # dock -> (full, short)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)

    def add(self, dock: QDockWidget, short: str | None = None) -> None:
        full = dock.windowTitle()
        self._titles[dock] = (full, short or SHORT_TITLES.get(full, full))
        dock.installEventFilter(self)
        self._timer.start(0)

    def full_title(self, dock: QDockWidget) -> str:
        return self._titles[dock][0] if dock in self._titles else dock.windowTitle()

    def eventFilter(self, watched, event) -> bool:
        # (getattr: a window torn down by the garbage collector has had our attributes cleared before its
        # docks' last Hide events arrive)
        timer = getattr(self, "_timer", None)
        if timer is not None and event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
            timer.start(0)  # once per burst of layout changes
        return False

    def fit(self) -> None:
        if getattr(self, "_titles", None) is None:
            return  # being torn down (see eventFilter)
        seen: set = set()
        for dock in self._titles:
            if dock in seen:
                continue
            group = [d for d in [dock, *self._window.tabifiedDockWidgets(dock)] if not d.isHidden()]
            seen.update(group)
            fm = dock.fontMetrics()
            need = sum(fm.horizontalAdvance(self.full_title(d)) + TAB_PADDING for d in group)
            # the tab in front has the group's width; the others keep the one they had when last in front
            front = [d.width() for d in group if not d.visibleRegion().isEmpty()]
            short = len(group) > 1 and need > (front[0] if front else dock.width())
            for d in group:
                full, brief = self._titles.get(d, (d.windowTitle(), d.windowTitle()))
                if d.windowTitle() != (brief if short else full):
                    d.setWindowTitle(brief if short else full)
                    d.toggleViewAction().setText(full)  # (a new title renames the menu's action too)
