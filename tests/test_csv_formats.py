"""CSVs as they come: text class labels, semicolons and tabs, a header or none, the CLI's CSV flags, and
a task that auto cannot infer refused with what it saw and how to choose."""
from __future__ import annotations

import json

import numpy as np
import pytest

from app.main import main
from engine.csv_data import CsvError, load_csv
from engine.csv_table import detect_header, read_table
from csv_files import write

IRIS = ("sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n"
        "6.4,3.2,versicolor\n6.3,3.3,virginica\n5.8,2.7,virginica\n")


def load(path, **kw):
    kw.setdefault("rng", np.random.RandomState(0))
    kw.setdefault("target_columns", -1)
    kw.setdefault("test_fraction", 0.0)
    return load_csv(path, **kw)


def cli(capsys, *argv):
    code = main(["train", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


# --- text class labels ------------------------------------------------------------------------------

def test_text_labels_are_classes_named_by_their_text(tmp_path):
    d = load(write(tmp_path, IRIS), target_columns="species", loss="cce")
    assert d.task == "classification" and d.n_classes == 3
    assert d.target_names == ["setosa", "versicolor", "virginica"]
    by_x = dict(zip(d.X_train[0], d.labels_train))
    assert by_x[5.1] == by_x[4.9] == 0 and by_x[7.0] == 1 and by_x[5.8] == 2


def test_true_false_labels_without_a_header(tmp_path):
    d = load(write(tmp_path, "1,2,true\n3,4,false\n5,6,true\n7,8,false\n"))
    assert d.feature_names == ["column 1", "column 2"]  # a row of numbers and labels is data, not a header
    assert d.task == "classification" and d.target_names == ["false", "true"] and d.n_train == 4


def test_text_in_an_input_column_is_refused_with_line_and_column(tmp_path):
    with pytest.raises(CsvError) as e:
        load(write(tmp_path, "a,b,y\n1,2,cat\n3,oops,dog\n"), target_columns="y")
    assert str(e.value).endswith("line 3, column 2 ('b'): 'oops' is not a number; expected a number")


def test_labels_mixed_with_numbers_are_refused_at_the_first_text(tmp_path):
    with pytest.raises(CsvError, match=r"line 3, column 2 \('y'\): 'dog' is not a number; expected a number, "
                                       r"or a text class label in every row"):
        load(write(tmp_path, "a,y\n1,2\n3,dog\n5,4\n"), target_columns="y")


def test_text_labels_cannot_be_regression(tmp_path):
    with pytest.raises(CsvError, match="'setosa' is not a number; expected a number"):
        load(write(tmp_path, IRIS), target_columns="species", task="regression")


def test_class_names_reach_the_cli_run(capsys, tmp_path):
    code, out, _ = cli(capsys, "--csv", write(tmp_path, IRIS), "--target", "species", "--epochs", "2", "--json")
    assert code == 0 and json.loads(out)["config"]["layers"][-1] == 3


# --- separators and headers -----------------------------------------------------------------------------

@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_separator_is_detected(tmp_path, sep):
    path = write(tmp_path, IRIS.replace(",", sep))
    t = read_table(path)
    assert t.separator == sep and t.names == ["sepal_length", "sepal_width", "species"]
    assert load(path, target_columns="species").n_classes == 3


def test_separator_can_be_given(capsys, tmp_path):
    path = write(tmp_path, "a;b;y\n1;2;0.5\n3;4;1.5\n5;6;2.5\n")
    assert load(path, separator=";").feature_names == ["a", "b"]
    with pytest.raises(CsvError, match="'y' is a name but the file has no header row"):  # one column 'a;b;y'
        load(path, separator=",", target_columns="y")
    code, out, _ = cli(capsys, "--csv", path, "--target", "y", "--csv-separator", "semicolon", "--epochs", "1",
                       "--json")
    assert code == 0 and json.loads(out)["config"]["csv_separator"] == ";"
    code, _, err = cli(capsys, "--csv", path, "--target", "y", "--csv-separator", "|")
    assert code == 2 and "--csv-separator '|' is not allowed; expected one of comma, semicolon, tab" in err


def test_header_detection_and_the_cli_flags(capsys, tmp_path):
    assert detect_header(["x", "y"], ["1", "2"]) and not detect_header(["1", "cat"], ["2", "dog"])
    assert detect_header(["x", "y"], None) and not detect_header(["1", ""], ["2", "3"])
    path = write(tmp_path, "10,20,30\n1,2,3\n4,5,6\n7,8,9\n")
    code, out, _ = cli(capsys, "--csv", path, "--target", "30", "--header", "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["config"]["csv_header"] is True
    code, out, _ = cli(capsys, "--csv", path, "--target", "2", "--no-header", "--epochs", "1", "--json",
                       "--test-fraction", "0")
    assert code == 0 and json.loads(out)["config"]["csv_header"] is False
    code, _, err = cli(capsys, "--csv", path, "--target", "2", "--header", "--no-header")
    assert code == 2 and "--header and --no-header contradict each other" in err


# --- the task: given, or inferred only where it can be ---------------------------------------------------

def test_many_integers_are_never_silently_regression(capsys, tmp_path):
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i % 25}\n" for i in range(50)))
    code, _, err = cli(capsys, "--csv", path, "--target", "y", "--epochs", "1")
    assert code == 2 and err.startswith(f"backprop-lab train: --task (not given): {path}, column 2 ('y'): the target "
                                        "column holds 25 distinct whole numbers")
    assert "expected the task chosen: classification or regression" in err
    code, out, _ = cli(capsys, "--csv", path, "--target", "y", "--task", "regression", "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["config"]["csv_task"] == "regression"
    code, out, _ = cli(capsys, "--csv", path, "--target", "y", "--task", "classification", "--epochs", "1",
                       "--json")
    assert code == 0 and json.loads(out)["config"]["layers"][-1] == 25


def test_a_constant_target_is_refused_under_auto(capsys, tmp_path):
    path = write(tmp_path, "x,y\n1,3\n2,3\n3,3\n")
    code, _, err = cli(capsys, "--csv", path, "--target", "y", "--epochs", "1")
    assert code == 2 and "the target column holds the single value 3 in every row, so there is nothing to learn" in err


def test_size_cap_is_a_setting(capsys, tmp_path):
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i * 0.5}\n" for i in range(2000)))  # ~20 KB
    code, _, err = cli(capsys, "--csv", path, "--target", "y", "--max-csv-mb", "0.01", "--epochs", "1")
    assert code == 2 and "--max-csv-mb (from preset" not in err
    assert f"--csv '{path}': the file is {path.stat().st_size:,} bytes; expected at most 10,000 bytes" in err
    code, _, _ = cli(capsys, "--csv", path, "--target", "y", "--max-csv-mb", "1", "--epochs", "1", "--quiet")
    assert code == 0


def test_text_labels_name_the_classes_in_the_output_view(qtbot, tmp_path):
    from ui.output_view import OutputView
    view = OutputView()
    qtbot.addWidget(view)
    view.set_data(load(write(tmp_path, IRIS), target_columns="species", loss="cce"))
    assert view.mode == "plane"
    assert [label.text for _, label in view.legend.items] == ["setosa", "versicolor", "virginica"]
