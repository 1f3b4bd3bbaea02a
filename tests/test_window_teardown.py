"""A window dropped without being closed (a test's, a script's) is collected by the garbage collector without an
error or a crash: the helpers that watch its docks and buttons (ui/dock_titles.py, ui/transport.py SteadyWidth,
the digits view) outlive their Python attributes quietly."""
import gc

from app.gui import assemble
from ui.main_window import MainWindow
from qt_helpers import layout_passes


def test_a_window_collected_by_the_garbage_collector_raises_nothing(qtbot):
    window = MainWindow()
    parts = assemble(window, session=False)
    parts.controller.load_preset("digits")  # the digits dock too
    window.resize(1024, 768)  # short tab titles
    window.show()
    qtbot.waitExposed(window)
    parts.views.size_docks()
    qtbot.waitUntil(lambda: parts.views.docks["graph"].windowTitle() == "Graph")
    parts.controller.shutdown()
    del parts, window
    gc.collect()  # pytest-qt fails the test on an exception raised in an event filter meanwhile
    layout_passes()  # the events the dead window's filters would see
