"""Presenter mode: larger fonts, thicker loss curves, only the lesson's settings; remembered in the settings."""
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget
from qt_helpers import layout_passes, wait_snapshot
from ui.view_throttle import on_screen
from session_helpers import isolated, open_lab, step  # noqa: F401  (isolated: fixture)
from test_window_views import open_lab as window_with_views  # noqa: F401  (fixture: the window with its views)

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


def dock_rects(window):
    """The docks on screen (not tabbed behind another, whose geometry is a hidden one), by name."""
    return {d.objectName(): d.geometry() for d in window.findChildren(QDockWidget) if on_screen(d)}


@pytest.mark.parametrize("size", [(1280, 720), (1280, 800)])
@pytest.mark.parametrize("preset", ["tutorial", "spiral"])
def test_presenter_mode_fits_a_projector_and_leaving_restores_the_layout_exactly(qtbot, window_with_views, preset,
                                                                                 size):
    """At 1280x800 it clipped the right side, and leaving kept the Settings dock ~70 px wider (issue 9, 16)."""
    window, controller, views = window_with_views(preset)  # the docks as the app opens them
    presenter = window.presenter
    window.transport.step.trigger()  # the Output view's header then shows y_hat
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 1)
    try:
        check_fits_and_restores(qtbot, window, presenter, size)
    finally:
        presenter.set_enabled(False)


def check_fits_and_restores(qtbot, window, presenter, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().toTuple() == size)
    layout_passes()
    before = dock_rects(window)
    presenter.set_enabled(True)
    big = QApplication.font().pointSizeF()
    qtbot.waitUntil(lambda: window.config_panel.preset_combo.font().pointSizeF() == pytest.approx(big))
    layout_passes(6)  # the panels fit their widths to the larger rows over a few passes
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], hint
    assert window.size().toTuple() == size
    for name, rect in dock_rects(window).items():  # every dock whole, inside the window
        assert rect.left() >= 0 and rect.right() < size[0] and rect.bottom() < size[1], (name, rect)
    assert window.centralWidget().width() > 200
    presenter.set_enabled(False)
    qtbot.waitUntil(lambda: dock_rects(window) == before, timeout=3000)
    assert QApplication.font().pointSizeF() == pytest.approx(big / FONT_SCALE)
