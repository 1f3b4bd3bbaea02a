"""The Loss landscape dock: a contour map of the loss over a 2-D slice through the weights of the moment shown,
the optimizer's path projected on it, and the current point marked.

A view: it emits what the user asked for (``compute_requested(method)``, ``cancel_requested``) and draws what
the run model holds (``show_landscape(engine.landscape.Landscape)``, ``show_progress(done, total)``). The loss
is drawn as log10 (the slice spans decades) with contour lines at evenly spaced log levels.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from ui import theme

METHODS = {"random": "random directions (filter-normalised)", "pca": "PCA of the run's path"}
N_CONTOURS = 12
MAP = "viridis"


class LandscapeView(QWidget):
    """Signals: ``compute_requested(method)``, ``cancel_requested``, ``auto_toggled(bool)``."""

    compute_requested = Signal(str)
    cancel_requested = Signal()
    auto_toggled = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.method_combo = QComboBox()
        for key, text in METHODS.items():
            self.method_combo.addItem(text, key)
        self.method_combo.setToolTip("The two directions of the slice: random ones scaled to each unit's weights "
                                     "(Li et al., 2018), or the two the optimizer moved along most (from the "
                                     "run's keyframes)")
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Compute the loss on a 41 x 41 grid around the weights of the moment shown, "
                                       "in the background")
        self.compute_button.clicked.connect(lambda: self.compute_requested.emit(self.method()))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the computation (the last map stays)")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.auto_checkbox = QCheckBox("While training")
        self.auto_checkbox.setToolTip("Recompute now and then (every few seconds) while the run trains")
        self.auto_checkbox.toggled.connect(self.auto_toggled)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.info = QLabel("Compute to see the loss around the weights shown")
        self.info.setWordWrap(True)

        self.plot_widget = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "alpha (direction 1)")
        self.plot_item.setLabel("left", "beta (direction 2)")
        self.plot_item.setMenuEnabled(False, enableViewBoxMenu=True)
        self.plot_item.hideButtons()
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)  # no "(x0.001)" beside the axis names
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(MAP), label="log10 loss", interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot_item)
        self.contours: list[pg.IsocurveItem] = []
        self.path_item = pg.PlotDataItem(pen=pg.mkPen("w", width=1.5), symbol="o", symbolSize=4,
                                         symbolBrush="w", symbolPen=None)
        self.path_item.setZValue(10)
        self.plot_item.addItem(self.path_item)
        self.current_item = pg.ScatterPlotItem(size=14, symbol="star", brush=pg.mkBrush(theme.HIGHLIGHT_COLOR),
                                               pen=pg.mkPen("k"))
        self.current_item.setZValue(11)
        self.plot_item.addItem(self.current_item)

        # two rows, and nothing wider than it must be: the dock shares the left column with Settings
        self.method_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.method_combo.setMinimumContentsLength(12)
        self.plot_widget.setMinimumSize(200, 200)
        row = QHBoxLayout()
        row.addWidget(self.compute_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.auto_checkbox)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.method_combo)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.info)
        self.landscape = None
        self._about = ""  # what the info line says of the slice shown
        self.pinned_items: list[pg.PlotDataItem] = []

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Small: the dock shares the left column with Settings, which must not widen for it (pyqtgraph's
        plot asks for 600 px)."""
        return QSize(300, 420)

    def method(self) -> str:
        return self.method_combo.currentData()

    # -- model -> view --------------------------------------------------------------------------------
    def show_progress(self, done: int, total: int) -> None:
        """(0, 0): idle."""
        busy = total > 0
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"%v of %m points")

    def show_landscape(self, result) -> None:
        """result: engine.landscape.Landscape (losses (len(betas), len(alphas)), path (T, 2) or None)."""
        self.landscape = result
        for item in self.contours:  # (children of the image, not items of the plot)
            item.setParentItem(None)
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.contours = []
        if result is None:
            self.show_pinned([])
            self.image.clear()
            self.path_item.setData([], [])
            self.current_item.setData([], [])
            return
        a, b = result.alphas, result.betas
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(result.losses)
        finite = np.isfinite(z)
        lo, hi = (float(z[finite].min()), float(z[finite].max())) if finite.any() else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0
        z = np.where(finite, z, hi)  # a diverged or uncomputed point shows as the highest loss
        self.image.setImage(z, autoLevels=False)
        da, db = (a[-1] - a[0]) / max(len(a) - 1, 1), (b[-1] - b[0]) / max(len(b) - 1, 1)
        # cells centred on their grid points
        self.image.setRect(pg.QtCore.QRectF(a[0] - da / 2, b[0] - db / 2, a[-1] - a[0] + da, b[-1] - b[0] + db))
        self.colorbar.setLevels((lo, hi))
        for level in np.linspace(lo, hi, N_CONTOURS + 2)[1:-1]:
            curve = pg.IsocurveItem(data=z.T, level=float(level), pen=pg.mkPen(255, 255, 255, 110, width=1))
            curve.setParentItem(self.image)  # in the image's pixel coordinates, so it follows its rect
            self.contours.append(curve)
        if result.path is not None and len(result.path):
            self.path_item.setData(result.path[:, 0], result.path[:, 1])
        else:
            self.path_item.setData([], [])
        self.current_item.setData([0.0], [0.0])
        # the map and the run's own path: a kept run's path may wander far off the slice, and must not shrink it
        self.plot_item.getViewBox().autoRange(items=[self.image, self.path_item, self.current_item])
        what = METHODS[result.method]
        at = "" if result.step is None else f" of step {result.step:,}"
        # (the loss plot's train curve is the mean over an epoch's batches: this is the loss of one set of weights)
        self._about = (f"training-set loss {result.center_loss:.4g} at the weights{at} (the star), along {what}; "
                       f"log10 loss from {lo:.2f} to {hi:.2f}")
        self.info.setText(self._about)

    def show_pinned(self, paths) -> None:
        """The paths of runs kept for comparison, projected on the slice shown: (xy (T, 2), colour) each, drawn
        in the colour of the run's curves (the Compare dock's swatch), a dot where it ended. [] for none.
        Items are kept and hidden, never removed: a plot item removed was still asked for its bounds by the
        scene in whole-suite runs (ui/loss_marks.py does the same)."""
        while len(self.pinned_items) < len(paths):
            item = pg.PlotDataItem(shadowPen=pg.mkPen("k", width=4))  # (viridis' blues would swallow a blue path)
            item.setZValue(9)  # under the current run's path (10) and star (11)
            self.plot_item.addItem(item)
            self.pinned_items.append(item)
        for i, item in enumerate(self.pinned_items):
            if i < len(paths):
                xy, color = paths[i]
                item.setData(xy[:, 0], xy[:, 1], pen=pg.mkPen(color, width=2), symbol="o",
                             symbolSize=[0] * (len(xy) - 1) + [9], symbolBrush=color, symbolPen=pg.mkPen("k"))
            else:
                item.setData([], [])
            item.setVisible(i < len(paths))
        if self.landscape is not None:
            self.info.setText(self._about + (f"; {len(paths)} kept run{'s' if len(paths) > 1 else ''}: path in "
                                             "its Compare colour, a dot where it ended" if paths else ""))

    def show_moment(self, point, step: int) -> None:
        """Another moment shown before its own slice is ready: the star moves to ``point`` (alpha, beta), where
        that moment's weights are on this map (None: off it, drawn nowhere)."""
        if self.landscape is None:
            return
        self.current_item.setData(*(([point[0]], [point[1]]) if point is not None else ([], [])))
        of = "" if self.landscape.step is None else f" of step {self.landscape.step:,}"
        self.info.setText(f"step {step:,} shown (the star, on the slice{of}): its own slice follows")
