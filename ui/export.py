"""What File > Export writes from the window: a plot as PNG or SVG, and one matrix as NumPy text for a
notebook (or the clipboard). The file formats that need no Qt (the loss history as CSV, the weights as .npz)
are ``engine.exports``'.

Every file is written atomically: into a temporary file beside the target, then ``os.replace``d over
it, so a failure half-way (a full disk, an exporter that raises) leaves the previous file as it was.
"""
from __future__ import annotations

import contextlib
import math
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers ImageExporter and SVGExporter on pg.exporters)
from PySide6 import QtCore, QtGui, QtWidgets

from engine.atomic import atomic_write

PLOT_SUFFIXES = (".png", ".svg")
PNG_SCALES = (1, 2, 3, 4)  # what File > Export > PNG resolution offers, times the size on screen
DEFAULT_PNG_SCALE = 2  # on-screen size is ~470 px wide in a docked window: too small for slides or print


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
