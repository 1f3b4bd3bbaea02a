"""A field to type one parameter's new value (the inspector's "w2[1, 3] = [0.4123] Set").

It shows the value of the parameter in the moment shown, follows it while the user is not typing, and on Enter
or Set emits ``value_entered(parameter, value)``. Text that is not an allowed value is refused with the line
``engine.parameter_edit`` gives (the controller's own), under the field, and the text stays as typed to be
corrected; nothing is sent. The value shown is kept exactly: Set on the unchanged field sets the parameter to
exactly that value (e.g. a past moment's value, back on the live network).
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from engine.parameter_edit import MAX_SET_VALUE, as_number, parameter_name, value_problem

PROBLEM_STYLE = "color: #c62828"


class ValueField(QtWidgets.QWidget):
    # ("w", layer, i, j) or ("b", layer, i), layer 1-based as the run model's selection; the number to set it to
    value_entered = QtCore.Signal(tuple, float)
    problem_changed = QtCore.Signal(str)  # the line shown under the field, "" once hidden (a dialog fits it)

    def __init__(self, parent=None, button: bool = True, named: bool = True, problem_below: bool = True):
        """``button``: a Set button beside the field (a dialog has its own); ``named``: the parameter's name before
        it (else "=" alone, after a title that names it); ``problem_below``: the refusal's line under the field (else
        the host lays ``problem`` out, e.g. across a whole panel)."""
        super().__init__(parent)
        self.named = named
        self.parameter: tuple = ("w", 1, 0, 0)
        self._shown: tuple[str, float] | None = None  # (text shown, the exact value behind it)
        self.name = QtWidgets.QLabel()
        self.field = QtWidgets.QLineEdit()
        self.field.setMinimumWidth(self.field.fontMetrics().horizontalAdvance("-0.00012345") + 12)  # show_value's
        self.set_button = QtWidgets.QPushButton("Set")
        self.set_button.setMinimumWidth(44)
        self.set_button.setToolTip("Set the parameter to the value typed (Enter does too)")
        self.problem = QtWidgets.QLabel()
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.name)
        row.addWidget(self.field, 1)
        row.addWidget(self.set_button)
        self.set_button.setVisible(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(row)
        if problem_below:
            layout.addWidget(self.problem)
        self.field.returnPressed.connect(self.enter)
        self.set_button.clicked.connect(self.enter)
        self.field.textEdited.connect(self._on_edited)
        self.set_parameter(self.parameter)

    def set_parameter(self, parameter: tuple) -> None:
        """A new parameter: its name beside the field, whatever was typed for the old one dropped."""
        self.parameter = tuple(parameter)
        self.name.setText(self.parameter_name() + " =" if self.named else "=")
        self.field.setToolTip(f"A new value for {self.parameter_name()} (a number within ±{MAX_SET_VALUE:g}) and "
                              "Enter: it is set on the live network between two steps and marked on the loss curve "
                              "(while a past moment is shown, the views go back to live)")
        self._shown = None
        self.field.clear()
        self.field.setModified(False)
        self._hide_problem()
        self.setEnabled(False)  # until show_value gives it the parameter's value

    def show_value(self, value: float) -> None:
        """The parameter's value in the moment shown; the field follows it unless the user is typing there."""
        self.setEnabled(True)
        if self.field.isModified():
            return
        text = f"{value:.6g}"
        self._shown = (text, float(value))
        if self.field.text() != text:
            self.field.setText(text)

    def enter(self) -> None:
        text = self.field.text()
        if self._shown is not None and text.strip() == self._shown[0]:
            value = self._shown[1]  # the value shown, rounded for reading: exactly
        else:
            problem = value_problem(self.parameter_name(), text)
            if problem is not None:
                self.problem.setText(problem)
                self.problem.show()
                self.field.setFocus()
                self.field.selectAll()
                self.problem_changed.emit(problem)
                return
            value = as_number(text)
        self._hide_problem()
        self.field.setModified(False)  # the next frame shows the value in force again
        self.value_entered.emit(self.parameter, value)

    def parameter_name(self) -> str:
        return parameter_name(*self.parameter)

    def _on_edited(self, _text: str) -> None:
        self._hide_problem()  # the user is correcting it

    def _hide_problem(self) -> None:
        if not self.problem.isHidden():
            self.problem.hide()
            self.problem_changed.emit("")

    def problem_text(self) -> str:
        return self.problem.text() if not self.problem.isHidden() else ""
