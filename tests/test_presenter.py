"""Presenter mode: larger fonts, thicker loss curves, only the lesson's settings; remembered in the settings."""
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from session_helpers import isolated, open_lab, step  # noqa: F401  (isolated: fixture)

from app import settings as keys
from ui.presenter import FONT_SCALE, PEN_SCALE

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="vanishing")
    yield lab
    lab.window.presenter.set_enabled(False)  # whatever a test left, the next one gets the normal font


def curve_widths(window):
    return [c.opts["pen"].widthF() for c in window.loss_plot.plot_item.listDataItems()]


def visible_sections(window):
    return [name for name, box in window.config_panel.sections().items() if box.isVisibleTo(window)]


def test_presenter_mode_enlarges_thickens_and_hides_what_the_lesson_does_not_use(qtbot, lab, tmp_path):
    window, presenter = lab.window, lab.window.presenter
    step(qtbot, lab, 2)
    font, widths = QApplication.font().pointSizeF(), curve_widths(window)
    assert visible_sections(window) == ["Preset", "Network", "Training", "Data", "Initialisation"]
    assert {QKeySequence("F11"), QKeySequence("Ctrl+Shift+P")} <= set(presenter.action.shortcuts())
    assert presenter.action in window.view_menu.actions()

    presenter.action.trigger()
    assert presenter.is_enabled()
    assert QApplication.font().pointSizeF() == pytest.approx(FONT_SCALE * font)
    # (Qt posts the font change to every widget)
    qtbot.waitUntil(lambda: window.config_panel.preset_combo.font().pointSizeF() == pytest.approx(FONT_SCALE * font))
    assert curve_widths(window) == [PEN_SCALE * w for w in widths]
    assert visible_sections(window) == ["Preset", "Network", "Training"]  # the default lesson controls
    assert all(a.isVisible() for a in window.transport.actions())
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert keys.read_bool(settings, keys.PRESENTER)

    presenter.section_actions["Network"].trigger()  # View > Lesson controls: untick Network
    presenter.section_actions["Data"].trigger()
    assert visible_sections(window) == ["Preset", "Training", "Data"]
    settings.sync()
    assert keys.read_list(settings, keys.LESSON_SECTIONS) == ["Preset", "Training", "Data"]

    step(qtbot, lab)  # the curves keep their width while training goes on
    assert curve_widths(window) == [PEN_SCALE * w for w in widths]

    presenter.action.trigger()
    assert not presenter.is_enabled()
    assert QApplication.font().pointSizeF() == pytest.approx(font)
    assert curve_widths(window) == widths
    assert visible_sections(window) == ["Preset", "Network", "Training", "Data", "Initialisation"]
    settings.sync()
    assert not keys.read_bool(settings, keys.PRESENTER)


def test_closing_in_presenter_mode_gives_the_font_back_and_remembers_the_mode(qtbot, lab, tmp_path):
    font = QApplication.font().pointSizeF()
    lab.window.presenter.set_enabled(True)
    assert lab.window.close()
    assert QApplication.font().pointSizeF() == pytest.approx(font)
    again = open_lab(qtbot, tmp_path / "settings.ini")
    assert again.window.presenter.is_enabled()
    assert QApplication.font().pointSizeF() == pytest.approx(FONT_SCALE * font)
    again.window.presenter.set_enabled(False)
