"""What the app is doing, always in view: the status bar (state, epoch, loss, steps/s, elapsed, progress)
and a banner for what needs the user (a diverged run, a failed save)."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar

STATE_TEXT = {
    "ready": "Ready",
    "running": "Training",
    "paused": "Paused",
    "done": "Done",
    "diverged": "Diverged: lower the learning rate",
}
INFO_SECONDS = 8
STATE_COLOR = {"ready": "#555555", "running": "#2e7d32", "paused": "#b26a00", "done": "#1565c0",
               "diverged": "#c62828"}


def format_elapsed(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_loss(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e4 else f"{value:.3e}"


class TrainingStatusBar(QStatusBar):
    """State (coloured), epoch, loss, steps/s, elapsed time and a progress bar toward the epoch limit."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state_label = QLabel()
        self.state_label.setMinimumWidth(90)
        self.epoch_label = QLabel()
        self.replay_label = QLabel()  # "epoch 137 of 10,000, replay" while looking back
        self.replay_label.setStyleSheet("QLabel { color: #6a1b9a; font-weight: bold; }")
        self.replay_label.setToolTip("The moment every view shows; End or Live returns to the newest step")
        self.replay_label.hide()
        self.loss_label = QLabel()
        self.accuracy_label = QLabel()
        self.accuracy_label.hide()  # classification only
        self.rate_label = QLabel()
        self.elapsed_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.setToolTip("Completed epochs out of the epoch limit (set under Training)")
        self.state_label.setToolTip("What the training is doing")
        self.addWidget(self.state_label)
        self.addWidget(self.replay_label)
        for label, tip in ((self.epoch_label, "Completed epochs"),
                           (self.loss_label, "Training loss of the last epoch"),
                           (self.accuracy_label, "Share of training (and test) samples classified right in the last "
                                                 "epoch"),
                           (self.rate_label, "Training steps (mini-batches) per second"),
                           (self.elapsed_label, "Time spent training this network")):
            label.setToolTip(tip)
            self.addPermanentWidget(label)
        self.addPermanentWidget(self.progress)
        self._fields = (self.epoch_label, self.loss_label, self.accuracy_label, self.rate_label, self.elapsed_label,
                        self.progress)  # on the right, beside any temporary message
        self._status = ""
        self._message = ""
        self._limit = None
        self.set_state("ready")
        self.set_epoch_limit(None)
        self.show_counters(0, None, 0.0, 0.0)

    def status(self) -> str:
        return self._status

    # A temporary message (showMessage) is painted across the whole bar, under the epoch and loss fields: it is
    # cut to the room left of them instead, ending in "…" (a long one is in the banner above the plots whole).
    def showMessage(self, text: str, timeout: int = 0) -> None:  # (Qt's name)
        self._message = text
        super().showMessage(self._fitted(text), timeout)

    def message(self) -> str:
        """The whole temporary message shown (what currentMessage() shows may be cut), '' when none."""
        return self._message if self.currentMessage() else ""

    def message_room(self) -> int:
        """Pixels from the bar's left edge to the first field shown on the right, less a gap."""
        right = min((w.x() for w in self._fields if w.isVisible()), default=self.width())
        return max(right - 16, 0)

    def _fitted(self, text: str) -> str:
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.message_room())

    def state_text(self) -> str:
        return self.state_label.text()

    def set_state(self, status: str) -> None:
        if status == self._status:
            return
        self._status = status
        self.state_label.setText(STATE_TEXT.get(status, status))
        self.state_label.setStyleSheet(f"QLabel {{ color: {STATE_COLOR.get(status, '#000')}; font-weight: bold; }}")

    def set_replay(self, text: str | None) -> None:
        """Looking back at a past moment (``text`` says which), or live (None). Under a temporary message it
        waits, hidden as Qt hides the bar's other widgets then, and Qt shows it when the message goes (shown at
        once, it was drawn over the message)."""
        label = self.replay_label
        label.setText(text or "")
        if text and self.currentMessage():
            label.hide()
            label.setAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide, False)  # (as QStatusBar does)
        else:
            label.setVisible(bool(text))

    def replay_text(self) -> str:
        return self.replay_label.text() if not self.replay_label.isHidden() else ""

    def set_epoch_limit(self, limit: int | None) -> None:
        self._limit = limit
        self.progress.setVisible(limit is not None and limit > 0)
        if limit:
            self.progress.setRange(0, limit)
            self.progress.setFormat("%v / %m epochs")

    def show_counters(self, epoch: int, loss: float | None, steps_per_second: float, elapsed: float,
                      accuracy: float | None = None, test_accuracy: float | None = None) -> None:
        self.epoch_label.setText(f"epoch {epoch:,}")
        self.loss_label.setText("loss \u2014" if loss is None else f"loss {format_loss(loss)}")
        self.accuracy_label.setVisible(accuracy is not None)
        if accuracy is not None:
            self.accuracy_label.setText(f"accuracy {accuracy:.1%}"
                                        + (f", test {test_accuracy:.1%}" if test_accuracy is not None else ""))
        self.rate_label.setText(f"{steps_per_second:,.0f} steps/s" if steps_per_second else "\u2014 steps/s")
        self.elapsed_label.setText(format_elapsed(elapsed))
        if self._limit:
            self.progress.setValue(min(epoch, self._limit))


class MessageBanner(QFrame):
    """A coloured strip above the plots for what needs the user; buttons act on it (e.g. lower the LR)."""

    closed = Signal()
    MIN_TEXT_WIDTH = 320  # narrower than this beside the buttons, the text goes above them

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # the buttons beside the text, or below it when the banner is too narrow for both (presenter mode)
        self._outer = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._outer.setContentsMargins(8, 4, 8, 4)
        self._outer.addWidget(self.label, 1)
        self._layout = QHBoxLayout()
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self._outer.addLayout(self._layout)
        self._buttons: list[QPushButton] = []
        self._expiry = QTimer(self)  # an "info" message goes by itself; an error waits for the user
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str, kind: str = "error", actions=()) -> None:
        """``actions``: (button text, callable) pairs shown after the text; any of them also closes the banner."""
        colours = {"error": ("#fdecea", "#c62828"), "info": ("#e8f4fd", "#1565c0")}[kind]
        self.setStyleSheet(f"QFrame#banner {{ background: {colours[0]}; border: 1px solid {colours[1]};"
                           f" border-radius: 4px; }} QFrame#banner QLabel {{ color: {colours[1]}; }}")
        self.label.setText(text)
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for title, callback in list(actions) + [("Dismiss", None)]:
            button = QPushButton(title)
            button.setToolTip("Hide this message" if callback is None else title)
            button.clicked.connect(self.dismiss)
            if callback is not None:
                button.clicked.connect(callback)
            self._layout.addWidget(button)
            self._buttons.append(button)
        self._fit_buttons()
        self.show()
        if kind == "info":
            self._expiry.start(INFO_SECONDS * 1000)
        else:
            self._expiry.stop()

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        buttons = sum(b.sizeHint().width() + self._layout.spacing() for b in self._buttons)
        narrow = self.width() < buttons + self.MIN_TEXT_WIDTH
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self._outer.direction() != direction:
            self._outer.setDirection(direction)

    def button(self, title: str) -> QPushButton | None:
        return next((b for b in self._buttons if b.text() == title), None)

    def dismiss(self) -> None:
        if not self.isHidden():
            self.hide()
            self.closed.emit()
