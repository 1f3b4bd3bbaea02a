"""What File > Export writes: loss history as CSV, a plot as PNG or SVG, the weights as .npz, and one
matrix as NumPy text for a notebook (or the clipboard).

Every file is written atomically: into a temporary file beside the target, then ``os.replace``d over
it, so a failure half-way (a full disk, an exporter that raises) leaves the previous file as it was.
"""
from __future__ import annotations

import contextlib
import csv
import math
import os
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers ImageExporter and SVGExporter on pg.exporters)
from PySide6 import QtCore, QtGui, QtWidgets

from engine.atomic import atomic_open, atomic_write  # noqa: F401  (atomic_write: part of this module's API)

PLOT_SUFFIXES = (".png", ".svg")
PNG_SCALES = (1, 2, 3, 4)  # what File > Export > PNG resolution offers, times the size on screen
DEFAULT_PNG_SCALE = 2  # on-screen size is ~470 px wide in a docked window: too small for slides or print


# --- loss history as CSV -----------------------------------------------------------------------------

def _series(name: str, values, n: int) -> np.ndarray | None:
    """values as a 1-D float array of at most n entries (float32 kept, so its shortest text is used)."""
    if values is None:
        return None
    a = np.asarray(values)
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)  # ints, and None in a list (object dtype) becomes NaN: an empty cell
    if a.ndim != 1 or len(a) > n:
        raise ValueError(f"{name}: {a.shape} values is not allowed; expected at most {n} (one per row)")
    return a


def _cell(a: np.ndarray | None, i: int) -> str:
    """Shortest text that reads back as the same number; empty where the value is missing or NaN."""
    if a is None or i >= len(a) or math.isnan(a[i]):
        return ""
    return str(a[i])  # numpy's str is the shortest round-trip repr for the array's own dtype


def _write_table(path, header: list[str], index: np.ndarray, columns: list) -> None:
    with atomic_open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for i, key in enumerate(index.tolist()):
            writer.writerow([key] + [_cell(c, i) for c in columns])


def export_loss_csv(path, epochs, train, test, train_acc=None, test_acc=None) -> None:
    """One row per epoch: ``epoch,train_loss,test_loss`` (and ``train_accuracy,test_accuracy`` when
    either accuracy is given). ``epochs`` (n,) ints; every series is (k,) with k <= n (a shorter
    series, e.g. an empty test loss without a test set, and NaN entries leave empty cells)."""
    epochs = np.asarray(epochs).ravel()
    if epochs.size and not np.issubdtype(epochs.dtype, np.integer):
        if not np.all(epochs == np.round(epochs)):
            raise ValueError("epochs: expected whole numbers")
        epochs = epochs.astype(np.int64)
    n = len(epochs)
    header = ["epoch", "train_loss", "test_loss"]
    columns = [_series("train", train, n), _series("test", test, n)]
    if train_acc is not None or test_acc is not None:
        header += ["train_accuracy", "test_accuracy"]
        columns += [_series("train_acc", train_acc, n), _series("test_acc", test_acc, n)]
    _write_table(path, header, epochs, columns)


def export_step_losses_csv(path, step_losses) -> None:
    """``step,loss`` for every training step, steps numbered from 1. ``step_losses`` (n,)."""
    losses = _series("step_losses", step_losses, np.asarray(step_losses).size)
    _write_table(path, ["step", "loss"], np.arange(1, len(losses) + 1), [losses])


# --- plots -------------------------------------------------------------------------------------------

def _export_target(obj):
    """The thing pyqtgraph's exporters take (a QGraphicsItem in a scene, or a GraphicsScene) for a
    PlotItem, PlotWidget, GraphicsLayoutWidget/GraphicsView, scene, or a widget holding one plot."""
    if isinstance(obj, (QtWidgets.QGraphicsItem, pg.GraphicsScene)):
        return obj
    if isinstance(obj, pg.PlotWidget):
        return obj.getPlotItem()
    if isinstance(obj, pg.GraphicsView):  # GraphicsLayoutWidget and friends: the whole scene
        return obj.scene()
    if isinstance(obj, QtWidgets.QWidget):
        item = getattr(obj, "plot_item", None)  # our plot widgets (ui/loss_plot.py) expose it
        if isinstance(item, pg.PlotItem):
            return item
        views = obj.findChildren(pg.GraphicsView)
        if len(views) == 1:
            return _export_target(views[0])
        raise TypeError(f"plot: {type(obj).__name__} holds {len(views)} plot views; expected exactly one")
    raise TypeError(f"plot: {type(obj).__name__} is not allowed; expected a PlotItem, a plot widget or a scene")


_SVG_MODULE = sys.modules["pyqtgraph.exporters.SVGExporter"]  # the module; pg.exporters.SVGExporter is the class


@contextlib.contextmanager
def _closed_paths_hidden():
    """Work around pyqtgraph 0.14's SVG exporter on current Qt (pyqtgraph issue #3495).

    Qt's SVG generator ends a closed subpath with a "Z" token (the ViewBox background of every plot has
    one); pyqtgraph's ``correctCoordinates`` reads every token of a path as "x,y" and raises. For the
    length of one export, hide the "Z" tokens from it and put them back after it has rewritten the
    coordinates (it maps token to token). Harmless once pyqtgraph copes with "Z" itself."""
    correct = _SVG_MODULE.correctCoordinates

    def tolerant(node, defs, item, options):
        closed = []  # (path element, indices of the coordinates a Z followed)
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if "Z" in tokens or "z" in tokens:
                coords, after = [], set()
                for t in tokens:
                    if t in ("Z", "z"):
                        after.add(len(coords) - 1)
                    else:
                        coords.append(t)
                path.setAttribute("d", " ".join(coords))
                closed.append((path, after))
        result = correct(node, defs, item, options)
        for path, after in closed:
            tokens = path.getAttribute("d").split()
            path.setAttribute("d", " ".join(t + (" Z" if i in after else "") for i, t in enumerate(tokens)))
        return result

    _SVG_MODULE.correctCoordinates = tolerant
    try:
        yield
    finally:
        _SVG_MODULE.correctCoordinates = correct


def _check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise ValueError(f"suffix: {path.suffix or '(none)'!r} is not allowed for a plot; "
                         f"expected one of {', '.join(PLOT_SUFFIXES)}")
    return suffix


def export_plot(path, plot, width: int | None = None, scale: float = DEFAULT_PNG_SCALE) -> Path:
    """Save ``plot`` as PNG or SVG, chosen by the suffix of ``path`` (case-insensitive).

    ``plot``: a PlotItem, PlotWidget, GraphicsLayoutWidget (its whole scene), GraphicsScene, or a widget
    with a ``plot_item`` (LossPlot). PNG size: ``width`` pixels wide if given, else ``scale`` times the
    size on screen (default twice); the height keeps the aspect ratio. Raises ValueError for any other
    suffix or a scale that is not a number > 0, before anything is drawn."""
    path = Path(path)
    suffix = _check_suffix(path)
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale: {scale!r} is not allowed; expected a number > 0 (1 = the size on screen)")
    target = _export_target(plot)
    if suffix == ".svg":
        with _closed_paths_hidden():
            data = pg.exporters.SVGExporter(target).export(toBytes=True)
    else:
        exporter = pg.exporters.ImageExporter(target)
        if exporter.parameters()["width"] <= 0 or exporter.parameters()["height"] <= 0:
            raise ValueError("plot: it has no size on screen; expected a plot with a visible area")
        # (the exporter keeps the aspect ratio: setting the width sets the height)
        exporter.parameters()["width"] = int(width) if width is not None else \
            round(exporter.parameters()["width"] * scale)
        image = exporter.export(toBytes=True)
        buffer = QtCore.QBuffer()
        buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
        if not image.save(buffer, "PNG"):
            raise OSError(f"{path}: the plot could not be encoded as PNG")
        data = bytes(buffer.data())
    atomic_write(path, data)
    return path


# --- weights -----------------------------------------------------------------------------------------

def export_weights_npz(path, weights, biases) -> None:
    """``w1, b1, w2, b2, ...`` (1-based, as in the tutorial) in an uncompressed .npz that loads with
    ``allow_pickle=False``. weights[l] (n_out, n_in), biases[l] (n_out, 1)."""
    weights, biases = list(weights), list(biases)
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"weights, biases: {len(weights)} and {len(biases)} arrays; expected the same number >= 1")
    arrays = {}
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        w, b = np.asarray(w), np.asarray(b)
        if w.ndim != 2 or b.shape != (w.shape[0], 1):
            raise ValueError(f"w{k}, b{k}: shapes {w.shape}, {b.shape}; expected (n_out, n_in), (n_out, 1)")
        arrays[f"w{k}"], arrays[f"b{k}"] = w, b
    with atomic_open(path, "wb") as f:
        np.savez(f, **arrays)  # a file object, so numpy adds no ".npz" to the name


# --- NumPy text --------------------------------------------------------------------------------------

_PLAIN_DTYPES = (np.dtype(np.float64), np.dtype(np.int64), np.dtype(bool))  # what np.array infers


def _literal(x) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return "np.nan"
        if math.isinf(x):
            return "np.inf" if x > 0 else "-np.inf"
    return repr(x)  # a Python float's repr reads back as exactly the same double


def _nested(values, depth: int, indent: str) -> str:
    """Nested list text; the outermost level of a 2-D+ array puts one row per line."""
    if not isinstance(values, list):
        return _literal(values)
    if depth == 0 and values and isinstance(values[0], list):
        rows = "".join(f"{indent}    {_nested(v, 1, indent)},\n" for v in values)
        return f"[\n{rows}{indent}]"
    return "[" + ", ".join(_nested(v, depth + 1, indent) for v in values) + "]"


def matrix_as_numpy_text(name: str, array) -> str:
    """``name = np.array([...])`` that, pasted into Python with ``import numpy as np``, gives an array
    equal to ``array`` in every bit, shape and dtype (float32 values are written as the exact doubles
    they are, with ``dtype=np.float32``)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: {name!r} is not allowed; expected a Python identifier such as 'w2'")
    a = np.asarray(array)
    if a.dtype.kind not in "fiub":
        raise TypeError(f"array: dtype {a.dtype} is not allowed; expected a float, integer or bool array")
    dtype = "" if a.dtype in _PLAIN_DTYPES else f", dtype=np.{a.dtype.name}"
    if a.size == 0:
        return f"{name} = np.zeros({a.shape}{dtype})\n"
    # tolist() turns every element into the Python scalar of the same value (float32 -> exact double)
    return f"{name} = np.array({_nested(a.tolist(), 0, '')}{dtype})\n"


def copy_matrix_to_clipboard(name: str, array) -> str:
    """Put ``matrix_as_numpy_text(name, array)`` on the clipboard and return it."""
    text = matrix_as_numpy_text(name, array)
    QtGui.QGuiApplication.clipboard().setText(text)
    return text
