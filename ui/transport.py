"""Train/Pause, Step one epoch and Reset as QActions: one action each, shared by the toolbar and the menu.

Shortcuts follow a debugger: Space (or F5) trains and pauses, F10 steps one epoch, Ctrl+R resets. A text field
with the focus keeps its Space (Qt gives the focused line edit first claim on printable keys).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QToolButton, QWidget

TRAIN_TEXTS = ("&Train", "&Pause")  # the two faces of one button


class Transport(QObject):
    """Signals ``train_requested``, ``pause_requested``, ``step_requested``, ``reset_requested``."""

    train_requested = Signal()
    pause_requested = Signal()
    step_requested = Signal()
    reset_requested = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        style = parent.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self._running = None  # neither: the first set_running() labels everything

        self.train_pause = QAction(self._play_icon, "&Train", parent)
        self.train_pause.setShortcuts([QKeySequence("Space"), QKeySequence("F5")])
        self.train_pause.triggered.connect(self._toggle)

        self.step = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "&Step one epoch", parent)
        self.step.setShortcut(QKeySequence("F10"))
        self.step.setToolTip("Train exactly one more epoch, then pause (F10)")
        self.step.triggered.connect(self.step_requested)

        self.reset = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "&Reset weights", parent)
        self.reset.setShortcut(QKeySequence("Ctrl+R"))
        self.reset.setToolTip("Draw fresh initial weights from the seed and clear the history; keep the settings"
                              " (Ctrl+R)")
        self.reset.triggered.connect(self.reset_requested)
        self.set_running(False)

    def actions(self) -> list[QAction]:
        return [self.train_pause, self.step, self.reset]

    def is_running(self) -> bool:
        return bool(self._running)

    def set_running(self, running: bool) -> None:
        """Show Pause while training, Train otherwise."""
        if running == self._running:
            return  # relabelling an action relays out every toolbar and menu showing it
        self._running = running
        self.train_pause.setText(TRAIN_TEXTS[1] if running else TRAIN_TEXTS[0])
        self.train_pause.setIcon(self._pause_icon if running else self._play_icon)
        self.train_pause.setToolTip(("Pause training" if running else "Start or continue training") + " (Space)")

    def _toggle(self) -> None:
        (self.pause_requested if self._running else self.train_requested).emit()


class SteadyWidth(QObject):
    """Keeps ``button`` (a tool button whose action's text changes: Train / Pause) as wide as its widest text,
    so the buttons after it in the toolbar do not move when it changes; refitted when its font changes
    (presenter mode)."""

    def __init__(self, button: QToolButton, texts=TRAIN_TEXTS):
        super().__init__(button)
        self._button, self._texts = button, texts
        button.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        button = self._button
        shown = button.text()
        widths = []
        for text in self._texts:  # the style's own size for each face (the action sets the text back anyway)
            button.setText(text)
            widths.append(button.sizeHint().width())
        button.setText(shown)
        button.setMinimumWidth(max(widths))

    def eventFilter(self, watched, event) -> bool:
        # (getattr: the garbage collector may clear our attributes before a torn-down window's last events)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and getattr(self, "_button", None):
            self.fit()
        return False
