"""Input fields that refuse a bad value where it is typed: a red frame, and a message naming the field,
the value and the allowed range (the engine's ``ConfigError`` text), while the last good value stays in force.

They validate against the engine's own constraint table (``Interval``/``OneOf``), so the window and the
engine never disagree about what is allowed.
"""
from __future__ import annotations

import math
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLineEdit, QSizePolicy, QSlider, QStyle,
                               QStyleOptionFrame, QWidget)

from engine.validation import ConfigError

# A refused value: a red frame on a pale red ground. Painted over the style's own frame, not set as a style
# sheet, which would give the field other margins: it must not change size (nothing moves while typing).
INVALID_FRAME, INVALID_BASE = QColor("#d9534f"), QColor("#fff4f4")


class ValueField(QLineEdit):
    """A line edit holding one typed value.

    ``parse(text) -> value`` raises ConfigError for bad text; ``fmt(value) -> text`` shows a value.
    ``committed(value)`` is emitted when Return or leaving the field gives a new good value;
    ``rejected(message)`` when the text is refused (the field keeps the text, framed red, so it can be fixed);
    ``accepted(value)`` for every good text committed, new or not (a refused value fixed by typing the old one
    again is no change, but it is fixed).

    ``widest`` is the longest text an allowed value shows as ("512", "0.999"): the field is never narrower
    than it (nor than the placeholder), in whatever font it has; ``compact`` also keeps it no wider, for a
    field in a row of many. The width follows font changes (presenter mode).
    """

    committed = Signal(object)
    rejected = Signal(str)
    accepted = Signal(object)
    TEXT_MARGIN = 2  # QLineEdit's own horizontal margin on each side of the text, in pixels

    def __init__(self, parse: Callable[[str], object], fmt: Callable[[object], str] = str,
                 placeholder: str = "", parent=None, widest: str = "", compact: bool = False):
        super().__init__(parent)
        self._parse, self._fmt = parse, fmt
        self._value = None
        self._invalid = False
        self._widest, self._compact = widest, compact
        self.setPlaceholderText(placeholder)
        self.editingFinished.connect(self._commit)
        self._fit()

    def fitted_width(self) -> int:
        """The width that shows ``widest`` and the placeholder whole: their text, the line edit's margins
        and the style's frame around them (what QLineEdit.sizeHint adds to its 17 x's)."""
        fm = self.fontMetrics()
        text = max(fm.horizontalAdvance(self._widest), fm.horizontalAdvance(self.placeholderText()))
        margins, contents = self.textMargins(), self.contentsMargins()
        inner = (text + 1 + 2 * self.TEXT_MARGIN + margins.left() + margins.right()  # + 1: the cursor
                 + contents.left() + contents.right())
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_LineEdit, option,
                                             QSize(inner, fm.height()), self).width()

    def _fit(self) -> None:
        if not (self._widest or self._compact):
            return
        width = self.fitted_width()
        self.setMinimumWidth(width)
        if self._compact:
            self.setMaximumWidth(width)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def value(self):
        """The last good value (what the run uses), whatever the field shows."""
        return self._value

    def set_value(self, value) -> None:
        """Show ``value`` without emitting anything (the model changed, not the user)."""
        self._value = value
        self.setText("" if value is None else self._fmt(value))
        self.set_invalid(False)

    def is_invalid(self) -> bool:
        return self._invalid

    def set_invalid(self, invalid: bool) -> None:
        if invalid != self._invalid:
            self._invalid = invalid
            palette = QPalette()  # resolves no role of its own: the rest stays inherited
            if invalid:
                palette.setColor(QPalette.ColorRole.Base, INVALID_BASE)
                palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
            self.setPalette(palette)
            self.update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._invalid:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(INVALID_FRAME, 2))
            painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 3, 3)

    def _commit(self) -> None:
        text = self.text().strip()
        try:
            value = self._parse(text)
        except ConfigError as err:
            self.set_invalid(True)
            self.rejected.emit(str(err))
            return
        self.set_invalid(False)
        if value is not None:
            self.setText(self._fmt(value))  # normalised: "1e-2" shows as "0.01"
        self.accepted.emit(value)
        if value != self._value:
            self._value = value
            self.committed.emit(value)  # last: the receiver may refuse it and set_value() another value


class FocusReturn(QObject):
    """Gives the keyboard focus back to ``home`` (the window's plots) once typing is over, so Space trains
    again instead of typing into the last field: after Enter commits a good value in a ValueField, and
    after a click on the window that no widget took (a label, the status bar, a panel's background).

    Both arrive at the window itself: QLineEdit handles Return and then ignores it (so that Enter in a
    dialog's field presses its default button), and a press nobody accepts travels up the parents. A
    filter on the window therefore sees exactly these, for every field present or added later.
    """

    def __init__(self, window: QWidget, home: QWidget):
        super().__init__(window)
        self._home = home
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            field = QApplication.focusWidget()
            if isinstance(field, ValueField) and not field.is_invalid():  # a refused value keeps its field
                self._home.setFocus(Qt.FocusReason.OtherFocusReason)
        elif kind == QEvent.Type.MouseButtonPress and isinstance(QApplication.focusWidget(), QLineEdit):
            self._home.setFocus(Qt.FocusReason.MouseFocusReason)
        return False


def number_parser(label: str, constraint, optional_words: tuple[str, ...] = ()) -> Callable[[str], object]:
    """A parser for ``constraint`` (an engine Interval) whose errors name ``label``. Empty text or one of
    ``optional_words`` (e.g. "full", "none") means None when given."""

    def parse(text: str):
        if optional_words and text.lower() in ("",) + optional_words:
            return None
        try:
            value = float(text) if constraint.kind is float else _int(text)
        except ValueError:
            raise ConfigError(label, text, constraint.describe()) from None
        return constraint.check(label, value)

    return parse


def _int(text: str) -> int:
    value = float(text.replace("_", ""))  # "1e4" and "10_000" are fine; "2.5" is caught by the Interval
    return int(value) if value.is_integer() else value


def fmt_number(value) -> str:
    """The short form where it gives back the same number, else every digit (0.123456789 stays whole)."""
    if not isinstance(value, float):
        return str(value)
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


class LogRateField(QWidget):
    """A learning rate: a field for exact values and a slider on a log scale (1e-5 .. 10, 10 steps a decade).

    ``committed(float)`` when either gives a new good value; ``rejected(message)`` for bad text.
    """

    committed = Signal(float)
    rejected = Signal(str)
    DECADES = (-5, 1)
    STEPS_PER_DECADE = 10

    def __init__(self, label: str, constraint, parent=None):
        super().__init__(parent)
        # .3g of 1e-5 .. 10: "0.00126" is the longest text a rate shows as
        self.field = ValueField(number_parser(label, constraint), fmt=lambda v: f"{v:.3g}", widest="0.00126",
                                compact=True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        lo, hi = self.DECADES
        self.slider.setRange(lo * self.STEPS_PER_DECADE, hi * self.STEPS_PER_DECADE)
        self.slider.setPageStep(self.STEPS_PER_DECADE // 2)
        self.slider.setToolTip("Learning rate on a log scale: one notch multiplies it by 10^0.1 (about 1.26)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.slider, 1)
        self.field.committed.connect(self._from_field)
        self.field.rejected.connect(self.rejected)
        self.slider.valueChanged.connect(self._from_slider)

    def value(self) -> float:
        return self.field.value()

    def set_value(self, value: float) -> None:
        self.field.set_value(value)
        self._move_slider(value)

    def _move_slider(self, value: float) -> None:
        blocked = self.slider.blockSignals(True)
        self.slider.setValue(round(math.log10(value) * self.STEPS_PER_DECADE) if value > 0 else self.slider.minimum())
        self.slider.blockSignals(blocked)

    def _from_field(self, value: float) -> None:
        self._move_slider(value)
        self.committed.emit(value)

    def _from_slider(self, position: int) -> None:
        value = float(f"{10 ** (position / self.STEPS_PER_DECADE):.3g}")  # round numbers: 0.001, 0.00126, ...
        self.field.set_value(value)
        self.committed.emit(value)


def shrinkable(combo: QComboBox, chars: int) -> QComboBox:
    """``combo`` as narrow as ``chars`` characters at least (a long choice is then cut at its end) and as
    wide as its row allows, its list always wide enough for every choice: the settings fit beside the plots
    on a 1024 px screen without hiding a choice at 1280."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    policy = combo.sizePolicy()
    policy.setHorizontalPolicy(QSizePolicy.Policy.Expanding)
    combo.setSizePolicy(policy)
    fit_popup(combo)
    return combo


def fit_popup(combo: QComboBox) -> None:
    """The list of ``combo`` as wide as its widest choice (Qt's list is only as wide as the combo box itself);
    call again after adding choices."""
    view = combo.view()
    view.setMinimumWidth(view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width() + 8)
