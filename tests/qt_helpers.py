"""Helpers the window tests share."""
from PySide6.QtCore import QtMsgType


def wait_snapshot(qtbot, controller, predicate, timeout=10000):
    """The first snapshot of the current network that satisfies ``predicate``, the one already shown included."""
    last = controller.last_snapshot
    if last is not None and last.generation == controller.generation and predicate(last):
        return last
    with qtbot.waitSignal(controller.snapshot_shown, timeout=timeout, check_params_cb=predicate) as blocker:
        pass
    return blocker.args[0]


def qt_problems(qtlog):
    """Qt warnings, criticals and fatals pytest-qt captured."""
    return [r.message for r in qtlog.records if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg,
                                                           QtMsgType.QtFatalMsg)]


def shown(qtbot, widget, width: int, height: int):
    """``widget`` resized, owned by qtbot, shown and exposed (so it has really been laid out and painted)."""
    widget.resize(width, height)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def settle(qtbot, parts):
    """Let the window finish rebuilding for its last network (a turn of the event loop later): a rebuild left
    pending would run during whichever test comes next."""
    heatmaps = parts.window.heatmaps  # which builds the rows out of view on later turns of the loop
    qtbot.waitUntil(lambda: not parts.window._rebuild_timer.isActive() and not heatmaps.pending_rows()
                    and heatmaps.n_layers() == len(parts.controller.config.layers) - 1)


def layout_passes(passes: int = 3) -> None:
    """Deliver the posted events (layout requests, deferred resizes) a few times over, so the layouts they start
    are done: deterministic, where a wait of some milliseconds would only hope they are."""
    from PySide6.QtWidgets import QApplication
    for _ in range(passes):
        QApplication.sendPostedEvents()
        QApplication.processEvents()
