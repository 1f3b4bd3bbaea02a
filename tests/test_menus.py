"""The menus of the real window: File (shortcuts, Import CSV, Export), Edit (Copy as NumPy, also on a right click
on a heatmap), Help; and a tooltip on every control."""
import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QLineEdit, QSlider, QSpinBox, QTabBar
from session_helpers import accept_csv, isolated, open_lab, save, step  # noqa: F401  (isolated: fixture)

from engine.savefile import load_run
from ui.help_dialog import HelpDialog

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", preset="xor")


def menu(window, title):
    return next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)


def texts(m):
    return [a.text().replace("&", "") for a in m.actions() if not a.isSeparator()]


def test_menus_and_their_shortcuts(lab):
    window = lab.window
    assert [a.text().replace("&", "") for a in window.menuBar().actions()][:2] == ["File", "Edit"]
    assert [a.text().replace("&", "") for a in window.menuBar().actions()][-1] == "Help"
    assert texts(menu(window, "File")) == ["New", "Open...", "Open Recent", "Save", "Save As...", "Import CSV...",
                                           "Export", "Quit"]
    fm = window.file_menu
    keys = {a: a.shortcut() for a in (fm.new_action, fm.open_action, fm.save_action, fm.save_as_action,
                                      fm.import_csv_action, fm.quit_action)}
    assert [k.toString() for k in keys.values()] == ["Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+I", "Ctrl+Q"]
    assert texts(fm.export_menu) == ["Loss history (CSV)...", "Step losses (CSV)...", "Loss plot as PNG...",
                                     "Loss plot as SVG...", "Weights (NumPy .npz)...", "ONNX...", "NumPy script...",
                                     "NumPy training script...", "PNG resolution"]
    assert texts(menu(window, "Help")) == ["Guide", "Jumping Back rules", "About Backprop Lab"]
    shortcuts = [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()]
    assert len(shortcuts) == len(set(shortcuts)), "a shortcut is used twice"
    assert {"F1", "F11", "Ctrl+Shift+P", "Ctrl+Shift+C", "Space", "F5", "F10", "Ctrl+R"} <= set(shortcuts)


def test_help_menu_opens_the_guide_the_rules_and_about(qtbot, lab):
    actions = menu(lab.window, "Help").actions()
    assert actions[0].shortcut() == QKeySequence("F1")
    for action, title in zip(actions, ("Backprop Lab guide", "The Jumping Back rules", "About Backprop Lab")):
        action.trigger()
        dialog = next(d for d in lab.window.findChildren(HelpDialog) if d.windowTitle() == title)
        assert dialog.isVisible() and dialog.browser.toPlainText()
    actions[0].trigger()  # the guide and the rules share one window
    guide = next(d for d in lab.window.findChildren(HelpDialog) if d.windowTitle() == "Backprop Lab guide")
    text = guide.browser.toPlainText()
    assert "Import CSV" in text and "Ctrl+Shift+S" in text and "Presenter mode" in text


def test_every_control_has_a_tooltip(qtbot, lab):
    from app.views import Views
    window = lab.window
    Views(window, lab.controller.model)  # the docked views, as the app has them
    window.banner.show_message("A problem", "error", [("Lower learning rate", lambda: None)])
    window.config_panel.layer_editor.add_layer()  # rows made later get theirs too
    kinds = (QAbstractButton, QLineEdit, QComboBox, QSpinBox, QSlider, QCheckBox)
    controls = {w for kind in kinds for w in window.findChildren(kind)
                # not Qt's own chrome (a dock's float and close buttons, the toolbar's overflow arrow, a tab
                # bar's scroll arrows) nor the parts of a composite control (a spin box's line edit)
                if not w.objectName().startswith("qt_")
                and not isinstance(w.parent(), (QComboBox, QSpinBox, QTabBar))}
    assert len(controls) > 40
    missing = [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} in {type(w.parent()).__name__}"
               for w in controls if not w.toolTip().strip()]
    assert missing == [], "\n".join(missing)


# -- Copy as NumPy --------------------------------------------------------------------------------------

def _paste(text):
    scope = {"np": np}
    exec(text, scope)  # what a notebook does with the clipboard
    return scope


def test_copy_as_numpy_from_the_edit_menu_and_a_right_click(qtbot, lab):
    window, heatmaps = lab.window, lab.window.heatmaps
    snap = step(qtbot, lab, 2)
    qtbot.waitUntil(lambda: heatmaps.image(2, "w") is not None and np.array_equal(heatmaps.image(2, "w"),
                                                                                 snap.weights[1]))
    window.copy_numpy.copy_action.trigger()  # nothing selected: layer 1
    assert np.array_equal(_paste(QGuiApplication.clipboard().text())["w1"], snap.weights[0])

    heatmaps.highlight(2, 0, 3)
    heatmaps.cell_clicked.emit(2, 0, 3)
    assert window.copy_numpy.copy_action.text() == "&Copy w2 as NumPy"
    window.copy_numpy.copy_action.trigger()
    assert np.array_equal(_paste(QGuiApplication.clipboard().text())["w2"], snap.weights[1])

    view = heatmaps.graphics
    heatmaps.scroll.ensureVisible(0, 0)
    view.grab()  # lay the plots out so the mapping is the one on screen
    point = view.mapFromScene(heatmaps.panel_plot(1, "b").vb.mapViewToScene(QPointF(0, 1)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
    context = window.copy_numpy.context_menu
    assert context is not None and texts(context)[0] == "Copy b1 as NumPy"
    context.actions()[0].trigger()
    assert np.array_equal(_paste(QGuiApplication.clipboard().text())["b1"], snap.biases[0])
    context.close()
    all_menu = window.copy_numpy.all_menu
    all_menu.aboutToShow.emit()
    assert texts(all_menu) == [f"Copy {n} as NumPy" for l in (1, 2) for n in (f"w{l}", f"grad_w{l}", f"b{l}",
                                                                             f"grad_b{l}")]
    [a for a in all_menu.actions() if a.text() == "Copy grad_w2 as NumPy"][0].trigger()
    assert np.array_equal(_paste(QGuiApplication.clipboard().text())["grad_w2"], snap.grad_w[1])


# -- Export ---------------------------------------------------------------------------------------------

def test_exports_hold_what_the_session_holds(qtbot, lab, tmp_path):
    window, controller = lab.window, lab.controller
    snap = step(qtbot, lab, 3)
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == 3)
    save(qtbot, lab, tmp_path / "run.npz")
    run = load_run(tmp_path / "run.npz")
    for kind, name in (("loss_csv", "loss.csv"), ("step_losses_csv", "steps"), ("weights_npz", "w.npz")):
        lab.save_paths.append(str(tmp_path / name))
        with qtbot.waitSignal(controller.saved, timeout=10_000) as saved:
            window.file_menu.export_actions[kind].trigger()
        assert saved.args[0].error == ""
    assert "Saved the weights to" in window.banner.text()
    for kind, name in (("loss_plot_png", "loss"), ("loss_plot_svg", "loss.svg")):
        lab.save_paths.append(str(tmp_path / name))
        window.file_menu.export_actions[kind].trigger()
        assert "Exported the loss plot" in window.banner.text()

    with open(tmp_path / "loss.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"]
    assert [int(r[0]) for r in rows[1:]] == [1, 2, 3]
    assert [float(r[1]) for r in rows[1:]] == run.train_losses.view().tolist()
    assert [float(r[2]) for r in rows[1:]] == run.test_losses.view().tolist()
    with open(tmp_path / "steps.csv", newline="") as f:  # ".csv" added to a name without a suffix
        steps = list(csv.reader(f))[1:]
    assert np.array_equal(np.array([float(r[1]) for r in steps], np.float32), run.step_losses.view())
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["b1", "b2", "w1", "w2"]
        for l in (1, 2):
            assert np.array_equal(npz[f"w{l}"], snap.weights[l - 1])
            assert np.array_equal(npz[f"b{l}"], snap.biases[l - 1])
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(tmp_path / "loss.svg").getroot().tag.endswith("svg")


def test_png_exports_at_twice_the_screen_size_or_the_resolution_chosen(qtbot, lab, tmp_path):
    """An exported loss plot was 468x238, the size on screen: too small for a slide (issue 9, item 20)."""
    window = lab.window
    step(qtbot, lab, 2)
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == 2)
    fm = window.file_menu
    on_screen = window.loss_plot.plot_widget.size()
    fm.png_menu.aboutToShow.emit()
    assert [a.text() for a in fm.png_menu.actions()] == [
        f"{k}x ({on_screen.width() * k} x {on_screen.height() * k} px)" for k in (1, 2, 3, 4)]
    assert fm.png_scale_actions[2].isChecked()  # the default
    for scale, name in ((None, "default.png"), (3, "triple.png"), (1, "screen.png")):
        if scale is not None:
            fm.png_scale_actions[scale].trigger()
        lab.save_paths.append(str(tmp_path / name))
        on_screen = window.loss_plot.plot_widget.size()  # (the banner of the export before moved it)
        fm.export_actions["loss_plot_png"].trigger()
        image = QImage(str(tmp_path / name))
        k = scale or 2
        assert image.width() == on_screen.width() * k, name
        assert abs(image.height() - on_screen.height() * k) <= k, name


def test_a_cancelled_export_writes_nothing(qtbot, lab, tmp_path):
    lab.window.file_menu.export_actions["loss_csv"].trigger()  # the chooser answers ""
    assert lab.chooser_calls and lab.chooser_calls[0][0] == "Export Loss history (CSV)"
    assert list(tmp_path.glob("*.csv")) == []


# -- Import CSV -----------------------------------------------------------------------------------------

def test_import_csv_makes_the_file_the_dataset(qtbot, lab, tmp_path):
    data = tmp_path / "points.csv"
    rng = np.random.RandomState(0)
    x = rng.normal(size=(60, 3))
    data.write_text("a,b,c,label\n" + "".join(f"{r[0]},{r[1]},{r[2]},{int(r.sum() > 0)}\n" for r in x))

    def check(kw):
        assert "loss" not in kw and kw["path"] is None  # the run's loss does not judge the file

    accept_csv(lab, data, check, qtbot=qtbot)
    lab.window.file_menu.import_csv_action.trigger()
    config = lab.controller.config
    assert config.dataset == "csv" and config.csv_path == str(data) and config.layers[0] == 3
    assert lab.session.is_dirty()
    snap = step(qtbot, lab)
    assert snap.epoch == 1
