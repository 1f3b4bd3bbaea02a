"""LossPlot through the real widget: data in, curves, axis mode, readouts and view out."""
import warnings

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from qt_helpers import shown
from ui.loss_plot import LossPlot
from ui.theme import format_value


@pytest.fixture
def plot(qtbot):
    return shown(qtbot, LossPlot(), 600, 300)


class PaintCounter(QtCore.QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


def settle():
    """Delivers what is posted, including what a paint posts for a next paint, a few rounds deep."""
    for _ in range(6):
        QtWidgets.QApplication.processEvents()


def wheel(plot, steps=1):
    """Turns the mouse wheel over the middle of the plot: zooms, as a user does."""
    viewport = plot.plot_widget.viewport()
    pos = QtCore.QPointF(plot.plot_widget.mapFromScene(plot.plot_item.vb.sceneBoundingRect().center()))
    event = QtGui.QWheelEvent(pos, QtCore.QPointF(viewport.mapToGlobal(pos)), QtCore.QPoint(0, 0),
                              QtCore.QPoint(0, 120 * steps), QtCore.Qt.MouseButton.NoButton,
                              QtCore.Qt.KeyboardModifier.NoModifier, QtCore.Qt.ScrollPhase.NoScrollPhase, False)
    QtWidgets.QApplication.sendEvent(viewport, event)


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


def test_the_hover_readout_goes_when_the_mouse_leaves_the_plot(plot, qtbot):
    """The scene sends no move on leaving: the last epoch's readout and its line stayed, and after going live
    again (the mouse left for the Live button) read as the moment looked back at."""
    plot.append(1, np.geomspace(1.0, 1e-3, 100), np.empty(0))
    plot.grab()
    plot._on_mouse_moved((plot.plot_item.vb.mapViewToScene(QtCore.QPointF(40, -1.0)),))
    assert plot.hover_text().startswith("epoch 40") and plot._crosshair.isVisible()
    QtWidgets.QApplication.sendEvent(plot.plot_widget.viewport(), QtCore.QEvent(QtCore.QEvent.Type.Leave))
    assert plot.hover_text() == "" and not plot._crosshair.isVisible()


def test_view_follows_new_data_until_the_user_zooms(plot, qtbot):
    vb = plot.plot_item.vb
    plot.append(1, np.geomspace(1, 0.1, 100), np.empty(0))
    (x0, x1), (y0, y1) = vb.viewRange()
    assert plot.following() and not plot.auto_button.isEnabled()
    assert x0 < 1 and 100 < x1 < 110 and y0 < -1 and 0 < y1 < 0.2  # every point, a little padding
    plot.append(101, np.full(100, 0.01), np.empty(0))
    (x0, x1), (y0, y1) = vb.viewRange()
    assert 200 < x1 < 210 and -2.2 < y0 < -2  # grown to the new points at once, no paint needed
    wheel(plot)  # the user zooms in
    assert not plot.following() and plot.auto_button.isEnabled()
    zoomed = vb.viewRange()
    assert zoomed[0][1] < 200
    plot.append(201, np.full(100, 0.001), np.empty(0))
    assert vb.viewRange() == zoomed  # stays where the user put it
    np.testing.assert_array_equal(plotted(plot, "train")[0], np.arange(1, 301))  # but has the data
    qtbot.mouseClick(plot.auto_button, QtCore.Qt.MouseButton.LeftButton)
    assert plot.following() and not plot.auto_button.isEnabled()
    assert vb.viewRange()[0][1] >= 300 and vb.viewRange()[1][0] < -3


def test_double_click_and_the_view_menu_follow_again(plot, qtbot):
    plot.append(1, np.geomspace(1, 0.1, 100), np.empty(0))
    wheel(plot)
    assert not plot.following()
    viewport = plot.plot_widget.viewport()
    centre = plot.plot_widget.mapFromScene(plot.plot_item.vb.sceneBoundingRect().center())
    left = QtCore.Qt.MouseButton.LeftButton
    qtbot.mouseClick(viewport, left, pos=centre)  # what Qt delivers: press, release, double-click, release
    qtbot.mouseDClick(viewport, left, pos=centre)
    qtbot.mouseRelease(viewport, left, pos=centre)
    qtbot.waitUntil(plot.following, timeout=2000)
    assert plot.plot_item.vb.viewRange()[0][1] >= 100
    wheel(plot, -2)
    assert not plot.following()
    plot.plot_item.vb.enableAutoRange()  # what the ViewBox menu's axis "Auto" asks for
    assert plot.following() and not any(plot.plot_item.vb.autoRangeEnabled())  # ours, not pyqtgraph's
    wheel(plot)
    plot.plot_item.vb.menu.viewAll.trigger()  # the menu's "View All"
    assert plot.following() and plot.plot_item.vb.viewRange()[0][1] >= 100


def test_one_repaint_per_append_while_following(plot, qtbot):
    rng = np.random.default_rng(1)
    losses = np.geomspace(1.0, 1e-3, 21_000) * (1 + 0.2 * rng.random(21_000))
    plot.append(1, losses[:20_000], losses[:20_000] * 1.1)
    plot.grab()
    settle()
    paints = PaintCounter(plot.plot_widget.viewport())
    per_append = []
    for k in range(10):
        before = paints.count
        first = 20_001 + 100 * k
        plot.append(first, losses[first - 1 : first + 99], losses[first - 1 : first + 99] * 1.1)
        qtbot.waitUntil(lambda: paints.count > before, timeout=2000)  # it does repaint...
        settle()
        per_append.append(paints.count - before)
    assert plot.following()
    # ...once: pyqtgraph's auto-range set the range from inside the paint, and painted twice or three times
    assert max(per_append) <= 2 and sum(per_append) <= 11, per_append


def test_no_si_prefix_on_the_loss_axis(plot):
    axis = plot.plot_item.getAxis("left")
    for log in (True, False):
        plot.set_log_scale(log)
        plot.reset()
        plot.append(1, np.geomspace(2e-3, 1e-4, 50), np.empty(0))  # all below 1: "(x0.001)" territory
        plot.grab()
        assert axis.label.toPlainText().strip() == "loss"
        assert axis.autoSIPrefixScale == 1.0  # the tick labels are the losses themselves


def legend_names(plot):
    return [label.text for _, label in plot.legend.items]


def legend_rect_in_view(plot):
    """The legend's rectangle in the ViewBox's data coordinates."""
    legend = plot.legend
    return plot.plot_item.vb.mapSceneToView(legend.mapToScene(legend.boundingRect())).boundingRect()


def test_legend_lists_test_only_with_test_data_and_keeps_off_the_newest_point(plot):
    plot.append(1, np.geomspace(1, 0.01, 200), np.empty(0))
    assert legend_names(plot) == ["train"]  # the tutorial has no test set
    plot.reset()
    plot.append(1, np.geomspace(1, 0.01, 200), np.geomspace(1.2, 0.02, 200))
    assert legend_names(plot) == ["train", "test"]
    plot.grab()
    newest = QtCore.QPointF(200, np.log10(0.01))
    assert not legend_rect_in_view(plot).contains(newest)
    assert legend_rect_in_view(plot).top() > plot.plot_item.vb.viewRange()[1][0]  # top right
    plot.reset()
    assert legend_names(plot) == ["train"]
    plot.append(1, np.geomspace(0.01, 5.0, 200), np.empty(0))  # a diverging run: the newest loss is up top
    plot.grab()
    newest = QtCore.QPointF(200, np.log10(5.0))
    assert not legend_rect_in_view(plot).contains(newest)


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
    assert plot.value_label.text().startswith("epoch 1,000,000 · train ")
