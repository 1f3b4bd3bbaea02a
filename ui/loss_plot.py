"""Train and test loss against epoch, live, for runs of any length (millions of epochs stay smooth)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ui import theme
from ui.elided_label import ElidedLabel
from ui.empty_state import EmptyState
from ui.growing_curve import GrowingCurve
from ui.legend import legend_above
from ui.log_axis import LogAxis
from ui.theme import format_value


class _Curve(pg.PlotDataItem):
    """Can skip the re-clip and re-downsample that a view-range change triggers, for when LossPlot
    moves the view and then hands the curve new data anyway (~0.5 ms per curve at 600k points)."""

    hold_range_changes = False

    def viewRangeChanged(self, *args):
        if not self.hold_range_changes:
            super().viewRangeChanged(*args)


class LossPlot(QtWidgets.QWidget):
    """Loss curves with a toolbar row (current values, "Log", "Acc", "Auto") above a pyqtgraph plot.

    The view follows the data (x: first to last epoch, y: the losses' range) until the user pans
    or zooms; "Auto" or a double-click follows again. Following is done here, not by pyqtgraph's
    auto-range: that measures the curves after every setData and sets the range from inside the
    paint, which schedules further paints (three per update in the window). Here an update moves
    the view once, from bounds kept as the data arrive, and costs one repaint.
    """

    epoch_clicked = QtCore.Signal(float)  # a click on the curves: the epoch under the mouse (a moment to show)

    HOVER_RATE = 30  # mouse-move readouts per second; more only burns the CPU the trainer needs
    X_PADDING, Y_PADDING = 0.02, 0.05  # of the data's span, on each side

    def __init__(self, parent=None):
        super().__init__(parent)
        self._new_buffers()
        self.extra_curves: list[GrowingCurve] = []  # drawn by others (ui.pinned_overlay): followed too

        # as long as the figures it reads: it must not set the window's minimum width (presenter mode's
        # larger font pushed a 1280 px window past the screen)
        self.value_label = ElidedLabel("no epochs yet")
        self.log_checkbox = QtWidgets.QCheckBox("Log")  # short: at 1024 px the figures beside it need the room
        self.log_checkbox.setChecked(True)
        self.log_checkbox.setToolTip("Logarithmic loss axis: steady learning looks like a straight line going down")
        self.log_checkbox.toggled.connect(self.set_log_scale)
        self.accuracy_checkbox = QtWidgets.QCheckBox("Acc")
        self.accuracy_checkbox.setToolTip("Plot the train and test accuracy instead of the loss (classification)")
        self.accuracy_checkbox.setVisible(False)  # until a classification run's accuracies come
        self.accuracy_checkbox.toggled.connect(self.show_accuracy)
        self.auto_button = QtWidgets.QPushButton("Auto")
        self.auto_button.setToolTip("Follow new data again after zooming or panning (or double-click the plot)")
        self.auto_button.clicked.connect(self.auto_range)
        toolbar = QtWidgets.QHBoxLayout()
        toolbar.setContentsMargins(6, 2, 6, 2)
        toolbar.addWidget(self.value_label, 1)
        toolbar.addWidget(self.accuracy_checkbox)
        toolbar.addWidget(self.log_checkbox)
        toolbar.addWidget(self.auto_button)

        self.plot_widget = pg.PlotWidget(background=theme.BACKGROUND, axisItems={"left": LogAxis("left")})
        self.plot_item = self.plot_widget.getPlotItem()
        self.plot_item.setLabel("bottom", "epoch")
        self.plot_item.setLabel("left", "loss")
        for name in ("left", "bottom", "right", "top"):  # (the hidden two are kept in range too)
            # no "(x0.001)" beside decade ticks like 10^-2; it also re-lays the label out per frame
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)
        theme.style_grid(self.plot_item)
        # no "Plot Options" menu: its log and transform switches would act on the items and
        # log the precomputed log10 data a second time; the ViewBox menu (View All...) stays
        self.plot_item.setMenuEnabled(False, enableViewBoxMenu=True)
        self.plot_item.hideButtons()  # the "A" button: the toolbar's "Auto" does that
        self.legend = legend_above(self.plot_item)  # above the data: a run's points are never hidden
        self._curves = {}
        for key in ("train", "test"):
            # 'peak' draws each bucket's min and max, so spikes stay visible when thousands of
            # epochs share a pixel column; with that, one bucket per column (pyqtgraph's default is
            # 5) loses nothing visible and halves the redraw. clipToView skips what is zoomed out.
            item = _Curve(pen=theme.curve_pen(key), autoDownsampleFactor=1.0)
            self.plot_item.addItem(item)  # (which sets the PlotItem's downsampling: so first)
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            self._curves[key] = item
        self.legend.addItem(self._curves["train"], "train")  # "test" joins when test losses do

        self._crosshair = pg.InfiniteLine(angle=90, movable=False, pen=theme.crosshair_pen())
        self._hover = pg.TextItem(color="w", fill=pg.mkBrush(0, 0, 0, 170))
        for item in (self._crosshair, self._hover):
            item.setVisible(False)
            item.setZValue(10)
            self.plot_item.addItem(item, ignoreBounds=True)
        self.plot_widget.viewport().installEventFilter(self)  # the readout goes when the mouse leaves the plot
        # where the run is looked at when not live (the timeline's moment)
        self._marker = pg.InfiniteLine(angle=90, movable=False, pen=theme.marker_pen())
        self._marker.setVisible(False)
        self._marker.setZValue(9)
        self.plot_item.addItem(self._marker, ignoreBounds=True)
        scene = self.plot_item.scene()
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=self.HOVER_RATE, slot=self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        vb = self.plot_item.vb
        vb.disableAutoRange()
        # the user panned or zoomed (mouse drag, wheel, axis drag): stop following
        vb.sigRangeChangedManually.connect(lambda *_: self._set_following(False))
        vb.sigStateChanged.connect(self._on_view_state_changed)  # the ViewBox menu's "Auto" ticks
        vb.menu.viewAll.triggered.connect(self.auto_range)  # and its "View All"
        self._following = False
        self.empty_state = EmptyState(self.plot_item, x_range=(0, 10), y_range=self._empty_y_range(),
                                      auto_range=False)  # (it follows the data its own way)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self.plot_widget, 1)
        self.set_log_scale(True)  # (which also starts following)

    # --- data -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every point (a new network or run); the view follows the data again."""
        self._new_buffers()  # new buffers: a long run's hundreds of MB are given back
        self.accuracy_checkbox.setVisible(False)
        for item in self._curves.values():
            item.setData([], [])
        self.legend.removeItem(self._curves["test"])
        self._crosshair.setVisible(False)
        self._hover.setVisible(False)
        self._marker.setVisible(False)
        self.value_label.setText("no epochs yet")
        self.auto_range()

    def _new_buffers(self) -> None:
        self._loss = (GrowingCurve(), GrowingCurve())  # train, test
        self._accuracy = (GrowingCurve(), GrowingCurve())
        self._train, self._test = self._loss  # the pair drawn: the loss, or the accuracy

    def append(self, first_epoch: int, train: np.ndarray, test: np.ndarray, train_acc=(), test_acc=()) -> None:
        """train: (e,) float64 losses of epochs first_epoch .. first_epoch+e-1; test: (e,), or (0,)
        without a test set; train_acc, test_acc: the same epochs' accuracies ((0,) for regression)."""
        new = [np.asarray(a, dtype=np.float64).ravel() for a in (train, test, train_acc, test_acc)]
        if not any(len(a) for a in new):
            return
        epochs = np.arange(first_epoch, first_epoch + max(len(a) for a in new), dtype=np.int64)
        had_test = self._test.n
        for buf, values in zip(self._loss + self._accuracy, new):
            if len(values):
                buf.extend(epochs[: len(values)], values)
        if self._test.n and not had_test:
            self.legend.addItem(self._curves["test"], "test")
        if len(new[2]) and not self.accuracy_checkbox.isVisible():
            self.accuracy_checkbox.setVisible(True)
        shown = new[2:] if self.accuracy_shown() else new[:2]
        self._redraw([key for key, values in zip(("train", "test"), shown) if len(values)])
        self._update_value_label()

    def show_accuracy(self, on: bool) -> None:
        """Plot the accuracies (linear, 0 to 1) instead of the losses, or the losses again."""
        on = bool(on)
        if self.accuracy_checkbox.isChecked() != on:
            self.accuracy_checkbox.setChecked(on)  # (which calls back here)
            return
        had_test = self._test.n
        self._train, self._test = self._accuracy if on else self._loss
        if on and self.log_scale():
            self._log_before_accuracy = True
            self.set_log_scale(False)
        elif not on and getattr(self, "_log_before_accuracy", False):
            self._log_before_accuracy = False
            self.set_log_scale(True)
        if bool(self._test.n) != bool(had_test):
            (self.legend.addItem(self._curves["test"], "test") if self._test.n
             else self.legend.removeItem(self._curves["test"]))
        self.plot_item.setLabel("left", "accuracy" if on else "loss")
        self.auto_range()
        self._redraw()

    def accuracy_shown(self) -> bool:
        return self._train is self._accuracy[0]

    def _redraw(self, changed=("train", "test")) -> None:
        """Hands the `changed` curves their data; while following, moves the view first, with
        the curves' own re-clip held back so each curve is clipped and downsampled once."""
        if self._following:
            for item in self._curves.values():
                item.hold_range_changes = True
            try:
                self._follow()
            finally:
                for item in self._curves.values():
                    item.hold_range_changes = False
            for key, item in self._curves.items():
                if key not in changed:
                    item.viewRangeChanged()  # no new data, but the new range still clips it
        for key in changed:
            self._show(key)

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
            self.auto_range()  # the old range is in the other coordinates
        if self.log_checkbox.isChecked() != on:
            blocked = self.log_checkbox.blockSignals(True)
            self.log_checkbox.setChecked(on)
            self.log_checkbox.blockSignals(blocked)

    def log_scale(self) -> bool:
        return bool(self.plot_item.getAxis("left").logMode)

    def auto_range(self) -> None:
        """Follow new data again (after the user zoomed or panned)."""
        self._set_following(True)
        self._redraw()

    def following(self) -> bool:
        """True while the view follows new data."""
        return self._following

    def hover_text(self) -> str:
        """The hover readout, '' when the mouse is not over the data."""
        return self._hover.textItem.toPlainText() if self._hover.isVisible() else ""

    def _empty_y_range(self) -> tuple[float, float]:
        """Before any loss: 0.001 to 1 on the log axis (log10 values), 0 to 1 on the linear one, with
        room for the end labels."""
        return (-3.15, 0.15) if self.log_scale() else (-0.05, 1.05)

    def _set_following(self, on: bool) -> None:
        if on == self._following:
            return
        self._following = on
        self.auto_button.setEnabled(not on)
        # while following, the view holds every finite point, so pyqtgraph's guard against points
        # a million view-heights away, which measures each curve on every setData, has nothing to do
        for item in self._curves.values():
            item.setDynamicRangeLimit(None if on else 1e6)

    def _follow(self) -> None:
        """Sets the view to the data's bounds, padded; leaves an axis alone while it has no data."""
        log = self.log_scale()
        curves = [buf for buf in (self._train, self._test, *self.extra_curves) if buf.n]
        if not curves:
            self.empty_state.show(True, y_range=self._empty_y_range())
            return
        if self.empty_state.empty:
            self.empty_state.show(False)
        x0, x1 = min(int(buf.x[0]) for buf in curves), max(int(buf.x[-1]) for buf in curves)
        pad = max((x1 - x0) * self.X_PADDING, 0.5)  # a lone epoch gets a unit-wide view
        ranges = {"xRange": (x0 - pad, x1 + pad)}
        bounds = [b for b in (buf.y_bounds(log) for buf in curves) if b is not None]
        if bounds:
            y0, y1 = min(b[0] for b in bounds), max(b[1] for b in bounds)
            # one value so far: half a decade, or a tenth of the value, either side
            pad = (y1 - y0) * self.Y_PADDING if y1 > y0 else (0.5 if log else 0.1 * (abs(y0) or 1.0))
            ranges["yRange"] = (y0 - pad, y1 + pad)
        vb = self.plot_item.vb
        vb.setRange(padding=0.0, disableAutoRange=False, **ranges)
        # the ViewBox applies a new range to its transform just before the next paint, and moving
        # items from inside a paint schedules a second one: apply it now
        vb.updateMatrix()

    # --- slots ------------------------------------------------------------------------------
    def _on_view_state_changed(self, *_):
        """Someone switched pyqtgraph's auto-range on (the ViewBox menu): follow, our way."""
        if any(self.plot_item.vb.autoRangeEnabled()):
            self.plot_item.vb.disableAutoRange()
            self.auto_range()

    def set_marker(self, epoch: float | None) -> None:
        """A vertical line at the moment shown (in epochs, fractional within an epoch); None hides it."""
        self._marker.setVisible(epoch is not None)
        if epoch is not None:
            self._marker.setPos(float(epoch))

    def marker(self) -> float | None:
        return float(self._marker.value()) if self._marker.isVisible() else None

    def _on_mouse_clicked(self, event):
        """event: pyqtgraph MouseClickEvent; a double-click in the plot follows the data again, a single click
        on the curves picks the epoch under the mouse as the moment to show."""
        vb = self.plot_item.vb
        if event.button() != QtCore.Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        if event.double():
            self.auto_range()
        elif self._train.n:
            x = vb.mapSceneToView(event.scenePos()).x()
            self.epoch_clicked.emit(float(np.clip(round(x), 0, self._train.x[-1])))

    def _update_value_label(self):
        train, test = self._loss
        if train.n == 0:
            return
        losses = [f"train {format_value(train.y[-1])}"] + ([f"test {format_value(test.y[-1])}"] if test.n else [])
        epoch = f"epoch {int(train.x[-1]):,}"  # (with its thousands marked, as the status bar and timeline write it)
        train_acc, test_acc = self._accuracy
        accuracy = [f"accuracy {train_acc.y[-1]:.1%}" + (f" (test {test_acc.y[-1]:.1%})" if test_acc.n else "")] \
            if train_acc.n else []
        # in a narrow column the losses, the plot's own figures, go last (the status bar has the epoch too)
        self.value_label.setText(" · ".join([epoch, *losses, *accuracy]),
                                 shorter=(" · ".join([epoch, *losses]), " · ".join(losses), losses[0]))

    def _hover_offset(self, x: float) -> float:
        """How far left of the mouse (view x ``x``) the readout starts, in view units: to the left on the right
        half, to the right on the left half, and never past either edge of the plot (a readout wider than
        half the plot was cut at the left: "poch 166 · train...")."""
        vb = self.plot_item.vb
        (x0, x1), _ = vb.viewRange()
        width = self._hover.boundingRect().width() * vb.viewPixelSize()[0]  # its pixels in view units
        left = x - width if x > (x0 + x1) / 2 else x
        left = max(min(left, x1 - width), x0)
        return x - left

    def eventFilter(self, watched, event) -> bool:
        # the scene sends no move when the mouse leaves: the readout of the last epoch hovered stayed, with its
        # line, and read as the moment looked back at after going live again
        if event.type() == QtCore.QEvent.Type.Leave and "_hover" in self.__dict__:
            self._hide_readout()
        return False

    def _hide_readout(self) -> None:
        self._crosshair.setVisible(False)
        self._hover.setVisible(False)

    def _on_mouse_moved(self, event):
        """event: (scene position,) from the SignalProxy; shows the epoch nearest the mouse."""
        scene_pos = event[0]
        vb = self.plot_item.vb
        if self._train.n == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            self._hide_readout()
            return
        view_pos = vb.mapSceneToView(scene_pos)
        x = self._train.x
        i = int(np.clip(np.searchsorted(x, view_pos.x()), 0, len(x) - 1))
        if i > 0 and abs(x[i - 1] - view_pos.x()) <= abs(x[i] - view_pos.x()):
            i -= 1  # nearest epoch, not the next one
        epoch = x[i]
        parts = [f"epoch {int(epoch):,}", f"train {format_value(self._train.y[i])}"]
        j = np.searchsorted(self._test.x, epoch)
        if j < self._test.n and self._test.x[j] == epoch:
            parts.append(f"test {format_value(self._test.y[j])}")
        self._crosshair.setPos(float(epoch))
        self._hover.setText(" · ".join(parts))
        self._hover.setAnchor((0, 1))
        self._hover.setPos(view_pos.x() - self._hover_offset(view_pos.x()), view_pos.y())
        self._crosshair.setVisible(True)
        self._hover.setVisible(True)
