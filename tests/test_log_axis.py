"""What ui/log_axis.py writes on a log axis: round values on a narrow range, and one way of writing for every
label of an axis (plain numbers, or powers of ten when any label is below 0.001)."""
import math

import pytest

from ui.log_axis import LogAxis, label_strings


@pytest.fixture
def axis(qtbot):
    axis = LogAxis("left")
    axis.setLogMode(False, True)
    return axis


def log(x):
    return math.log10(x)


def test_a_range_within_a_1_2_5_step_gets_round_labels(axis):
    labels = label_strings(axis, log(0.37), log(0.68), 300)  # the optimizers preset near its end
    assert len(labels) >= 2
    assert not {"0.398", "0.501", "0.631"} & set(labels), labels
    assert all(len(text.lstrip("0.").rstrip("0")) <= 2 for text in labels), labels  # 0.4, 0.5, 0.6
    assert [float(t) for t in labels] == sorted(float(t) for t in labels)


@pytest.mark.parametrize("lo, hi", [(1e-7, 0.05), (3e-6, 0.02), (2e-6, 3e-4)])
def test_every_label_of_an_axis_is_written_one_way(axis, lo, hi):
    labels = label_strings(axis, log(lo), log(hi), 300)
    assert len(labels) >= 2
    assert all("10" in t and ("⁻" in t or t in ("10", "1")) for t in labels), labels  # 10⁻², 10⁻⁴, 10⁻⁶


def test_labels_above_a_thousandth_stay_plain(axis):
    labels = label_strings(axis, log(0.002), log(0.8), 300)
    assert labels and all("⁻" not in t for t in labels), labels
    assert all(float(t) > 0 for t in labels)
