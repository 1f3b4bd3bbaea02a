"""CSV loading: happy paths, task detection, and every refusal naming the file, line and column."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csv_files import write

from engine.csv_data import CsvError, load_csv
from engine.datasets import Dataset
from engine.validation import ConfigError


def rs(seed=0):
    return np.random.RandomState(seed)


def load(path, **kwargs):
    kwargs.setdefault("rng", rs())
    kwargs.setdefault("target_columns", -1)
    return load_csv(path, **kwargs)


def refused(path, **kwargs) -> str:
    """The message of the CsvError load() raises; it always names the file."""
    with pytest.raises(CsvError) as e:
        load(path, **kwargs)
    msg = str(e.value)
    assert str(path) in msg and "expected" in msg and isinstance(e.value, ConfigError)
    return msg


REGRESSION = "x1,x2,y\n0.1,0.2,1.5\n0.3,0.4,2.5\n0.5,0.6,3.25\n0.7,0.8,4.0\n0.9,1.0,5.5\n"


# --- happy paths --------------------------------------------------------------------------------

def test_header_and_name_target(tmp_path):
    d = load(write(tmp_path, REGRESSION), target_columns="y", test_fraction=0.0)
    assert isinstance(d, Dataset) and d.name == "csv:data.csv" and d.task == "regression"
    assert d.feature_names == ["x1", "x2"] and d.target_names == ["y"]
    assert d.X_train.shape == (2, 5) and d.Y_train.shape == (1, 5) and d.X_test.shape == (2, 0)
    assert d.X_train.dtype == np.float64 and d.Y_test.shape == (1, 0)
    # columns were shuffled as whole samples: each y still sits with its own x
    rows = {tuple(col) for col in np.vstack([d.X_train, d.Y_train]).T}
    assert rows == {(0.1, 0.2, 1.5), (0.3, 0.4, 2.5), (0.5, 0.6, 3.25), (0.7, 0.8, 4.0), (0.9, 1.0, 5.5)}


def test_no_header_and_index_target(tmp_path):
    d = load(write(tmp_path, "1,2.5,3\n4,5.5,6\n7,8.5,9\n"), target_columns=1, test_fraction=0.0)
    assert d.feature_names == ["column 1", "column 3"] and d.target_names == ["column 2"]
    assert sorted(d.Y_train[0]) == [2.5, 5.5, 8.5]
    assert sorted(map(tuple, d.X_train.T)) == [(1, 3), (4, 6), (7, 9)]


@pytest.mark.parametrize("targets", ["y1,y2", " y1 , y2 ", ["y1", "y2"], [2, 3], "2,3", [-2, -1], ["y1", -1]])
def test_several_targets_by_name_or_index(tmp_path, targets):
    path = write(tmp_path, "a,b,y1,y2\n1,2,0.5,0.25\n3,4,1.5,1.25\n5,6,2.5,2.25\n")
    d = load(path, target_columns=targets, test_fraction=0.0)
    assert d.task == "regression" and d.target_names == ["y1", "y2"] and d.feature_names == ["a", "b"]
    assert d.Y_train.shape == (2, 3)
    np.testing.assert_array_equal(d.Y_train[1], d.Y_train[0] - 0.25)


def test_header_forced_and_forbidden(tmp_path):
    path = write(tmp_path, "10,20,30\n1,2,3\n4,5,6\n")
    d = load(path, header=True, target_columns="30", test_fraction=0.0)
    assert d.n_train == 2 and d.feature_names == ["10", "20"]
    assert load(path, header=False, target_columns=2, test_fraction=0.0).n_train == 3
    assert "'x' is not a number" in refused(write(tmp_path, "x,y\n1,2\n", "h.csv"), header=False)


def test_whitespace_crlf_bom_and_blank_lines_are_tolerated(tmp_path):
    content = "\ufeff x , y \r\n 1 , 0.5 \r\n\r\n   \r\n2,1.5\r\n3 ,2.5\r\n\r\n"
    d = load(write(tmp_path, content), target_columns="y", test_fraction=0.0)
    assert d.feature_names == ["x"] and d.target_names == ["y"] and d.n_train == 3
    assert load(write(tmp_path, "1,2\r3,4\r", "cr.csv"), test_fraction=0.0).n_train == 2


def test_quoted_numbers(tmp_path):
    d = load(write(tmp_path, '"a","b"\n"1.5","2"\n"3", 4\n'), test_fraction=0.0)
    assert sorted(d.X_train[0]) == [1.5, 3.0]


def test_split_is_seeded(tmp_path):
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i * 0.5}\n" for i in range(50)))
    a, b, c = (load(path, target_columns="y", rng=rs(s)) for s in (1, 1, 2))
    assert (a.n_train, a.n_test) == (40, 10)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, c.X_train)


# --- task detection and classes -----------------------------------------------------------------

CLASSES = "f1,f2,label\n0.1,0.2,7\n0.3,0.4,3\n0.5,0.6,5\n0.7,0.8,3\n0.9,1.0,7\n1.1,1.2,5\n"


def test_integer_column_is_classification_with_sorted_labels(tmp_path):
    d = load(write(tmp_path, CLASSES), target_columns="label", test_fraction=0.0)
    assert d.task == "classification" and d.n_classes == 3 and d.target_names == ["3", "5", "7"]
    f1_to_label = {0.1: 2, 0.3: 0, 0.5: 1, 0.7: 0, 0.9: 2, 1.1: 1}
    assert {x: int(lab) for x, lab in zip(d.X_train[0], d.labels_train)} == f1_to_label
    assert d.labels_train.dtype == np.int64 and d.Y_train.shape == (3, 6)  # 3 classes: one-hot
    np.testing.assert_array_equal(d.Y_train.argmax(axis=0), d.labels_train)


@pytest.mark.parametrize("loss, rows", [("mse", 1), ("bce", 1), ("cce", 2)])
def test_two_classes_encoded_for_the_loss(tmp_path, loss, rows):
    d = load(write(tmp_path, "x,c\n1,-1\n2,1\n3,-1\n4,1\n"), loss=loss, test_fraction=0.0)
    assert d.task == "classification" and d.target_names == ["-1", "1"]
    assert d.Y_train.shape == (rows, 4)
    expected = (d.X_train[0] % 2 == 0).astype(float)  # even x rows hold class "1", index 1
    np.testing.assert_array_equal(d.Y_train[-1], expected)


@pytest.mark.parametrize("content, targets", [
    ("x,y\n1,0.5\n2,1\n3,0.5\n", "y"),  # not integers
    ("x,y,z\n1,0,1\n2,1,0\n", "y,z"),  # two target columns
])
def test_auto_falls_back_to_regression(tmp_path, content, targets):
    d = load(write(tmp_path, content), target_columns=targets)
    assert d.task == "regression" and d.labels_train is None and d.n_classes is None


def test_auto_never_turns_many_integers_or_a_constant_into_regression(tmp_path):
    many = write(tmp_path, "x,y\n" + "".join(f"{i},{i}\n" for i in range(21)))
    msg = refused(many, target_columns="y")
    assert "column 2 ('y'): the target column holds 21 distinct whole numbers" in msg and "--task" in msg
    assert load(many, target_columns="y", task="regression").task == "regression"  # chosen, it applies
    assert load(many, target_columns="y", task="classification").n_classes == 21
    constant = write(tmp_path, "x,y\n1,4\n2,4\n", "c.csv")
    assert "the single value 4 in every row" in refused(constant, target_columns="y")
    assert load(constant, target_columns="y", task="regression").task == "regression"


def test_explicit_task_overrides_detection(tmp_path):
    path = write(tmp_path, "x,y\n1,0.5\n2,1.25\n3,0.5\n")
    d = load(path, target_columns="y", task="classification", test_fraction=0.0)
    assert d.n_classes == 2 and d.target_names == ["0.5", "1.25"]
    assert load(write(tmp_path, CLASSES, "c.csv"), task="regression").task == "regression"


def test_explicit_classification_refusals(tmp_path):
    msg = refused(write(tmp_path, "x,y\n1,4\n2,4\n"), target_columns="y", task="classification")
    assert "column 2 ('y')" in msg and "1 distinct value" in msg
    with pytest.raises(ConfigError, match="target_columns.*exactly one"):
        load(write(tmp_path, CLASSES), target_columns=[0, 1], task="classification")


@pytest.mark.parametrize("loss", ["cce", "bce"])
def test_regression_refuses_a_loss_for_classes(tmp_path, loss):
    with pytest.raises(ConfigError) as e:
        load(write(tmp_path, REGRESSION), target_columns="y", loss=loss)
    assert e.value.field == "loss" and repr(loss) in str(e.value) and "'y'" in str(e.value)


def test_bce_accepted_for_targets_in_the_unit_interval(tmp_path):
    assert load(write(tmp_path, "x,p\n1,0.25\n2,0.75\n3,1.0\n"), loss="bce").task == "regression"


# --- refusals: the file itself ------------------------------------------------------------------

def test_missing_file(tmp_path):
    assert "no such file" in refused(tmp_path / "nope.csv")


def test_directory(tmp_path):
    assert "directory" in refused(tmp_path)


def test_file_over_the_size_limit(tmp_path):
    msg = refused(write(tmp_path, "1,2\n3,4\n5,6\n"), max_bytes=10)  # 12 bytes
    assert "12 bytes" in msg and "at most 10 bytes" in msg


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_file(tmp_path, content):
    assert "empty" in refused(write(tmp_path, content))


def test_header_only(tmp_path):
    assert "no data rows after the header on line 1" in refused(write(tmp_path, "x,y\n"))


def test_non_utf8_bytes(tmp_path):
    msg = refused(write(tmp_path, b"x,y\n1,2\n3,\xff4\n"))
    assert "line 3, column 2" in msg and "0xFF" in msg and "UTF-8" in msg


def test_unsplittable_row(tmp_path):
    msg = refused(write(tmp_path, "x,y\n1,2\n3," + "4" * 140_000 + "\n"))
    assert "line 3" in msg and "field limit" in msg


# --- refusals: rows and cells -------------------------------------------------------------------

def test_ragged_row(tmp_path):
    msg = refused(write(tmp_path, "a,b,c\n1,2,3\n\n4,5\n"))
    assert "line 4: the row has 2 fields; expected 3 fields, as on line 1" in msg


def test_ragged_row_longer(tmp_path):
    assert "line 2: the row has 3 fields; expected 2 fields" in refused(write(tmp_path, "1,2\n3,4,5\n"))


def test_text_in_a_numeric_column(tmp_path):
    msg = refused(write(tmp_path, "a,b\n1,2\n3,abc\n"))
    assert "line 3, column 2 ('b')" in msg and "'abc' is not a number" in msg and "expected a number" in msg


def test_text_without_header_names_no_column_name(tmp_path):
    msg = refused(write(tmp_path, "1,2\n3,4\nfive,6\n"), header=False)
    assert "line 3, column 1:" in msg and "'five'" in msg


def test_empty_cell(tmp_path):
    msg = refused(write(tmp_path, "a,b\n1,2\n3,\n"))
    assert "line 3, column 2 ('b')" in msg and "empty" in msg


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_non_finite_values(tmp_path, cell):
    msg = refused(write(tmp_path, f"a,b,c\n1,2,3\n4,5,6\n7,{cell},9\n"))
    assert "line 4, column 2 ('b')" in msg and "not finite" in msg


def test_nul_byte_is_text(tmp_path):
    assert "line 2, column 2" in refused(write(tmp_path, "a,b\n1,2\x00\n"), target_columns=0)


# --- refusals: target columns -------------------------------------------------------------------

def test_unknown_target_name(tmp_path):
    msg = refused(write(tmp_path, REGRESSION), target_columns="z")
    assert "no column named 'z'" in msg and "'x1', 'x2', 'y'" in msg and "line 1" in msg


@pytest.mark.parametrize("index", [3, -4, "7"])
def test_target_index_out_of_range(tmp_path, index):
    msg = refused(write(tmp_path, REGRESSION), target_columns=index)
    assert f"index {int(index)} is out of range for 3 columns" in msg and "[-3, 2]" in msg


def test_every_column_a_target(tmp_path):
    msg = refused(write(tmp_path, REGRESSION), target_columns="x1,x2,y")
    assert "all 3 columns are targets" in msg and "at least one input column" in msg


def test_target_name_without_header(tmp_path):
    assert "no header row" in refused(write(tmp_path, "1,2\n3,4\n"), target_columns="y")


def test_target_chosen_twice(tmp_path):
    msg = refused(write(tmp_path, REGRESSION), target_columns="y,2")
    assert "chosen twice" in msg and "column 3 ('y')" in msg


def test_ambiguous_header_name(tmp_path):
    assert "names columns 1, 2" in refused(write(tmp_path, "x,x,y\n1,2,3\n"), target_columns="x")


# --- argument checks ----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field", [
    ({"target_columns": None}, "target_columns"), ({"target_columns": []}, "target_columns"),
    ({"target_columns": ""}, "target_columns"), ({"target_columns": "y,,x1"}, "target_columns"),
    ({"target_columns": [1.5]}, "target_columns"), ({"target_columns": True}, "target_columns"),
    ({"header": "yes"}, "header"), ({"header": 1}, "header"), ({"task": "cluster"}, "task"),
    ({"loss": "hinge"}, "loss"), ({"test_fraction": 1.0}, "test_fraction"), ({"max_bytes": 0}, "max_bytes"),
    ({"rng": None}, "rng"), ({"rng": np.random.default_rng(0)}, "rng"),
])
def test_bad_arguments_name_field_and_value(tmp_path, kwargs, field):
    with pytest.raises(ConfigError) as e:
        load(write(tmp_path, REGRESSION), **kwargs)
    assert not isinstance(e.value, CsvError) and e.value.field == field
    assert str(e.value).startswith(f"{field}: {kwargs[field]!r} is not allowed; expected ")


@pytest.mark.parametrize("path", [123, None, ""])
def test_bad_path_argument(path):
    with pytest.raises(ConfigError, match="path"):
        load_csv(path, target_columns=0, rng=rs())


# --- nothing but a Dataset or a ConfigError comes out ---------------------------------------------

CELLS = st.one_of(st.integers(-3, 3).map(str), st.floats(-10, 10).map(repr),
                  st.sampled_from(["", " ", "nan", "inf", "x", " 1 ", '"2"', '"3', "1e999", "\x00", "é"]))
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=4).map(",".join), max_size=8)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
TEXT = st.one_of(st.builds(lambda rows, nl: nl.join(rows) + nl, ROWS, NEWLINES),
                 st.text(alphabet="01234567.,-+e naifINF\"\n\r\t x\x00é", max_size=120))


@given(TEXT, st.sampled_from([0, -1, "1", "x", [0, 1]]), st.sampled_from([None, True, False]),
       st.sampled_from(["mse", "bce", "cce"]))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_text_never_leaks_a_traceback(tmp_path, content, targets, header, loss):
    path = write(tmp_path, content.encode("utf-8"), "fuzz.csv")
    try:
        d = load(path, target_columns=targets, header=header, loss=loss)
    except ConfigError as e:
        assert str(e)
        return
    for a in (d.X_train, d.Y_train, d.X_test, d.Y_test):
        assert a.dtype == np.float64 and np.all(np.isfinite(a))
    assert d.n_features >= 1 and d.n_train >= 1 and d.X_test.shape == (d.n_features, d.n_test)
