"""The Compare dock of a window opened with session_helpers.open_lab: find it, keep the run shown."""
from ui.compare_panel import ComparePanel


def panel(lab) -> ComparePanel:
    return lab.window.findChild(ComparePanel)


def keep(qtbot, lab) -> None:
    """Keep for comparison, and wait until the worker's copy is pinned."""
    with qtbot.waitSignal(lab.controller.model.pinned_changed, timeout=10_000):
        panel(lab).keep_button.click()
