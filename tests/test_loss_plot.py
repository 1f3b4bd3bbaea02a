"""LossPlot through the real widget: data in, curves, axis mode, readouts and view out."""
import warnings

import numpy as np
import pytest
from PySide6 import QtCore

from ui.loss_plot import LossPlot
from ui.theme import format_value


@pytest.fixture
def plot(qtbot):
    widget = LossPlot()
    widget.resize(600, 300)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def plotted(widget, key):
    """(x, y) exactly as handed to pyqtgraph for the 'train' or 'test' curve."""
    x, y = widget._curves[key].getOriginalDataset()
    return (np.array([]), np.array([])) if x is None else (x, y)


def test_append_grows_curves_with_epoch_numbers_and_values(plot):
    plot.append(1, np.array([3.0, 2.0, 1.0]), np.array([3.5, 2.5, 1.5]))
    plot.append(4, np.array([0.5]), np.array([0.75]))
    x, train, test = plot.curves()
    assert plot.n_points() == 4
    np.testing.assert_array_equal(x, [1, 2, 3, 4])
    np.testing.assert_array_equal(train, [3.0, 2.0, 1.0, 0.5])
    np.testing.assert_array_equal(test, [3.5, 2.5, 1.5, 0.75])
    px, py = plotted(plot, "test")
    np.testing.assert_array_equal(px, [1, 2, 3, 4])
    np.testing.assert_allclose(py, np.log10([3.5, 2.5, 1.5, 0.75]))  # log scale is the default
    assert plot.value_label.text() == "epoch 4 · train 0.5000 · test 0.7500"


def test_without_test_set_only_train_is_drawn(plot):
    plot.append(1, np.array([0.2, 0.1]), np.empty(0))
    x, train, test = plot.curves()
    assert len(test) == 0 and len(train) == 2
    assert len(plotted(plot, "test")[0]) == 0
    assert plot.value_label.text() == "epoch 2 · train 0.1000"


def test_reset_empties_everything(plot):
    plot.append(1, np.ones(10), np.ones(10))
    plot.reset()
    x, train, test = plot.curves()
    assert plot.n_points() == 0 and len(x) == len(train) == len(test) == 0
    assert len(plotted(plot, "train")[0]) == 0
    plot.append(1, np.array([0.5]), np.array([0.6]))  # starts over at epoch 1
    np.testing.assert_array_equal(plot.curves()[0], [1])


def test_log_toggle_changes_axis_mode_and_plotted_values(plot, qtbot):
    plot.append(1, np.array([10.0, 1.0]), np.array([100.0, 0.1]))
    axis = plot.plot_item.getAxis("left")
    assert plot.log_scale() and axis.logMode and plot.log_checkbox.isChecked()
    plot.log_checkbox.click()  # the user unticks "Log scale"
    assert not plot.log_scale() and not axis.logMode
    np.testing.assert_array_equal(plotted(plot, "train")[1], [10.0, 1.0])
    plot.set_log_scale(True)
    assert axis.logMode and plot.log_checkbox.isChecked()
    np.testing.assert_allclose(plotted(plot, "test")[1], [2.0, -1.0])


def test_zero_and_tiny_losses_under_log_scale_raise_no_warning(plot):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # also enforced by pytest's filterwarnings=error
        plot.append(1, np.zeros(5), np.zeros(5))  # a curve with no plottable point at all
        plot.grab()
        plot.append(6, np.array([1e-300, 5e-324, 0.0, 1e-12, -0.0]), np.array([0.0, 1e-310, 1e-3, 0.0, 2.0]))
        plot.grab()
        plot.set_log_scale(False)
        plot.grab()
        plot.set_log_scale(True)
        plot.grab()
    y = plotted(plot, "train")[1]
    assert np.isnan(y[:5]).all()  # zeros leave a gap rather than -inf
    assert y[5] == pytest.approx(-300.0) and np.isfinite(y[6])
    assert plot.value_label.text() == f"epoch 10 · train {format_value(-0.0)} · test 2.0000"


def test_hover_readout_shows_epoch_and_both_losses(plot, qtbot):
    train = np.geomspace(1.0, 1e-3, 100)
    test = train * 1.5
    plot.append(1, train, test)
    plot.grab()  # lets auto-range settle so the mapping below is the one on screen
    vb = plot.plot_item.vb
    scene_pos = vb.mapViewToScene(QtCore.QPointF(42.2, np.log10(train[41])))
    plot.plot_item.scene().sigMouseMoved.emit(scene_pos)  # through the rate-limiting SignalProxy
    qtbot.waitUntil(lambda: plot.hover_text() != "", timeout=2000)
    assert plot.hover_text() == f"epoch 42 · train {format_value(train[41])} · test {format_value(test[41])}"
    assert plot._crosshair.isVisible() and plot._crosshair.value() == 42
    outside = vb.mapViewToScene(QtCore.QPointF(42, 0)) + QtCore.QPointF(0, -10_000)
    plot._on_mouse_moved((outside,))
    assert plot.hover_text() == ""


def test_auto_range_follows_new_data_until_the_user_zooms(plot, qtbot):
    plot.append(1, np.geomspace(1, 0.1, 100), np.empty(0))
    plot.grab()
    assert plot.following() and not plot.auto_button.isEnabled()
    plot.plot_item.vb.setXRange(10, 20)  # what a zoom does: auto-range off
    assert not plot.following() and plot.auto_button.isEnabled()
    plot.append(101, np.full(100, 0.05), np.empty(0))
    plot.grab()
    assert plot.plot_item.vb.viewRange()[0][1] < 50  # stays where the user put it
    qtbot.mouseClick(plot.auto_button, QtCore.Qt.MouseButton.LeftButton)
    plot.grab()
    assert plot.following() and plot.plot_item.vb.viewRange()[0][1] >= 200
    plot.plot_item.vb.setXRange(10, 20)
    plot.grab()
    plot.plot_item.autoBtnClicked()  # pyqtgraph's own "A" button restores it as well
    plot.grab()
    assert plot.following() and plot.plot_item.vb.viewRange()[0][1] >= 200


def test_a_million_points_in_chunks_keep_working(plot):
    rng = np.random.default_rng(0)
    n, chunk = 1_000_000, 125_000
    train = np.geomspace(1.0, 1e-4, n) * (1 + 0.1 * rng.random(n))
    for start in range(0, n, chunk):
        plot.append(start + 1, train[start : start + chunk], train[start : start + chunk] * 2)
        if start % (4 * chunk) == 0:
            plot.grab()
    plot.grab()
    x, y, test = plot.curves()
    assert plot.n_points() == n and x[0] == 1 and x[-1] == n
    np.testing.assert_array_equal(y, train)
    np.testing.assert_array_equal(test, train * 2)
    drawn = plot._curves["train"].curve.getData()[0]
    assert 0 < len(drawn) < 10_000  # peak downsampling: about two points per pixel column
    assert plot.value_label.text().startswith("epoch 1000000 · train ")
