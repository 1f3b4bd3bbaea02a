"""Compare runs in the window (issue 12): the Compare dock and the overlay on the loss plot, fed from the run
model's pinned runs, and the pinned runs kept with a saved run in its sidecar (``engine.pinned``:
``run.npz`` -> ``run.pinned.npz``), written when the run is saved and read when it is opened.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from ui.compare_panel import ComparePanel
from ui.pinned_overlay import PinnedOverlay


def left_dock(window, title: str, widget) -> QDockWidget:
    """A dock tabbed behind Settings on the left (the views on the right keep their tabs), in the View menu."""
    dock = QDockWidget(title, window)
    dock.setObjectName("view-" + title.lower())
    dock.setWidget(widget)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.tabifyDockWidget(window.settings_dock, dock)
    window.settings_dock.raise_()
    window.view_menu.addAction(dock.toggleViewAction())
    return dock


class CompareWiring(QObject):
    """Draws ``model.pinned`` in the Compare dock and on the loss plot; saves and loads the sidecar."""

    def __init__(self, window, model, controller):
        super().__init__(window)
        self.window, self.model, self.controller = window, model, controller
        self.panel = ComparePanel()
        self.dock = left_dock(window, "Compare", self.panel)
        self.overlay = PinnedOverlay(window.loss_plot)

    def refresh(self, *_) -> None:
        m = self.model
        labels = m.pinned_labels()
        self.overlay.set_runs(m.pinned, labels)
        self.panel.set_runs(labels, [run.shown for run in m.pinned])

    def save_sidecar(self, path: str) -> None:
        """After the run was saved to ``path``: its pinned runs beside it (an old sidecar goes when none)."""
        from engine.pinned import save_pinned, sidecar_path
        try:
            save_pinned(path, self.model.pinned)
        except OSError as err:
            self.window.show_problem(f"Saved the run, but not the runs kept for comparison to "
                                     f"{sidecar_path(path)}: {err.strerror or err}")

    def load_sidecar(self, path: str) -> None:
        """After the run in ``path`` was opened: the runs kept with it (none when it has no sidecar)."""
        from engine.pinned import load_pinned
        from engine.validation import ConfigError
        try:
            runs = load_pinned(path)
        except ConfigError as err:
            self.window.show_problem(f"Opened the run, but not the runs kept for comparison: {err}")
            runs = []
        self.controller.set_pinned_runs(runs)


def wire_compare(parts) -> CompareWiring:
    """Connect the Compare dock, the overlay and the sidecar; called once from ``app.gui.assemble``."""
    w, m, c = parts.window, parts.model, parts.controller
    wiring = CompareWiring(w, m, c)
    panel = wiring.panel
    panel.keep_requested.connect(c.keep_for_comparison)
    panel.shown_toggled.connect(c.set_pinned_shown)
    panel.remove_requested.connect(c.remove_pinned)
    panel.variant_requested.connect(c.run_variant)
    panel.cancel_variant_requested.connect(c.cancel_variant)
    m.pinned_changed.connect(wiring.refresh)
    m.config_changed.connect(wiring.refresh)  # the labels say what differs from the config in force
    m.network_changed.connect(wiring.refresh)
    m.variant_changed.connect(panel.set_variant)
    w.about_to_close.connect(c.cancel_variant)
    session = getattr(parts, "session", None)
    if session is not None:
        session.run_saved.connect(wiring.save_sidecar)
        session.run_opened.connect(wiring.load_sidecar)
    wiring.refresh()
    return wiring
