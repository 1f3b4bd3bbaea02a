"""The one check every way of setting a parameter by hand shares (engine/parameter_edit.py), without Qt."""
import pytest

from engine.parameter_edit import (MAX_SET_VALUE, as_number, parameter_name, parameter_problem,
                                   parse_parameter_name, value_problem)

TUTORIAL = (5, 3, 5, 4)


@pytest.mark.parametrize("parameter, name", [(("w", 2, 1, 3), "w2[1, 3]"), (("b", 12, 0), "b12[0]")])
def test_names_read_back(parameter, name):
    assert parameter_name(*parameter) == name
    assert parse_parameter_name(name) == parameter


@pytest.mark.parametrize("name", ["w2[1]", "b2[1, 3]", "w2[1,3]", "x1[0]", "w2[1, 3] "])
def test_a_name_that_is_none_is_refused(name):
    with pytest.raises(ValueError, match="is not a parameter's name"):
        parse_parameter_name(name)


@pytest.mark.parametrize("value, number", [(" 2.5 ", 2.5), ("-1e-3", -1e-3), (3, 3.0), ("1e6", 1e6), (-1e6, -1e6)])
def test_numbers_within_the_bound_are_allowed(value, number):
    assert value_problem("w1[0, 0]", value) is None and as_number(value) == number


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", float("nan"), "1e400", MAX_SET_VALUE * 1.000001, "abc", "",
                                   "0,5", None])
def test_other_values_are_refused_with_one_line_naming_the_parameter_and_the_bound(value):
    problem = value_problem("b2[1]", value)
    assert problem == f"b2[1]: {str(value)!r} is not allowed; expected a finite number within +-1e+06"
    assert "\n" not in problem


def test_a_long_text_is_cut_in_the_message():
    problem = value_problem("w1[0, 0]", "9" * 5000)
    assert len(problem) < 200 and "(5,000 characters)" in problem


def test_a_parameter_the_network_lacks_is_named_with_the_network():
    assert parameter_problem(TUTORIAL, "w", 4, 0, 0, 1.0) == "w4[0, 0]: the network 5-3-5-4 has no such parameter"
    assert parameter_problem(TUTORIAL, "w", 2, 5, 0, 1.0) == "w2[5, 0]: the network 5-3-5-4 has no such parameter"
    assert parameter_problem(TUTORIAL, "w", 2, 4, 3, 1.0).startswith("w2[4, 3]: ")  # w2 is 5x3: no column 3
    assert parameter_problem(TUTORIAL, "b", 3, 3, None, "2") is None
    assert parameter_problem(TUTORIAL, "b", 3, 4, None, "2").startswith("b3[4]: the network")
    assert parameter_problem(TUTORIAL, "w", 2, 4, 2, "nan").startswith("w2[4, 2]: 'nan' is not allowed")
