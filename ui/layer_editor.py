"""The network's layers as an editable list: input, hidden layers (add, remove, move), output.

Each weight layer has a size, an activation and, for leaky ReLU, its leak alpha. The input and output sizes
follow the dataset (editable only for the tutorial dataset, whose sample has any shape).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from engine.activations import ACTIVATIONS, ALPHA, HIDDEN_ACTIVATIONS, LeakyReLU
from engine.validation import Interval
from ui.feature_toggles import FeatureToggles
from ui.fields import ValueField, fmt_number, number_parser

SIZE = Interval(int, 1, 512)
MAX_HIDDEN = 16
DEFAULT_ALPHA = 0.01


def split_spec(spec: str) -> tuple[str, float | None]:
    """'leaky_relu:0.1' -> ('leaky_relu', 0.1); 'tanh' -> ('tanh', None)."""
    name, _, arg = spec.partition(":")
    return name, (float(arg) if arg else (DEFAULT_ALPHA if name == "leaky_relu" else None))


def join_spec(name: str, alpha: float | None) -> str:
    """The engine's own text form, so the alpha typed is the alpha the network gets."""
    return LeakyReLU(alpha).spec() if name == "leaky_relu" else name


def fit_buttons(*buttons: QToolButton) -> None:
    """One-symbol buttons (up, down, remove) as narrow as their symbol and a few pixels: a tool button's own
    margins made each ~27 px, and three of them in every row widened the settings column."""
    for button in buttons:
        button.setFixedWidth(button.fontMetrics().horizontalAdvance(button.text()) + 10)


class _Row:
    """The widgets of one layer row."""

    def __init__(self, editor: "LayerEditor", index: int):
        self.label = QLabel()
        self.size = ValueField(number_parser("layer size", SIZE), placeholder="1..512", widest=str(SIZE.high),
                               compact=True)
        self.size.setToolTip("Units in this layer (1..512)")
        self.activation = QComboBox()
        self.activation.setToolTip("Activation of this layer's units")
        # "0.999": a leak of three decimals (0.01, 0.125) shows whole; a longer one scrolls
        self.alpha = ValueField(number_parser("leak alpha", ALPHA), fmt=fmt_number, placeholder="alpha",
                                widest="0.999", compact=True)
        self.alpha.setToolTip("Leaky ReLU slope for z <= 0, in [0, 1)")
        # (the rows share their columns: a leak field shown in one row gives every row the column, and without
        # leaky ReLU the column takes no room, so the settings fit beside the plots on a 1024 px screen)
        self.up, self.down, self.remove = QToolButton(), QToolButton(), QToolButton()
        for button, text, tip in ((self.up, "\u25b2", "Move this hidden layer up"),
                                  (self.down, "\u25bc", "Move this hidden layer down"),
                                  (self.remove, "\u2715", "Remove this hidden layer")):
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
        fit_buttons(self.up, self.down, self.remove)
        self.widgets = (self.label, self.size, self.activation, self.alpha, self.up, self.down, self.remove)
        self.index = index
        self.size.committed.connect(lambda v: editor._set_size(self.index, v))
        self.size.rejected.connect(editor.rejected)
        self.alpha.committed.connect(lambda v: editor._set_alpha(self.index, v))
        self.alpha.rejected.connect(editor.rejected)
        self.activation.activated.connect(lambda _i: editor._set_activation(self.index, self.activation.currentText()))
        self.up.clicked.connect(lambda: editor.move_layer(self.index, -1))
        self.down.clicked.connect(lambda: editor.move_layer(self.index, +1))
        self.remove.clicked.connect(lambda: editor.remove_layer(self.index))


class LayerEditor(QWidget):
    """Rows for sizes (n_0 .. n_L) and one activation spec per weight layer (L of them).

    ``edited(sizes, activations)`` carries the whole new architecture (tuples) after any change;
    ``rejected(message)`` a refused value. ``set_layers`` shows an architecture without emitting.
    """

    edited = Signal(object, object)
    rejected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._sizes: list[int] = [1, 1]
        self._acts: list[str] = ["sigmoid"]
        self._io_editable = False
        self._rows: list[_Row] = []
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setColumnStretch(2, 1)
        # a row of their own above the Input row they feed, the width of the layer rows (beside the Input row
        # they made the settings ~50 px wider than the rows need); shown for 2-D datasets only
        self.features = FeatureToggles()
        self.features.hide()
        self._grid.addWidget(self.features, 0, 0, 1, 7, Qt.AlignmentFlag.AlignLeft)
        self.add_button = QPushButton("Add hidden layer")
        self.add_button.setToolTip("Insert a hidden layer before the output layer")
        self.add_button.clicked.connect(self.add_layer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self.add_button)

    # -- model -> view ------------------------------------------------------------------------------
    def set_layers(self, sizes, activations, io_editable: bool = False) -> None:
        self._sizes, self._acts = list(sizes), list(activations)
        self._io_editable = io_editable
        self._sync_rows()

    def sizes(self) -> tuple:
        return tuple(self._sizes)

    def activations(self) -> tuple:
        return tuple(self._acts)

    def fit_font(self) -> None:
        """After a font change (presenter mode): a combo box keeps the minimum width of its first font."""
        for row in self._rows:
            row.activation.setMinimumWidth(row.activation.sizeHint().width())
            fit_buttons(row.up, row.down, row.remove)

    def n_hidden(self) -> int:
        return len(self._sizes) - 2

    def row(self, index: int) -> _Row:
        """Row 0 is the input, 1..n_hidden the hidden layers, the last the output."""
        return self._rows[index]

    def _sync_rows(self) -> None:
        """Reuse the rows already there (so a field keeps its focus when the model echoes a change back)."""
        n = len(self._sizes)
        while len(self._rows) > n:
            for w in self._rows.pop().widgets:
                self._grid.removeWidget(w)
                w.hide()  # at once: deleteLater waits for the event loop, and a question asked now (apply the
                w.deleteLater()  # change?) runs a loop of its own, over which the row stayed, a ghost
        while len(self._rows) < n:
            row = _Row(self, len(self._rows))
            for col, w in enumerate(row.widgets):
                self._grid.addWidget(w, row.index + 1, col)  # below the features' row
            self._rows.append(row)
        last = n - 1
        for i, row in enumerate(self._rows):
            hidden = 0 < i < last
            row.label.setText("Input" if i == 0 else "Output" if i == last else f"Hidden {i}")
            row.size.set_value(self._sizes[i])
            row.size.setReadOnly(not hidden and not self._io_editable)
            row.size.setToolTip("Units in this layer (1..512)" if hidden or self._io_editable
                                else "Set by the dataset")
            for w in (row.up, row.down, row.remove):
                w.setVisible(hidden)
            row.up.setEnabled(i > 1)
            row.down.setEnabled(i < last - 1)
            row.activation.setVisible(i > 0)
            if i == 0:
                row.alpha.setVisible(False)
                continue
            names = list(ACTIVATIONS) if i == last else list(HIDDEN_ACTIVATIONS)
            name, alpha = split_spec(self._acts[i - 1])
            blocked = row.activation.blockSignals(True)
            if [row.activation.itemText(k) for k in range(row.activation.count())] != names:
                row.activation.clear()
                row.activation.addItems(names)
            row.activation.setCurrentText(name)
            row.activation.blockSignals(blocked)
            row.alpha.set_value(alpha)
            row.alpha.setVisible(name == "leaky_relu")
        self.add_button.setEnabled(self.n_hidden() < MAX_HIDDEN)

    # -- user edits -----------------------------------------------------------------------------------
    def add_layer(self) -> None:
        if self.n_hidden() >= MAX_HIDDEN:
            self.rejected.emit(f"hidden layers: {self.n_hidden() + 1} is not allowed; expected at most {MAX_HIDDEN}")
            return
        size = self._sizes[-2] if self.n_hidden() else 8
        act = self._acts[-2] if self.n_hidden() else "tanh"
        self._sizes.insert(len(self._sizes) - 1, size)
        self._acts.insert(len(self._acts) - 1, act)
        self._emit(structural=True)

    def remove_layer(self, index: int) -> None:
        if not 0 < index < len(self._sizes) - 1:
            return
        del self._sizes[index]
        del self._acts[index - 1]
        self._emit(structural=True)

    def move_layer(self, index: int, delta: int) -> None:
        other = index + delta
        if not (0 < index < len(self._sizes) - 1 and 0 < other < len(self._sizes) - 1):
            return
        self._sizes[index], self._sizes[other] = self._sizes[other], self._sizes[index]
        self._acts[index - 1], self._acts[other - 1] = self._acts[other - 1], self._acts[index - 1]
        self._emit(structural=True)

    def _set_size(self, index: int, size: int) -> None:
        self._sizes[index] = size
        self._emit()

    def _set_activation(self, index: int, name: str) -> None:
        _, alpha = split_spec(self._acts[index - 1])
        self._acts[index - 1] = join_spec(name, alpha if alpha is not None else DEFAULT_ALPHA)
        self._rows[index].alpha.set_value(split_spec(self._acts[index - 1])[1])
        self._rows[index].alpha.setVisible(name == "leaky_relu")
        self._emit()

    def _set_alpha(self, index: int, alpha: float) -> None:
        name, _ = split_spec(self._acts[index - 1])
        if name == "leaky_relu":
            self._acts[index - 1] = join_spec(name, alpha)
            self._emit()

    def _emit(self, structural: bool = False) -> None:
        if structural:
            self._sync_rows()  # show the new list at once; the owner may still refuse it and reset us
        self.edited.emit(tuple(self._sizes), tuple(self._acts))
