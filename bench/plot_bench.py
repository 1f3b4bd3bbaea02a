"""What one live frame of the plots costs, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/plot_bench.py [--json] [--n 1000000]

- redraw_cost_ms(n): a LossPlot holding n epochs of train and test loss gets one more epoch
  (`append`, which calls setData on both n-point curves) and is repainted; median of `runs`.
  Budget: 16 ms at n = 1,000,000 (one frame at 60 Hz).
- heatmap_costs_ms(sizes): HeatmapGrid.update_matrices with fresh arrays, no painting
  (budget ~2 ms for the tutorial's 5-3-5-4 network), and update_matrices + repaint.
- paints_per_append(n): a LossPlot following n epochs gets `appends` chunks of new epochs, each
  followed by the event loop until it is idle; counts the paint events of the plot's viewport and
  times append + event loop. Budget: one paint per append (pyqtgraph's own auto-range made 2-3).
- set_network_ms: building the grid, reshaping it in place, and set_network with unchanged sizes
  (a reset), each with the event loop run after it. Budget: 100 ms for a build (a preset switch).
- pyqtgraph_panels_ms: the baseline for that, timed in the same run: what the grid built per matrix
  until issue 9 (a pg.PlotItem with an ImageItem and a pg.ColorBarItem), twelve of them (5-3-5-4)
  in a GraphicsLayoutWidget, with the event loop run after it.
- switch_ms: a preset switch between networks of different depths, Tutorial (3 layers) -> Spiral
  (5 layers: two rows are new) -> Tutorial, with the first frame of matrices drawn after each.
- deep_switch_ms: Tutorial -> a 32-layer network of 8 units: ms until the grid's first paint (the rows
  in view are built at once, the rest over the following turns of the event loop), and until every
  row is built and the event loop is idle.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6 import QtCore, QtTest, QtWidgets  # noqa: E402

from ui.heatmaps import HeatmapGrid  # noqa: E402
from ui.loss_plot import LossPlot  # noqa: E402

TUTORIAL_SIZES = (5, 3, 5, 4)


def _app() -> QtWidgets.QApplication:
    return QtWidgets.QApplication.instance() or QtWidgets.QApplication([])


def _shown(widget: QtWidgets.QWidget, w: int, h: int) -> QtWidgets.QWidget:
    widget.resize(w, h)
    widget.show()
    QtTest.QTest.qWaitForWindowExposed(widget)
    _app().processEvents()
    return widget


def synthetic_losses(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(n,) train and test losses shaped like a real run: a decay over four decades with
    mini-batch noise, and a few exact zeros that a log axis has to skip."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 1.0, n)
    train = 0.5 * np.exp(-9.0 * t) * (1.0 + 0.3 * rng.random(n)) + 1e-5
    train[:: max(n // 5, 1)] = 0.0
    return train, train * 1.15


def redraw_cost_ms(n: int = 1_000_000, runs: int = 9, log_scale: bool = True) -> float:
    """Median ms from appending one epoch to a LossPlot of n epochs (setData of the two n-point
    curves) to the end of a synchronous repaint of its plot, 800x400 px."""
    app = _app()
    plot = _shown(LossPlot(), 800, 400)
    plot.set_log_scale(log_scale)
    train, test = synthetic_losses(n + runs)
    plot.append(1, train[:n], test[:n])
    viewport = plot.plot_widget.viewport()
    # QWidget.repaint() on the LossPlot does not reach the QGraphicsView's viewport synchronously;
    # the viewport is what draws the curves, so that is what gets repainted and timed.
    painted = [0]
    original_paint = pg.PlotCurveItem.paint

    def counting_paint(self, *args):
        painted[0] += 1
        return original_paint(self, *args)

    pg.PlotCurveItem.paint = counting_paint
    try:
        viewport.repaint()  # first paint: auto-range settles, axes lay out
        times = []
        for k in range(runs):
            before = painted[0]
            t0 = time.perf_counter()
            plot.append(n + 1 + k, train[n + k : n + k + 1], test[n + k : n + k + 1])
            viewport.repaint()
            times.append((time.perf_counter() - t0) * 1e3)
            if painted[0] < before + 2:
                raise RuntimeError("the repaint did not paint both curves: the figure would be a lie")
    finally:
        pg.PlotCurveItem.paint = original_paint
        plot.close()
        plot.deleteLater()
        app.processEvents()
    return statistics.median(times)


class _PaintCounter(QtCore.QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        if event.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


def _settle(app, rounds: int = 6) -> None:
    """Runs the event loop until idle, including paints that a paint schedules, a few rounds deep."""
    for _ in range(rounds):
        app.processEvents()


def paints_per_append(n: int = 600_000, chunk: int = 1000, appends: int = 20) -> tuple[float, float]:
    """(mean viewport paints per append, median ms of append + event loop) for a LossPlot following
    n epochs of train and test loss, 800x400 px, fed `chunk` epochs at a time."""
    app = _app()
    plot = _shown(LossPlot(), 800, 400)
    train, test = synthetic_losses(n + chunk * appends)
    plot.append(1, train[:n], test[:n])
    _settle(app)
    counter = _PaintCounter(plot.plot_widget.viewport())
    times = []
    for k in range(appends):
        start = n + k * chunk
        t0 = time.perf_counter()
        plot.append(start + 1, train[start : start + chunk], test[start : start + chunk])
        _settle(app)
        times.append((time.perf_counter() - t0) * 1e3)
    paints = counter.count / appends
    plot.close()
    plot.deleteLater()
    app.processEvents()
    return paints, statistics.median(times)


def _random_matrices(sizes, rng):
    """Lists W_l (n_l, n_{l-1}), b_l (n_l, 1), grad_w, grad_b for l = 1..L."""
    weights = [rng.normal(size=(sizes[l], sizes[l - 1])) for l in range(1, len(sizes))]
    biases = [rng.normal(size=(sizes[l], 1)) * 0.1 for l in range(1, len(sizes))]
    return weights, biases, [w * 1e-3 for w in weights], [b * 1e-3 for b in biases]


def heatmap_costs_ms(sizes=TUTORIAL_SIZES, frames: int = 60) -> tuple[float, float]:
    """(median ms of update_matrices alone, median ms of update_matrices + repaint), 900x700 px."""
    app = _app()
    grid = _shown(HeatmapGrid(), 900, 700)
    grid.set_network(sizes)
    grid.build_pending(budget_ms=math.inf)  # every row, as the window has them a few frames on
    rng = np.random.default_rng(0)
    data = [_random_matrices(sizes, rng) for _ in range(2 * frames)]
    grid.update_matrices(*data[-1])
    viewport = grid.graphics.viewport()
    viewport.repaint()
    update, frame = [], []
    for k in range(frames):
        t0 = time.perf_counter()
        grid.update_matrices(*data[k])
        update.append((time.perf_counter() - t0) * 1e3)
    for k in range(frames, 2 * frames):
        t0 = time.perf_counter()
        grid.update_matrices(*data[k])
        viewport.repaint()
        frame.append((time.perf_counter() - t0) * 1e3)
    grid.close()
    grid.deleteLater()
    app.processEvents()
    return statistics.median(update), statistics.median(frame)


def set_network_ms(sizes=TUTORIAL_SIZES, reshaped=(5, 8, 5, 4), runs: int = 9) -> tuple[float, float, float]:
    """(ms to build the grid for `sizes` from nothing, ms to switch it to `reshaped`, which has
    the same depth, so panels are reused, median ms of set_network(reshaped) again), each
    including the event loop run after it (where the re-layout a change queues is done)."""
    app = _app()
    grid = _shown(HeatmapGrid(), 900, 700)

    def timed(target):
        t0 = time.perf_counter()
        grid.set_network(target)
        while grid.pending_rows():  # every row built (some may be left for the next turns)
            app.processEvents()
        _settle(app)
        return (time.perf_counter() - t0) * 1e3

    build, reshape = timed(sizes), timed(reshaped)
    same = statistics.median(timed(reshaped) for _ in range(runs))
    grid.close()
    grid.deleteLater()
    app.processEvents()
    return build, reshape, same


def pyqtgraph_panels_ms(n_layers: int = 3) -> float:
    """ms to build 4 * n_layers pg.PlotItem + ImageItem + pg.ColorBarItem in a shown 900x700
    GraphicsLayoutWidget and run the event loop (the grid's old way, the baseline)."""
    app = _app()
    view = _shown(pg.GraphicsLayoutWidget(), 900, 700)
    t0 = time.perf_counter()
    for row in range(n_layers):
        for col in range(4):
            plot = view.ci.addPlot(row=row, col=col, title=f"w{row + 1}")
            image = pg.ImageItem(np.zeros((4, 4)), axisOrder="row-major")
            plot.addItem(image)
            pg.ColorBarItem(values=(-1.0, 1.0), colorMap=pg.colormap.get("CET-D1"), interactive=False,
                            colorMapMenu=False).setImageItem(image, insert_in=plot)
    _settle(app)
    elapsed = (time.perf_counter() - t0) * 1e3
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed


def switch_ms(runs: int = 3) -> tuple[float, float]:
    """(median ms Tutorial -> Spiral, median ms Spiral -> Tutorial): update_matrices with the new
    network's arrays (which rebuilds the grid) and the event loop after it, 900x700 px."""
    app = _app()
    grid = _shown(HeatmapGrid(), 900, 700)
    rng = np.random.default_rng(0)
    spiral = (2, 32, 32, 32, 32, 2)
    data = {sizes: _random_matrices(sizes, rng) for sizes in (TUTORIAL_SIZES, spiral)}
    grid.update_matrices(*data[TUTORIAL_SIZES])
    _settle(app)
    deeper, shallower = [], []
    for _ in range(runs):
        for sizes, times in ((spiral, deeper), (TUTORIAL_SIZES, shallower)):
            t0 = time.perf_counter()
            grid.update_matrices(*data[sizes])
            while grid.pending_rows():
                app.processEvents()
            _settle(app)
            times.append((time.perf_counter() - t0) * 1e3)
    grid.close()
    grid.deleteLater()
    app.processEvents()
    return statistics.median(deeper), statistics.median(shallower)


def deep_switch_ms(layers: int = 32) -> tuple[float, float]:
    """(ms to the first paint of the grid's viewport, ms until no row is pending and the event loop
    is idle) after update_matrices switches a shown 900x700 grid from Tutorial to 2-8x31-1."""
    app = _app()
    grid = _shown(HeatmapGrid(), 900, 700)
    rng = np.random.default_rng(0)
    grid.update_matrices(*_random_matrices(TUTORIAL_SIZES, rng))
    _settle(app)
    deep = _random_matrices((2,) + (8,) * (layers - 1) + (1,), rng)
    counter = _PaintCounter(grid.graphics.viewport())
    t0 = time.perf_counter()
    grid.update_matrices(*deep)
    while counter.count == 0:
        app.processEvents()
    first = (time.perf_counter() - t0) * 1e3
    while grid.pending_rows():
        app.processEvents()
    _settle(app)
    total = (time.perf_counter() - t0) * 1e3
    grid.close()
    grid.deleteLater()
    app.processEvents()
    return first, total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--n", type=int, default=1_000_000, help="epochs in the loss plot")
    args = parser.parse_args(argv)
    _app()
    tutorial_update, tutorial_frame = heatmap_costs_ms(TUTORIAL_SIZES)
    wide_update, wide_frame = heatmap_costs_ms((2, 512, 512, 2), frames=20)
    build, reshape, same = set_network_ms()
    baseline = pyqtgraph_panels_ms()
    deeper, shallower = switch_ms()
    deep_first, deep_all = deep_switch_ms()
    paints, append_ms = paints_per_append(min(args.n, 600_000))
    results = {
        "n": args.n,
        "loss_redraw_ms_log": round(redraw_cost_ms(args.n, log_scale=True), 2),
        "loss_redraw_ms_linear": round(redraw_cost_ms(args.n, log_scale=False), 2),
        "heatmap_update_ms_tutorial": round(tutorial_update, 3),
        "heatmap_frame_ms_tutorial": round(tutorial_frame, 2),
        "heatmap_update_ms_512": round(wide_update, 3),
        "heatmap_frame_ms_512": round(wide_frame, 2),
        "heatmap_set_network_ms_tutorial": round(build, 1),
        "heatmap_set_network_ms_width_change": round(reshape, 1),
        "heatmap_set_network_ms_same_sizes": round(same, 2),
        "pyqtgraph_panels_ms_tutorial": round(baseline, 1),
        "heatmap_set_network_over_pyqtgraph_panels": round(build / baseline, 2),
        "heatmap_switch_ms_tutorial_to_spiral": round(deeper, 1),
        "heatmap_switch_ms_spiral_to_tutorial": round(shallower, 1),
        "heatmap_switch_ms_to_32_layers_first_paint": round(deep_first, 1),
        "heatmap_switch_ms_to_32_layers_all_rows": round(deep_all, 1),
        "loss_paints_per_append": round(paints, 2),
        "loss_append_and_paint_ms": round(append_ms, 2),
    }
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:42s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
