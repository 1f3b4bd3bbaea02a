"""Docks only some data needs (ui/data_docks.py): the dataset of the session shows or hides them, whatever
layout the last session left in the settings."""
import pytest
from session_helpers import isolated, open_lab  # noqa: F401  (isolated: fixture)

pytestmark = pytest.mark.usefixtures("isolated")


def digits_dock(lab):
    return lab.window.see_inside.docks["digits"]


def wait_in_front(qtbot, dock):
    """Until ``dock`` is the tab in front of its group (not merely shown behind another); fails if it never is."""
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty(), timeout=3000)


def relaunch(qtbot, lab, settings_file, preset):
    assert lab.window.close()  # saves the layout, as quitting does
    return open_lab(qtbot, settings_file, views=True, preset=preset)


def test_digits_after_a_session_without_images_shows_its_dock_in_front(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file, views=True, preset="xor")
    assert digits_dock(lab).isHidden()
    lab = relaunch(qtbot, lab, file, "digits")
    dock = digits_dock(lab)
    assert not dock.isHidden() and dock.toggleViewAction().isChecked()
    wait_in_front(qtbot, dock)


def test_xor_after_a_digits_session_hides_the_digits_and_shows_the_output(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file, views=True, preset="digits")
    wait_in_front(qtbot, digits_dock(lab))
    lab = relaunch(qtbot, lab, file, "xor")
    assert digits_dock(lab).isHidden() and not digits_dock(lab).toggleViewAction().isChecked()
    wait_in_front(qtbot, lab.window.see_inside.docks["output"])


def test_a_restored_layout_keeps_the_tab_the_user_chose_when_the_data_agrees(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file, views=True, preset="spiral")
    graph = lab.window.see_inside.docks["graph"]
    graph.raise_()
    wait_in_front(qtbot, graph)
    lab = relaunch(qtbot, lab, file, "moons")
    assert digits_dock(lab).isHidden()
    wait_in_front(qtbot, lab.window.see_inside.docks["graph"])
