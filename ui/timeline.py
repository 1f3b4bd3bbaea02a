"""The run's timeline: a slider over every step of the run, under the loss plot, and a Live button.

Dragging the slider, or the keys (Left/Right one step, PgUp/PgDn one epoch, End back to live), picks the moment
every view shows; ``moment_chosen(step)`` says which (None: live). While live the slider follows the newest
step; training goes on when the user looks back, and the views stay on the chosen moment until Live.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSlider, QWidget

from ui.elided_label import ElidedLabel

SLIDER_MAX = 100_000  # slider positions: a run of millions of steps maps onto these, so dragging stays smooth


class Timeline(QWidget):
    moment_chosen = Signal(object)  # a step, or None for live
    moved = Signal(int)  # step by this many steps (the keys), relative to the moment shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Drag to look back at any step of the run: every view shows that moment "
                               "(Left/Right: one step, PgUp/PgDn: one epoch, End: live)")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys move it, a click does not steal them
        self.live_button = QPushButton("Live")
        self.live_button.setToolTip("Back to the newest step, as training goes on (End)")
        self.live_button.setEnabled(False)
        self.label = ElidedLabel("live")  # as long as its figures, but never the window's minimum width
        self.label.setMinimumWidth(0)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Timeline"))
        layout.addWidget(self.slider, 2)
        layout.addWidget(self.label)  # as wide as its text (its size hint) where it can be: the slider gives way
        layout.addWidget(self.live_button)
        self._steps = 0
        self._per_epoch = 1
        self._epoch_limit = None
        self._moment: int | None = None
        self.slider.valueChanged.connect(self._on_slider)
        self.live_button.clicked.connect(lambda: self.moment_chosen.emit(None))

    def key_actions(self, parent) -> list[QAction]:
        """Left/Right, PgUp/PgDn and End as actions of ``parent`` (the window), for its Train menu."""
        actions = []
        for text, key, handler in (("Back one step", "Left", lambda: self.moved.emit(-1)),
                                   ("Forward one step", "Right", lambda: self.moved.emit(1)),
                                   ("Back one epoch", "PgUp", lambda: self.moved.emit(-self._per_epoch)),
                                   ("Forward one epoch", "PgDown", lambda: self.moved.emit(self._per_epoch)),
                                   ("Back to live", "End", lambda: self.moment_chosen.emit(None))):
            action = QAction(text, parent)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text} on the timeline ({key})")
            action.triggered.connect(handler)
            actions.append(action)
        return actions

    # -- model -> view ------------------------------------------------------------------------------------
    def set_run(self, steps: int, steps_per_epoch: int, epoch_limit: int | None = None) -> None:
        """The run so far has ``steps`` steps of which ``steps_per_epoch`` make an epoch."""
        self._steps, self._per_epoch, self._epoch_limit = int(steps), max(int(steps_per_epoch), 1), epoch_limit
        # room for the widest label of the run, so the slider beside it does not jitter as the figures change
        epochs = max(epoch_limit or 0, self._steps // self._per_epoch)
        self.label.set_reserve(f"epoch {epochs:,} +{max(self._per_epoch - 1, 0):,} · replay")
        self._place()

    def set_moment(self, step: int | None) -> None:
        self._moment = step
        self.live_button.setEnabled(step is not None)
        self._place()

    def text(self) -> str:
        return self.label.text()

    # -- internals ------------------------------------------------------------------------------------------
    def _positions(self) -> int:
        return min(self._steps, SLIDER_MAX)

    def _place(self) -> None:
        n = self._positions()
        step = self._steps if self._moment is None else self._moment
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, n)
        self.slider.setValue(round(step * n / self._steps) if self._steps else 0)
        self.slider.blockSignals(blocked)
        self.label.setText(self.describe(step, short=True))
        self.label.setToolTip(self.describe(step))

    def describe(self, step: int, short: bool = False) -> str:
        """"epoch 137 of 10,000, replay" (the status line); ``short``: "epoch 137 · replay" (beside the slider)."""
        clock = getattr(self, "clock", None)  # the run's (data changes alter the epochs' length)
        epoch, within = clock.split(step) if clock is not None else divmod(step, self._per_epoch)
        if short:
            return f"epoch {epoch:,}" + (f" +{within}" if within else "") + \
                (" · live" if self._moment is None else " · replay")
        limit = f" of {self._epoch_limit:,}" if self._epoch_limit else ""
        part = f", step {within} of the next" if within else ""
        return f"epoch {epoch:,}{limit}{part}, " + ("live" if self._moment is None else "replay")

    def _on_slider(self, value: int) -> None:
        n = self._positions()
        if not n:
            return
        self.moment_chosen.emit(round(value * self._steps / n))
