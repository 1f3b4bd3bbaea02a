"""The Loss landscape dock in the window (issue 12): Compute asks the controller for the slice through the
weights of the moment shown; the model's result and progress are drawn; with "While training" ticked, it is
recomputed at a low rate (AUTO_SECONDS) while the run trains, never two at a time.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app.compare_wiring import left_dock
from ui.landscape_view import LandscapeView

AUTO_SECONDS = 10  # a 41 x 41 grid takes ~1 s of one core on spiral: a tenth of the machine at most


class LandscapeWiring(QObject):
    def __init__(self, window, model, controller):
        super().__init__(window)
        self.model, self.controller = model, controller
        self.view = LandscapeView()
        self.dock = left_dock(window, "Loss landscape", self.view)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_SECONDS * 1000)
        self.timer.timeout.connect(self.auto_compute)
        self._busy = False

    def set_auto(self, on: bool) -> None:
        if on:
            self.timer.start()
        else:
            self.timer.stop()

    def auto_compute(self) -> None:
        if self.model.running and not self._busy and self.dock.isVisible():
            self.controller.compute_landscape(self.view.method())

    def on_progress(self, done: int, total: int) -> None:
        self._busy = total > 0
        self.view.show_progress(done, total)

    def forget(self, *_) -> None:
        """A new network: the old slice is of other weights."""
        self.controller.cancel_landscape()
        self.view.show_landscape(None)


def wire_landscape(parts) -> LandscapeWiring:
    w, m, c = parts.window, parts.model, parts.controller
    wiring = LandscapeWiring(w, m, c)
    view = wiring.view
    view.compute_requested.connect(c.compute_landscape)
    view.cancel_requested.connect(c.cancel_landscape)
    view.auto_toggled.connect(wiring.set_auto)
    m.landscape_changed.connect(view.show_landscape)
    m.landscape_progress.connect(wiring.on_progress)
    m.network_changed.connect(wiring.forget)
    w.about_to_close.connect(c.cancel_landscape)
    return wiring
