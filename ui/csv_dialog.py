"""File > Import CSV: pick a file, see its first rows, mark the target columns, and let the real loader
(``engine.csv_data``) say whether it can train on it before OK is allowed.

The first rows show at once; the loader reads the whole file in a background thread (``ui.csv_reading``),
so a large file never freezes the window, and OK is enabled only once the loader has accepted the choices
shown. ``busy()`` says whether a verdict is still coming.

Every column the user does not mark as a target is an input: the loader has no way to ignore a column.
"""
from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from engine.csv_table import SEPARATORS, detect_header
from ui.csv_reading import CsvJudge, read_preview

ROLES = ("input", "target")
TASKS = ("auto", "classification", "regression")
FILE_FILTER = "CSV files (*.csv *.txt);;All files (*)"
__all__ = ["CsvImportDialog", "read_preview"]


class CsvImportDialog(QtWidgets.QDialog):
    """A CSV file checked by the loader, turned into TrainConfig fields by ``result()``.

    ``get_open_file_name(parent, caption, directory, filter) -> (path, selected_filter)`` is
    ``QFileDialog.getOpenFileName`` unless a test passes its own. ``loss`` is the run's loss: it decides
    the target encoding and which regression targets are allowed (bce wants values in [0, 1]).
    """

    PREVIEW_ROWS = 20

    def __init__(self, parent=None, *, path=None, target=None, loss: str = "mse", test_fraction: float = 0.2,
                 separator: str | None = None, max_mb: float = 50.0, get_open_file_name=None):
        super().__init__(parent)
        self._judge = CsvJudge(self)
        self._judge.judged.connect(self._show_verdict)
        self.setWindowTitle("Import CSV dataset")
        self._loss = loss
        self._get_open_file_name = get_open_file_name or QtWidgets.QFileDialog.getOpenFileName
        self._path: str | None = None
        self._rows: list[tuple[int, list[str]]] = []  # preview rows, header row included
        self._roles: list[str] = []  # one per column of the first row
        self._dataset = None  # the loader's Dataset for the current choices, None while there is an error
        self._error: str | None = None
        self._detected_header = False

        self.path_edit = QtWidgets.QLineEdit()
        self.path_edit.setPlaceholderText("a CSV file of numbers, one sample per row")
        self.path_edit.setToolTip("The CSV file to train on (press Enter after typing a path)")
        self.path_edit.editingFinished.connect(self._path_edited)
        self.path_edit.installEventFilter(self)
        self.browse_button = QtWidgets.QPushButton("Browse…")
        self.browse_button.setToolTip("Choose a CSV file")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)

        self.header_check = QtWidgets.QCheckBox("First row names the columns")
        self.header_check.setToolTip("Detected from the file: a first row with text in it is a header")
        self.header_check.toggled.connect(self._header_toggled)
        self.task_combo = QtWidgets.QComboBox()
        for task in TASKS:
            self.task_combo.addItem("auto (detect)" if task == "auto" else task, task)
        self.task_combo.setToolTip("auto: classification when the one target column holds 2 to 20 whole "
                                   "numbers, otherwise regression")
        self.task_combo.currentIndexChanged.connect(self._validate)
        self.test_spin = QtWidgets.QDoubleSpinBox()
        self.test_spin.setRange(0.0, 0.9)
        self.test_spin.setSingleStep(0.05)
        self.test_spin.setDecimals(2)
        self.test_spin.setValue(test_fraction)
        self.test_spin.setToolTip("Share of the rows held out as the test set (0 to 0.9)")
        self.test_spin.valueChanged.connect(self._validate)
        self.separator_combo = QtWidgets.QComboBox()
        self.separator_combo.addItem("auto (detect)", None)
        for sep, name in SEPARATORS.items():
            self.separator_combo.addItem(name, sep)
        self.separator_combo.setCurrentIndex(max(self.separator_combo.findData(separator), 0))
        self.separator_combo.setToolTip("What separates the fields: detected from the first lines, or chosen")
        self.separator_combo.currentIndexChanged.connect(self._reload)
        self.max_spin = QtWidgets.QDoubleSpinBox()
        self.max_spin.setRange(0.01, 1_000_000)
        self.max_spin.setDecimals(2)
        self.max_spin.setSuffix(" MB")
        self.max_spin.setValue(max_mb)
        self.max_spin.setToolTip("Larger files are refused before they are read (1 MB = 1,000,000 bytes)")
        self.max_spin.setKeyboardTracking(False)  # a new limit re-reads the file: once typed, not per keystroke
        self.max_spin.valueChanged.connect(self._validate)

        self.table = QtWidgets.QTableWidget()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("The first rows of the file; pick each column's role in the top row")
        self.summary_label = QtWidgets.QLabel()
        self.summary_label.setWordWrap(True)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("color: #D55E00; font-weight: bold;")  # Okabe-Ito vermillion
        self.error_label.hide()
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                                  | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setToolTip("Use this file as the dataset (the network's input and output sizes follow it)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        file_row = QtWidgets.QHBoxLayout()
        file_row.addWidget(QtWidgets.QLabel("File:"))
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        options = QtWidgets.QHBoxLayout()
        options.addWidget(self.header_check)
        options.addStretch(1)
        options.addWidget(QtWidgets.QLabel("Problem type:"))
        options.addWidget(self.task_combo)
        options.addWidget(QtWidgets.QLabel("Test fraction:"))
        options.addWidget(self.test_spin)
        reading = QtWidgets.QHBoxLayout()
        reading.addWidget(QtWidgets.QLabel("Separator:"))
        reading.addWidget(self.separator_combo)
        reading.addStretch(1)
        reading.addWidget(QtWidgets.QLabel("Size limit:"))
        reading.addWidget(self.max_spin)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addLayout(options)
        layout.addLayout(reading)
        layout.addWidget(QtWidgets.QLabel(f"Preview of the first {self.PREVIEW_ROWS} rows; "
                                          "every column that is not a target is an input:"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(760, 520)

        if path:
            self.set_path(path, target)
        else:
            self._validate()

    # --- public --------------------------------------------------------------------------------
    def set_path(self, path, target=None) -> None:
        """Preview ``path``; ``target`` (names or 0-based indices, a list or "a,b") preselects the
        target columns, else the last column is the target."""
        self.path_edit.setText(str(path))
        self._load_file(str(path), target)

    def browse(self) -> None:
        start = str(Path(self._path).parent) if self._path else ""
        chosen, _ = self._get_open_file_name(self, "Import CSV dataset", start, FILE_FILTER)
        if chosen:
            self.set_path(chosen)

    def set_role(self, column: int, role: str) -> None:
        """Mark 0-based ``column`` as "input" or "target" (what the combo in the table does)."""
        self._role_combo(column).setCurrentIndex(ROLES.index(role))

    def target_columns(self) -> list[int]:
        return [j for j, role in enumerate(self._roles) if role == "target"]

    def error(self) -> str | None:
        """The message shown in the dialog, None when the loader accepts the file."""
        return self._error

    def dataset(self):
        """The ``engine.datasets.Dataset`` the loader made for the current choices, or None."""
        return self._dataset

    def result(self) -> dict | None:  # shadows QDialog.result(): exec()'s return value says accepted or not
        """``dict(csv_path, csv_target, task, test_fraction, header, separator, max_mb)`` for the current
        choices, or None while there is an error or the verdict is still coming. csv_target holds header names when they name the columns unambiguously,
        else 0-based indices ("2,3")."""
        if self._dataset is None:
            return None
        return {"csv_path": self._path, "csv_target": self._target_text(),
                "task": self.task_combo.currentData(), "test_fraction": self.test_spin.value(),
                "header": self.header_check.isChecked(), "separator": self.separator_combo.currentData(),
                "max_mb": self.max_spin.value()}

    def config_changes(self) -> dict | None:
        """The TrainConfig fields to ``replace`` for this file: dataset, csv_path, csv_target, csv_header,
        csv_task, test_fraction, csv_separator, csv_max_mb."""
        r = self.result()
        if r is None:
            return None
        return {"dataset": "csv", "csv_path": r["csv_path"], "csv_target": r["csv_target"],
                "csv_header": r["header"], "csv_task": r["task"], "test_fraction": r["test_fraction"],
                "csv_separator": r["separator"], "csv_max_mb": r["max_mb"]}

    def busy(self) -> bool:
        """True while the loader's verdict on the current choices is still coming."""
        return self._judge.busy()

    def accept(self) -> None:
        if self.busy() or self._dataset is None:
            return  # OK is disabled then; Enter or a stray call must not get round it
        if not self._judge.unchanged(self._path, self._read_options()):
            self._validate()  # the file changed on disk since it was judged: judge it again first
            return
        super().accept()

    def eventFilter(self, watched, event) -> bool:
        # Enter in the path field loads the file; passed on, it would reach the dialog and press OK.
        if (watched is self.path_edit and event.type() == QtCore.QEvent.Type.KeyPress
                and event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)):
            self._path_edited()
            return True
        return super().eventFilter(watched, event)

    # --- loading and the table -----------------------------------------------------------------
    def _path_edited(self) -> None:
        text = self.path_edit.text().strip()
        if not text or str(Path(text).expanduser().absolute()) != self._path:
            self._load_file(text, None)

    def _load_file(self, path: str, target) -> None:
        # Absolute, "~" expanded: the path goes into session files, read later from any directory.
        path = str(Path(path).expanduser().absolute()) if path else ""
        self._path = path or None
        self._rows = read_preview(path, self.PREVIEW_ROWS + 1, self.separator_combo.currentData()) if path else []
        first = self._rows[0][1] if self._rows else []
        detected = bool(first) and detect_header(first, self._rows[1][1] if len(self._rows) > 1 else None)
        self._detected_header = detected
        self._roles = ["input"] * len(first)
        for j in self._resolve(target, first, detected):
            self._roles[j] = "target"
        if first and "target" not in self._roles:
            self._roles[-1] = "target"
        with QtCore.QSignalBlocker(self.header_check):
            self.header_check.setChecked(detected)
        self._fill_table()
        self._validate()

    def _reload(self, *_) -> None:
        """The separator changed: the columns themselves may be others; keep the targets by name or index."""
        if self._path:
            self._load_file(self._path, self._target_text() if self.target_columns() else None)

    def _resolve(self, target, first: list[str], header: bool) -> list[int]:
        """Columns named by a previous csv_target; unknown names are dropped (the default applies)."""
        if target is None:
            return []
        names = [c.strip() for c in first] if header else []
        found = []
        for tok in (target.split(",") if isinstance(target, str) else list(target)):
            tok = str(tok).strip()
            if tok in names:
                found.append(names.index(tok))
            elif tok.lstrip("+-").isdigit() and -len(first) <= int(tok) < len(first):
                found.append(int(tok) % len(first))
        return found

    def _names(self) -> list[str]:
        first = self._rows[0][1] if self._rows else []
        if self.header_check.isChecked():
            return [c.strip() or f"column {j + 1}" for j, c in enumerate(first)]
        return [f"column {j + 1}" for j in range(len(first))]

    def _data_rows(self):
        rows = self._rows[1:] if self.header_check.isChecked() else self._rows
        return rows[: self.PREVIEW_ROWS]

    def _role_combo(self, column: int) -> QtWidgets.QComboBox:
        return self.table.cellWidget(0, column)

    def _fill_table(self) -> None:
        names, rows = self._names(), self._data_rows()
        width = max([len(names)] + [len(cells) for _, cells in rows])
        self.table.setRowCount(0)  # drops the old role combos with their rows
        self.table.setColumnCount(0)
        self.table.setRowCount(1 + len(rows))
        self.table.setColumnCount(width)
        self.table.setHorizontalHeaderLabels(names + ["(extra field)"] * (width - len(names)))
        self.table.setVerticalHeaderLabels(["role"] + [f"line {line}" for line, _ in rows])
        for j, role in enumerate(self._roles):
            combo = QtWidgets.QComboBox()
            combo.addItems(ROLES)
            combo.setCurrentIndex(ROLES.index(role))
            combo.setToolTip(f"Is {names[j]!r} an input of the network or a target it learns to predict?")
            combo.currentIndexChanged.connect(lambda i, j=j: self._role_changed(j, ROLES[i]))
            self.table.setCellWidget(0, j, combo)
        for r, (_, cells) in enumerate(rows, start=1):
            for j, cell in enumerate(cells):
                self.table.setItem(r, j, QtWidgets.QTableWidgetItem(cell))
        self._paint_cells(None)
        self.table.resizeColumnsToContents()

    def _header_toggled(self, _checked: bool) -> None:
        self._fill_table()
        self._validate()

    def _role_changed(self, column: int, role: str) -> None:
        self._roles[column] = role
        self._validate()

    def _paint_cells(self, bad) -> None:
        """Tint target columns; mark the loader's (line, column) in red when it is in the preview."""
        target_tint = QtGui.QColor(230, 159, 0, 60)  # the train colour, faint
        bad_tint = QtGui.QColor(213, 94, 0, 140)
        rows = self._data_rows()
        for r, (line, _) in enumerate(rows, start=1):
            for j in range(self.table.columnCount()):
                item = self.table.item(r, j)
                if item is None:
                    continue
                hit = bad is not None and bad[0] == line and bad[1] in (None, j + 1)
                is_target = j < len(self._roles) and self._roles[j] == "target"
                color = bad_tint if hit else target_tint if is_target else None
                item.setBackground(QtGui.QBrush(color) if color else QtGui.QBrush())
                if hit:
                    self.table.scrollToItem(item)

    # --- the loader's verdict ------------------------------------------------------------------
    def _read_options(self) -> dict:
        return {"header": self.header_check.isChecked(), "separator": self.separator_combo.currentData(),
                "max_bytes": max(int(self.max_spin.value() * 1e6), 1)}

    def _validate(self, *_):
        self._dataset, self._error = None, None
        self.ok_button.setEnabled(False)  # until the loader accepts what is shown now
        if not self._path:
            self._judge.cancel()
            self._show(None, "Choose a CSV file.")
        elif self._rows and not self.target_columns():
            self._judge.cancel()
            self._show("Mark at least one column as a target.", "")
        else:
            self.summary_label.setText("Reading the file…")
            self._judge.judge(self._path, self._read_options(),
                              {"target_columns": self.target_columns() or [-1],  # none: the loader says why
                               "task": self.task_combo.currentData(), "loss": self._loss,
                               "test_fraction": self.test_spin.value()})

    def _show_verdict(self, verdict) -> None:
        self._dataset = verdict.dataset
        self._show(verdict.error, self._summary(verdict.dataset) if verdict.dataset is not None else "", verdict.bad)

    def _show(self, error: str | None, summary: str, bad=None) -> None:
        self._error = error
        self._paint_cells(bad)
        self.error_label.setText(error or "")
        self.error_label.setVisible(error is not None)
        self.summary_label.setText(summary)
        self.ok_button.setEnabled(self._dataset is not None)

    @staticmethod
    def _summary(d) -> str:
        n = d.n_train + d.n_test
        what = (f"classification into {d.n_classes} classes ({', '.join(d.target_names)})"
                if d.task == "classification" else f"regression of {', '.join(d.target_names)}")
        return (f"{n} samples ({d.n_train} train, {d.n_test} test), {d.n_features} inputs: {what}. "
                f"The network's input and output sizes will follow this file.")

    def _target_text(self) -> str:
        targets, names = self.target_columns(), self._names()
        chosen = [names[j] for j in targets]
        # Names only when they read back as exactly these columns (unique, no commas, no padding) and
        # cannot be mistaken for indices.
        usable = (self.header_check.isChecked() and len(set(names)) == len(names)
                  and all(nm and "," not in nm and nm == nm.strip() and not nm.lstrip("-").isdigit()
                          for nm in chosen))
        return ",".join(chosen) if usable else ",".join(str(j) for j in targets)
