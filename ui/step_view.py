"""One training step, phase by phase, in the tutorial's order (Step 3.1 forward, 3.2 backprop, 3.3 update).

The view draws an ``engine.phase_walk.PhaseWalk`` it is given (``show_walk``) at the phase the run model says
(``show_phase``): the phases listed, the current one's numbers written out (each unit's sum with its numbers
while a layer is small enough to read, else its vectors and a pointer to the heatmaps), and at the update
W before, the update and W after as heatmaps side by side with the loss after it. Back / Next / Done only
ask (``back_requested``, ``next_requested``, ``done_requested``); the controller moves the phase.
"""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from ui.heatmap_panel import MatrixPanel

READABLE = 6  # units on either side of a layer up to which every sum is written out with its numbers
SHOWN = 8  # entries of a vector written out


def _vec(v) -> str:
    v = np.ravel(v)
    more = f", ... ({v.size - SHOWN} more)" if v.size > SHOWN else ""
    return "[" + ", ".join(f"{x:.4g}" for x in v[:SHOWN]) + more + "]"


class StepView(QtWidgets.QWidget):
    back_requested = QtCore.Signal()
    next_requested = QtCore.Signal()
    done_requested = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QtWidgets.QLabel("One step, phase by phase")
        self.title.setStyleSheet("font-weight: bold")
        self.back = QtWidgets.QPushButton("Back")
        self.next = QtWidgets.QPushButton("Next")
        self.done = QtWidgets.QPushButton("Done")
        self.back.setToolTip("The phase before (Shift+F9)")
        self.next.setToolTip("The next phase of the step (F9)")
        self.done.setToolTip("Leave the step taken apart and show the run again")
        self.position = QtWidgets.QLabel()
        self.phase_list = QtWidgets.QListWidget()
        self.phase_list.setMaximumHeight(96)  # five phases in view: the numbers below get the rest
        self.phase_list.setMinimumHeight(36)  # (a short dock scrolls it: a projector's 720 px must do)
        self.phase_list.setToolTip("The phases of the step: forward layer by layer, the loss, backward layer by "
                                   "layer, the update")
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setMinimumHeight(40)
        self.browser.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.layer_choice = QtWidgets.QComboBox()
        self.layer_choice.setToolTip("The layer whose update is drawn")
        self.update_plots = pg.GraphicsLayoutWidget()
        theme.dark_background(self.update_plots)
        self.update_plots.setMinimumHeight(80)
        self._panels = [MatrixPanel(1, kind) for kind in ("w", "grad_w", "w")]
        for col, panel in enumerate(self._panels):
            self.update_plots.addItem(panel.plot, row=0, col=col)
        bar = QtWidgets.QHBoxLayout()  # the title above the buttons: a narrow dock must not widen the window
        for w in (self.back, self.next, self.done, self.position):
            bar.addWidget(w)
        bar.addStretch(1)
        update_bar = QtWidgets.QHBoxLayout()
        update_bar.addWidget(QtWidgets.QLabel("update of"))
        update_bar.addWidget(self.layer_choice)
        update_bar.addStretch(1)
        self.update_box = QtWidgets.QWidget()
        box = QtWidgets.QVBoxLayout(self.update_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(update_bar)
        box.addWidget(self.update_plots, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(self.phase_list)
        layout.addWidget(self.browser, 3)
        layout.addWidget(self.update_box, 1)
        self.walk = None
        self.index = 0
        self.back.clicked.connect(self.back_requested)
        self.next.clicked.connect(self.next_requested)
        self.done.clicked.connect(self.done_requested)
        self.layer_choice.currentIndexChanged.connect(self._draw_update)
        self.show_walk(None)

    # -- model -> view ------------------------------------------------------------------------------------
    def show_walk(self, walk) -> None:
        """A new step taken apart (``engine.phase_walk.PhaseWalk``), or None: nothing taken apart."""
        self.walk, self.index = walk, 0
        self.phase_list.clear()
        for button in (self.back, self.next, self.done):
            button.setEnabled(walk is not None)
        if walk is None:
            self.title.setText("One step, phase by phase")
            self.position.setText("")
            self.browser.setHtml("<p>Press <b>F9</b> (Train > One step, phase by phase) to take the next training "
                                 "step apart: forward layer by layer, the loss, backward layer by layer (the "
                                 "Jumping Back game) and the update, with their numbers. On a past moment of the "
                                 "timeline it takes apart the step that came next.</p>")
            self.update_box.hide()
            return
        self.title.setText(f"Step {walk.step:,} taken apart")
        self.phase_list.addItems([f"{k + 1}. {p.title}" for k, p in enumerate(walk.phases)])
        blocked = self.layer_choice.blockSignals(True)
        self.layer_choice.clear()
        self.layer_choice.addItems([f"w{l + 1}" for l in range(len(walk.steps.forward))])
        self.layer_choice.blockSignals(blocked)
        self.show_phase(0)

    def show_phase(self, index: int) -> None:
        if self.walk is None:
            return
        self.index = index
        n = len(self.walk)
        self.position.setText(f"phase {index + 1} of {n}")
        self.back.setEnabled(index > 0)
        self.next.setText("Next" if index < n - 1 else "Finish the step")
        self.phase_list.setCurrentRow(index)
        phase = self.walk.phases[index]
        self.browser.setHtml("<pre style='margin:0; white-space:pre-wrap'>" + self._text(phase) + "</pre>")
        self.update_box.setVisible(phase.kind == "update")
        if phase.kind == "update":
            self._draw_update()

    def text(self) -> str:
        return self.browser.toPlainText()

    # -- the numbers ----------------------------------------------------------------------------------------
    def _text(self, phase) -> str:
        p = self.walk.steps
        head = f"<b>{html.escape(phase.title)}</b>\n"
        B = p.X.shape[1]
        first = f"sample {int(p.batch[0])}" + (f" (the first of the batch's {B})" if B > 1 else "")
        if phase.kind == "forward":
            f = p.forward[phase.layer]
            a_name = "x" if phase.layer == 0 else f"a{phase.layer}"
            lines = [head, f"for {first}:"]
            n_out, n_in = f.W.shape
            if n_out <= READABLE and n_in <= READABLE:
                for i in range(n_out):
                    terms = " + ".join(f"{f.W[i, j]:.4g}×{f.a_in[j, 0]:.4g}" for j in range(n_in))
                    lines.append(f"  z[{i}] = {terms} + {f.b[i, 0]:.4g} = {f.z[i, 0]:.6g}   "
                                 f"a[{i}] = {html.escape(f.activation)}(z[{i}]) = {f.a[i, 0]:.6g}")
            else:
                lines.append(f"  w{phase.layer + 1} is {n_out}x{n_in}: too large to write every sum out; its "
                             f"heatmap shows it")
                lines.append(f"  {a_name} = {_vec(f.a_in[:, 0])}")
                lines.append(f"  z{phase.layer + 1} = {_vec(f.z[:, 0])}")
                lines.append(f"  a{phase.layer + 1} = {_vec(f.a[:, 0])}")
            return "\n".join(lines)
        if phase.kind == "loss":
            lines = [head, f"loss of the batch ({B} sample{'s' if B > 1 else ''}) = {p.loss:.10g}",
                     f"y_hat ({first}) = {_vec(p.forward[-1].a[:, 0])}", f"y     ({first}) = {_vec(p.Y[:, 0])}"]
            if p.fused:
                lines.append(f"dL/dz (the loss and the output activation crossed at once) = "
                             f"{_vec(p.backward[0].delta[:, 0])}")
            elif p.dL_dyhat is not None:
                lines.append(f"dL/dy_hat = {_vec(p.dL_dyhat[:, 0])}")
            return "\n".join(lines)
        if phase.kind == "backward":
            b = next(x for x in p.backward if x.layer == phase.layer)
            l = phase.layer + 1
            lines = [head, f"for {first}:"]
            if b.dL_da is not None:
                lines.append(f"  dL/da{l}  = {_vec(b.dL_da[:, 0])}")
            if b.f_prime is not None:
                lines.append(f"  f'(z{l})   = {_vec(b.f_prime[:, 0])}")
            lines.append(f"  delta{l}   = {_vec(b.delta[:, 0])}")
            lines.append(f"dW{l} = delta{l} · {'x' if l == 1 else f'a{l - 1}'}^T over the batch: {b.dW.shape[0]}x"
                         f"{b.dW.shape[1]}, in the grad w{l} heatmap (filled in now)")
            lines.append(f"db{l} = delta{l} summed over the batch = {_vec(b.db[:, 0])}")
            return "\n".join(lines)
        u = p.update
        hyper = ", ".join(f"{k} {v:g}" for k, v in u.hyper.items())
        state = ", ".join(sorted(k for k in u.state_after if k != "t")) or "none"
        return "\n".join([head, html.escape(u.formula), f"hyperparameters: {hyper}",
                          f"optimizer state: {state}", f"loss of the batch: before {p.loss:.10g}, "
                          f"after the update {p.loss_after:.10g}",
                          "below: W before, the update, W after, of the layer chosen"])

    def _draw_update(self, *_) -> None:
        if self.walk is None:
            return
        l = max(self.layer_choice.currentIndex(), 0)
        u = self.walk.steps.update
        for panel, data, title in zip(self._panels, (u.W_before[l], u.update_W[l], u.W_after[l]),
                                      (f"w{l + 1} before", f"update of w{l + 1}", f"w{l + 1} after")):
            panel.configure(title, data.shape)
            panel.show(data, settle=True)

    def update_images(self) -> list[np.ndarray]:
        """What the three update heatmaps show: W before, the update, W after."""
        return [panel.image.image for panel in self._panels]
