"""What a user reads on the plots' axes: log-axis labels that never pile up (issue 9, item 18)."""
import numpy as np
from engine.health import HealthTracker
import pytest
from PySide6 import QtCore, QtGui

from qt_helpers import shown
from ui.legend import legend_names
from ui.loss_plot import LossPlot


def drawn_labels(axis):
    """[(QRectF, text)] of the tick labels the axis draws now, as its paint draws them."""
    painter = QtGui.QPainter()
    image = QtGui.QImage(10, 10, QtGui.QImage.Format.Format_ARGB32)
    painter.begin(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in specs[2]] if specs else []


def assert_apart(labels):
    rects = [rect for rect, _ in labels]
    for k, a in enumerate(rects):
        for b in rects[k + 1:]:
            assert not a.intersects(b), labels


def round_value(text: str) -> bool:
    """A label of one significant digit, or two (0.25, 0.12): what a user can read off at a glance."""
    digits = text.lstrip("0.").replace(".", "")
    return len(digits.rstrip("0")) <= 2


@pytest.mark.parametrize("height", [200, 300, 600])
def test_log_loss_axis_labels_a_narrow_range_without_minor_ticks_piling_up(qtbot, height):
    """The sine preset's loss stays between 0.05 and 0.12: pyqtgraph labelled 0.06, 0.07, ... 0.1."""
    plot = shown(qtbot, LossPlot(), 600, height)
    plot.append(1, np.geomspace(0.12, 0.05, 300), np.geomspace(0.13, 0.06, 300))
    plot.grab()
    labels = drawn_labels(plot.plot_item.getAxis("left"))
    texts = [text for _, text in labels]
    assert len(texts) >= 2  # still readable
    assert all(round_value(t) for t in texts), texts  # 0.06, 0.08, 0.1: round values, never 0.0631, 0.0794
    assert_apart(labels)  # and minor ticks (0.07, 0.09 between 0.06, 0.08, 0.1) unlabelled where they would pile


def test_log_loss_axis_over_many_decades_labels_decades_only(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.geomspace(0.5, 1e-7, 1000), np.empty(0))
    plot.grab()
    labels = drawn_labels(plot.plot_item.getAxis("left"))
    texts = [text for _, text in labels]
    assert len(texts) >= 3
    assert all(t in ("1", "0.1", "0.01", "0.001", "0.0001") or t.startswith("10⁻") for t in texts), texts
    assert_apart(labels)


def test_a_loss_that_barely_moves_still_gets_distinct_labels(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.linspace(0.0518, 0.0512, 100), np.empty(0))
    plot.grab()
    texts = [text for _, text in drawn_labels(plot.plot_item.getAxis("left"))]
    assert len(texts) >= 2 and len(set(texts)) == len(texts), texts


# --- the output view: switching kinds (item 2) ------------------------------------------------------

def bottom_tick_strings(view):
    """The x-axis labels the output plot draws now."""
    view.plot.grab()
    return [text for _, text in drawn_labels(view.plot.getAxis("bottom"))]


def test_output_view_drops_the_bars_labels_when_a_plane_or_curve_comes(qtbot):
    from test_views import feed, trained
    from ui.output_view import OutputView

    view = shown(qtbot, OutputView(), 640, 480)
    view.throttle.min_interval = 0.0
    for name in ("tutorial", "xor", "tutorial", "sine"):
        trainer, _ = trained(name)
        feed(view, name)
        ticks = bottom_tick_strings(view)
        bottom = view.plot.getAxis("bottom").labelText
        if name == "tutorial":
            assert view.info.text().startswith("y_hat = [")
            assert ticks == ["y1", "y2", "y3", "y4"]
            assert legend_names(view.legend) == ["y_hat", "y"]
        else:
            assert "y_hat" not in view.info.text()
            assert ticks and all(float(t) == float(t) for t in ticks), ticks  # numbers, not y1, y2
            assert bottom == trainer.data.feature_names[0]
            # no bars' legend left: the plane's is its class names, a curve has none
            assert legend_names(view.legend) == (list(trainer.data.target_names) if view.mode == "plane" else [])


def test_output_bars_legend_sits_above_the_data(qtbot):
    from test_views import feed
    from ui.output_view import OutputView

    view = shown(qtbot, OutputView(), 640, 480)
    view.throttle.min_interval = 0.0
    feed(view, "tutorial", 3000)
    view.plot.grab()
    legend = view.legend.mapRectToScene(view.legend.boundingRect())
    assert not legend.intersects(view.plot.getViewBox().sceneBoundingRect())
    assert view.plot.sceneRect().contains(legend)


def test_loss_legend_sits_above_the_curves(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.geomspace(1, 0.01, 200), np.geomspace(1.2, 0.02, 200))
    plot.grab()
    assert legend_names(plot.legend) == ["train", "test"]
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    assert not legend.intersects(plot.plot_item.vb.sceneBoundingRect())
    assert plot.plot_widget.sceneRect().contains(legend)


# --- empty plots (item 19) ---------------------------------------------------------------------------

def axis_texts(plot_item, name):
    plot_item.getViewBox().grab() if hasattr(plot_item.getViewBox(), "grab") else None
    axis = plot_item.getAxis(name)
    return [text for _, text in drawn_labels(axis)], axis.labelString()


def test_an_empty_loss_plot_says_so_over_sensible_axes_and_a_reset_empties_it_again(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    for step in ("fresh", "data", "reset"):
        if step == "data":
            plot.append(1, np.geomspace(50.0, 20.0, 400), np.empty(0))  # a range no empty plot would show
        elif step == "reset":
            plot.reset()
        plot.grab()
        left, left_label = axis_texts(plot.plot_item, "left")
        bottom, bottom_label = axis_texts(plot.plot_item, "bottom")
        assert "x0.001" not in left_label + bottom_label
        if step == "data":
            assert plot.empty_state.text() == ""
            assert "50" in left or "20" in left, left
        else:
            assert set(left) == {"0.001", "0.01", "0.1", "1"}, left
            assert bottom and all(0 <= float(t) <= 10 for t in bottom), bottom
            assert plot.empty_state.text() == "no data yet"
            assert plot.empty_state.label.isVisible()


def table_texts(view):
    return [[view.table.item(r, c).text() for c in range(view.table.columnCount())]
            for r in range(view.table.rowCount())]


def test_the_health_view_before_training_says_no_data_and_shows_no_nan(qtbot):
    from ui.health_view import HealthView

    from app.run_model import RunModel
    from engine.config import TrainConfig, build
    from engine.snapshot import SnapshotCursor
    from resources import load_preset

    model = RunModel()  # records the health history the view draws, as in the window
    view = shown(qtbot, HealthView(model.health), 640, 600)
    view.throttle.min_interval = 0.0
    trainer = build(TrainConfig.from_dict(load_preset("vanishing")["config"]))
    cursor = SnapshotCursor()

    def snapshot():
        return cursor.take(trainer, generation=1, status=trainer.status, steps_per_second=0.0, elapsed=0.0)

    model.set_network(trainer.config, trainer.data, 1)
    model.take_snapshot(snapshot())
    view.set_data(trainer.data)
    view.show_frame(model.frame, trainer.config)
    view.graphics.grab()
    rows = table_texts(view)
    assert rows and not any("nan" in cell for row in rows for cell in row), rows
    assert all(row[-1] == "not trained yet" for row in rows), rows
    for plot, state in zip((view.norms, view.dead_plot, view.hist_plot), view.empty_states):
        if plot.isVisible():
            assert state.text() == "no data yet"
            for name in ("left", "bottom"):
                texts, label = axis_texts(plot, name)
                assert "(x" not in label, label  # no "epoch (x0.001)", no "(x1e-09)"
            bottom, _ = axis_texts(plot, "bottom")
            assert bottom and all(0 <= float(t) <= 10 for t in bottom), bottom
    trainer.run_for(60.0, max_steps=20)
    model._last_health = -1e9  # record this one now (records are rate-limited)
    model.take_snapshot(snapshot())
    view.show_frame(model.frame, trainer.config)
    assert view.empty_states[0].text() == ""
    assert all(row[-1] in ("ok", "vanishing") for row in table_texts(view))


# --- the health table (item 20) ------------------------------------------------------------------

def luminance(color):
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def contrast(a, b):
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_health_table_shows_several_layers_in_readable_colours(qtbot):
    from test_views import feed
    from ui.health_view import HealthView

    view = shown(qtbot, HealthView(HealthTracker()), 430, 400)  # about the dock the window gives it at 1280x800
    view.throttle.min_interval = 0.0
    feed(view, "vanishing", 20)
    view.grab()
    table, viewport = view.table, view.table.viewport().rect()
    whole = [r for r in range(table.rowCount()) if viewport.contains(table.visualRect(table.model().index(r, 0)))]
    assert len(whole) >= 4, whole
    palette = table.palette()
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            none = QtCore.Qt.BrushStyle.NoBrush
            fg = item.foreground().color() if item.foreground().style() != none else palette.text().color()
            bg = item.background().color() if item.background().style() != none else palette.base().color()
            assert contrast(fg, bg) >= 4.5, (r, c, fg.name(), bg.name())
    swatch = table.item(0, 0).data(QtCore.Qt.ItemDataRole.DecorationRole)
    assert swatch == view._curves[0][0].opts["pen"].color()  # the key to the curves


# --- the network graph's "+N more" notes (item 20) -------------------------------------------------

@pytest.mark.parametrize("width", [300, 420])
def test_more_notes_of_neighbouring_wide_columns_do_not_overlap(qtbot, width):
    from test_views import trained
    from ui.network_graph import NetworkGraph

    graph = shown(qtbot, NetworkGraph(), width, 300)
    graph.throttle.min_interval = 0.0
    trainer, snap = trained("moons", 2, layers=[2, 512, 512, 512, 1], activations=["relu", "relu", "relu", "sigmoid"])
    graph.set_data(trainer.data)
    graph.select_weight(2, 300, 301)  # one more unit drawn in two columns: "+463 more" beside "+464 more"
    from engine.frame import Frame
    graph.show_frame(Frame.from_snapshot(snap), trainer.config)
    graph.grab()
    notes = [m for m in graph._markers if m.isVisible()]
    assert sorted(" ".join(m.textItem.toPlainText().split()) for m in notes) == ["+463 more", "+463 more", "+464 more"]
    rects = [m.mapRectToScene(m.boundingRect()) for m in notes]
    for k, a in enumerate(rects):
        for b in rects[k + 1:]:
            assert not a.intersects(b)
    view = graph.plot.getViewBox().sceneBoundingRect()
    assert all(view.contains(r) for r in rects)  # and none cut off at the bottom


def test_a_long_readout_shows_its_losses_whole_instead_of_widening_the_window(qtbot):
    plot = shown(qtbot, LossPlot(), 260, 300)
    plot.append(1, np.geomspace(0.5, 1e-4, 12345), np.geomspace(0.6, 2e-4, 12345))
    label = plot.value_label
    assert label.text() == "epoch 12,345 · train 1.000e-04 · test 2.000e-04"
    # too narrow for it all: the losses, whole, rather than "epoch 12,345 · tr…"
    qtbot.waitUntil(lambda: label.shown_text() in ("train 1.000e-04 · test 2.000e-04", "train 1.000e-04"))
    assert label.toolTip() == label.text()  # the whole readout, on hover
    assert plot.minimumSizeHint().width() < 260
    label.resize(60, label.height())  # narrower than any form: the shortest one is cut
    assert label.shown_text().startswith("tr") and label.shown_text().endswith("…")
