"""Train and test loss against epoch, live, for runs of any length (millions of epochs stay smooth)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ui import theme
from ui.theme import format_value


class GrowingCurve:
    """Epochs and losses in buffers that double when full, so appending k points costs O(k)
    amortised and the views handed to setData never copy the history.

    x is int64 on purpose: pyqtgraph then knows it is finite and skips an isfinite pass and a
    boolean-indexed copy of the whole array on every setData (~9 ms at a million points).
    log_y keeps log10(loss) for the new points only (NaN for a loss <= 0, which has no place on
    a log axis), instead of pyqtgraph taking log10 of the whole history on every setData.
    """

    def __init__(self, capacity: int = 1024):
        self._x = np.empty(capacity, dtype=np.int64)
        self._y = np.empty(capacity)
        self._log_y = np.empty(capacity)
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """x: (k,) integer epochs, increasing; y: (k,) losses."""
        k = len(y)
        if self.n + k > len(self._x):
            capacity = max(2 * len(self._x), self.n + k)
            for name in ("_x", "_y", "_log_y"):
                old = getattr(self, name)
                grown = np.empty(capacity, dtype=old.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
        end = self.n + k
        self._x[self.n : end] = x
        self._y[self.n : end] = y
        log_y = self._log_y[self.n : end]
        with np.errstate(divide="ignore", invalid="ignore"):  # log10(0) and log10(<0) are expected
            np.log10(y, out=log_y)
        log_y[~np.isfinite(log_y)] = np.nan  # -inf would stretch auto-range to infinity
        self.n = end

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.n]

    @property
    def log_y(self) -> np.ndarray:
        return self._log_y[: self.n]


class LossPlot(QtWidgets.QWidget):
    """Loss curves with a toolbar row (current values, "Log scale", "Auto") above a pyqtgraph plot."""

    HOVER_RATE = 30  # mouse-move readouts per second; more only burns the CPU the trainer needs

    def __init__(self, parent=None):
        super().__init__(parent)
        self._train = GrowingCurve()
        self._test = GrowingCurve()

        self.value_label = QtWidgets.QLabel("no epochs yet")
        self.log_checkbox = QtWidgets.QCheckBox("Log scale")
        self.log_checkbox.setChecked(True)
        self.log_checkbox.toggled.connect(self.set_log_scale)
        self.auto_button = QtWidgets.QPushButton("Auto")
        self.auto_button.setToolTip("Follow new data again after zooming or panning")
        self.auto_button.clicked.connect(self.auto_range)
        toolbar = QtWidgets.QHBoxLayout()
        toolbar.setContentsMargins(6, 2, 6, 2)
        toolbar.addWidget(self.value_label, 1)
        toolbar.addWidget(self.log_checkbox)
        toolbar.addWidget(self.auto_button)

        self.plot_widget = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "epoch")
        self.plot_item.setLabel("left", "loss")
        theme.style_grid(self.plot_item)
        # no "Plot Options" menu: its log and transform switches would act on the items and
        # log the precomputed log10 data a second time; the ViewBox menu (View All...) stays
        self.plot_item.setMenuEnabled(False, enableViewBoxMenu=True)
        self.plot_item.addLegend(offset=(-10, 10))  # negative x: anchored to the right edge
        self._curves = {}
        for key in ("train", "test"):
            # 'peak' draws each bucket's min and max, so spikes stay visible when thousands of
            # epochs share a pixel column; with that, one bucket per column (pyqtgraph's default is
            # 5) loses nothing visible and halves the redraw. clipToView skips what is zoomed out.
            item = self.plot_item.plot(name=key, pen=theme.curve_pen(key), autoDownsampleFactor=1.0)
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            self._curves[key] = item

        self._crosshair = pg.InfiniteLine(angle=90, movable=False, pen=theme.crosshair_pen())
        self._hover = pg.TextItem(color="w", fill=pg.mkBrush(0, 0, 0, 170))
        for item in (self._crosshair, self._hover):
            item.setVisible(False)
            item.setZValue(10)
            self.plot_item.addItem(item, ignoreBounds=True)  # the readout must not steer auto-range
        self._mouse_proxy = pg.SignalProxy(
            self.plot_item.scene().sigMouseMoved, rateLimit=self.HOVER_RATE, slot=self._on_mouse_moved
        )
        self._following = True
        self.plot_item.vb.sigStateChanged.connect(self._on_view_state_changed)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.plot_widget, 1)
        self.set_log_scale(True)
        self._on_view_state_changed()

    # --- data -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every point (a new network or run); the view follows the data again."""
        self._train = GrowingCurve()  # new buffers: a long run's hundreds of MB are given back
        self._test = GrowingCurve()
        for item in self._curves.values():
            item.setData([], [])
        self._crosshair.setVisible(False)
        self._hover.setVisible(False)
        self.value_label.setText("no epochs yet")
        self.auto_range()

    def append(self, first_epoch: int, train: np.ndarray, test: np.ndarray) -> None:
        """train: (e,) float64 losses of epochs first_epoch .. first_epoch+e-1; test: (e,), or (0,)
        without a test set."""
        train = np.asarray(train, dtype=np.float64).ravel()
        test = np.asarray(test, dtype=np.float64).ravel()
        if len(train) == 0 and len(test) == 0:
            return
        epochs = np.arange(first_epoch, first_epoch + max(len(train), len(test)), dtype=np.int64)
        if len(train):
            self._train.extend(epochs[: len(train)], train)
            self._show("train")
        if len(test):
            self._test.extend(epochs[: len(test)], test)
            self._show("test")
        self._update_value_label()

    def _show(self, key: str) -> None:
        buf = self._train if key == "train" else self._test
        if buf.n == 0:
            self._curves[key].setData([], [])
        else:
            self._curves[key].setData(buf.x, buf.log_y if self.log_scale() else buf.y)

    def n_points(self) -> int:
        """Number of train-loss points (epochs) plotted."""
        return self._train.n

    def curves(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x (n,), train (n,), test (m,)) views of the buffers, m = n with a test set, else 0."""
        return self._train.x, self._train.y, self._test.y

    # --- view -------------------------------------------------------------------------------
    def set_log_scale(self, on: bool) -> None:
        """Log y axis: the curves get the precomputed log10 buffers and the axis labels decades;
        the items themselves stay linear (see GrowingCurve). A loss of 0 leaves a gap."""
        on = bool(on)
        if on != self.log_scale():
            self.plot_item.getAxis("left").setLogMode(False, on)  # also tells the ViewBox
            self._show("train")
            self._show("test")
            self.auto_range()  # the old range is in the other coordinates
        if self.log_checkbox.isChecked() != on:
            blocked = self.log_checkbox.blockSignals(True)
            self.log_checkbox.setChecked(on)
            self.log_checkbox.blockSignals(blocked)

    def log_scale(self) -> bool:
        return bool(self.plot_item.getAxis("left").logMode)

    def auto_range(self) -> None:
        """Follow new data again (the user zoomed or panned, which switched auto-range off)."""
        self.plot_item.enableAutoRange()

    def following(self) -> bool:
        """True while the view auto-ranges to new data."""
        return all(self.plot_item.vb.autoRangeEnabled())

    def hover_text(self) -> str:
        """The hover readout, '' when the mouse is not over the data."""
        return self._hover.textItem.toPlainText() if self._hover.isVisible() else ""

    # --- slots ------------------------------------------------------------------------------
    def _on_view_state_changed(self, *_):
        """Auto-range switched on or off (zoom, pan, "Auto", pyqtgraph's A button)."""
        following = self.following()
        was_following, self._following = self._following, following
        if following and not was_following:
            # clipToView left only the zoomed-in stretch in the curves, and auto-range measures
            # what the curves hold: hand them the whole history again or the view stays stuck
            self._show("train")
            self._show("test")
        self.auto_button.setEnabled(not following)

    def _update_value_label(self):
        n = self._train.n
        if n == 0:
            return
        parts = [f"epoch {int(self._train.x[-1])}", f"train {format_value(self._train.y[-1])}"]
        if self._test.n:
            parts.append(f"test {format_value(self._test.y[-1])}")
        self.value_label.setText(" · ".join(parts))

    def _on_mouse_moved(self, event):
        """event: (scene position,) from the SignalProxy; shows the epoch nearest the mouse."""
        scene_pos = event[0]
        vb = self.plot_item.vb
        if self._train.n == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            self._crosshair.setVisible(False)
            self._hover.setVisible(False)
            return
        view_pos = vb.mapSceneToView(scene_pos)
        x = self._train.x
        i = int(np.clip(np.searchsorted(x, view_pos.x()), 0, len(x) - 1))
        if i > 0 and abs(x[i - 1] - view_pos.x()) <= abs(x[i] - view_pos.x()):
            i -= 1  # nearest epoch, not the next one
        epoch = x[i]
        parts = [f"epoch {int(epoch)}", f"train {format_value(self._train.y[i])}"]
        j = np.searchsorted(self._test.x, epoch)
        if j < self._test.n and self._test.x[j] == epoch:
            parts.append(f"test {format_value(self._test.y[j])}")
        self._crosshair.setPos(float(epoch))
        self._hover.setText(" · ".join(parts))
        # keep the readout inside the view: to the left of the mouse on the right half
        (x0, x1), _ = vb.viewRange()
        self._hover.setAnchor((1, 1) if view_pos.x() > (x0 + x1) / 2 else (0, 1))
        self._hover.setPos(view_pos)
        self._crosshair.setVisible(True)
        self._hover.setVisible(True)
