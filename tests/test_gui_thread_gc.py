"""Reference cycles are collected on the GUI thread only, once the training thread runs beside the window: the
garbage of closed windows and rebuilt plots holds Qt objects whose destructors must not run on the training
thread while the GUI thread paints (a crash, or a deadlock between the GIL and a Qt lock; ui/gui_thread_gc.py)."""
import gc
import threading

import pytest
from session_helpers import isolated, open_lab, wait_snapshot  # noqa: F401  (isolated: fixture)

from ui import gui_thread_gc

pytestmark = pytest.mark.usefixtures("isolated")


class Cycle:
    """Part of a reference cycle; says on which thread it was finalised."""

    def __init__(self, where: list):
        self.where, self.me = where, self

    def __del__(self):
        self.where.append(threading.current_thread())


def test_cycles_made_while_training_are_collected_on_the_gui_thread(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="spiral")  # unit maps on: the
    # training thread allocates with every snapshot
    assert gui_thread_gc.installed() and not gc.isenabled()
    where: list = []
    lab.window.transport.train_pause.trigger()
    wait_snapshot(qtbot, lab.controller, lambda s: s.status == "running")
    for k in range(40):
        Cycle(where)  # unreachable at once, freed only by the cycle collector
        if k % 10 == 9:
            wait_snapshot(qtbot, lab.controller, lambda s: s.status == "running" and s.steps > 0)
    qtbot.waitUntil(lambda: len(where) == 40, timeout=10_000)  # collected by the timer, not never
    lab.window.transport.train_pause.trigger()
    assert set(where) == {threading.main_thread()}

