"""Compare runs in the window (issue 12): the Compare dock and the overlay on the loss plot, fed from the run
model's pinned runs; the pinned runs are a part of the session's document (app/session_pinned.py: saved in the
run's sidecar, read when it is opened, an unsaved change until then).
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
    """Draws ``model.pinned`` in the Compare dock and on the loss plot."""

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
    m.variant_changed.connect(panel.set_variant)
    w.about_to_close.connect(c.cancel_variant)
    session = getattr(parts, "session", None)
    if session is not None:
        from app.session_pinned import PinnedPart
        session.add_part(PinnedPart(w, m, c))
    wiring.refresh()
    return wiring
