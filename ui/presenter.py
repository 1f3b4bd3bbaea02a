"""Presenter mode, for teaching on a projector: larger fonts, thicker loss curves, and only the settings a
lesson uses.

View > Presenter mode (F11 or Ctrl+Shift+P) switches it; View > Lesson controls chooses which sections of the
Settings panel stay visible while it is on (the preset picker and the training toolbar always do). The owner
(``app.session``) remembers both through ``toggled(bool)`` and ``sections_changed(list)``.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu

from ui.view_throttle import on_screen

FONT_SCALE = 1.5
RESTORE_ATTEMPTS = 20  # event-loop turns to wait for the panels' normal sizes when leaving
PEN_SCALE = 2.0
ALWAYS_SHOWN = ("Preset",)
DEFAULT_SECTIONS = ("Preset", "Network", "Training")


class Presenter(QObject):
    """``window`` must have ``view_menu``, ``config_panel`` (with ``sections()``) and ``loss_plot``."""

    toggled = Signal(bool)
    sections_changed = Signal(list)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._on = False
        self._base_font: QFont | None = None
        self._pens: dict[int, tuple[object, pg.QtGui.QPen]] = {}  # id(curve) -> (curve, its own pen)
        self._layout = None  # the window's dock layout from before presenter mode (QMainWindow.saveState)
        self.action = QAction("&Presenter mode", window, checkable=True)
        self.action.setShortcuts([QKeySequence("F11"), QKeySequence("Ctrl+Shift+P")])
        self.action.setToolTip("Larger fonts and thicker lines for a projector; only the lesson's controls "
                               "(F11)")
        self.action.toggled.connect(self.set_enabled)
        self.lesson_menu = QMenu("&Lesson controls", window)
        self.lesson_menu.setToolTipsVisible(True)
        self.section_actions: dict[str, QAction] = {}
        for name in window.config_panel.sections():
            if name in ALWAYS_SHOWN:
                continue
            action = QAction(name, window, checkable=True, checked=name in DEFAULT_SECTIONS)
            action.setToolTip(f"Show the {name} settings in presenter mode")
            action.toggled.connect(self._section_toggled)
            self.lesson_menu.addAction(action)
            self.section_actions[name] = action
        menu = window.view_menu  # first in View: the views added later list below
        first = menu.actions()[0] if menu.actions() else None
        menu.insertAction(first, self.action)
        menu.insertMenu(first, self.lesson_menu)
        menu.insertSeparator(first)
        closing = getattr(window, "about_to_close", None)
        if closing is not None:  # other windows, and the next test, get the normal font back
            closing.connect(self.restore_font)

    @property
    def window(self) -> QMainWindow:  # not an attribute: the lambdas below must not keep the window alive
        return self.parent()

    # -- state ----------------------------------------------------------------------------------------
    def is_enabled(self) -> bool:
        return self._on

    def set_enabled(self, on: bool) -> None:
        on = bool(on)
        if on == self._on:
            return
        self._on = on
        if self.action.isChecked() != on:
            blocked = self.action.blockSignals(True)
            self.action.setChecked(on)
            self.action.blockSignals(blocked)
        if on and self.window.isVisible():
            # larger fonts widen the docks, and Qt keeps them wide once the fonts shrink again: the
            # layout from before comes back exactly when presenter mode is left
            self._layout = (self.window.saveState(), self._dock_sizes())
        self._apply_font()
        self._apply_pens()
        self._apply_sections()
        if not on and self._layout is not None:
            QTimer.singleShot(0, self, self._restore_layout)  # (self: not after the window is gone)
        self.toggled.emit(on)

    def _dock_sizes(self) -> dict:
        """The sizes of the docks on screen (a dock tabbed behind another has a hidden geometry)."""
        return {dock.objectName(): dock.size() for dock in self.window.findChildren(QDockWidget) if on_screen(dock)}

    def _restore_layout(self, attempts: int = RESTORE_ATTEMPTS) -> None:
        """Puts the saved dock layout back. The panels take their normal minimum widths over a few
        deferred layout passes after the font change (ui/config_panel.py fits its width to its rows
        each time), and until then they hold a dock wide: so try again, a turn of the event loop
        later, until the docks have their old sizes."""
        if self._on or self._layout is None:
            return  # switched on again meanwhile: keep the layout to restore for the next time off
        state, sizes = self._layout
        self.window.restoreState(state)
        if self._dock_sizes() == sizes or attempts <= 1:
            self._layout = None
        else:
            QTimer.singleShot(0, self, lambda: self._restore_layout(attempts - 1))

    def shown_sections(self) -> list[str]:
        return list(ALWAYS_SHOWN) + [n for n, a in self.section_actions.items() if a.isChecked()]

    def set_shown_sections(self, names) -> None:
        names = set(names)
        for name, action in self.section_actions.items():
            blocked = action.blockSignals(True)
            action.setChecked(name in names)
            action.blockSignals(blocked)
        self._apply_sections()

    def restore_font(self) -> None:
        """Give the application its own font back (the window closes; presenter mode stays remembered)."""
        if self._base_font is not None:
            QApplication.setFont(self._base_font)
            self._base_font = None

    # -- applying -------------------------------------------------------------------------------------
    def _section_toggled(self, _checked: bool) -> None:
        self._apply_sections()
        self.sections_changed.emit(self.shown_sections())

    def _apply_sections(self) -> None:
        shown = set(self.shown_sections())
        for name, box in self.window.config_panel.sections().items():
            box.setVisible(not self._on or name in shown)

    def _apply_font(self) -> None:
        if self._on:
            self._base_font = QApplication.font()
            font = QFont(self._base_font)
            if font.pointSizeF() > 0:
                font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
            else:
                font.setPixelSize(round(font.pixelSize() * FONT_SCALE))
            QApplication.setFont(font)
        else:
            self.restore_font()
        # (the heatmaps keep their size: they paint with their own 8-9 pt fonts, one label per unit)
        plot = self.window.loss_plot.plot_item
        tick_font = QApplication.font() if self._on else None
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=tick_font)
            plot.getAxis(name).label.setFont(QApplication.font())

    def _apply_pens(self) -> None:
        """The loss curves twice as wide while on; their own pens back when off."""
        if self._on:
            for curve in self.window.loss_plot.plot_item.listDataItems():
                own = pg.mkPen(curve.opts["pen"])
                self._pens[id(curve)] = (curve, own)
                wide = pg.mkPen(own)
                wide.setWidthF(max(own.widthF(), 1.0) * PEN_SCALE)
                curve.setPen(wide)
        else:
            for curve, own in self._pens.values():
                curve.setPen(own)
            self._pens.clear()
