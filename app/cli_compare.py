"""``backprop-lab compare A.npz B.npz ... --plot OUT.png [--csv OUT.csv]``: the train and test loss curves
of saved runs overlaid, each labelled by what differs from the first run's configuration
(``engine.compare.labels``).

The plot is drawn with pyqtgraph in an offscreen Qt platform (set here when there is no display), so the
command works on a server. Exit status 0 written, 2 bad input (one line naming the argument).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from app.cli_options import PROG, CliError, Parser, with_message
from engine.compare import labels, write_curves_csv
from engine.savefile import load_run
from engine.validation import ConfigError, Interval

WIDTH = Interval(int, 200, 8000)
PLOT_SUFFIXES = (".png", ".svg")
# Tableau's ten colours: told apart on white, and by most colour-blind readers for the first few
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")


def build_parser() -> Parser:
    parser = Parser(prog=f"{PROG} compare", allow_abbrev=False,
                    description="Overlay the loss curves of saved runs, each labelled by what differs from the "
                                "first run's configuration (e.g. 'lr 0.1', 'tanh -> relu', 'batch 32 -> full').")
    parser.add_argument("runs", metavar="RUN.npz", nargs="+", help="runs saved with `train --save` or the window")
    parser.add_argument("--plot", metavar="OUT.png", help="draw the curves to this PNG or SVG file")
    parser.add_argument("--csv", metavar="OUT.csv", help="write the curves as CSV: epoch, then train and test "
                                                         "loss per run")
    parser.add_argument("--width", metavar="PIXELS", default="1000",
                        help=f"width of the PNG, {WIDTH.describe()} (default: 1000; height 60%% of it)")
    return parser


def _out_path(flag: str, raw: str | None, suffixes: tuple) -> Path | None:
    if raw is None:
        return None
    path = Path(raw)
    if path.suffix.lower() not in suffixes:
        raise CliError(f"{flag} {raw!r} is not allowed; expected a file name ending in {' or '.join(suffixes)}")
    if not path.resolve().parent.is_dir():
        raise CliError(f"{flag} {raw!r}: the folder {str(path.resolve().parent)!r} does not exist")
    return path


def run(argv: list[str], stdout=None, stderr=None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        ns = build_parser().parse_args(argv)
        plot = _out_path("--plot", ns.plot, PLOT_SUFFIXES)
        table = _out_path("--csv", ns.csv, (".csv",))
        if plot is None and table is None:
            raise CliError("nothing to write: give --plot OUT.png and/or --csv OUT.csv")
        try:
            width = WIDTH.check("--width", int(ns.width))
        except (ValueError, ConfigError):
            raise CliError(f"--width {ns.width!r} is not allowed; expected {WIDTH.describe()}") from None
        trainers = []
        for path in ns.runs:
            try:
                trainers.append(load_run(path))
            except ConfigError as e:
                raise CliError(with_message("RUN", path, str(e))) from None
        run_labels = labels([t.config for t in trainers])
        curves = [(t.train_losses.view().copy(), t.test_losses.view().copy()) for t in trainers]
        written = []
        try:
            if table is not None:
                write_curves_csv(table, run_labels, curves)
                written.append(str(table))
            if plot is not None:
                legend = [f"{label} ({Path(p).name})" for label, p in zip(run_labels, ns.runs)]
                draw_plot(plot, legend, curves, width)
                written.append(str(plot))
        except OSError as e:
            raise CliError(f"{e.filename or 'output'}: cannot be written ({e.strerror or e})") from None
    except CliError as e:
        print(f"{PROG} compare: {' '.join(str(e).split())}", file=stderr)
        return 2
    for path, label in zip(ns.runs, run_labels):
        print(f"{path}: {label}", file=stdout)
    print("wrote " + " and ".join(written), file=stdout)
    return 0


def _positive(values: np.ndarray) -> np.ndarray:
    """The values with every point a log axis cannot show (<= 0, nan, inf) as nan, which breaks the line."""
    v = np.array(values, dtype=np.float64)
    v[~(np.isfinite(v) & (v > 0))] = np.nan
    return v


def draw_plot(path: Path, legend: list[str], curves: list[tuple[np.ndarray, np.ndarray]], width: int) -> None:
    """The curves on a log loss axis, train solid and test dashed in one colour per run, saved to ``path``."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6 import QtCore, QtWidgets

    from ui.export import export_plot

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    widget = pg.PlotWidget(background="w")
    widget.resize(width, int(width * 0.6))
    # laid out at that size without appearing on a screen, even where there is a display
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.show()
    item = widget.getPlotItem()
    item.setLogMode(y=True)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setLabel("bottom", "epoch")
    item.setLabel("left", "loss")
    item.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" on a log axis reads as a different loss
    item.setTitle("train loss solid, test loss dashed", color="k")
    # curves fall to the right: the lower left corner is where they are not
    item.addLegend(offset=(10, -10), labelTextColor="k", brush=pg.mkBrush(255, 255, 255, 220))
    for i, (label, (train, test)) in enumerate(zip(legend, curves)):
        colour = PALETTE[i % len(PALETTE)]
        for values, style, name in ((train, QtCore.Qt.PenStyle.SolidLine, label),
                                    (test, QtCore.Qt.PenStyle.DashLine, None)):  # one legend entry per run
            if len(values):
                item.plot(np.arange(1, len(values) + 1), _positive(values), connect="finite",
                          pen=pg.mkPen(colour, width=2, style=style), name=name)
    app.processEvents()
    export_plot(path, item, width=width)
    widget.close()
    widget.deleteLater()
