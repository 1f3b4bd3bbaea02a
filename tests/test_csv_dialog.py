"""The CSV import dialog: preview, column roles, header toggle, and the loader's errors shown inside it."""
import pytest
from PySide6 import QtCore

from engine.config import TrainConfig, build
from ui.csv_dialog import CsvImportDialog
from csv_files import write

GOOD = "x1,x2,y1,y2\n" + "".join(f"{i},{i * 0.5},{i % 2},{i * 0.25}\n" for i in range(30))


@pytest.fixture
def settle(qtbot):
    """Wait for the loader's verdict, which comes from a background thread."""
    def wait(d):
        qtbot.waitUntil(lambda: not d.busy(), timeout=5000)
        return d
    return wait


@pytest.fixture
def dialog(qtbot, settle):
    def make(path=None, **kwargs):
        d = CsvImportDialog(path=path, **kwargs)
        qtbot.addWidget(d)
        d.show()
        return settle(d)
    return make


def cells(d, row):
    return [d.table.item(row, j).text() for j in range(d.table.columnCount())]


def test_good_file_previewed_with_header_and_last_column_target(dialog, tmp_path):
    d = dialog(write(tmp_path, GOOD))
    assert d.header_check.isChecked()
    assert [d.table.horizontalHeaderItem(j).text() for j in range(4)] == ["x1", "x2", "y1", "y2"]
    assert d.table.rowCount() == 1 + CsvImportDialog.PREVIEW_ROWS  # the role row + 20 of the 30 rows
    assert cells(d, 1) == ["0", "0.0", "0", "0.0"] and cells(d, 20) == ["19", "9.5", "1", "4.75"]
    assert d.table.verticalHeaderItem(1).text() == "line 2"  # file line numbers, as errors name them
    assert [d.table.cellWidget(0, j).currentText() for j in range(4)] == ["input"] * 3 + ["target"]
    assert d.ok_button.isEnabled() and not d.error_label.isVisible()
    assert "30 samples (24 train, 6 test), 3 inputs: regression of y2" in d.summary_label.text()


def test_targets_chosen_give_config_fields_that_build(dialog, qtbot, tmp_path, settle):
    path = write(tmp_path, GOOD)
    d = dialog(path)
    d.table.cellWidget(0, 2).setCurrentIndex(1)  # y1 -> target, as a user picks it in the combo
    settle(d)
    d.test_spin.setValue(0.3)
    settle(d)
    assert d.target_columns() == [2, 3]
    assert d.result() == {"csv_path": str(path), "csv_target": "y1,y2", "task": "auto",
                          "test_fraction": 0.3, "header": True, "separator": None, "max_mb": 50.0}
    assert d.dataset().feature_names == ["x1", "x2"] and d.dataset().target_names == ["y1", "y2"]
    config = TrainConfig().replace(**d.config_changes(), layers=(1, 3, 5, 1))
    trainer = build(config, fit_io=True)
    assert trainer.data.Y_train.shape == (2, 21) and trainer.data.X_test.shape == (2, 9)

    d.set_role(3, "input")  # y1 alone: 0/1 labels, auto makes it classification
    settle(d)
    assert d.result()["csv_target"] == "y1" and d.dataset().task == "classification"
    d.task_combo.setCurrentIndex(d.task_combo.findData("regression"))
    settle(d)
    assert d.result()["task"] == "regression" and d.dataset().task == "regression"
    with qtbot.waitSignal(d.accepted, timeout=1000):
        d.ok_button.click()
    assert not d.isVisible()


def test_no_header_uses_indices_and_the_toggle_turns_the_first_row_into_names(dialog, tmp_path, settle):
    path = write(tmp_path, "10,20,1\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    d = dialog(path)
    assert not d.header_check.isChecked() and d.table.rowCount() == 1 + 5
    assert d.table.horizontalHeaderItem(0).text() == "column 1"
    assert d.result()["csv_target"] == "2" and d.result()["header"] is False
    assert d.dataset().n_train + d.dataset().n_test == 5

    d.header_check.click()
    settle(d)
    assert d.table.rowCount() == 1 + 4 and cells(d, 1) == ["1", "2", "0"]
    assert [d.table.horizontalHeaderItem(j).text() for j in range(3)] == ["10", "20", "1"]
    assert d.dataset().n_train + d.dataset().n_test == 4
    # a header the loader would not detect cannot be written as names: it would read "1" as an index
    assert d.result() == {"csv_path": str(path), "csv_target": "2", "task": "auto", "test_fraction": 0.2,
                          "header": True, "separator": None, "max_mb": 50.0}


@pytest.mark.parametrize("text, expected", [
    ("a,b,c\n1,2,3\n4,5\n6,7,8\n", "line 3: the row has 2 fields; expected 3 fields, as on line 1"),
    ("a,b,c\n1,2,3\n4,oops,6\n", "line 3, column 2 ('b'): 'oops' is not a number"),
    ("a,b,c\n1,2,3\n4,nan,6\n", "line 3, column 2 ('b'): the value nan is not finite"),
    ("", "the file is empty"),
])
def test_loader_errors_shown_with_line_and_column_and_ok_disabled(dialog, tmp_path, text, expected):
    path = write(tmp_path, text)
    d = dialog(path)
    assert d.error_label.isVisible() and expected in d.error_label.text()
    assert str(path) in d.error_label.text() and d.error() == d.error_label.text()
    assert not d.ok_button.isEnabled() and d.result() is None and d.config_changes() is None
    d.accept()  # Enter or a stray call: still refused
    assert d.isVisible()


def test_bad_cell_is_marked_in_the_preview(dialog, tmp_path):
    d = dialog(write(tmp_path, "a,b,c\n1,2,3\n4,oops,6\n"))
    bad = d.table.item(2, 1)  # line 3 is the second data row; column 2
    assert bad.text() == "oops" and bad.background().style() != QtCore.Qt.BrushStyle.NoBrush
    assert d.table.item(2, 0).background().style() == QtCore.Qt.BrushStyle.NoBrush


def test_fixing_the_choice_clears_the_error(dialog, tmp_path, settle):
    d = dialog(write(tmp_path, GOOD))
    d.set_role(3, "input")
    settle(d)
    assert "Mark at least one column as a target" in d.error_label.text() and not d.ok_button.isEnabled()
    d.set_role(0, "target")
    settle(d)
    d.set_role(1, "target")
    settle(d)
    d.task_combo.setCurrentIndex(d.task_combo.findData("classification"))
    settle(d)
    assert "exactly one target column for classification" in d.error_label.text()
    d.task_combo.setCurrentIndex(0)
    settle(d)
    assert d.ok_button.isEnabled() and not d.error_label.isVisible() and d.result()["csv_target"] == "x1,x2"


def test_browse_uses_the_injected_file_dialog_and_missing_file_is_an_error(dialog, tmp_path, settle):
    good = write(tmp_path, GOOD)
    calls = []

    def fake_open(parent, caption, directory, filter_):
        calls.append((parent, directory))
        return str(good), ""

    d = dialog(get_open_file_name=fake_open)
    assert not d.ok_button.isEnabled() and not d.error_label.isVisible()  # nothing chosen yet: no error
    d.browse_button.click()
    settle(d)
    assert calls[0][0] is d and d.path_edit.text() == str(good) and d.ok_button.isEnabled()
    d.set_path(tmp_path / "missing.csv")
    settle(d)
    assert "no such file" in d.error_label.text() and not d.ok_button.isEnabled()


def test_typing_a_path_and_enter_loads_it_without_closing(dialog, qtbot, tmp_path, settle):
    good = write(tmp_path, GOOD)
    d = dialog()
    d.path_edit.setFocus()
    qtbot.keyClicks(d.path_edit, str(good))
    qtbot.keyClick(d.path_edit, QtCore.Qt.Key.Key_Return)
    settle(d)
    assert d.isVisible() and d.ok_button.isEnabled() and d.table.rowCount() == 21


def test_relative_path_is_stored_absolute(dialog, tmp_path, monkeypatch):
    write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    d = dialog("data.csv")
    assert d.result()["csv_path"] == str(tmp_path / "data.csv")


def test_previous_target_is_preselected_and_loss_is_respected(dialog, tmp_path, settle):
    path = write(tmp_path, "a,b,y\n0,1,2.5\n1,0,3.5\n1,1,4.5\n")
    d = dialog(path, target="a", loss="bce")
    assert d.target_columns() == [0] and d.ok_button.isEnabled()  # a is 0/1: fine for bce
    d.set_role(0, "input")
    settle(d)
    d.set_role(2, "target")  # y holds 2.5..4.5: bce needs targets in [0, 1]
    settle(d)
    assert d.error_label.isVisible() and not d.ok_button.isEnabled()


def test_wide_ragged_preview_has_extra_columns(dialog, tmp_path):
    d = dialog(write(tmp_path, "1,2\n3,4,5\n"))
    assert d.table.columnCount() == 3 and d.table.horizontalHeaderItem(2).text() == "(extra field)"
    assert d.table.cellWidget(0, 2) is None and "line 2: the row has 3 fields" in d.error_label.text()



def test_header_and_task_choices_reach_the_run(qtbot, tmp_path, settle):
    """A header-less file whose first row looks numeric, read as classification: the run builds the same."""
    from engine.config import TrainConfig, build
    path = tmp_path / "plain.csv"
    path.write_text("".join(f"{i / 10},{(i * 7) % 10 / 10},{i % 3}\n" for i in range(30)))
    d = CsvImportDialog(path=str(path), target="2")
    qtbot.addWidget(d)
    d.header_check.setChecked(False)
    settle(d)
    d.task_combo.setCurrentIndex(d.task_combo.findData("classification"))
    settle(d)
    changes = d.config_changes()
    assert changes["csv_header"] is False and changes["csv_task"] == "classification"
    trainer = build(TrainConfig().replace(**changes, layers=(2, 4, 3), activations=("tanh", "softmax"), loss="cce"),
                    fit_io=True)
    assert trainer.data.task == "classification" and trainer.data.n_classes == 3
    assert trainer.data.n_train + trainer.data.n_test == 30
