"""The Import CSV dialog reads off the GUI thread: the preview is there at once, the verdict follows, a role
click re-reads nothing, OK waits for a verdict on what is shown, and a FIFO freezes nothing."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import ui.csv_reading
from ui.csv_dialog import CsvImportDialog
from csv_files import write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def held_reader(monkeypatch):
    """read_table held at a gate until the test opens it; counts the reads and the threads they ran on."""
    gate, calls = threading.Event(), []
    real = ui.csv_reading.read_table

    def held(*args, **kwargs):
        calls.append(threading.current_thread() is threading.main_thread())
        assert gate.wait(10)
        return real(*args, **kwargs)
    monkeypatch.setattr(ui.csv_reading, "read_table", held)
    yield gate, calls
    gate.set()


def test_preview_is_shown_before_the_file_is_read_and_ok_waits_for_the_verdict(qtbot, tmp_path, held_reader):
    gate, calls = held_reader
    path = write(tmp_path, "a;b;label\n" + "".join(f"{i};{i % 7};{'yes' if i % 2 else 'no'}\n" for i in range(100)))
    d = CsvImportDialog(path=str(path))
    qtbot.addWidget(d)
    # the constructor returned while the reader is held: the preview is there, the verdict is not
    assert d.busy() and d.table.rowCount() == 1 + CsvImportDialog.PREVIEW_ROWS
    assert d.table.item(1, 2).text() == "no" and not d.ok_button.isEnabled() and d.result() is None
    assert "Reading the file" in d.summary_label.text()
    d.accept()
    assert not d.result() and d.busy()  # OK disabled, and accept() waits too
    gate.set()
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert calls == [False]  # read once, not on the GUI thread
    assert d.ok_button.isEnabled() and d.dataset().target_names == ["no", "yes"]
    assert d.result()["separator"] is None and d.config_changes()["csv_max_mb"] == 50.0


def test_role_clicks_reuse_the_table_and_a_changed_file_is_read_again(qtbot, tmp_path, held_reader):
    gate, calls = held_reader
    gate.set()
    path = write(tmp_path, "x1,x2,y\n" + "".join(f"{i},{i * 2},{i % 3}\n" for i in range(50)))
    d = CsvImportDialog(path=str(path))
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    for column, role in ((1, "target"), (1, "input"), (0, "target"), (0, "input")):
        d.set_role(column, role)
        qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert len(calls) == 1 and d.dataset().n_classes == 3
    path.write_text("x1,x2,y\n1,2,0\n3,4,1\n")  # the file changed since it was judged
    os.utime(path, ns=(1, 1))
    d.accept()
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert len(calls) == 2 and d.isVisible() and d.dataset().n_train + d.dataset().n_test == 2


def test_an_older_verdict_never_overwrites_a_newer_one(qtbot, tmp_path, held_reader):
    gate, _ = held_reader
    path = write(tmp_path, "x,y,z\n" + "".join(f"{i},{i % 2},{i * 0.5}\n" for i in range(40)))
    d = CsvImportDialog(path=str(path))  # target z (regression), held
    qtbot.addWidget(d)
    d.set_role(2, "input")
    d.set_role(1, "target")  # now y: classification
    gate.set()
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    qtbot.wait(100)  # any stale verdict still queued would arrive now
    assert d.dataset().task == "classification" and d.target_columns() == [1]


def test_separator_and_size_limit_are_settings_of_the_dialog(qtbot, tmp_path):
    path = write(tmp_path, "a\tb\ty\n" + "".join(f"{i}\t{i}\t{i * 0.5}\n" for i in range(1500)))  # ~20 KB
    d = CsvImportDialog(path=str(path), max_mb=0.01)
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert "expected at most 10,000 bytes" in d.error() and not d.ok_button.isEnabled()
    assert [d.table.horizontalHeaderItem(j).text() for j in range(3)] == ["a", "b", "y"]  # tabs detected
    d.max_spin.setValue(1)
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert d.ok_button.isEnabled() and d.config_changes()["csv_max_mb"] == 1
    d.separator_combo.setCurrentIndex(d.separator_combo.findData(","))  # forced: one column, nothing to learn
    qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
    assert d.table.columnCount() == 1 and not d.ok_button.isEnabled()


def test_a_fifo_in_the_dialog_freezes_nothing(tmp_path):
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    code = ("import sys\nfrom PySide6 import QtWidgets\napp = QtWidgets.QApplication([])\n"
            "from ui.csv_dialog import CsvImportDialog\nd = CsvImportDialog(path=sys.argv[1])\n"
            "while d.busy():\n    app.processEvents()\nprint(d.error())\n")
    r = subprocess.run([sys.executable, "-c", code, str(fifo)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert r.stdout.strip() == f"{fifo}: this is a FIFO (named pipe); expected a regular CSV file"
