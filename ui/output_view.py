"""What the network outputs: over the input plane (2-D classification), as a curve (1-D regression),
or as bars of y_hat beside y for one sample (the tutorial, CSV files and everything else).

Plane: each pixel is a grid point of the input plane (laid over the view's range, so the field fills the
plot whatever its shape, and follows a pan or a zoom) coloured by the predicted class, brighter where
the network is surer (one sigmoid output: class 1 where p >= 0.5, sureness |2p - 1|; several outputs:
the argmax class, sureness (p_max - 1/K) / (1 - 1/K)). "Discretize" drops the sureness. Training points
are filled, test points hollow. The grid is recomputed at most ``MAX_FPS`` times a second.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from engine.unit_maps import PLANE_RESOLUTION, plane_grid, plane_of
from ui import theme
from ui.elided_label import ElidedLabel
from ui.legend import legend_above
from ui.view_throttle import SnapshotThrottle

# Okabe-Ito, colour-vision-deficiency safe, enough for the 8 classes the app allows
CLASS_COLORS = np.array([(86, 180, 233), (230, 159, 0), (0, 158, 115), (240, 228, 66), (0, 114, 178),
                         (213, 94, 0), (204, 121, 167), (153, 153, 153)], dtype=np.float64)
MAX_FPS = 5
PAD = 0.1  # fraction of the data's span added around it on the plane


def class_image(outputs: np.ndarray, discretize: bool) -> np.ndarray:
    """RGB (res, res, 3) uint8 from grid outputs (res, res) (one sigmoid) or (K, res, res)."""
    if outputs.ndim == 2:
        cls = (outputs >= 0.5).astype(np.intp)
        sure = np.abs(2.0 * outputs - 1.0)
    else:
        k = outputs.shape[0]
        cls = outputs.argmax(axis=0)
        sure = (outputs.max(axis=0) - 1.0 / k) / (1.0 - 1.0 / k)
    # dark where unsure, at most 70% of the class colour so the filled points in it stay visible
    level = np.full(cls.shape, 0.55) if discretize else 0.12 + 0.58 * np.clip(sure, 0.0, 1.0)
    rgb = CLASS_COLORS[cls % len(CLASS_COLORS)] * level[..., None]
    return rgb.astype(np.uint8)


class OutputView(QtWidgets.QWidget):
    """``set_data(dataset)`` once per dataset, then ``show_frame(frame, config)`` for the moment shown.
    ``show_unit((column, unit))`` draws that unit's map (the frame's ``unit_maps``) in place of the output, and
    ``output_requested`` asks for the output back."""

    output_requested = QtCore.Signal()
    sample_chosen = QtCore.Signal(int)  # a training point clicked on the plane or the curve
    # drawing your own data (the Draw button on): a click adds a point (x1, x2, class) or, on the curve,
    # (x, y, -1); a right-click removes the nearest (x, y, pixel width, pixel height)
    point_added = QtCore.Signal(float, float, int)
    point_removed = QtCore.Signal(float, float, float, float)

    def __init__(self, parent=None, resolution: int = PLANE_RESOLUTION):
        super().__init__(parent)
        self.resolution = resolution
        self.discretize = QtWidgets.QCheckBox("Discretize")
        self.discretize.setToolTip("Colour each point by its predicted class only, without the sureness")
        self.sample = QtWidgets.QSpinBox()
        self.sample.setPrefix("sample ")
        self.sample.setToolTip("The training sample whose y_hat and y the bars show")
        # as long as the outputs: it must not set the dock's minimum width (in presenter mode's larger
        # font that pushed the window past a 1280 px screen)
        self.info = ElidedLabel("")
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.discretize)
        bar.addWidget(self.sample)
        bar.addWidget(self.info, 1)
        self.draw = QtWidgets.QToolButton()
        self.draw.setText("Draw")
        self.draw.setCheckable(True)
        self.draw.setToolTip("Draw your own data: click adds a point of the chosen class (shift-click: the next "
                             "class), right-click removes the nearest; on a curve, click adds (x, y)")
        self.draw_class = QtWidgets.QComboBox()
        self.draw_class.setToolTip("The class a click adds")
        self.draw_class.hide()
        self.draw.toggled.connect(lambda on: self.draw_class.setVisible(on and self.mode == "plane"))
        bar.addWidget(self.draw)
        bar.addWidget(self.draw_class)
        self.unit = None  # (column, unit) whose map is shown in place of the output, or None
        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setMenuEnabled(False)
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # "value (x0.001)" reads badly beside y and y_hat
        self.legend = legend_above(self.plot.getPlotItem())  # above the bars, which reach up to 1
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        from ui.output_unit import OutputUnit  # (it takes the class colours from here)
        self.unit_view = OutputUnit(self)  # a unit's map in place of the output: its name, scale, way back
        self.back = self.unit_view.bar.back
        layout.addWidget(self.unit_view.bar)
        layout.addWidget(self.plot, 1)

        self.image = pg.ImageItem(axisOrder="row-major")
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.TRAIN_COLOR, width=2))
        self.train_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=0.8))
        self.test_points = pg.ScatterPlotItem(size=8, brush=None)
        self.bars_hat = pg.BarGraphItem(x=[], height=[], width=0.36, brush=theme.TRAIN_COLOR, name="y_hat")
        self.bars_y = pg.BarGraphItem(x=[], height=[], width=0.36, brush=theme.TEST_COLOR, name="y")
        # the field is computed over the view's range, so it must not count for the range ("A" would zoom out)
        self.plot.addItem(self.image, ignoreBounds=True)
        for item in (self.curve, self.train_points, self.test_points, self.bars_hat, self.bars_y):
            self.plot.addItem(item)
        self.plot.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self.legend.clear()  # _apply_mode adds y_hat and y in bar mode; _setup_plane the class names
        self.image.setZValue(-10)
        # the sample whose forward pass the graph shows, ringed (show_sample)
        self.chosen = pg.ScatterPlotItem(size=16, pen=pg.mkPen(theme.HIGHLIGHT_COLOR, width=2.5), brush=None)
        self.chosen.setZValue(20)
        self.plot.addItem(self.chosen)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        self.data = None
        self.mode = None  # "plane", "curve" or "bars"
        self._grid = None  # what grid_values() returns
        self._xs = self._ys = None
        self._grid_X = None  # (n_0, res*res) the network's inputs at the grid points, column r*res + c at (xs[c], ys[r])
        self.plane_points = None  # (2, res*res) the raw grid points themselves (plane mode)
        self._plane_range = None  # (lo (2,), hi (2,)): the data's plane, what the view fits a new dataset to
        self._pending_plane = None  # (xs, ys, points, network inputs, rect) over the view's range, for the next render
        self._needs_range = False  # fit the view to what the first render after set_data draws
        self.throttle = SnapshotThrottle(self, self._render, 1.0 / MAX_FPS)
        self.discretize.toggled.connect(self.throttle.redraw)
        self.sample.valueChanged.connect(self.throttle.redraw)
        self._apply_mode()

    # --- inputs from the window ---------------------------------------------------------------
    def set_data(self, dataset) -> None:
        """engine.datasets.Dataset: chooses the mode and draws the data points. The axes stay where they are for
        points drawn into the data (each click re-fitted them, so the next click landed elsewhere)."""
        drawing = self.data is not None and dataset.name == "drawn"
        old_mode = self.mode
        self.data = dataset
        self._grid = None
        # over the raw plane (x1, x2) whatever input features the network sees
        if dataset.task == "classification" and dataset.n_raw_features == 2:
            self.mode = "plane"
        elif dataset.n_features == 1 and dataset.n_outputs == 1:
            self.mode = "curve"
        else:
            self.mode = "bars"
        self.sample.setRange(0, max(dataset.n_train - 1, 0))
        self._apply_mode()
        self._fill_draw_classes()
        if self.mode == "plane":
            self._setup_plane()
        elif self.mode == "curve":
            self._setup_curve()
        else:
            self._setup_bars()
        self._needs_range = not (drawing and self.mode == old_mode)
        if self._needs_range and self.mode == "plane":  # (the points are drawn: fit now)
            self._needs_range = False
            (x0, y0), (x1, y1) = self._plane_range
            self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        if self.mode == "plane":
            self._on_range_changed()
        self.throttle.redraw()

    def show_frame(self, frame, config=None) -> None:
        """The moment shown (``engine.frame.Frame``); draws at most MAX_FPS times a second, and only when visible."""
        self.throttle.submit(frame, config)

    def grid_values(self) -> np.ndarray | None:
        """The network's outputs on the grid shown: (res, res) for one output, else (K, res, res);
        entry [..., r, c] is at input (xs[c], ys[r]) of ``grid_axes()``. None outside plane mode."""
        return self._grid

    def grid_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """(xs (res,), ys (res,)): the grid's x1 and x2 values."""
        return self._xs, self._ys

    def showEvent(self, event):
        super().showEvent(event)
        self.throttle.flush()

    # --- modes ------------------------------------------------------------------------------------
    def _apply_mode(self) -> None:
        plane, curve, bars = (self.mode == m for m in ("plane", "curve", "bars"))
        self.discretize.setVisible(plane)
        self.sample.setVisible(bars)
        self.image.setVisible(plane)
        self.curve.setVisible(curve)
        self.train_points.setVisible(plane or curve)
        self.test_points.setVisible(plane or curve)
        self.bars_hat.setVisible(bars)
        self.bars_y.setVisible(bars)
        self.plot.setAspectLocked(plane)
        # what one kind drew must not outlive it: the bars' "y1, y2" ticks on the plane's x-axis,
        # the tutorial's y_hat in the header of XOR (each _setup_* then sets its own)
        self.plot.getAxis("bottom").setTicks(None)
        for side in ("bottom", "left"):
            self.plot.setLabel(side, "")
        self.info.setText("")
        self.legend.clear()
        if bars:
            self.legend.addItem(self.bars_hat, "y_hat")
            self.legend.addItem(self.bars_y, "y")

    def _setup_plane(self) -> None:
        d = self.data
        P_train, P_test = d.plane_X_train, d.plane_X_test  # the raw points, before input features
        res = self.resolution
        xs, ys, _ = plane_of(d, res)  # the plane the unit maps are computed on, the data and a margin
        self._plane_range = (np.array([xs[0], ys[0]]), np.array([xs[-1], ys[-1]]))
        self.image.setImage(np.zeros((res, res, 3), np.uint8), autoLevels=False, levels=(0, 255))
        colors = [pg.mkColor(*c) for c in CLASS_COLORS.astype(int)]
        brushes = [pg.mkBrush(colors[c % len(colors)]) for c in d.labels_train]
        pens = [pg.mkPen(colors[c % len(colors)].lighter(130), width=2) for c in d.labels_test]
        self.train_points.setData(x=P_train[0], y=P_train[1], brush=brushes)
        self.test_points.setData(x=P_test[0], y=P_test[1], pen=pens, brush=None)
        names = d.feature_names if not d.features else ["x1", "x2"]  # with features, X's rows are the features
        self.plot.setLabel("bottom", names[0])
        self.plot.setLabel("left", names[1])
        # the classes by name (a CSV file's own labels, "setosa", or a preset's, "same sign"), in their colours
        self._class_swatches = [pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=0.8),
                                                   brush=pg.mkBrush(colors[c % len(colors)]))
                                for c in range(len(d.target_names))]
        self.class_legend()

    def class_legend(self) -> None:
        """The legend names the classes (a CSV file's own labels, "setosa", or a preset's, "same sign")."""
        self.legend.clear()
        for swatch, name in zip(self._class_swatches, self.data.target_names):
            self.legend.addItem(swatch, name)

    def _setup_curve(self) -> None:
        d = self.data
        X = np.hstack([d.X_train, d.X_test])
        lo, hi = float(X.min()), float(X.max())
        span = max(hi - lo, 1e-9)
        self._xs = np.linspace(lo - PAD * span, hi + PAD * span, 200)
        self._grid_X = self._xs.reshape(1, -1)
        self.train_points.setData(x=d.X_train[0], y=d.Y_train[0], brush=pg.mkBrush(theme.TEST_COLOR))
        self.test_points.setData(x=d.X_test[0], y=d.Y_test[0], pen=pg.mkPen(theme.TEST_COLOR, width=1.5),
                                 brush=None)
        self.curve.setData([], [])
        self.plot.setLabel("bottom", d.feature_names[0])
        self.plot.setLabel("left", d.target_names[0] if d.target_names else "y")

    def _setup_bars(self) -> None:
        d = self.data
        n = d.n_outputs
        names = d.target_names if len(d.target_names) == n else [f"y{k + 1}" for k in range(n)]
        self.plot.getAxis("bottom").setTicks([[(k, names[k]) for k in range(n)]])
        self.plot.setLabel("bottom", "output (left bar: y_hat, right bar: y)")
        self.plot.setLabel("left", "value")

    def _on_range_changed(self, *_ignored) -> None:
        """The field covers what the view shows: the grid is laid over the view's range (pixel centres), which
        a pan, a zoom or a resize changes (over the data's plane alone it left black margins, and points
        outside it). The next render computes the network there."""
        if self.mode != "plane" or self.data is None:
            return
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        res = self.resolution
        dx, dy = (x1 - x0) / res, (y1 - y0) / res
        xs, ys, points = plane_grid((x0 + dx / 2, y0 + dy / 2), (x1 - dx / 2, y1 - dy / 2), res)
        self._pending_plane = (xs, ys, points, self.data.inputs(points), QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        self.throttle.redraw()

    def show_unit(self, unit: tuple | None) -> None:
        """Draw unit ``unit`` = (column, index)'s map over the plane instead of the output; None: the output."""
        self.unit = None if unit is None else tuple(unit)
        self.unit_view.show(self.unit)
        self.throttle.redraw()

    def clear_sample(self, *_ignored) -> None:
        """A new dataset: no sample ringed until one is chosen."""
        self.chosen.setData([], [])

    def show_sample(self, index: int) -> None:
        """Ring training sample ``index`` on the plane or the curve (and show it in the bars)."""
        d = self.data
        if d is None or not 0 <= index < d.n_train:
            self.chosen.setData([], [])
            return
        self.sample.setValue(index)
        if self.mode == "plane":
            self.chosen.setData([d.plane_X_train[0, index]], [d.plane_X_train[1, index]])
        elif self.mode == "curve":
            self.chosen.setData([d.X_train[0, index]], [d.Y_train[0, index]])
        else:
            self.chosen.setData([], [])

    def nearest_sample(self, scene_pos, max_px: float = 10.0) -> int | None:
        """The training point drawn within ``max_px`` pixels of a scene position, nearest first; None if none."""
        if self.mode not in ("plane", "curve") or self.data is None or not self.data.n_train:
            return None
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        x, y = self.train_points.getData()
        p = vb.mapSceneToView(scene_pos)
        sx, sy = vb.viewPixelSize()
        d = np.hypot((x - p.x()) / sx, (y - p.y()) / sy)
        k = int(np.argmin(d))
        return k if d[k] <= max_px else None

    def _on_mouse_clicked(self, event) -> None:
        if self.draw.isChecked() and self.mode in ("plane", "curve"):
            self._draw_click(event)
            return
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        k = self.nearest_sample(event.scenePos())
        if k is not None:
            self.sample_chosen.emit(k)

    def _draw_click(self, event) -> None:
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        if event.button() == QtCore.Qt.MouseButton.RightButton:
            sx, sy = vb.viewPixelSize()
            self.point_removed.emit(p.x(), p.y(), sx, sy)
        elif event.button() == QtCore.Qt.MouseButton.LeftButton:
            if self.mode == "curve":
                self.point_added.emit(p.x(), p.y(), -1)
                return
            k = max(self.draw_class.count(), 1)
            shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
            self.point_added.emit(p.x(), p.y(), (self.draw_class.currentIndex() + shift) % k)

    def _fill_draw_classes(self) -> None:
        """The classes a click can add: the dataset's, by name; the choice is kept across new networks."""
        d = self.data
        names = list(d.target_names) if d.task == "classification" else []
        if [self.draw_class.itemText(i) for i in range(self.draw_class.count())] != names:
            index = self.draw_class.currentIndex()
            self.draw_class.clear()
            self.draw_class.addItems(names)
            self.draw_class.setCurrentIndex(min(max(index, 0), len(names) - 1))
        self.draw.setVisible(self.mode in ("plane", "curve"))
        self.draw_class.setVisible(self.draw.isChecked() and self.mode == "plane")

    def _class_words(self, y_hat: np.ndarray, s: int) -> str:
        """"predicted setosa, true versicolor: " for a classification sample, "" otherwise (classes by name)."""
        d = self.data
        if d.task != "classification" or d.labels_train is None or not np.isfinite(y_hat).all():
            return ""
        names = d.target_names if len(d.target_names) >= (d.n_classes or 0) else [str(c) for c in range(d.n_classes)]
        predicted = int(y_hat[0] >= 0.5) if len(y_hat) == 1 else int(y_hat.argmax())
        return f"predicted {names[predicted]}, true {names[int(d.labels_train[s])]}: "

    # --- drawing ----------------------------------------------------------------------------------
    def _render(self, frame, config) -> None:
        d = self.data
        if d is None or frame.sizes[0] != d.n_features or frame.sizes[-1] != d.n_outputs:
            return  # the window is between a new network and its dataset
        net = frame.network  # (an engine.frame.Frame: its network is built once for every view)
        with np.errstate(all="ignore"):  # a diverged run's last weights may overflow; nan draws as dark
            if self.mode == "plane":
                self._xs, self._ys, self.plane_points, self._grid_X, rect = self._pending_plane
                if self.unit is not None:  # the unit shown is one of the layers' activations
                    out, _, acts = net.forward(self._grid_X, trace=True)
                else:  # (keeping every layer's activations costs ~1.5 ms more on spiral)
                    out, acts = net.forward(self._grid_X), []
                res = self.resolution
                self._grid = out.reshape(res, res) if out.shape[0] == 1 else out.reshape(-1, res, res)
                grid = np.nan_to_num(self._grid, nan=0.5)
                image = self.unit_view.image(frame, acts)
                self.image.setImage(class_image(grid, self.discretize.isChecked()) if image is None else image,
                                    autoLevels=False, levels=(0, 255))
                self.image.setRect(rect)  # (after setImage, whose size setRect scales)
            elif self.mode == "curve":
                y = net.forward(self._grid_X)[0]
                self.curve.setData(self._xs, y) if np.isfinite(y).all() else self.curve.setData([], [])
            else:
                s = min(self.sample.value(), d.n_train - 1)
                y_hat = net.forward(d.X_train[:, s:s + 1])[:, 0]
                k = np.arange(d.n_outputs)
                self.bars_hat.setOpts(x=k - 0.19, height=np.nan_to_num(y_hat))
                self.bars_y.setOpts(x=k + 0.19, height=d.Y_train[:, s])
                text = (f"y_hat = [{', '.join(f'{v:.4g}' for v in y_hat[:6])}"
                        f"{', ...' if len(y_hat) > 6 else ''}]")
                self.info.setText(self._class_words(y_hat, s) + text)
        if self._needs_range:
            self._needs_range = False
            self.plot.autoRange()
