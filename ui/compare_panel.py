"""The Compare dock: the runs kept for comparison (a checkbox each to show it on the loss plot, Remove), "Keep
for comparison", and "Run a variant" (one change, trained in the background to the same epoch).

A view: it emits what the user asked for and draws what the run model holds (``set_runs``, ``set_variant``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from ui.pinned_overlay import pinned_color

# field of engine.pinned.VARIANT_FIELDS -> what the combo shows, and an example value
VARIANT_CHOICES = {"learning_rate": ("learning rate", "0.1"), "optimizer": ("optimizer", "adam"),
                   "batch_size": ("batch size", "32 or full"), "momentum": ("momentum", "0.9"),
                   "weight_decay": ("L2 weight decay", "0.001"), "activations": ("hidden activation", "relu"),
                   "init": ("initialisation", "he"), "loss": ("loss", "mse"), "seed": ("seed", "1")}


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class ComparePanel(QWidget):
    """Signals: ``keep_requested``, ``shown_toggled(index, shown)``, ``remove_requested(index)``,
    ``variant_requested(field, text)``, ``cancel_variant_requested``."""

    keep_requested = Signal()
    shown_toggled = Signal(int, bool)
    remove_requested = Signal(int)
    variant_requested = Signal(str, str)
    cancel_variant_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.keep_button = QPushButton("Keep for comparison")
        self.keep_button.setToolTip("Pin the current run (settings, loss history, final weights): its curves stay "
                                    "on the loss plot, labelled by what differs from the run shown (at most 8)")
        self.keep_button.clicked.connect(self.keep_requested)
        self.list = QListWidget()
        self.list.setToolTip("Runs kept: tick to show on the loss plot (train solid, test dashed)")
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Forget the run selected in the list")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._on_remove)

        self.field_combo = QComboBox()
        for field, (text, _) in VARIANT_CHOICES.items():
            self.field_combo.addItem(text, field)
        self.field_combo.setToolTip("What the variant changes; everything else, the initial weights included, "
                                    "stays as in the current run")
        self.value_edit = QLineEdit()
        self.value_edit.setToolTip("The variant's value for it")
        self.field_combo.currentIndexChanged.connect(self._on_field_changed)
        self._on_field_changed()
        self.variant_button = QPushButton("Run a variant")
        self.variant_button.setToolTip("Train the current settings with this one change, in the background, to the "
                                       "current run's epoch from the same initial weights; kept when done")
        self.variant_button.clicked.connect(self._on_variant)
        self.value_edit.returnPressed.connect(self._on_variant)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the variant training in the background (nothing is kept)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_variant_requested)
        self.variant_label = QLabel("")
        self.variant_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.keep_button, 1)
        top.addWidget(self.remove_button)
        change = QHBoxLayout()
        change.addWidget(self.field_combo)
        change.addWidget(self.value_edit, 1)
        run = QHBoxLayout()
        run.addWidget(self.variant_button, 1)
        run.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(change)
        layout.addLayout(run)
        layout.addWidget(self.variant_label)

    # -- model -> view --------------------------------------------------------------------------------
    def set_runs(self, labels: list[str], shown: list[bool]) -> None:
        """One row per pinned run, in the colour of its curves."""
        row = self.list.currentRow()
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for i, (text, on) in enumerate(zip(labels, shown)):
            item = QListWidgetItem(_swatch(pinned_color(i)), text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            item.setToolTip(text)
            self.list.addItem(item)
        self.list.blockSignals(blocked)
        self.list.setCurrentRow(min(row, self.list.count() - 1))
        self.remove_button.setEnabled(self.list.currentRow() >= 0)

    def set_variant(self, text: str) -> None:
        """What the variant in the background is doing ("" when none is)."""
        self.variant_label.setText(text)
        self.cancel_button.setEnabled(bool(text))
        self.variant_button.setEnabled(not text)

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    # -- view -> what the user asked ------------------------------------------------------------------
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        self.shown_toggled.emit(self.list.row(item), item.checkState() == Qt.CheckState.Checked)

    def _on_remove(self) -> None:
        if self.list.currentRow() >= 0:
            self.remove_requested.emit(self.list.currentRow())

    def _on_field_changed(self, *_) -> None:
        self.value_edit.setPlaceholderText("e.g. " + VARIANT_CHOICES[self.field_combo.currentData()][1])

    def _on_variant(self) -> None:
        if self.variant_button.isEnabled():
            self.variant_requested.emit(self.field_combo.currentData(), self.value_edit.text())
