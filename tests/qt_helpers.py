"""Helpers the window tests share."""


def wait_snapshot(qtbot, controller, predicate, timeout=5000):
    """The first snapshot of the current network that satisfies ``predicate``, the one already shown included."""
    last = controller.last_snapshot
    if last is not None and last.generation == controller.generation and predicate(last):
        return last
    with qtbot.waitSignal(controller.snapshot_shown, timeout=timeout, check_params_cb=predicate) as blocker:
        pass
    return blocker.args[0]
