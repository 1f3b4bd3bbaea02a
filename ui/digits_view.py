"""For image-shaped inputs (the digits): each unit of the first layer's incoming weights as an 8x8 tile with
its gradient beside it, and a strip of test images with the predicted and true class, misclassified ones
framed in red. Drawn live and on the replayed moment, like every view (``show_frame``).

The first layer's row i, w1[i, :] (n_0,), read as the image it responds to: n_0 = rows * cols pixels in the
dataset's ``image_shape`` order. A tile and its gradient are coloured on their own symmetric scales (the
weights' largest |w| of the layer, the gradients' largest |dw|), zero the middle colour, as the heatmaps.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from ui.view_throttle import SnapshotThrottle

MAX_FPS = 4
PAIRS_PER_ROW = 4  # before the view has a size; then as many as draw the tiles largest (best_columns)
STRIP = 16  # test images in the strip
LABEL_MARGIN = 1  # px around a label's text
STRIP_SHARE = 0.4  # of the view's height, at most, for the test images and their labels
WRONG = np.array([230, 40, 40], np.uint8)
RIGHT = np.array([60, 60, 60], np.uint8)


def tile_mosaic(W: np.ndarray, G: np.ndarray, shape: tuple, cmap, per_row: int = PAIRS_PER_ROW) -> np.ndarray:
    """RGB (H, W, 3) uint8: unit i's weights W[i] (reshaped to ``shape``) and its gradient G[i] beside it,
    ``per_row`` pairs a row, one pixel between tiles and two between pairs. W, G (n_units, rows * cols)."""
    r, c = shape
    n = W.shape[0]
    rows = -(-n // per_row)
    pair_w = 2 * c + 1 + 2
    out = np.zeros((rows * (r + 1), per_row * pair_w, 3), np.uint8)
    for values, offset in ((W, 0), (G, c + 1)):
        m = float(np.nanmax(np.abs(values))) if values.size and np.isfinite(values).any() else 1.0
        t = (np.clip(np.nan_to_num(values) / (m or 1.0), -1, 1) + 1) / 2
        rgb = cmap.map(t.ravel(), mode="byte")[:, :3].reshape(n, r, c, 3)
        for i in range(n):
            y, x = (i // per_row) * (r + 1), (i % per_row) * pair_w + offset
            out[y:y + r, x:x + c] = rgb[i]
    return out


def strip_mosaic(X: np.ndarray, shape: tuple, wrong: np.ndarray, per_row: int | None = None,
                 gap: int = 0) -> np.ndarray:
    """RGB (n_rows * (rows + 2 + gap), per_row * (cols + 3), 3): images X (rows * cols, k) in grey (0 black,
    max white), each in a one-pixel frame, red where ``wrong`` (k,) is True; ``per_row`` a row (all k: one
    row), ``gap`` black pixels below each row for its labels."""
    r, c = shape
    k = X.shape[1]
    per_row = max(int(per_row or k), 1)
    n_rows = -(-k // per_row) if k else 1
    out = np.zeros((n_rows * (r + 2 + gap), per_row * (c + 3), 3), np.uint8)
    top = float(X.max()) if X.size else 1.0
    for j in range(k):
        x, y = (j % per_row) * (c + 3), (j // per_row) * (r + 2 + gap)
        out[y:y + r + 2, x:x + c + 2] = WRONG if wrong[j] else RIGHT
        grey = (np.clip(X[:, j] / (top or 1.0), 0, 1) * 255).astype(np.uint8).reshape(r, c)
        out[y + 1:y + 1 + r, x + 1:x + 1 + c] = grey[..., None]
    return out


def best_columns(n: int, cell: tuple[float, float], box: tuple[float, float], row_extra: float = 0.0,
                 min_cell: float = 0.0) -> tuple[int, float]:
    """How many of ``n`` cells a row (1..n) draws them largest in a ``box`` (width, height) of screen pixels,
    each cell ``cell`` (width, height) image pixels and each row ``row_extra`` screen pixels taller (its
    labels). A choice whose cells are at least ``min_cell`` screen pixels wide (room for a label) wins over
    any that is not. Returns (cells a row, screen pixels per image pixel)."""
    best = None
    for per_row in range(1, max(n, 1) + 1):
        rows = -(-n // per_row)
        scale = min(box[0] / (per_row * cell[0]), (box[1] - rows * row_extra) / (rows * cell[1]))
        key = (scale * cell[0] >= min_cell, scale)
        if scale > 0 and (best is None or key > best[0]):
            best = (key, per_row, scale)
    return (best[1], best[2]) if best else (max(n, 1), 0.0)


class DigitsView(QtWidgets.QWidget):
    """``set_data(dataset)`` (shown for image-shaped inputs only), ``show_frame(frame, config)``."""

    def __init__(self, parent=None, model=None):
        super().__init__(parent)
        self.model = model  # read for its dataset when the network changes (on_network)
        self.dock = None  # the dock it is shown in: shown for image-shaped inputs only
        self.docks = None  # ui.data_docks.DataDocks of the window: shows or hides the dock for the data
        self.neighbour = None  # the dock brought to the front when this one is hidden
        self.cmap = theme.diverging_colormap()
        self.info = QtWidgets.QLabel("")
        self.info.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.info)
        layout.addWidget(self.graphics, 1)
        self.tiles_box = self.graphics.addViewBox(row=0, col=0, lockAspect=True, invertY=True, enableMouse=False)
        self.strip_box = self.graphics.addViewBox(row=1, col=0, lockAspect=True, invertY=True, enableMouse=False)
        self.graphics.ci.layout.setContentsMargins(0, 0, 0, 0)
        self.tiles = pg.ImageItem(axisOrder="row-major")
        self.strip = pg.ImageItem(axisOrder="row-major")
        self.tiles_box.addItem(self.tiles)
        self.strip_box.addItem(self.strip)
        self.labels: list[pg.TextItem] = []
        self.data = None
        self.predicted = self.wrong = None
        # how the tiles and the strip are laid out for the view's size (_fit): pairs a row, images a row, and
        # image pixels of black below each strip row for its labels
        self.tile_columns, self.strip_columns, self.label_gap = PAIRS_PER_ROW, STRIP, 9
        self._units = 32  # first-layer units the tiles were laid out for (the digits preset's, until a frame)
        self.throttle = SnapshotThrottle(self, self._render, 1.0 / MAX_FPS)
        self.graphics.installEventFilter(self)

    def set_data(self, dataset) -> None:
        self.data = dataset if getattr(dataset, "image_shape", None) else None
        for label in self.labels:
            self.strip_box.removeItem(label)
        self.labels = []
        if self.data is None:
            return
        for _ in range(min(STRIP, self.data.n_test)):
            label = pg.TextItem("", anchor=(0.5, 0))
            label.textItem.document().setDocumentMargin(LABEL_MARGIN)  # (4 by default: room the strip lacks)
            self.strip_box.addItem(label)
            self.labels.append(label)
        self._fit()
        self.throttle.redraw()

    def eventFilter(self, watched, event) -> bool:
        # (getattr: the garbage collector may clear our attributes before a torn-down window's last events)
        if event.type() == QtCore.QEvent.Type.Resize and getattr(self, "data", None) is not None \
                and watched is self.graphics:
            self._fit()
            self.throttle.redraw()
        return False

    def _label_size(self) -> tuple[int, int]:
        """Screen pixels (width, height) of the widest label, "9 (4)", with its text item's margins and a little room."""
        fm = QtGui.QFontMetrics(self.labels[0].textItem.font()) if self.labels else self.fontMetrics()
        widest = max((str(n) for n in self.data.target_names), key=fm.horizontalAdvance) if self.data else "0"
        return fm.horizontalAdvance(f"{widest} ({widest})") + 2 * LABEL_MARGIN + 6, fm.height() + 2 * LABEL_MARGIN

    def _fit(self) -> None:
        """Lay the strip out for the view's size, each label under its own image (not over its neighbours'),
        in at most STRIP_SHARE of the height; the weight tiles take the rest, as large as it allows."""
        r, c = self.data.image_shape
        width, height = max(self.graphics.width(), 1), max(self.graphics.height(), 1)
        label_w, label_h = self._label_size()
        k = len(self.labels)
        per_row, scale = best_columns(k, (c + 3, r + 2), (width, height * STRIP_SHARE), label_h, label_w)
        per_row = -(-k // -(-k // per_row)) if k else 1  # as many rows, filled evenly: 8 + 8, not 10 + 6
        rows = -(-k // per_row) if k else 1
        self.strip_columns = per_row
        self.label_gap = int(np.ceil(label_h / scale)) if scale > 0 else 9
        strip_h = rows * (r + 2 + self.label_gap)
        for j, label in enumerate(self.labels):
            label.setPos((j % per_row) * (c + 3) + (c + 2) / 2, (j // per_row) * (r + 2 + self.label_gap) + r + 2)
        self.strip_box.setRange(xRange=(0, per_row * (c + 3)), yRange=(0, strip_h), padding=0)
        strip_px = int(min(height * STRIP_SHARE, strip_h * scale)) if scale > 0 else int(height * STRIP_SHARE)
        self.graphics.ci.layout.setRowFixedHeight(1, strip_px)
        self.tile_columns, _ = best_columns(self._units, (2 * c + 3, r + 1), (width, height - strip_px))

    def on_network(self, _config=None) -> None:
        """A new network: its dataset, and the dock shown (in front) for image-shaped inputs, hidden otherwise."""
        self.throttle.clear()
        self.set_data(self.model.data)
        if self.dock is not None and self.docks is not None:
            self.docks.want(self.dock, self.data is not None, self.neighbour)

    def on_dock_shown(self, shown: bool) -> None:
        if shown:
            self.throttle.flush()

    def show_frame(self, frame, config=None) -> None:
        self.throttle.submit(frame, config)

    def showEvent(self, event):
        super().showEvent(event)
        self.throttle.flush()

    def _render(self, frame, config) -> None:
        d = self.data
        if d is None or frame.sizes[0] != d.n_features or frame.sizes[-1] != d.n_outputs:
            return
        shape = tuple(d.image_shape)
        W, G = np.asarray(frame.weights[0]), np.asarray(frame.grad_w[0])
        if W.shape[0] != self._units:  # another first layer: its tiles laid out anew
            self._units = W.shape[0]
            self._fit()
        self.tiles.setImage(tile_mosaic(W, G, shape, self.cmap, self.tile_columns), autoLevels=False,
                            levels=(0, 255))
        self.tiles_box.autoRange(padding=0)
        k = len(self.labels)
        X = d.X_test[:, :k]
        with np.errstate(all="ignore"):
            y_hat = frame.network.forward(X)
        self.predicted = (y_hat[0] >= 0.5).astype(np.int64) if y_hat.shape[0] == 1 else y_hat.argmax(axis=0)
        true = d.labels_test[:k]
        self.wrong = self.predicted != true
        self.strip.setImage(strip_mosaic(X, shape, self.wrong, self.strip_columns, self.label_gap), autoLevels=False,
                            levels=(0, 255))
        names = d.target_names
        for label, p, t, bad in zip(self.labels, self.predicted, true, self.wrong):
            label.setText(f"{names[p]} ({names[t]})" if bad else names[p])
            label.setColor("#FF6060" if bad else "#DDDDDD")
        self.info.setText(f"w1: each of the {W.shape[0]} units' weights as an image, its gradient on the right "
                          f"(step {frame.step}). Below: test images, predicted class (true class in brackets "
                          f"where wrong, framed red): {int(self.wrong.sum())} wrong of {k}.")
