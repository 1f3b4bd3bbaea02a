"""The "Jumping Back" inspector: the tutorial's game for one weight (or bias), with live numbers.

For the selected parameter it lists the walk of ``engine.chain.walk_back``: start at y, cross the loss line,
cross each activation line (x f'(z)), jump back over each weight layer (Rule 2: W^T . delta), reach the
parameter. Below it: the product the walk built, the engine's backprop gradient on the same weights and
samples, the central-difference gradient and their relative errors, and the heatmap's value. By default
the walk uses the samples of the step shown, with the weights before its update, so it equals the heatmap's
gradient; one training sample, or the training set, are options that say how they differ.

The widget computes nothing: for each frame (live or replayed) and selection it emits ``requested`` with an
``InspectRequest``, and draws the ``engine.inspect.Inspection`` it is given back (``show_inspection``);
the training thread computes it (``app.worker``), off the GUI thread.

Back / Next / Reset walk the lines one at a time and emit ``layer_crossed(layer)``, 1-based like
``HeatmapGrid`` and ``NetworkGraph.highlight_layer``, which the window connects.

Under them, the parameter's value in the moment shown, in a field (ui/value_field.py): type a new one and press
Enter (or Set) to set it; ``value_entered(parameter, value)`` asks the controller to.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ui.elided_label import ElidedLabel
from ui.value_field import ValueField
from ui.view_throttle import SnapshotThrottle

MAX_FPS = 2  # a walk of numbers that changes more often than twice a second cannot be read (each costs a
# step taken apart in the training thread and ~3 ms of text layout here)
SET_SIZE = 512  # samples in "training set" mode (evenly spaced over the training set when it has more)
SHOWN = 8  # entries of a vector written out
MODES = (("step", "step's batch"), ("sample", "one sample"), ("set", "training set"))


@dataclass(frozen=True)
class InspectRequest:
    """What to walk: ``kind`` "w" or "b", ``layer`` 1-based, ``i``, ``j``; ``mode`` "step" (the step shown's own
    batch and weights before its update), "sample" (training sample ``sample``) or "set" (up to SET_SIZE
    training samples, evenly spaced); ``step``: the step shown (None: live)."""

    kind: str
    layer: int
    i: int
    j: int
    mode: str = "step"
    sample: int = 0
    step: int | None = None
    generation: int = 0


def _vec(v: np.ndarray, mark: int | None = None) -> str:
    """'[0.1234, -0.5, ...]' with entry ``mark`` in bold; v (n,)."""
    parts = []
    for k, x in enumerate(v[:SHOWN]):
        s = f"{x:.4g}"
        parts.append(f"<b><u>{s}</u></b>" if k == mark else s)
    more = f", ... ({len(v) - SHOWN} more)" if len(v) > SHOWN else ""
    if mark is not None and mark >= SHOWN:
        more += f", [{mark}]: <b><u>{v[mark]:.4g}</u></b>"
    return "[" + ", ".join(parts) + more + "]"


class Inspector(QtWidgets.QWidget):
    layer_crossed = QtCore.Signal(int)  # 1-based weight layer the current line crosses or reaches
    requested = QtCore.Signal(object)  # an InspectRequest: compute its numbers and call show_inspection
    parameter_chosen = QtCore.Signal(tuple)  # the "bias" box: ("b", layer, i) or ("w", layer, i, j) of that unit
    value_entered = QtCore.Signal(tuple, float)  # the value field: set that parameter to that number

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = ElidedLabel()  # "Jumping back to w3[1, 4]": never the window's minimum width
        self.title.setStyleSheet("font-weight: bold")
        self.bias = QtWidgets.QCheckBox("bias")
        self.bias.setToolTip("Walk to the bias b[i] of the selected unit instead of the weight w[i, j]")
        self.mode = QtWidgets.QComboBox()
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("Which samples the walk uses: the batch of the step shown, with the weights before its "
                             "update (the heatmap's gradient exactly); one training sample; or the training set "
                             f"(up to {SET_SIZE} samples)")
        self.sample = QtWidgets.QSpinBox()
        self.sample.setPrefix("sample ")
        self.back, self.next, self.reset = (QtWidgets.QPushButton(t) for t in ("Back", "Next", "Reset"))
        self.sample.setToolTip("The training sample whose backward pass is written out")
        for button, tip in ((self.back, "Go back one line of the walk"), (self.next, "Cross the next line of the walk"),
                            (self.reset, "Start the walk again at y")):
            button.setToolTip(tip)
        self.position = QtWidgets.QLabel()
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setMinimumHeight(36)  # it scrolls: a projector's 720 px must still fit the window
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.browser.setFont(font)
        # three short rows rather than two long ones: a narrow dock must not widen the window (1024 px)
        top, samples, steps = QtWidgets.QHBoxLayout(), QtWidgets.QHBoxLayout(), QtWidgets.QHBoxLayout()
        # the parameter's value after its name, "Jumping back to w2[3, 1] = [0.32] Set", on the title's row (a row of
        # its own would not leave a projector's 720 px room for the walk); the bias box goes to the samples' row
        self.value = ValueField(named=False, problem_below=False)
        self.value.value_entered.connect(self.value_entered)
        self.value.field.setMaximumWidth(self.value.field.minimumWidth())
        self.value.set_button.setMaximumWidth(self.value.set_button.minimumWidth() + 8)
        self.value.setSizePolicy(QtWidgets.QSizePolicy.Policy.Maximum, QtWidgets.QSizePolicy.Policy.Preferred)
        top.addWidget(self.title, 1)
        top.addWidget(self.value)
        for w in (self.bias, self.mode, self.sample):
            samples.addWidget(w)
        samples.addStretch(1)
        for button in (self.reset, self.back, self.next):
            button.setMinimumWidth(52)  # (the style's own minimum is wider: the dock may be narrow)
        for w in (self.reset, self.back, self.next, self.position):
            steps.addWidget(w)
        steps.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addLayout(samples)
        layout.addLayout(steps)
        layout.addWidget(self.value.problem)  # across the panel: the line is long
        layout.addWidget(self.browser, 1)

        self.data = None
        self.kind, self.layer, self.i, self.j = "w", 1, 0, 0  # 1-based layer
        self.walk = None
        self.cursor = 0
        self.inspection = None  # the engine.inspect.Inspection drawn
        self._request: InspectRequest | None = None  # the last one asked for
        self._scrolled_to = None  # (parameter, line) the text was last scrolled to
        self.throttle = SnapshotThrottle(self, self._render, 1.0 / MAX_FPS)
        self.bias.toggled.connect(self._on_bias_toggled)
        self.sample.valueChanged.connect(self.throttle.redraw)
        self.sample.setEnabled(False)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.back.clicked.connect(self.step_back)
        self.next.clicked.connect(self.step_next)
        self.reset.clicked.connect(self.step_reset)
        self._show_text()

    # --- inputs from the window ---------------------------------------------------------------
    def set_data(self, dataset) -> None:
        self.data = dataset
        self.walk, self.inspection, self._request = None, None, None
        self.sample.setRange(0, max(dataset.n_train - 1, 0))
        self.throttle.redraw()

    def show_frame(self, frame, config) -> None:
        """The moment shown (``engine.frame.Frame``): ask for its numbers, at most MAX_FPS times a second."""
        self.throttle.submit(frame, config)

    def select_weight(self, layer: int, i: int, j: int) -> None:
        """Walk to w_layer[i, j] (1-based layer, as HeatmapGrid.cell_clicked and NetworkGraph emit)."""
        self._select("w", layer, i, j)

    def select_bias(self, layer: int, i: int) -> None:
        self._select("b", layer, i, self.j)

    def _select(self, kind, layer, i, j) -> None:
        self.kind, self.layer, self.i, self.j = kind, int(layer), int(i), int(j)
        self.value.set_parameter(self.parameter())
        blocked = self.bias.blockSignals(True)
        self.bias.setChecked(kind == "b")
        self.bias.blockSignals(blocked)
        self.cursor = -1  # the whole walk, until the user steps
        self.throttle.redraw()

    # --- step control ---------------------------------------------------------------------------
    def step_next(self) -> None:
        self._move(self.cursor + 1)

    def step_back(self) -> None:
        self._move(self.cursor - 1)

    def step_reset(self) -> None:
        self._move(0)

    def _move(self, cursor: int) -> None:
        if self.walk is None:
            return
        last = len(self.walk.steps) - 1
        self.cursor = min(max(cursor, 0), last)
        self._show_text()
        self.layer_crossed.emit(self.walk.steps[self.cursor].layer + 1)

    def text(self) -> str:
        return self.browser.toPlainText()

    def showEvent(self, event):
        super().showEvent(event)
        self.throttle.flush()

    def _on_bias_toggled(self, on: bool) -> None:
        self._select("b" if on else "w", self.layer, self.i, self.j)
        self.parameter_chosen.emit(("b", self.layer, self.i) if on else ("w", self.layer, self.i, self.j))

    def _on_mode_changed(self, _index: int) -> None:
        self.sample.setEnabled(self.mode.currentData() == "sample")
        self.throttle.redraw()

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(mode))

    # --- asking and drawing ----------------------------------------------------------------------
    def _render(self, frame, config) -> None:
        d = self.data
        if d is None or frame.sizes[0] != d.n_features or frame.sizes[-1] != d.n_outputs:
            return
        sizes = frame.sizes
        if not (1 <= self.layer < len(sizes) and self.i < sizes[self.layer] and self.j < sizes[self.layer - 1]):
            self.layer, self.i, self.j = 1, 0, 0  # a new architecture without the selected parameter
        if self.value.parameter != self.parameter():
            self.value.set_parameter(self.parameter())
        array = frame.weights[self.layer - 1] if self.kind == "w" else frame.biases[self.layer - 1]
        self.value.show_value(float(array[self.i, self.j if self.kind == "w" else 0]))
        self._request = InspectRequest(self.kind, self.layer, self.i, self.j, self.mode.currentData(),
                                       min(self.sample.value(), max(d.n_train - 1, 0)),
                                       None if frame.live else frame.step, frame.generation)
        self.requested.emit(self._request)

    def parameter(self) -> tuple:
        """The parameter inspected, as the run model's selection: ("w", layer, i, j) or ("b", layer, i)."""
        return ("w", self.layer, self.i, self.j) if self.kind == "w" else ("b", self.layer, self.i)

    def show_inspection(self, request: InspectRequest, inspection) -> None:
        """The numbers for ``request`` (``engine.inspect.Inspection``); an answer to an older request is dropped."""
        if request != self._request:
            return
        self.inspection, self.walk = inspection, inspection.walk
        if self.cursor < 0 or self.cursor >= len(self.walk.steps):
            self.cursor = len(self.walk.steps) - 1
        self._show_text()

    @property
    def values(self) -> dict:
        """The numbers drawn, by name (chain, backprop, numeric, heatmap, errors, where)."""
        v = self.inspection
        return {} if v is None else dict(chain=v.chain, backprop=v.backprop, numeric=v.numeric, heatmap=v.heatmap,
                                         resolution=v.resolution, error_backprop=v.error_backprop,
                                         error_numeric=v.error_numeric, below_resolution=v.below_resolution,
                                         where=v.where, note=v.note)

    # --- text -----------------------------------------------------------------------------------
    def _show_text(self) -> None:
        self.back.setEnabled(self.walk is not None and self.cursor > 0)
        self.next.setEnabled(self.walk is not None and self.cursor < len(self.walk.steps) - 1)
        self.reset.setEnabled(self.walk is not None)
        if self.walk is None:
            self.title.setText("Jumping Back")
            self.browser.setHtml("<p>Select a weight (click an edge in the network graph or a heatmap cell) "
                                 "and start training or step once.</p>")
            return
        w = self.walk
        self.title.setText(f"Jumping back to {w.name}", (w.name,))  # narrow: the parameter, not "Jumping back to ..."
        self.position.setText(f"line {self.cursor + 1} of {len(w.steps)}")
        rows = [self._step_html(n, step) for n, step in enumerate(w.steps)]
        rows.append(self._summary_html())
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        # pre-wrap: a docked inspector is narrower than its longest lines, which then wrap instead of hiding
        self.browser.setHtml("<pre style='margin:0; white-space:pre-wrap'>" + "\n".join(rows) + "</pre>")
        if (w.name, self.cursor) != self._scrolled_to:  # a new parameter or a step: show the current line
            self._scrolled_to = (w.name, self.cursor)
            self.browser.scrollToAnchor("current")
        else:  # a live update of the same line: stay where the user scrolled
            bar.setValue(keep)

    def _step_html(self, n: int, step) -> str:
        batch = self.walk.steps[0].values.shape[1] > 1  # the start line holds y (n_L, B)
        on_target = step.layer == self.walk.layer and step.kind == "activation"
        lines = [f"{n + 1:2d}  {html.escape(step.label)}"]
        v = step.values
        if step.kind == "start":
            mean = "  (batch mean)" if batch else ""
            lines.append(f"      y       = {_vec(v.mean(axis=1))}{mean}")
            lines.append(f"      y_hat   = {_vec(self.walk.y_hat.mean(axis=1))}{mean}")
        elif step.kind == "activation" and np.ndim(v) == 2:
            lines.append(f"      f'(z)   = {_vec(v.mean(axis=1))}" + ("  (batch mean)" if batch else ""))
        elif step.kind == "activation":
            lines.append(f"      Jacobian {v.shape[0]}x{v.shape[1]}" + (" per sample" if batch else ""))
        elif step.kind == "jump":
            lines.append(f"      (w{step.layer + 1} is {v.shape[0]}x{v.shape[1]}; its transpose carries the "
                         f"gradient from {v.shape[0]} units back to {v.shape[1]})")
        if step.kind in ("weight", "bias"):
            delta = self.walk.steps[n - 1].running[self.walk.i]  # (B,) delta of the unit the parameter feeds
            d_name = f"delta{step.layer + 1}[{self.walk.i}]"
            if step.kind == "bias":
                lines.append(f"      {d_name} summed over the batch" if batch else f"      {d_name} × 1")
            elif np.size(v) > 1:
                lines.append(f"      sum over the batch of {d_name} × {self._a_name()}[{self.walk.j}]")
            else:
                lines.append(f"      {d_name} × {self._a_name()}[{self.walk.j}] = {delta[0]:.6g} × {v[0]:.6g}")
            lines.append(f"      gradient = <b>{step.running:.10g}</b>")
        elif step.running is not None:
            r = step.running.sum(axis=1)
            mark = self.walk.i if on_target else None
            lines.append(f"      so far  = {_vec(r, mark)}" + ("  (summed over the batch)" if batch else ""))
        text = "\n".join(lines)
        if n == self.cursor:
            return f"<a name='current'></a><span style='background-color:#fff3a0; color:#000'>{text}</span>"
        if n > self.cursor:
            return f"<span style='color:#9a9a9a'>{text}</span>"
        return text

    def _a_name(self) -> str:
        return "x" if self.walk.layer == 0 else f"a{self.walk.layer}"

    def _summary_html(self) -> str:
        v, name = self.inspection, self.walk.name
        numeric = (f"  central differences (h = {v.h:g}) = {v.numeric:.10g}   "
                   + ("below what central differences resolve here" if v.below_resolution
                      else f"rel. error {v.error_numeric:.1e}") + "\n")
        return (f"\n<b>dL/d{name}</b> on {html.escape(v.where)}:\n"
                f"  product of the walk            = <b>{v.chain:.10g}</b>\n"
                f"  engine backprop, same samples  = {v.backprop:.10g}   rel. error {v.error_backprop:.1e}\n"
                + numeric
                + (f"    (|gradient| is within 100x of the round-off of central differences here, "
                   f"~{v.resolution:.0e}: their relative error would be rounding, not a bug)\n"
                   if v.below_resolution else "")
                + f"  heatmap cell                   = {v.heatmap:.10g}\n"
                f"    ({html.escape(v.note)})")
