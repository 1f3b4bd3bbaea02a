"""Issue 9, walked through in the real window as a new user would: choices in either order, a 3-class CSV
import, one help window, fields that fit, focus after Enter, errors that do not move the layout, readable
tooltips."""
from collections import Counter

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionFrame, QToolTip, QWidget
from session_helpers import accept_csv, isolated, open_lab, step  # noqa: F401  (isolated: fixture)
from qt_helpers import layout_passes

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", preset="xor")


def pick(combo, text):
    """Choose ``text`` in ``combo`` as a click would (``activated``, not a programmatic change)."""
    combo.setCurrentText(text)
    combo.activated.emit(combo.currentIndex())


# -- 12: softmax before cross-entropy -------------------------------------------------------------------

def test_choosing_softmax_first_switches_the_loss_and_says_so(qtbot, lab):
    panel = lab.window.config_panel
    editor = panel.layer_editor
    pick(editor.row(editor.n_hidden() + 1).activation, "softmax")  # xor's loss is bce
    config = lab.controller.config
    assert config.activations[-1] == "softmax" and config.loss == "cce"
    assert panel.error_text() == "" and "categorical cross-entropy" in panel.note_label.text()
    assert panel.field("loss").currentData() == "cce"
    qtbot.mouseClick(panel.note_label, Qt.MouseButton.LeftButton)  # it floats over the settings: a click hides it
    assert not panel.note_label.isVisible()
    assert lab.controller.data.Y_train.shape[0] == 2  # one-hot targets for the two classes


# -- 13: a 3-class CSV ------------------------------------------------------------------------------------

def test_importing_a_three_class_csv_picks_softmax_cce_and_three_outputs(qtbot, lab, tmp_path):
    data = tmp_path / "three.csv"
    rng = np.random.RandomState(0)
    x = rng.normal(size=(60, 2))
    data.write_text("a,b,label\n" + "".join(f"{r[0]:.4f},{r[1]:.4f},{i % 3}\n" for i, r in enumerate(x)))

    accept_csv(lab, data, qtbot=qtbot)
    lab.window.file_menu.import_csv_action.trigger()
    config = lab.controller.config
    assert config.dataset == "csv" and config.activations[-1] == "softmax" and config.loss == "cce"
    assert config.layers == (2, 8, 3)
    note = lab.window.config_panel.note_label.text()
    assert "3-class classification" in note and "softmax" in note and "categorical cross-entropy" in note



def test_a_regression_csv_imported_into_a_cross_entropy_run_gets_mse(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="spiral")  # softmax with cce
    data = tmp_path / "line.csv"
    data.write_text("x,y\n" + "".join(f"{x:.3f},{3.5 * x:.3f}\n" for x in np.linspace(-1, 1, 40)))
    accept_csv(lab, data, qtbot=qtbot)
    lab.window.file_menu.import_csv_action.trigger()
    config = lab.controller.config
    assert config.dataset == "csv" and config.loss == "mse" and config.activations[-1] == "linear"
    assert config.layers[0] == 1 and config.layers[-1] == 1
    assert "regression" in lab.window.config_panel.note_label.text()

# -- 17: fields fit their longest allowed value -------------------------------------------------------------

def text_room(field) -> int:
    """Pixels a line edit has for its text: the style's contents rectangle less the text margins and
    QLineEdit's own 2 px a side (how QLineEdit lays its text out)."""
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    rect = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    return rect.width() - margins.left() - margins.right() - 4


def fields_fit(qtbot, editor, window):
    leak, size = editor.row(1).alpha, editor.row(1).size
    assert leak.isVisible()
    for field, text in ((leak, "0.01"), (leak, "0.999"), (size, "512")):
        qtbot.waitUntil(lambda f=field, t=text: text_room(f) >= f.fontMetrics().horizontalAdvance(t), timeout=2000)
    rate = window.config_panel.field("learning_rate").field
    assert text_room(rate) >= rate.fontMetrics().horizontalAdvance("0.00126")


def test_the_leak_and_size_fields_show_their_longest_value_whole(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="tutorial")  # leaky ReLU 0.1 in the first layer
    editor = lab.window.config_panel.layer_editor
    fields_fit(qtbot, editor, lab.window)
    normal = editor.row(1).alpha.font().pointSizeF()
    lab.window.presenter.set_enabled(True)  # presenter mode: a larger font everywhere
    try:
        qtbot.waitUntil(lambda: editor.row(1).alpha.font().pointSizeF() > normal, timeout=2000)
        fields_fit(qtbot, editor, lab.window)
    finally:
        lab.window.presenter.set_enabled(False)


# -- 10: Space after Enter in a field trains ---------------------------------------------------------------

def test_after_enter_in_a_field_space_trains_instead_of_typing(qtbot, lab):
    window = lab.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    epochs = window.config_panel.field("epochs")
    epochs.setFocus()
    epochs.selectAll()
    qtbot.keyClicks(epochs, "50")
    qtbot.keyClick(epochs, Qt.Key.Key_Return)
    assert lab.controller.config.epochs == 50
    focus = QApplication.focusWidget()
    assert focus is window.splitter  # the plots, not a text field
    qtbot.keyClick(focus, Qt.Key.Key_Space)
    assert lab.controller.running and epochs.text() == "50"


def test_a_refused_value_keeps_its_field(qtbot, lab):
    epochs = lab.window.config_panel.field("epochs")
    epochs.setFocus()
    epochs.selectAll()
    qtbot.keyClicks(epochs, "-3")
    qtbot.keyClick(epochs, Qt.Key.Key_Return)
    assert epochs.is_invalid() and QApplication.focusWidget() is epochs  # to be fixed where it is


def test_a_click_on_no_widget_takes_the_focus_from_a_field(qtbot, lab):
    window = lab.window
    seed = window.config_panel.field("seed")
    seed.setFocus()
    assert QApplication.focusWidget() is seed
    qtbot.mouseClick(window.status, Qt.MouseButton.LeftButton, pos=window.status.rect().center())
    assert QApplication.focusWidget() is window.splitter
    seed.setFocus()
    qtbot.mouseClick(seed, Qt.MouseButton.LeftButton)  # a click on a field keeps it, of course
    assert QApplication.focusWidget() is seed


# -- 11: an error does not move the layout ---------------------------------------------------------------

def panel_rect(panel, widget):
    return widget.geometry().translated(widget.parentWidget().mapTo(panel, widget.parentWidget().rect().topLeft()))


@pytest.mark.parametrize("key", ["learning_rate", "seed"])  # a field in the upper half, one in the lower
def test_an_error_shows_without_moving_the_field_being_typed_in(qtbot, lab, key):
    panel = lab.window.config_panel
    widget = panel.field(key)
    field = widget.field if key == "learning_rate" else widget
    field.setFocus()
    before = panel_rect(panel, field)
    field.selectAll()
    qtbot.keyClicks(field, "-1")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    error = panel.error_label
    assert panel.error_text() and error.isVisible()
    layout_passes()
    assert panel_rect(panel, field) == before  # nothing moved under the mouse
    assert not error.geometry().intersects(panel_rect(panel, field))  # and nothing covers it
    assert error.height() >= error.heightForWidth(error.width())  # the whole message
    assert panel.rect().contains(error.geometry())


# -- 3: tooltips readable everywhere ---------------------------------------------------------------------

def luminance(color: QColor) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())


def tooltip_contrast(qtbot, widget, text: str = "w1[0, 0] = 0.1234") -> float:
    """Show ``text`` as ``widget``'s tooltip, as hovering does, and return the contrast ratio (WCAG) between
    the tip's ground (its most common colour) and the pixel that differs most from it: ~1 for a box with
    no visible text, >= 4.5 for readable text."""
    QToolTip.showText(widget.mapToGlobal(widget.rect().center()), text, widget)
    tip = next((w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible()), None)
    assert tip is not None, "no tooltip shown"
    image = tip.grab().toImage()
    colors = Counter(image.pixel(x, y) for x in range(2, image.width() - 2) for y in range(2, image.height() - 2))
    ground = QColor.fromRgb(colors.most_common(1)[0][0])
    lum = luminance(ground)
    others = [luminance(QColor.fromRgb(c)) for c in colors]
    far = max(others, key=lambda v: abs(v - lum))
    QToolTip.hideText()
    return (max(lum, far) + 0.05) / (min(lum, far) + 0.05)


@pytest.mark.parametrize("presenter", [False, True])
def test_tooltips_are_readable_over_the_heatmaps_and_a_plain_field(qtbot, lab, presenter):
    window = lab.window
    window.presenter.set_enabled(presenter)
    try:
        assert tooltip_contrast(qtbot, window.heatmaps.graphics) >= 4.5  # was black on black
        assert tooltip_contrast(qtbot, window.config_panel.field("seed")) >= 4.5
    finally:
        window.presenter.set_enabled(False)


def test_every_tooltip_of_the_window_is_readable(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")  # the docked views, as the app has them
    step(qtbot, lab)  # so the views (and the health warning) show a network's numbers
    unreadable = [(type(w).__name__, w.toolTip()[:30]) for w in lab.window.findChildren(QWidget)
                  if w.toolTip() and w.isVisible() and tooltip_contrast(qtbot, w, w.toolTip()[:40]) < 4.5]
    assert unreadable == []
