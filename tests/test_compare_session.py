"""The runs kept for comparison are part of the session's document (app/session_pinned.py): keeping, removing,
ticking one or a variant finishing is an unsaved change, so closing asks; saving writes them to the sidecar
(run.pinned.npz) and opening brings them back without marking the run changed."""
import gc
import weakref

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from compare_helpers import keep, panel
from session_helpers import isolated, open_lab, save, step  # noqa: F401  (isolated: fixture)

from engine.pinned import load_pinned, sidecar_path

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")


def saved_lab(qtbot, lab, path):
    """Two epochs, saved to ``path``: a clean session with a file."""
    step(qtbot, lab, 2)
    save(qtbot, lab, path)
    assert not lab.session.is_dirty()
    return lab


def test_keeping_a_run_is_an_unsaved_change_and_closing_asks(qtbot, lab, tmp_path):
    saved_lab(qtbot, lab, tmp_path / "run.npz")
    keep(qtbot, lab)
    assert lab.session.is_dirty() and lab.window.windowTitle().startswith("run.npz*")
    lab.answers.append("cancel")
    assert lab.window.close() is False and lab.window.isVisible()
    assert len(lab.questions) == 1 and "runs kept for comparison" in lab.questions[0]
    assert len(lab.controller.model.pinned) == 1  # nothing lost
    # Save: the run and its sidecar are written, then the window closes
    lab.answers.append("save")
    assert lab.window.close() is False
    qtbot.waitUntil(lambda: not lab.window.isVisible(), timeout=10_000)
    assert len(load_pinned(tmp_path / "run.npz")) == 1

    other = open_lab(qtbot, tmp_path / "settings2.ini", views=True, preset="tutorial")
    other.open_paths.append(str(tmp_path / "run.npz"))
    other.window.file_menu.open_action.trigger()
    assert len(other.controller.model.pinned) == 1 and panel(other).labels() == ["same config (2 epochs)"]
    assert not other.session.is_dirty()  # the runs read with the file are what it holds, not a change
    assert other.window.close() is True and other.questions == []


def test_ticking_removing_and_a_finished_variant_are_unsaved_changes(qtbot, lab, tmp_path):
    saved_lab(qtbot, lab, tmp_path / "run.npz")
    keep(qtbot, lab)
    save(qtbot, lab, tmp_path / "run.npz")
    assert not lab.session.is_dirty() and len(load_pinned(tmp_path / "run.npz")) == 1

    panel(lab).list.item(0).setCheckState(Qt.CheckState.Unchecked)  # the user unticks it
    assert lab.session.is_dirty()
    panel(lab).list.item(0).setCheckState(Qt.CheckState.Checked)  # and ticks it again: as saved
    assert not lab.session.is_dirty()

    panel(lab).list.setCurrentRow(0)
    panel(lab).remove_button.click()
    assert lab.controller.model.pinned == [] and lab.session.is_dirty()
    save(qtbot, lab, tmp_path / "run.npz")
    assert not lab.session.is_dirty() and not sidecar_path(tmp_path / "run.npz").exists()

    p = panel(lab)
    p.field_combo.setCurrentIndex(p.field_combo.findData("learning_rate"))
    p.value_edit.setText("0.5")
    with qtbot.waitSignal(lab.controller.model.pinned_changed, timeout=30_000):
        p.variant_button.click()
    assert lab.session.is_dirty()
    lab.answers.append("cancel")
    assert lab.window.close() is False and len(lab.questions) == 1


def test_runs_kept_into_a_new_run_are_not_saved_anywhere(qtbot, lab):
    step(qtbot, lab, 1)
    keep(qtbot, lab)
    lab.answers.append("discard")  # the training is discarded; the runs kept stay in the Compare dock
    assert lab.session.choose_preset("circles")
    qtbot.waitUntil(lambda: lab.controller.preset == "circles")
    assert len(lab.controller.model.pinned) == 1 and lab.session.is_dirty()
    lab.answers.append("cancel")
    assert lab.window.close() is False and len(lab.questions) == 2


def test_runs_that_cannot_be_saved_stay_unsaved_and_the_window_stays_open(qtbot, lab, tmp_path):
    saved_lab(qtbot, lab, tmp_path / "run.npz")
    keep(qtbot, lab)
    sidecar_path(tmp_path / "run.npz").mkdir()  # a folder where the sidecar goes: it cannot be written
    lab.answers.append("save")
    with qtbot.waitSignal(lab.session.run_saved, timeout=10_000):
        assert lab.window.close() is False
    assert lab.window.isVisible() and lab.session.is_dirty()
    assert "Saved the run, but not the runs kept for comparison" in lab.window.banner.text()


def test_a_closed_window_with_the_compare_dock_is_freed(qtbot, tmp_path):
    """The session's part holds the window; nothing through C++ keeps it alive once closed."""
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")
    saved_lab(qtbot, lab, tmp_path / "run.npz")
    window = weakref.ref(lab.window)
    assert lab.window.close()
    del lab
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert window() is None
