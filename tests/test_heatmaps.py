"""HeatmapGrid through the real widget: structure, images, colour levels, hover, selection."""
import math

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from qt_helpers import shown
from ui.heatmap_panel import MatrixPlot
from ui.heatmap_parts import IndexRuler
from ui.heatmaps import KINDS, HeatmapGrid, SymmetricLevels

TUTORIAL = (5, 3, 5, 4)


@pytest.fixture
def grid(qtbot):
    return shown(qtbot, HeatmapGrid(), 900, 600)


def matrices(sizes, seed=0, scale=1.0):
    """Lists W_l (n_l, n_{l-1}), b_l (n_l, 1), grad_w, grad_b for l = 1..L."""
    rng = np.random.default_rng(seed)
    L = range(1, len(sizes))
    weights = [scale * rng.normal(size=(sizes[l], sizes[l - 1])) for l in L]
    biases = [scale * rng.normal(size=(sizes[l], 1)) for l in L]
    grad_w = [1e-3 * scale * rng.normal(size=w.shape) for w in weights]
    grad_b = [1e-3 * scale * rng.normal(size=b.shape) for b in biases]
    return weights, biases, grad_w, grad_b


def cell_scene_pos(grid, layer, kind, i, j):
    """Scene position of the centre of cell (i, j) of that matrix."""
    grid.graphics.grab()  # lay the plots out so the mapping is the one on screen
    return grid.panel_plot(layer, kind).vb.mapViewToScene(QtCore.QPointF(j, i))


def plot_items(grid):
    return [item for item in grid.graphics.scene().items() if isinstance(item, MatrixPlot)]


def test_set_network_builds_one_row_per_layer_for_1_to_6_layers(grid):
    for n_layers in [1, 2, 3, 4, 5, 6, 3, 1]:  # growing and shrinking the same grid
        sizes = (3,) + (4,) * (n_layers - 1) + (2,)
        grid.set_network(sizes)
        assert grid.n_layers() == n_layers
        assert grid.graphics.ci.layout.rowCount() == n_layers
        # per layer: w, grad w, b, grad b
        assert len(plot_items(grid)) == 4 * n_layers
        titles = [grid.panel_plot(n_layers, kind).titleLabel.text for kind in KINDS]
        w_title = f"w{n_layers} (2x4)" if n_layers > 1 else "w1 (2x3)"
        assert titles == [w_title, f"grad w{n_layers}", f"b{n_layers}", f"grad b{n_layers}"]
        if n_layers > 1:
            assert grid.panel_plot(1, "w").titleLabel.text == "w1 (4x3)"


def test_rebuilding_for_new_sizes_does_not_leak_items(grid):
    small, deep = (2, 3, 1), (2, 8, 8, 1)

    def items_for(sizes):
        """Scene items once every row is built (a loaded machine leaves rows past the first budget for later)."""
        grid.set_network(sizes)
        grid.build_pending(budget_ms=math.inf)
        return len(grid.graphics.scene().items())

    small_items = items_for(small)
    deep_items = items_for(deep)
    assert deep_items > small_items
    assert items_for(small) == small_items  # row 3 goes...
    assert items_for(deep) == deep_items  # ...and comes back as new items
    assert len(plot_items(grid)) == 4 * 3
    assert items_for((2, 5, 1)) == small_items  # a width changes: reshaped in place
    assert grid.panel_plot(1, "w").titleLabel.text == "w1 (5x2)"
    assert grid.panel_plot(2, "w").titleLabel.text == "w2 (1x5)"


def test_update_matrices_shows_the_arrays(grid):
    grid.set_network(TUTORIAL)
    weights, biases, grad_w, grad_b = matrices(TUTORIAL)
    grid.update_matrices(weights, biases, grad_w, grad_b)
    for l in range(1, 4):
        np.testing.assert_array_equal(grid.image(l, "w"), weights[l - 1])
        np.testing.assert_array_equal(grid.image(l, "grad_w"), grad_w[l - 1])
        np.testing.assert_array_equal(grid.image(l, "b"), biases[l - 1])
        np.testing.assert_array_equal(grid.image(l, "grad_b"), grad_b[l - 1])
    assert grid.image(2, "w").shape == (5, 3) and grid.image(2, "b").shape == (5, 1)
    weights[0] *= -2.0  # the caller reuses its array: the next frame still shows the new values
    grid.update_matrices(weights, biases, grad_w, grad_b)
    np.testing.assert_array_equal(grid.image(1, "w"), weights[0])


def test_update_with_another_architecture_rebuilds(grid):
    grid.set_network((3, 4))
    grid.update_matrices(*matrices((2, 6, 1)))
    assert grid.n_layers() == 2 and grid.image(1, "w").shape == (6, 2)


def test_levels_are_symmetric_and_zero_is_the_middle_colour(grid):
    grid.set_network((3, 4))
    weights, biases, grad_w, grad_b = matrices((3, 4))
    weights[0][2, 1] = 0.0
    weights[0][0, 0] = 3.7  # max |w| -> m = 5 (next 1-2-5 step)
    weights[0][1, 2] = -1.0
    grid.update_matrices(weights, biases, grad_w, grad_b)
    for kind in KINDS:
        lo, hi = grid.levels(1, kind)
        assert lo == -hi and hi > 0
    assert grid.levels(1, "w") == (-5.0, 5.0)
    grid.graphics.grab()  # renders the images
    qimage = grid._panels[(1, "w")].image.qimage
    zero_cell = qimage.pixelColor(1, 2)  # x = column j, y = row i
    middle = theme.diverging_colormap().map(0.5, mode="qcolor")
    assert max(abs(zero_cell.red() - middle.red()), abs(zero_cell.green() - middle.green()),
               abs(zero_cell.blue() - middle.blue())) <= 6


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_levels_do_not_flicker_but_widen_at_once():
    clock = Clock()
    levels = SymmetricLevels(clock)
    history = []
    for k in range(100):
        levels.update(1.0 if k % 2 else 0.9)
        history.append(levels.m)
    assert set(history) == {1.0}
    for k in range(100):  # even a wide swing: the small frames never stay small long enough
        levels.update(1.0 if k % 2 else 0.2)
        history.append(levels.m)
    assert set(history) == {1.0}
    assert levels.update(10.0) and levels.m == 10.0  # a jump widens at once
    for _ in range(50):  # many small frames within a short while (a fast window): unchanged
        clock.t += 0.01
        levels.update(0.5)
    assert levels.m == 10.0
    clock.t += SymmetricLevels.SHRINK_SECONDS
    levels.update(0.5)
    assert levels.m == 0.5  # small for long enough: narrows


def test_levels_narrow_after_a_second_however_few_the_redraws():
    """Four redraws a second (a paced run): the range follows falling gradients within about a second, not 30
    redraws (the tutorial's dW heatmaps were drawn blank at +-0.01 while its gradients were 1e-4)."""
    clock = Clock()
    levels = SymmetricLevels(clock)
    levels.update(0.01)
    for _ in range(5):
        clock.t += 0.25
        levels.update(1e-4)
    assert levels.m == 1e-4


def test_levels_keep_up_with_gradients_falling_fast_between_redraws():
    """Spiral at full speed: gradients fall 10-100x a second while the heatmaps redraw about once a second. A
    range that waited for three small redraws drew the dW heatmaps blank (1e-5 against 1e-7); far below, it
    narrows after two."""
    clock = Clock()
    levels = SymmetricLevels(clock)
    behind = []
    for k in range(12):
        clock.t += 1.0
        data = 40.0 ** -k
        levels.update(data)
        behind.append(levels.m / data)
    assert max(behind) <= 100  # (waiting for three redraws let it reach 1,600: every cell near white)


def test_grid_levels_stay_put_between_frames(grid):
    grid.set_network((2, 3))
    weights, biases, grad_w, grad_b = matrices((2, 3))
    seen = set()
    for k in range(20):
        w = weights[0] / np.max(np.abs(weights[0])) * (1.0 if k % 2 else 0.9)
        grid.update_matrices([w], biases, grad_w, grad_b)
        seen.add(grid.levels(1, "w"))
    assert seen == {(-1.0, 1.0)}
    grid.update_matrices([w * 10], biases, grad_w, grad_b)
    assert grid.levels(1, "w") == (-10.0, 10.0)


def test_zero_and_non_finite_matrices_keep_finite_levels(grid):
    grid.set_network((2, 3))
    weights, biases, grad_w, grad_b = matrices((2, 3))
    weights[0][0, 0] = np.nan
    weights[0][1, 1] = np.inf
    grid.update_matrices(weights, [np.zeros((3, 1))], grad_w, [np.zeros((3, 1))])
    grid.graphics.grab()
    assert all(np.isfinite(grid.levels(1, kind)).all() for kind in KINDS)


def test_hover_tooltip_names_the_cell_weight_and_gradient(grid, qtbot):
    grid.set_network(TUTORIAL)
    weights, biases, grad_w, grad_b = matrices(TUTORIAL)
    weights[1][3, 1], grad_w[1][3, 1] = 0.4123, -0.0012
    biases[1][3, 0], grad_b[1][3, 0] = -0.25, 0.5
    grid.update_matrices(weights, biases, grad_w, grad_b)
    scene = grid.graphics.scene()
    # the same readout over W and over dW, then what a double-click there does (W: set it; dW: enlarge dW)
    for kind, hint in (("w", "Double-click to set it (double-click the title to enlarge)"),
                       ("grad_w", "Double-click to enlarge")):
        scene.sigMouseMoved.emit(cell_scene_pos(grid, 2, kind, 3, 1) + QtCore.QPointF(0, 1e-3 if kind == "w" else 0))
        qtbot.waitUntil(lambda: grid.hover_text() == "w2[3, 1] = 0.4123 · grad = -0.0012\n" + hint, timeout=2000)
        grid._on_mouse_moved((QtCore.QPointF(-1000, -1000),))
        assert grid.hover_text() == ""
    grid._on_mouse_moved((cell_scene_pos(grid, 2, "grad_b", 3, 0),))
    assert grid.hover_text() == "b2[3] = -0.2500 · grad = 0.5000\nDouble-click to enlarge"


def visible_outlines(grid, layer, kind):
    """Rectangles shown in that matrix's view, in its data coordinates."""
    items = grid.panel_plot(layer, kind).vb.childGroup.childItems()
    return [item.mapRectToParent(item.rect()) for item in items
            if isinstance(item, QtWidgets.QGraphicsRectItem) and item.isVisible()]


def test_highlight_outlines_the_cell_in_w_and_grad_w(grid):
    grid.set_network(TUTORIAL)
    grid.highlight(2, 3, 1)
    assert grid.highlighted() == (2, 3, 1)
    for kind in ("w", "grad_w"):
        assert visible_outlines(grid, 2, kind) == [QtCore.QRectF(0.5, 2.5, 1, 1)]  # around (j=1, i=3)
    assert visible_outlines(grid, 1, "w") == []
    grid.highlight(3, 0, 4)
    assert visible_outlines(grid, 2, "w") == [] and visible_outlines(grid, 3, "grad_w") == [QtCore.QRectF(3.5, -0.5, 1, 1)]
    grid.set_network(TUTORIAL)  # a new network drops the selection
    assert grid.highlighted() is None and visible_outlines(grid, 3, "grad_w") == []
    grid.highlight(1, 2, 2)
    grid.highlight(None)
    assert grid.highlighted() is None
    assert all(visible_outlines(grid, l, kind) == [] for l in (1, 2, 3) for kind in ("w", "grad_w"))


def test_clicking_a_weight_cell_emits_its_indices(grid, qtbot):
    grid.set_network(TUTORIAL)
    grid.update_matrices(*matrices(TUTORIAL))
    view = grid.graphics
    for layer, kind, i, j in ((3, "w", 2, 4), (1, "grad_w", 0, 3)):
        grid.scroll.ensureVisible(0, int(cell_scene_pos(grid, layer, kind, i, j).y()))
        point = view.mapFromScene(cell_scene_pos(grid, layer, kind, i, j))
        with qtbot.waitSignal(grid.cell_clicked, timeout=2000) as blocker:
            qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
        assert blocker.args == [layer, i, j]
    clicked = []
    grid.cell_clicked.connect(lambda *args: clicked.append(args))
    point = view.mapFromScene(cell_scene_pos(grid, 2, "b", 1, 0))
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=point)
    assert clicked == []  # biases are not weights the network graph can select


SPIRAL = (2, 32, 32, 32, 32, 2)


def matrix_heights(grid):
    """Screen height of each layer's W image area, rows 1..L."""
    grid.graphics.grab()  # lays the rows out
    return [grid.panel_plot(l, "w").vb.size().height() for l in range(1, grid.n_layers() + 1)]


def scrolls(grid):
    return grid.scroll.verticalScrollBar().maximum() > 0


def test_the_whole_spiral_network_fits_the_view(qtbot):
    grid = shown(qtbot, HeatmapGrid(), 1280, 800)
    grid.update_matrices(*matrices(SPIRAL))
    heights = matrix_heights(grid)
    assert not scrolls(grid)
    bottom = grid.panel_plot(5, "w").mapRectToScene(grid.panel_plot(5, "w").boundingRect()).bottom()
    assert bottom <= grid.scroll.viewport().height()  # the last row, axis included, is on screen
    cell = grid.cell_px()
    assert HeatmapGrid.CELL_MIN <= cell
    for n, height in zip(SPIRAL[1:], heights):  # every matrix row the same height, tiny ones readable
        assert height == pytest.approx(max(n * cell, HeatmapGrid.PLOT_MIN), abs=1.5)


def test_rows_follow_the_viewport_height(grid, qtbot):
    grid.update_matrices(*matrices(SPIRAL))
    grid.resize(900, 300)  # too short for the minimum cell: the rows keep it and the area scrolls
    qtbot.waitUntil(lambda: grid.cell_px() == HeatmapGrid.CELL_MIN, timeout=2000)
    assert scrolls(grid)
    assert matrix_heights(grid)[1] == pytest.approx(32 * HeatmapGrid.CELL_MIN, abs=1.5)
    grid.resize(900, 900)
    qtbot.waitUntil(lambda: grid.cell_px() > HeatmapGrid.CELL_MIN, timeout=2000)
    assert not scrolls(grid)
    assert matrix_heights(grid)[1] == pytest.approx(32 * grid.cell_px(), abs=1.5)


def test_small_networks_stop_growing_at_the_largest_cell(grid):
    grid.resize(900, 2000)
    grid.update_matrices(*matrices(TUTORIAL))
    assert grid.cell_px() == HeatmapGrid.CELL_MAX
    assert matrix_heights(grid) == [pytest.approx(n * HeatmapGrid.CELL_MAX, abs=1.5) for n in TUTORIAL[1:]]


def test_width_512_scrolls_at_the_smallest_cell(grid):
    sizes = (4, 512, 512, 3)
    grid.update_matrices(*matrices(sizes, scale=0.05))
    assert grid.n_layers() == 3
    np.testing.assert_array_equal(grid.image(2, "w"), matrices(sizes, scale=0.05)[0][1])
    heights = matrix_heights(grid)
    assert grid.cell_px() == HeatmapGrid.CELL_MIN
    assert heights[:2] == [pytest.approx(512 * HeatmapGrid.CELL_MIN, abs=1.5)] * 2
    assert heights[2] == pytest.approx(max(3 * HeatmapGrid.CELL_MIN, HeatmapGrid.PLOT_MIN), abs=1.5)
    assert scrolls(grid)


def test_set_network_with_the_same_sizes_sets_no_title_again(grid, monkeypatch):
    grid.update_matrices(*matrices(SPIRAL, scale=3.0))
    while grid._pending:  # rows a loaded machine left for later turns (a time budget): built, not counted
        grid.build_pending(budget_ms=1e9)
    assert grid.levels(2, "w") != (-1.0, 1.0)
    titles = []
    monkeypatch.setattr(MatrixPlot, "setTitle", lambda item, *args, **kw: titles.append(args))
    grid.set_network(SPIRAL)
    assert titles == []  # each one re-lays the whole grid out
    assert grid.levels(2, "w") == (-1.0, 1.0)  # the colour ranges still start over
    grid.set_network((2, 32, 32, 16, 32, 2))  # a width changes: just the titles that name it
    assert sorted(titles) == [("w3 (16x32)",), ("w4 (32x16)",)]


def test_a_narrow_grid_squeezes_the_images_then_scrolls_sideways(grid, qtbot):
    grid.update_matrices(*matrices(TUTORIAL))

    def right_edge():
        grid.graphics.grab()
        plot = grid.panel_plot(1, "grad_b")
        return plot.mapRectToScene(plot.boundingRect()).right()

    grid.resize(440, 600)  # about the room the window leaves it beside its docks
    scrollbar = grid.scroll.horizontalScrollBar()
    qtbot.waitUntil(lambda: right_edge() <= 440 and scrollbar.maximum() == 0, timeout=2000)
    labels = grid.panel_plot(1, "w").getAxis("bottom").labels()  # squeezed: fewer labels, whole cells
    positions = [pos for pos, _ in labels]
    assert labels and all(b - a >= IndexRuler.LABEL_PX["bottom"] for a, b in zip(positions, positions[1:]))
    assert all(text.isdigit() for _, text in labels)
    grid.update_matrices(*matrices(SPIRAL))  # 32 columns at CELL_MIN each do not fit: scroll rather than cut "grad b" off
    grid.resize(HeatmapGrid.OWN_MIN_MAX, 600)
    assert grid.minimumWidth() <= HeatmapGrid.OWN_MIN_MAX  # (asks the window for no more than that)
    qtbot.waitUntil(lambda: scrollbar.maximum() > 0 and grid.graphics.width() >= right_edge(), timeout=2000)


def test_colour_bars_label_both_ends_even_for_the_widest_numbers(grid):
    grid.set_network((3, 4))
    weights, biases, grad_w, grad_b = matrices((3, 4))
    grad_w[0][:] = 4.9e-4  # m = 0.0005: "-0.0005", the widest label a 1-2-5 step has
    grad_b[0][:] = -1.1e-4  # m = 0.0002
    grid.update_matrices([w * 4000 for w in weights], biases, grad_w, grad_b)  # m = 2e+04 or so
    grid.graphics.grab()
    for kind in KINDS:
        bar = grid._panels[(1, kind)].bar
        lo, hi = grid.levels(1, kind)
        assert (-bar.m, bar.m) == (lo, hi)
        drawn = bar.labels()
        assert drawn in ([f"{lo:.3g}", "0", f"{hi:.3g}"], [f"±{hi:.3g}"]), kind  # ± where three do not fit
        width = sum(QtGui.QFontMetricsF(bar.font).horizontalAdvance(t) for t in drawn)
        assert width <= bar.size().width(), kind  # nothing drawn past the matrix's width
    assert grid.levels(1, "grad_w") == (-5e-4, 5e-4)


def test_levels_settle_to_the_data_when_training_stops():
    levels = SymmetricLevels()
    levels.update(0.002)
    assert levels.update(1e-6) is False  # while running: one calm frame does not narrow the range
    assert levels.update(1e-6, settle=True) is True  # stopped: no calm frames will come, fit now
    assert 1e-6 <= levels.m < 1e-5
    assert levels.update(0.5e-6, settle=True) is False  # within the current range: left alone


# --- readable at 1024x768, and enlarged on a double-click (issue 9, item 15) -----------------------

def double_click(qtbot, grid, layer, kind, i, j):
    view = grid.graphics
    grid.scroll.ensureVisible(0, int(cell_scene_pos(grid, layer, kind, i, j).y()))
    point = view.mapFromScene(cell_scene_pos(grid, layer, kind, i, j))
    left = QtCore.Qt.MouseButton.LeftButton
    # what a mouse sends: press and release, then the second press as a double-click, and its release
    # (QTest's mouseDClick alone sends no release, and pyqtgraph reports a click on the release)
    qtbot.mouseClick(view.viewport(), left, pos=point)
    qtbot.mouseDClick(view.viewport(), left, pos=point)
    qtbot.mouseRelease(view.viewport(), left, pos=point)


def test_double_click_pops_a_heatmap_out_live_and_escape_returns(grid, qtbot):
    grid.update_matrices(*matrices(TUTORIAL))
    double_click(qtbot, grid, 2, "grad_w", 1, 1)
    qtbot.waitUntil(lambda: (2, "grad_w") in grid.popouts() and grid.popouts()[(2, "grad_w")].isVisible(), timeout=2000)
    popout = grid.popouts()[(2, "grad_w")]
    assert popout.windowTitle().startswith("grad w2")
    np.testing.assert_array_equal(popout.panel.image.image, grid.image(2, "grad_w"))
    big = popout.panel.plot.vb.size()
    small = grid.panel_plot(2, "grad_w").vb.size()
    assert big.width() > 1.5 * small.width() and big.height() > 1.5 * small.height()  # enlarged
    weights, biases, grad_w, grad_b = matrices(TUTORIAL, seed=1)
    grid.update_matrices(weights, biases, grad_w, grad_b)  # live: the next frame reaches it too
    np.testing.assert_array_equal(popout.panel.image.image, grad_w[1])
    assert popout.panel.levels.m == grid._panels[(2, "grad_w")].levels.m
    grid.highlight(2, 3, 1)
    assert popout.panel.highlight.isVisible() and popout.panel.highlight.pos() == QtCore.QPointF(1, 3)
    popout.graphics.grab()
    cell = popout.panel.plot.vb.mapViewToScene(QtCore.QPointF(2, 4))  # hover: the same readout as the grid's
    popout.graphics.scene().sigMouseMoved.emit(cell)
    qtbot.waitUntil(lambda: popout.tooltip.text == grid.cell_text(2, "grad_w", 4, 2), timeout=2000)
    assert popout.tooltip.text.startswith("w2[4, 2] = ")
    qtbot.keyClick(popout, QtCore.Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: (2, "grad_w") not in grid.popouts(), timeout=2000)
    assert not popout.isVisible()


def test_a_popped_out_heatmap_follows_a_new_network(grid, qtbot):
    grid.update_matrices(*matrices(TUTORIAL))
    kept, gone = grid.pop_out(1, "w"), grid.pop_out(3, "b")
    grid.update_matrices(*matrices((2, 6, 1)))  # layer 1 reshaped, layer 3 no more
    assert grid.popouts().keys() == {(1, "w")}
    assert kept.panel.shape == (6, 2) and kept.windowTitle().startswith("w1 (6x2)")
    np.testing.assert_array_equal(kept.panel.image.image, grid.image(1, "w"))
    assert not gone.isVisible()


# --- a switch to a deep network builds the rows out of view later (issue 9, item 21) ---------------

def test_rows_out_of_view_are_built_after_the_switch_with_the_latest_data(grid, qtbot):
    grid.update_matrices(*matrices(TUTORIAL))
    deep = (2,) + (8,) * 16 + (1,)
    data = matrices(deep, seed=3)
    grid.update_matrices(*data)
    pending = grid.pending_rows()
    assert pending and pending == sorted(pending) and 1 not in pending  # the rows in view come first
    assert grid.n_layers() == 17
    grid.highlight(pending[-1], 2, 3)  # an outline for a row not built yet
    later = matrices(deep, seed=4)
    grid.update_matrices(*later)  # frames go on meanwhile
    qtbot.waitUntil(lambda: not grid.pending_rows(), timeout=5000)
    last = pending[-1]
    np.testing.assert_array_equal(grid._panels[(last, "w")].image.image, later[0][last - 1])
    np.testing.assert_array_equal(grid._panels[(last, "grad_b")].image.image, later[3][last - 1])
    assert visible_outlines(grid, last, "w") == [QtCore.QRectF(2.5, 1.5, 1, 1)]
    assert len(plot_items(grid)) == 4 * 17


def test_asking_for_a_row_not_built_yet_builds_it(grid):
    deep = (2,) + (8,) * 16 + (1,)
    weights, biases, grad_w, grad_b = matrices(deep)
    grid.update_matrices(weights, biases, grad_w, grad_b)
    assert grid.pending_rows()
    np.testing.assert_array_equal(grid.image(16, "w"), weights[15])  # at once, not a turn later
    assert grid.panel_plot(16, "b").titleLabel.text == "b16"
