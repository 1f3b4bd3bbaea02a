"""Help dialogs, the application icon and the Linux desktop entry."""
import configparser
import runpy

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

import resources
from ui.help_dialog import HelpDialog, app_icon, shortcut_table, show_about, show_guide, show_jumping_back


@pytest.fixture
def window(qtbot):
    """A stand-in main window with a menu whose actions have shortcuts, as the real one will."""
    w = QtWidgets.QMainWindow()
    qtbot.addWidget(w)
    menu = w.menuBar().addMenu("&Train")
    menu.addAction(QtGui.QAction("&Train", w, shortcuts=[QtGui.QKeySequence("Space"), QtGui.QKeySequence("F5")]))
    menu.addAction(QtGui.QAction("Step one epoch", w, shortcut=QtGui.QKeySequence("F10")))
    menu.addAction(QtGui.QAction("Save &As...", w, shortcut=QtGui.QKeySequence("Ctrl+Shift+S")))
    menu.addAction(QtGui.QAction("No shortcut", w))
    return w


def headings(dialog: HelpDialog) -> list[str]:
    """The text of every heading block the Markdown produced."""
    found, block = [], dialog.browser.document().begin()
    while block.isValid():
        if block.blockFormat().headingLevel():
            found.append(block.text())
        block = block.next()
    return found


def test_guide_opens_non_modal_with_its_sections_and_the_real_shortcuts(window):
    dialog = show_guide(window)
    assert isinstance(dialog, HelpDialog) and dialog.isVisible() and not dialog.isModal()
    assert dialog.parent() is window
    assert {"Backprop Lab guide", "Building a network", "Presets", "Training", "Reading the loss plot",
            "Reading the heatmaps", "Looking inside", "Your own data", "Sessions and export", "Presenter mode",
            "Keyboard shortcuts of this window"} <= set(headings(dialog))
    text = dialog.browser.toPlainText()
    assert "zero is always the middle colour" in text and "Jumping Back inspector" in text
    assert "Space, F5" in text and "F10" in text and "Save As" in text and "No shortcut" not in text
    assert show_guide(window) is dialog  # asked again: the open window comes forward, no second copy


def test_jumping_back_rules_and_the_link_from_the_guide(window, qtbot):
    guide = show_guide(window)
    qtbot.waitExposed(guide)
    qtbot.mouseClick(guide.browser.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     pos=_link_position(guide.browser, "jumping_back.md"))
    rules = window.findChild(HelpDialog, "help-pages")
    assert rules is guide and rules.isVisible() and show_jumping_back(window) is rules
    assert window.findChildren(HelpDialog) == [guide]  # one help window, not a second one on top
    assert guide.windowTitle() == "The Jumping Back rules"
    assert {"The Jumping Back rules", "The game", "Rule 1: a crossed line leaves its gradient",
            "Rule 2: after jumping over weights, sum and make a column",
            "The tutorial's network, 5-3-5-4"} <= set(headings(rules))
    text = rules.browser.toPlainText()
    assert "grad_W = delta · a_(L-1)^T" in text and "W_k^T · delta_k" in text


def _link_position(browser, href: str) -> QtCore.QPoint:
    """Where, in the browser's viewport, the middle of the first link to ``href`` is drawn."""
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QtGui.QTextCursor(browser.document())
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                return browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def test_back_and_forward_between_the_help_pages(window, qtbot):
    guide = show_guide(window)
    assert not guide.back_button.isEnabled() and not guide.forward_button.isEnabled()
    show_jumping_back(window)
    assert guide.back_button.isEnabled() and "The game" in headings(guide)
    guide.back_button.click()
    assert guide.windowTitle() == "Backprop Lab guide" and "Building a network" in headings(guide)
    assert guide.forward_button.isEnabled()
    guide.forward_button.click()
    assert guide.windowTitle() == "The Jumping Back rules" and "The game" in headings(guide)
    show_guide(window)  # the menu's Guide: same window, and Back returns to the rules
    assert guide.browser.page() == "guide.md" and guide.back_button.isEnabled()


def test_jumping_back_code_is_the_engines_backward_pass():
    """The NumPy walk printed on the rules page gives the engine's gradients for the tutorial network."""
    from engine.config import TrainConfig, build
    page = resources.path("help", "jumping_back.md").read_text(encoding="utf-8")
    start = page.index("    g = 2 * (y_hat - y) / y.size")
    code = "\n".join(line[4:] for line in page[start:].split("\n\n")[0].splitlines())
    trainer = build(TrainConfig())
    net, x, y = trainer.network, trainer.data.X_train, trainer.data.Y_train
    y_hat, zs, acts = net.forward(x, trace=True)
    scope = {"np": np, "x": x, "y": y, "y_hat": y_hat, "z1": zs[0], "a1": acts[1], "a2": acts[2], "a3": acts[3],
             "w2": net.weights[1], "w3": net.weights[2]}
    exec(code, scope)
    trainer.train_step()
    for k, (grad_w, grad_b) in enumerate(trainer.gradients(), start=1):
        np.testing.assert_allclose(scope[f"grad_w{k}"], grad_w, rtol=1e-12, atol=1e-18)
        np.testing.assert_allclose(scope[f"grad_b{k}"], grad_b, rtol=1e-12, atol=1e-18)


def test_about_names_version_licence_and_library_versions(window):
    dialog = show_about(window)
    text = dialog.browser.toPlainText()
    assert "Backprop Lab" in text and "Version 0.1.0" in text and "Licence: MIT" in text
    for name, version in (("Python", None), ("Qt", QtCore.qVersion()), ("NumPy", np.__version__)):
        assert name in text and (version is None or version in text)
    assert dialog.findChild(QtWidgets.QLabel).pixmap().width() > 0  # the icon at the top


def test_without_a_parent_each_call_gives_a_window(qtbot):
    dialog = show_about(None)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and shortcut_table(None) == ""


@pytest.mark.parametrize("name", ["app.svg", "app.png"])
def test_icon_files_load(qapp, name):
    icon = QtGui.QIcon(str(resources.path("icons", name)))
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
    assert icon.pixmap(64, 64).width() == 64


def test_png_icon_is_256_and_rendered_from_the_current_svg(qapp, tmp_path):
    make_png = runpy.run_path(str(resources.path("icons", "make_png.py")))  # a script: no __pycache__ left
    png = QtGui.QImage(str(resources.path("icons", "app.png")))
    assert (png.width(), png.height()) == (256, 256) and png.hasAlphaChannel()
    assert png.pixelColor(2, 2).alpha() == 0 and png.pixelColor(128, 128).alpha() == 255  # rounded corners
    fresh = QtGui.QImage(str(make_png["render"](png=tmp_path / "app.png")))
    assert fresh.convertToFormat(png.format()) == png  # edit the SVG, rerun make_png.py
    assert app_icon().pixmap(256, 256).width() == 256


def test_desktop_entry_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(resources.path("backprop-lab.desktop"), encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "Backprop Lab"
    assert entry["Exec"] == "backprop-lab %f" and entry["Icon"] == "backprop-lab"
    assert {"Education", "Science"} <= set(entry["Categories"].rstrip(";").split(";"))
    assert entry["Categories"].endswith(";") and entry["Terminal"] == "false"
