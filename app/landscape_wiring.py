"""The Loss landscape dock in the window (issue 12): Compute asks the controller for the slice through the
weights of the moment shown; the model's result and progress are drawn; with "While training" ticked, it is
computed as the run starts, then at a low rate (AUTO_SECONDS) while it trains, never two at a time, and once
more where it stops.

Once the user asked for a landscape of this network, it follows the moment shown: a scrub of the timeline, a
click on the loss curve or a step while paused cancels the slice being computed (its moment is no longer
shown), moves the star to where the new moment's weights are on the map shown, and once the moment has stayed
put for FOLLOW_MS (a scrub sends dozens), recomputes the slice around it, with the path up to it (while the
dock is hidden, once it is shown again). Live frames while the run trains do not: that is what "While
training" is for.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app.compare_wiring import left_dock
from ui.landscape_view import LandscapeView

AUTO_SECONDS = 10  # a 41 x 41 grid takes ~1 s of one core on spiral: a tenth of the machine at most
FOLLOW_MS = 300  # a moment shown this long without another one gets its own slice: one job per scrub, not 30
SEEN_POLL_MS = 400  # a slice due for a hidden dock: how often to look whether its tab came to the front


class LandscapeWiring(QObject):
    def __init__(self, window, model, controller):
        super().__init__(window)
        self.model, self.controller = model, controller
        self.view = LandscapeView()
        self.dock = left_dock(window, "Loss landscape", self.view)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_SECONDS * 1000)
        self.timer.timeout.connect(self.auto_compute)
        self.follow_timer = QTimer(self)
        self.follow_timer.setSingleShot(True)
        self.follow_timer.setInterval(FOLLOW_MS)
        self.follow_timer.timeout.connect(self._follow_due)
        # a slice due while the dock is hidden: is it in front yet? Polled by a timer of its own, not signalled:
        # this object is destroyed before the dock (created first), and the dock's visibilityChanged on its way
        # out raised "Slot 'LandscapeWiring::' not found" in a whole-suite run, as a closed window was deleted
        self.seen_timer = QTimer(self)
        self.seen_timer.setSingleShot(True)
        self.seen_timer.setInterval(SEEN_POLL_MS)
        self.seen_timer.timeout.connect(self._when_seen)
        self._busy = False
        self.following = False  # the user asked for a landscape of this network: other moments get theirs
        self._asked_step: int | None = None  # the step of the slice shown or being computed
        self._due = False  # a moment stayed put long enough: compute as soon as its frame is drawn

    def set_auto(self, on: bool) -> None:
        if on:
            self.timer.start()
            self.auto_compute()  # (ticked while the run trains: a slice now, not in AUTO_SECONDS)
        else:
            self.timer.stop()

    def on_running(self, running: bool) -> None:
        """With "While training": a slice as the run starts (a run at full speed may be over before the first
        tick), and, for any landscape asked for, one of where the run stopped."""
        if running and self.timer.isActive():
            self.auto_compute()
        elif not running and self.following and self.model.phases is None:
            self._moved()

    def compute(self, method: str | None = None) -> bool:
        """The slice of the moment shown (Compute, the low-rate timer, a moment followed)."""
        frame = self.model.frame
        if not self.controller.compute_landscape(method or self.view.method()):
            return False
        self.following, self._asked_step, self._due = True, frame.step, False
        return True

    def cancel(self) -> None:
        """Cancel: the slice being computed stops, and other moments no longer get theirs until Compute."""
        self.following = self._due = False
        self.follow_timer.stop()
        self.controller.cancel_landscape()

    def auto_compute(self) -> None:
        if self.model.running and not self._busy and self.seen():
            self.compute()

    def on_progress(self, done: int, total: int) -> None:
        self._busy = total > 0
        self.view.show_progress(done, total)

    def forget(self, *_) -> None:
        """A new network: the old slice is of other weights, and the new one has none asked for yet."""
        self.following = self._due = False
        self.follow_timer.stop()
        self.controller.cancel_landscape()
        self.view.show_landscape(None)

    # -- following the moment shown -----------------------------------------------------------------------
    def on_moment(self, step) -> None:
        """Another moment chosen (a past step, or live again): its slice once the user stops moving it."""
        if self.following and self.model.phases is None:
            self._moved()

    def on_frame(self, frame) -> None:
        m = self.model
        if not self.following or m.phases is not None or frame.generation != m.generation:
            return
        if m.moment is None and m.running:
            return  # live training: "While training" recomputes at its own low rate
        self._place_star(frame)
        if frame.step == self._asked_step:
            return
        if self._due:
            if self._is_moment_shown(frame):  # the moment the user stopped at, replayed by the worker
                self._compute_followed()
            return
        if m.moment is None and not self.follow_timer.isActive():
            self._moved()  # a step taken while paused: a new live moment

    def _moved(self) -> None:
        self.controller.cancel_landscape()  # of a moment no longer shown
        shown = self.view.landscape
        self._asked_step = None if shown is None else shown.step  # (the one asked for was cancelled)
        self._due = False
        self.follow_timer.start()  # (restarted: a scrub computes once, when it ends)

    def _follow_due(self) -> None:
        self._due = True
        frame = self.model.frame
        if frame is not None and self._is_moment_shown(frame) and frame.step != self._asked_step:
            self._compute_followed()  # else once the worker has replayed the moment (on_frame)

    def _compute_followed(self) -> None:
        """The slice of the moment followed: now if the dock can be seen, else once it is (``seen_timer``):
        the maps of a hidden dock would only load the machine."""
        if self.seen():
            self.compute()
        else:
            self.seen_timer.start()  # (looked at again, not signalled: see __init__)

    def seen(self) -> bool:
        """Whether the map can be seen: the dock shown and its tab in front (a dock in a tab behind another
        stays isVisible(); only its visible region says it is covered)."""
        return self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()

    def _when_seen(self) -> None:
        if self.following and self._due:
            self._follow_due()

    def _is_moment_shown(self, frame) -> bool:
        m = self.model
        return frame.generation == m.generation and (frame.step == m.moment if m.moment is not None else frame.live)

    def draw_pinned(self, *_) -> None:
        """The paths of the runs kept for comparison (shown, of the same layers) on the slice shown."""
        from engine.landscape import project
        from ui.pinned_overlay import pinned_color
        shown, config = self.view.landscape, self.model.config
        paths = []
        if shown is not None and config is not None:
            for i, run in enumerate(self.model.pinned):
                if run.shown and run.path is not None and tuple(run.config.layers) == tuple(config.layers):
                    paths.append((project(run.path, shown.center, shown.d1, shown.d2), pinned_color(i)))
        self.view.show_pinned(paths)

    def _place_star(self, frame) -> None:
        from engine.validation import ConfigError
        shown = self.view.landscape
        if shown is None:
            return
        try:
            point = shown.locate(frame.weights, frame.biases)
        except ConfigError:  # (a network of another size: forget() clears the map with it)
            point = None
        self.view.show_moment(point, frame.step)


def wire_landscape(parts) -> LandscapeWiring:
    w, m, c = parts.window, parts.model, parts.controller
    wiring = LandscapeWiring(w, m, c)
    view = wiring.view
    view.compute_requested.connect(wiring.compute)
    view.cancel_requested.connect(wiring.cancel)
    view.auto_toggled.connect(wiring.set_auto)
    m.landscape_changed.connect(view.show_landscape)
    m.landscape_changed.connect(wiring.draw_pinned)  # (after the map: on its directions)
    m.pinned_changed.connect(wiring.draw_pinned)
    m.landscape_progress.connect(wiring.on_progress)
    m.network_changed.connect(wiring.forget)
    m.moment_changed.connect(wiring.on_moment)
    m.running_changed.connect(wiring.on_running)
    m.frame_changed.connect(wiring.on_frame)
    w.about_to_close.connect(c.cancel_landscape)
    return wiring
