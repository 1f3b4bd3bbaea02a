"""The CLI's one-line messages: negative values reach our own check, long values are cut, the flag the
person typed is the one blamed, and gradcheck says what it checks and how long it will take."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

import app.cli as cli
import app.progress
from app.main import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


# --- negative values are values ----------------------------------------------------------------------

@pytest.mark.parametrize("flag, value, allowed", [
    ("--lr", "-1e-09", "a number in (0, 100]"), ("--lr", "-inf", "a number in (0, 100]"),
    ("--noise", "-1,4", "a number in [0, 2]"), ("--momentum", "-0.5", "a number in [0, 1)"),
    ("--weight-decay", "-1E3", "a number in [0, 10]"), ("--epochs", "-5", "an integer in [0, 1000000000]"),
    ("--seed", "-3", "an integer in [0, 4294967295]"), ("--test-fraction", "-.5", "a number in [0, 0.9]"),
    ("--max-csv-mb", "-1", "a number in (0, 1e+06]"),
])
def test_negative_value_is_refused_with_the_allowed_range(capsys, flag, value, allowed):
    code, _, err = run(capsys, "train", flag, value)
    assert code == 2
    assert err == f"backprop-lab train: {flag} '{value}' is not allowed; expected {allowed}\n"


def test_a_flag_after_a_flag_is_still_a_missing_value(capsys):
    code, _, err = run(capsys, "train", "--lr", "--epochs", "3")
    assert code == 2 and err.startswith("backprop-lab train: --lr: expected one argument")


def test_a_negative_target_index_is_a_value(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.5\n")
    code, out, _ = run(capsys, "train", "--csv", path, "--target", "-1", "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["config"]["csv_target"] == "-1"


# --- long values are cut ------------------------------------------------------------------------------

def test_a_100000_character_value_is_cut_in_the_error_line(capsys):
    code, _, err = run(capsys, "train", "--lr", "9" * 100_000)
    assert code == 2 and len(err) < 300
    assert err.startswith("backprop-lab train: --lr '9999") and "… (100,000 characters)" in err
    assert err.endswith("is not allowed; expected a number in (0, 100]\n")


def test_a_long_path_is_cut_and_the_reason_kept(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--csv", tmp_path.joinpath(*["d" * 100] * 30), "--target", "0")
    assert code == 2 and len(err) < 400 and "…" in err and err.rstrip().endswith("no such file; expected an existing CSV file")


# --- the flag the person typed is the one blamed --------------------------------------------------------

@pytest.mark.parametrize("target, problem", [
    ("nope", "line 1: there is no column named 'nope'"), ("7", "target column index 7 is out of range"),
    ("y,y", "target column 'y' is chosen twice"), ("a,b,y", "all 3 columns are targets"),
])
def test_a_bad_target_is_a_target_problem(capsys, tmp_path, target, problem):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.5\n")
    code, _, err = run(capsys, "train", "--csv", path, "--target", target, "--epochs", "1")
    assert code == 2 and err.startswith(f"backprop-lab train: --target '{target}': {path}") and problem in err


def test_a_csv_wider_than_a_layer_says_so(capsys, tmp_path):
    path = tmp_path / "wide.csv"
    np.savetxt(path, np.ones((3, 5000)), delimiter=",", fmt="%g")
    code, _, err = run(capsys, "train", "--csv", path, "--target", "0", "--epochs", "1")
    assert code == 2
    assert err == (f"backprop-lab train: --csv '{path}': the file has 4,999 input columns; expected at most "
                   "4,096, the widest layer a network can have\n")


def test_a_header_that_lists_thousands_of_names_is_cut(capsys, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{j}" for j in range(3000)) + "\n" + ",".join("1" * 3000) + "\n")
    code, _, err = run(capsys, "train", "--csv", path, "--target", "zz", "--epochs", "1")
    assert code == 2 and "'c9', … (3,000 in all)" in err and len(err) < 600


@pytest.mark.parametrize("flag", ["--target 0", "--task regression", "--header", "--csv-separator tab"])
def test_csv_flags_need_csv(capsys, flag):
    code, _, err = run(capsys, "train", *flag.split())
    assert code == 2 and err.startswith(f"backprop-lab train: {flag.split()[0]}") and "needs --csv FILE" in err


# --- gradcheck: a subset, its size, a time estimate and a progress bar -----------------------------------

def test_gradcheck_checks_a_random_subset_of_large_arrays_and_says_so(capsys):
    code, out, _ = run(capsys, "gradcheck", "--preset", "xor", "--layers", "2,300,1", "--activations", "tanh,sigmoid")
    assert code == 0
    assert "769 of the 1,201 parameters: a random 256 (seed 0) of each of w1, b1, w2" in out and "--all" in out
    assert "w1  " in out and "(256 of 600 entries)" in out and "(256 of 300 entries)" in out
    code, out, _ = run(capsys, "gradcheck", "--preset", "xor", "--layers", "2,300,1", "--activations",
                       "tanh,sigmoid", "--all", "--json")
    r = json.loads(out)
    assert code == 0 and r["all"] and r["checked"] == {"w1": [600, 600], "b1": [300, 300], "w2": [300, 300],
                                                       "b2": [1, 1]}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_gradcheck_estimates_a_long_check_and_draws_progress_on_a_terminal(monkeypatch):
    monkeypatch.setattr(cli, "seconds_per_entry", lambda *a: 0.5)  # as if each entry took half a second
    monkeypatch.setattr(app.progress, "DRAW_INTERVAL", 0.0)
    out, err = io.StringIO(), Terminal()
    assert cli.run("gradcheck", ["--preset", "xor"], stdout=out, stderr=err) == 0
    text = err.getvalue()
    assert text.startswith("backprop-lab gradcheck: 33 entries, about 0:16 (m:ss)\n")
    assert "entry 33/33" in text and text.endswith("\r")  # drawn, then wiped for the summary
    assert cli.run("gradcheck", ["--preset", "xor"], stdout=out, stderr=io.StringIO()) == 0  # not a terminal


def test_a_long_cell_and_a_long_column_name_are_cut(capsys, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(f"{'a' * 50_000},y\n1,2\n{'z' * 100_000},3\n")
    code, _, err = run(capsys, "train", "--csv", path, "--target", "y", "--epochs", "1")
    assert code == 2 and len(err) < 600 and "line 3, column 1 ('aaaa" in err and "'zzzz" in err
    assert "(100,000 characters) is not a number; expected a number" in err
