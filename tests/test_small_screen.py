"""The window on a 1024x768 screen (and 1280x800): the plots in the middle get the room, and the dock tabs read
whole (short titles where the full ones do not fit, the full one in the View menu)."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar, QToolBar
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from qt_helpers import layout_passes


def at_size(qtbot, parts, width, height):
    window = parts.window
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    parts.views.size_docks()
    layout_passes()
    return window


def shown_tab_bars(window):
    return [bar for bar in window.findChildren(QTabBar) if bar.isVisible() and bar.count() > 1]


def test_at_1024_the_settings_leave_the_middle_column_the_room(qtbot, lab):
    parts = lab("spiral")  # four hidden layers and the feature toggles: the widest settings of the presets
    window = at_size(qtbot, parts, 1024, 768)
    assert window.settings_dock.width() <= 330
    assert window.centralWidget().width() >= 0.36 * window.width()
    panel = window.config_panel
    assert panel.width() >= panel._body.minimumSizeHint().width()  # and no settings row is cut


@pytest.mark.parametrize("preset", ["digits", "spiral"])
@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_every_dock_tab_reads_whole(qtbot, lab, preset, size):
    parts = lab(preset)
    window = at_size(qtbot, parts, *size)
    qtbot.waitUntil(lambda: parts.views.docks["output"].windowTitle() == "Output")
    bars = shown_tab_bars(window)
    assert bars
    for bar in bars:
        fm = bar.fontMetrics()
        qtbot.waitUntil(lambda b=bar: all(b.tabRect(i).width() >= fm.horizontalAdvance(b.tabText(i)) + 8
                                          for i in range(b.count())), timeout=2000)
    menu = [a.text() for a in window.view_menu.actions()]
    assert "Network graph" in menu and "Gradient health" in menu  # the full titles, whatever the tabs say


def test_the_full_titles_come_back_when_there_is_room(qtbot, lab):
    parts = lab("digits")
    graph = parts.views.docks["graph"]
    at_size(qtbot, parts, 1024, 768)
    qtbot.waitUntil(lambda: graph.windowTitle() == "Graph")
    window = parts.window
    window.resize(1600, 900)
    window.resizeDocks([graph], [700], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: graph.windowTitle() == "Network graph")


def test_at_1024_the_timeline_readout_reads_whole(qtbot, lab):
    parts = lab("spiral")
    window = at_size(qtbot, parts, 1024, 768)
    label = window.timeline.label
    per_epoch = parts.model.steps_per_epoch
    window.timeline.set_run(1000 * per_epoch, per_epoch, 1000)  # what the spiral shows once trained
    assert label.text() == "epoch 1,000 · live"
    qtbot.waitUntil(lambda: label.shown_text() == label.text(), timeout=2000)


def test_a_status_message_stops_short_of_the_epoch_and_loss_fields(qtbot, lab):
    parts = lab("xor")
    window = at_size(qtbot, parts, 1024, 768)
    text = ("Saved the NumPy training script (its weights beside it, in train_script_weights.npz) to "
            "/tmp/user-run/out/train_script.py")
    window.show_info(text)
    bar = window.status
    shown = bar.currentMessage()
    assert shown
    first = min(w.x() for w in (bar.epoch_label, bar.loss_label) if w.isVisible())
    assert bar.fontMetrics().horizontalAdvance(shown) + 8 <= first  # (the message is drawn from x ~ 6)
    assert shown.endswith("…") and text.startswith(shown[:-1])
    assert bar.message() == text  # the whole of it, for who asks


def test_the_toolbar_buttons_stay_put_when_train_becomes_pause(qtbot, lab):
    parts = lab("xor")
    window = parts.window
    transport = window.transport
    toolbar = window.findChild(QToolBar, "trainingToolbar")
    step = toolbar.widgetForAction(transport.step)
    before = step.x()
    transport.set_running(True)
    layout_passes()
    assert transport.train_pause.text() == "&Pause"
    assert step.x() == before
    transport.set_running(False)
    layout_passes()
    assert step.x() == before


def test_a_wide_layout_made_narrow_gives_the_middle_column_its_room_back(qtbot, lab):
    """A layout from a 1280 px screen (the Settings dock widened by a preset, the right column at its 440 px)
    on a 1024 px one: the docks kept their widths and the timeline's slider was left 15-40 px."""
    from app.views import CENTRE_MIN_PX
    parts = lab("spiral")
    window = parts.window
    at_size(qtbot, parts, 1280, 800)
    window.resizeDocks([window.settings_dock, parts.views.docks["output"]], [358, 440], Qt.Orientation.Horizontal)
    layout_passes()
    window.resize(1024, 768)  # (not at_size: its size_docks would lay the docks out afresh)
    qtbot.waitUntil(lambda: window.width() == 1024)
    layout_passes()
    qtbot.waitUntil(lambda: window.centralWidget().width() >= CENTRE_MIN_PX)
    assert window.timeline.slider.width() >= 60
    for dock in (window.settings_dock, parts.views.docks["output"]):  # each gave way, none past its minimum
        assert dock.width() >= dock.minimumSizeHint().width()
