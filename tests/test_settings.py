"""What the app remembers (app/settings.py), in an isolated settings file: window geometry and docks, the last
session, recent files, the last preset, presenter mode; restored by a new window as a restart would."""
import os

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from session_helpers import isolated, open_lab, save, step  # noqa: F401  (isolated: fixture)

from app import settings as keys
from engine.savefile import load_run

pytestmark = pytest.mark.usefixtures("isolated")


def restart(qtbot, lab, settings_file, **start):
    """Close ``lab``'s window as the user would, then launch again on the same settings."""
    assert lab.window.close()
    return open_lab(qtbot, settings_file, **start)


def test_everything_is_restored_after_a_restart(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file)
    assert lab.controller.preset == "tutorial"  # first launch: the tutorial
    lab.session.choose_preset("moons")
    step(qtbot, lab, 2)
    save(qtbot, lab, tmp_path / "moons run.npz")
    lab.window.resize(800, 590)  # within the offscreen platform's 800x600 screen (restoring keeps to it)
    lab.window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, lab.window.settings_dock)
    lab.window.presenter.action.trigger()
    base_size = QApplication.font().pointSizeF() / 1.5
    lab.window.presenter.section_actions["Data"].setChecked(True)
    size = lab.window.size()

    again = restart(qtbot, lab, file)
    assert again.session.path == str(tmp_path / "moons run.npz")  # the last session, reopened
    assert again.window.windowTitle() == "moons run.npz \u2014 Backprop Lab" and not again.session.is_dirty()
    assert again.session.recent == [str(tmp_path / "moons run.npz")]
    assert again.window.file_menu.recent_paths() == again.session.recent
    assert again.window.size() == size
    assert again.window.dockWidgetArea(again.window.settings_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert again.window.presenter.is_enabled() and again.window.presenter.action.isChecked()
    assert QApplication.font().pointSizeF() == pytest.approx(1.5 * base_size)
    assert again.window.presenter.shown_sections() == ["Preset", "Network", "Training", "Data"]
    assert not again.window.config_panel.sections()["Initialisation"].isVisibleTo(again.window)
    again.answers.append("discard")
    again.session.new()
    assert again.controller.preset == "moons"  # New starts from the last preset
    again.window.presenter.set_enabled(False)
    assert QApplication.font().pointSizeF() == pytest.approx(base_size)


def test_a_last_file_that_is_gone_falls_back_to_the_last_preset(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file, preset="spiral")
    save(qtbot, lab, tmp_path / "gone.npz")
    again = restart(qtbot, lab, file)
    assert again.session.path == str(tmp_path / "gone.npz")
    os.remove(tmp_path / "gone.npz")
    third = restart(qtbot, again, file)
    assert third.session.path is None and third.controller.preset == "spiral"
    assert third.window.windowTitle() == "Spiral \u2014 Backprop Lab"


def test_an_untitled_session_is_not_reopened_as_a_file(qtbot, tmp_path):
    file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, file, preset="blobs")
    save(qtbot, lab, tmp_path / "b.npz")
    lab.session.new()  # back to an unsaved preset: that is the last session now
    again = restart(qtbot, lab, file)
    assert again.session.path is None and again.controller.preset == "blobs"
    assert again.session.recent == [str(tmp_path / "b.npz")]


def test_recent_files_newest_first_at_most_eight_and_missing_ones_pruned_with_a_message(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor")
    paths = [tmp_path / f"run{i}.npz" for i in range(10)]
    for p in paths:
        save(qtbot, lab, p)
    expected = [str(p) for p in reversed(paths)][:keys.MAX_RECENT]
    assert lab.session.recent == expected
    assert keys.read_list(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                          keys.RECENT) == expected
    menu = lab.window.file_menu.recent_menu
    assert [a.text() for a in menu.actions() if a.data()][:2] == ["&1 run9.npz", "&2 run8.npz"]
    os.remove(paths[5])
    [a for a in menu.actions() if a.data() == str(paths[5])][0].trigger()
    assert str(paths[5]) not in lab.session.recent and len(lab.session.recent) == keys.MAX_RECENT - 1
    assert "run5.npz is no longer there" in lab.window.banner.text()
    assert lab.session.path == str(paths[9])  # the session is untouched
    [a for a in menu.actions() if a.data() == str(paths[3])][0].trigger()  # an existing one opens
    assert lab.session.path == str(paths[3]) and lab.session.recent[0] == str(paths[3])
    assert load_run(paths[3]).epoch == 0
    [a for a in menu.actions() if a.text() == "&Clear list"][0].trigger()
    assert lab.session.recent == [] and lab.window.file_menu.recent_paths() == []


def test_the_environment_variable_names_the_settings_file(tmp_path, monkeypatch):
    monkeypatch.setenv(keys.ENV_FILE, str(tmp_path / "classroom.ini"))
    settings = keys.open_settings()
    keys.write(settings, keys.LAST_PRESET, "xor")
    assert (tmp_path / "classroom.ini").is_file()
    monkeypatch.delenv(keys.ENV_FILE)
    default = keys.open_settings()
    assert default.fileName().startswith(str(tmp_path / "config"))  # the isolated platform location
    assert keys.read_str(default, keys.LAST_PRESET) == ""


def test_runs_that_quit_by_themselves_keep_no_settings(qtbot, tmp_path):
    from app.gui import assemble
    from ui.main_window import MainWindow
    window = MainWindow()
    qtbot.addWidget(window)
    session = assemble(window, None, confirm_close=False, views=False).session
    session.start(preset="xor")
    window.transport.step.trigger()
    qtbot.waitUntil(lambda: session.is_dirty())
    assert window.close()  # no question, no settings
    assert not (tmp_path / "config").exists() or not any((tmp_path / "config").rglob("*.conf"))


def test_the_pace_chosen_is_remembered_per_preset(qtbot, isolated):
    from session_helpers import open_lab
    lab = open_lab(qtbot, isolated / "settings.ini", preset="xor")
    window, model = lab.window, lab.controller.model
    assert model.pace is None  # a batched preset opens at full speed
    window.pace.pace_chosen.emit(50.0)
    lab.session.choose_preset("tutorial")
    assert model.pace == 500  # the tutorial's own pace
    lab.session.choose_preset("xor")
    assert model.pace == 50 and window.pace.pace() == 50
    window.close()
    again = open_lab(qtbot, isolated / "settings.ini", preset="xor")  # and after a restart
    assert again.controller.model.pace == 50


def test_the_replay_memory_is_a_setting_that_bounds_the_keyframes(qtbot, isolated):
    from session_helpers import open_lab, wait_snapshot
    lab = open_lab(qtbot, isolated / "settings.ini", preset="xor")
    lab.window.replay_actions[64].trigger()  # Train > Replay memory > 64 MB
    assert lab.controller.replay_budget == 64 * 2**20
    lab.window.close()
    again = open_lab(qtbot, isolated / "settings.ini", preset="xor")
    assert again.controller.replay_budget == 64 * 2**20 and again.window.replay_actions[64].isChecked()
    again.controller.train()
    wait_snapshot(qtbot, again.controller, lambda s: s.steps > 100)
    again.controller.pause()
    # the trainer the worker trains keeps its keyframes within that budget
    trainer = again.controller._host.worker._trainer
    assert trainer.keyframes.budget_bytes == 64 * 2**20
