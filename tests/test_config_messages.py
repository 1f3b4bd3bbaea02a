"""The settings' messages (ui/config_panel.py), as a new user meets them at 1024x768: a refused value's error
goes once the field holds a good value again (the old one typed again included), and no message covers a row
of the settings."""
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from session_helpers import isolated, open_lab  # noqa: F401  (isolated: fixture)
from qt_helpers import layout_passes

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor", show=False)
    lab.window.resize(1024, 768)
    lab.window.show()
    qtbot.waitExposed(lab.window)
    return lab


def enter(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def visible_rows(panel):
    """The fields of the settings as the panel shows them: their rectangles in the panel, clipped to the part
    of the scrolled settings in view."""
    view = panel._scroll.viewport()
    seen = QRect(view.mapTo(panel, view.rect().topLeft()), view.size())
    for widget in panel.findChildren(QLineEdit) + panel.findChildren(QComboBox):
        if widget.isVisibleTo(panel) and not isinstance(widget.parentWidget(), QComboBox):
            rect = QRect(widget.mapTo(panel, widget.rect().topLeft()), widget.size()).intersected(seen)
            if not rect.isEmpty():
                yield widget, rect


def test_the_error_goes_when_the_old_value_is_typed_again(qtbot, lab):
    panel = lab.window.config_panel
    rate = panel.field("learning_rate").field
    old = rate.text()
    enter(qtbot, rate, "-3")
    assert "Learning rate: -3.0 is not allowed" in panel.error_text() and rate.is_invalid()
    enter(qtbot, rate, old)  # the value in force: no change to apply, but the field is right again
    assert not rate.is_invalid()
    assert panel.error_text() == "" and not panel.error_label.isVisible()


def test_the_error_stays_while_another_field_is_still_refused(qtbot, lab):
    panel = lab.window.config_panel
    rate, seed = panel.field("learning_rate").field, panel.field("seed")
    enter(qtbot, rate, "-3")
    enter(qtbot, seed, "-1")
    enter(qtbot, rate, rate.value() and f"{rate.value():g}")
    assert seed.is_invalid() and panel.error_text()


@pytest.mark.parametrize("key", ["learning_rate", "seed", "test_fraction"])
def test_no_message_covers_a_row_of_the_settings(qtbot, lab, key):
    panel = lab.window.config_panel
    widget = panel.field(key)
    field = widget.field if key == "learning_rate" else widget
    panel._scroll.ensureWidgetVisible(field)
    enter(qtbot, field, "-3")
    error = panel.error_label
    assert error.isVisible()
    layout_passes()
    box = QRect(error.mapTo(panel, error.rect().topLeft()), error.size())
    covered = [w for w, rect in visible_rows(panel) if rect.intersects(box)]
    assert covered == []
