"""Ask for a new value of one weight or bias (double-click a graph edge, or a cell of a w or b heatmap).

The dialog names the parameter and its value now, starts with that value selected (type over it, Enter sets
it), and refuses text that is not an allowed value with the controller's own line, inside the dialog, which
stays open with the text as typed (ui/value_field.py, the inspector's field, does the checking for both).
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from engine.parameter_edit import parse_parameter_name
from ui.value_field import ValueField


class ValueDialog(QDialog):
    """``value`` is the number accepted (None until then) for ``parameter``: ("w", layer, i, j) or ("b", layer, i)."""

    def __init__(self, parent, parameter: tuple, current: float):
        super().__init__(parent)
        self.value: float | None = None
        self.entry = ValueField(button=False)
        self.entry.set_parameter(parameter)
        self.entry.show_value(current)
        self.entry.field.selectAll()  # typing replaces it
        self.entry.value_entered.connect(self._on_entered)
        self.entry.problem_changed.connect(self._fit)
        self.entry.name.hide()  # the prompt above names it
        name = self.entry.parameter_name()
        self.setWindowTitle("Set a bias" if parameter[0] == "b" else "Set a weight")
        self.prompt = QLabel(f"New value of <b>{name}</b> (now {current:.6g}):")
        self.note = QLabel("It is set on the live network between two steps and marked on the loss curve.")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.entry, self.note, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(340)

    def accept(self) -> None:
        """Set (or Enter): the value typed, checked by the field; a refused one keeps the dialog open."""
        if self.value is None:
            self.entry.enter()

    def _on_entered(self, _parameter: tuple, value: float) -> None:
        self.value = value
        super().accept()

    def _fit(self, _problem: str) -> None:
        self.adjustSize()  # tall enough for the line under the field, and no taller once it goes

    def problem_text(self) -> str:
        return self.entry.problem_text()


def ask_value(parent, name: str, current: float) -> float | None:
    """The value typed for parameter ``name`` ("w2[1, 3]" or "b2[1]"), or None when cancelled."""
    dialog = ValueDialog(parent, parse_parameter_name(name), current)
    return dialog.value if dialog.exec() == QDialog.DialogCode.Accepted else None
