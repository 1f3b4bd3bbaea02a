"""The see-inside views in the real window, wired to the real training thread as ``app.gui`` builds it: the
docks, live updates, one selection shared by the graph, the heatmaps and the inspector, every preset."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from app.gui import assemble, run_gui
from app.views import TITLES
from qt_helpers import qt_problems, wait_snapshot
from resources import load_preset, preset_names
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ("vanishing", "lr_too_high", "dead_relu", "xor_no_hidden", "features", "optimizers")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))


@pytest.fixture
def open_lab(qtbot, tmp_path):
    """open_lab(preset) -> (window, controller, views), built in app.gui.run_gui's order. Every window stays
    referenced here until qtbot has closed it (a shown widget collected mid-paint crashes Qt)."""
    made = []

    def _open(preset="tutorial"):
        window = MainWindow()
        window.settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
        window.ask_apply = lambda text: True
        parts = assemble(window, session=False)
        controller, views = parts.controller, parts.views
        controller.load_preset(preset)
        qtbot.addWidget(window)  # closed at teardown, which stops the worker
        made.append((window, controller, views))
        window.resize(1280, 800)
        window.show()
        views.size_docks()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.heatmaps.n_layers() == len(controller.config.layers) - 1)
        for view in views.views():
            view.throttle.min_interval = 0.0  # draw every snapshot: the tests check what is drawn
        return window, controller, views

    yield _open


def step_once(qtbot, window, controller):
    window.transport.step.trigger()
    return wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation and s.epoch >= 1)


def click_view(qtbot, plot, x, y):
    """Left click at view coordinates (x, y) of a pyqtgraph PlotWidget."""
    scene = plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))


def click_edge(qtbot, graph, layer, i, j):
    a, b = graph.node_position(layer - 1, j), graph.node_position(layer, i)
    # a third of the way along: off the midpoint, where edges cross
    click_view(qtbot, graph.plot, a[0] + 0.3 * (b[0] - a[0]), a[1] + 0.3 * (b[1] - a[1]))


def click_cell(qtbot, heatmaps, layer, kind, i, j):
    view = heatmaps.graphics
    view.grab()  # lay the plots out so the mapping is the one on screen
    scene = heatmaps.panel_plot(layer, kind).vb.mapViewToScene(QPointF(j, i))
    heatmaps.scroll.ensureVisible(0, int(scene.y()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene))


# --- the docks --------------------------------------------------------------------------------------

def test_the_docks_tabbed_on_the_right_with_the_inspector_and_the_step_below(open_lab, qtbot):
    window, controller, views = open_lab("spiral")
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    assert set(TITLES.values()) <= set(docks)
    for key, title in TITLES.items():
        assert views.docks[key] is docks[title] and window.dockWidgetArea(docks[title]) == \
            Qt.DockWidgetArea.RightDockWidgetArea
        assert docks[title].toggleViewAction() in window.view_menu.actions()
    qtbot.waitUntil(lambda: set(window.tabifiedDockWidgets(docks["Output"])) ==
                    {docks["Network graph"], docks["Gradient health"]})  # tab bars update lazily
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(docks["Jumping Back"]) == [docks["One step"]])
    # on screen: the front tab and the inspector (Qt leaves tabs behind the front one "visible", but covered)
    assert views.output.throttle.on_screen() and views.inspector.throttle.on_screen()
    assert not views.graph.throttle.on_screen() and not views.health.throttle.on_screen()
    # the View menu hides and shows a view
    docks["Gradient health"].toggleViewAction().trigger()
    assert docks["Gradient health"].isHidden()
    docks["Gradient health"].toggleViewAction().trigger()
    assert not docks["Gradient health"].isHidden()
    assert views.inspector.geometry().top() > 0 and docks["Jumping Back"].y() > docks["Output"].y()


def test_teaching_presets_are_in_the_picker_with_their_explanation(open_lab):
    window, controller, views = open_lab("tutorial")
    combo, panel = window.config_panel.preset_combo, window.config_panel
    assert [combo.itemData(i) for i in range(combo.count())] == preset_names()
    for name in TEACHING:
        index = combo.findData(name)
        assert index >= 0, name
        combo.activated.emit(index)  # what choosing it in the picker does
        assert controller.preset == name
        text = panel.preset_description.text()
        assert text == load_preset(name)["description"] and len(text) > 200 and panel.preset_description.isVisible()


# --- live updates -----------------------------------------------------------------------------------

def test_training_updates_the_output_view_and_the_health_history(open_lab, qtbot, qtlog):
    window, controller, views = open_lab("moons")
    controller.apply({"epochs": None})  # trains until paused: the preset's 300 epochs can take 0.2 s
    assert views.output.data is controller.data and views.output.mode == "plane"
    wait_snapshot(qtbot, controller, lambda s: s.epoch == 0)
    qtbot.waitUntil(lambda: views.output.grid_values() is not None)
    before = views.output.grid_values().copy()
    records = views.health.tracker.n
    window.transport.train_pause.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 20)
    qtbot.waitUntil(lambda: not np.allclose(views.output.grid_values(), before))
    qtbot.waitUntil(lambda: views.health.tracker.n >= records + 2)  # it records while hidden behind a tab
    window.transport.train_pause.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "paused")
    qtbot.waitUntil(lambda: views.output.throttle.pending is None)
    # what is drawn is the network of the last snapshot, forward-passed over the grid
    from engine.chain import network_from
    net = network_from(snap.sizes, snap.activations, snap.weights, snap.biases)
    xs, ys = views.output.grid_axes()
    out = net.forward(np.array([[xs[7]], [ys[11]]]))
    assert views.output.grid_values()[..., 11, 7] == pytest.approx(out[:, 0] if out.shape[0] > 1 else out[0, 0])
    assert not qt_problems(qtlog)


def test_tabs_behind_the_front_one_wait_and_catch_up_when_brought_forward(open_lab, qtbot):
    window, controller, views = open_lab("spiral")
    window.transport.train_pause.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 3)
    window.transport.train_pause.trigger()
    paused = wait_snapshot(qtbot, controller, lambda s: s.status == "paused")
    qtbot.waitUntil(lambda: views.output.throttle.pending is None)
    assert views.output.throttle.renders > 0 and views.graph.throttle.renders == 0  # behind the Output tab
    views.show_view("graph")  # no new snapshot comes while paused: bringing it forward draws the latest
    assert views.graph.throttle.renders == 1 and views.graph.throttle.latest[0].step == paused.steps
    assert views.graph.n_edges_drawn() > 0


# --- one selection everywhere -----------------------------------------------------------------------

def test_choosing_an_edge_outlines_the_cell_and_walks_to_it(open_lab, qtbot):
    window, controller, views = open_lab("tutorial")
    snap = step_once(qtbot, window, controller)
    views.show_view("graph")
    qtbot.waitUntil(lambda: views.graph.n_edges_drawn() > 0 and views.graph.throttle.pending is None)
    assert window.heatmaps.highlighted() == (1, 0, 0) and views.graph.selected == ("w", 1, 0, 0)  # the default
    with qtbot.waitSignal(views.graph.weight_selected) as blocker:
        click_edge(qtbot, views.graph, 2, 3, 0)
    assert blocker.args == [2, 3, 0]
    assert window.heatmaps.highlighted() == (2, 3, 0)
    qtbot.waitUntil(lambda: views.inspector.walk is not None and views.inspector.walk.name == "w2[3, 0]")
    assert views.inspector.values["heatmap"] == pytest.approx(snap.grad_w[1][3, 0], abs=0)
    assert views.inspector.values["error_numeric"] < 1e-6
    assert "Jumping back to w2[3, 0]" in views.inspector.title.text()
    # stepping through the walk shades the layer it crosses in the graph
    views.inspector.step_reset()
    assert views.graph.highlighted_layer == 3
    views.inspector.next.click()
    views.inspector.next.click()
    assert views.graph.band.isVisible() and views.graph.highlighted_layer == views.inspector.walk.steps[2].layer + 1


def test_a_heatmap_cell_click_selects_the_edge(open_lab, qtbot):
    window, controller, views = open_lab("tutorial")
    step_once(qtbot, window, controller)
    qtbot.waitUntil(lambda: window.heatmaps.image(1, "w") is not None)
    views.show_view("graph")
    qtbot.waitUntil(lambda: views.graph.n_edges_drawn() > 0)
    with qtbot.waitSignal(window.heatmaps.cell_clicked) as blocker:
        click_cell(qtbot, window.heatmaps, 1, "grad_w", 2, 4)
    assert blocker.args == [1, 2, 4]
    assert views.graph.selected == ("w", 1, 2, 4) and window.heatmaps.highlighted() == (1, 2, 4)
    a, b = views.graph.node_position(0, 4), views.graph.node_position(1, 2)
    assert views.graph.selected_edge.getData()[0].tolist() == [a[0], b[0]]
    qtbot.waitUntil(lambda: views.inspector.walk is not None and views.inspector.walk.name == "w1[2, 4]")


def test_a_bias_and_the_inspector_bias_box_follow_too(open_lab, qtbot):
    window, controller, views = open_lab("tutorial")
    step_once(qtbot, window, controller)
    views.show_view("graph")
    qtbot.waitUntil(lambda: views.graph.n_edges_drawn() > 0)
    x, y = views.graph.node_position(2, 1)
    with qtbot.waitSignal(views.graph.bias_selected):
        click_view(qtbot, views.graph.plot, x, y)
    assert views.selection == ("b", 2, 1) and views.inspector.bias.isChecked()
    assert window.heatmaps.highlighted() is None and window.heatmaps.highlighted_bias() == (2, 1)
    qtbot.waitUntil(lambda: views.inspector.walk is not None and views.inspector.walk.name == "b2[1]")
    views.inspector.bias.setChecked(False)  # back to the weight w2[1, j] of the same unit
    assert views.graph.selected[:3] == ("w", 2, 1) and window.heatmaps.highlighted() == views.graph.selected[1:]


def test_a_click_on_a_b_or_db_cell_selects_that_bias_everywhere(open_lab, qtbot):
    window, controller, views = open_lab("tutorial")
    step_once(qtbot, window, controller)
    grid = window.heatmaps
    for kind, i in (("b", 1), ("grad_b", 2)):
        grid.graphics.grab()  # laid out as on screen
        scene = grid.panel_plot(2, kind).vb.mapViewToScene(QPointF(0, i))
        point = grid.graphics.mapFromScene(scene)
        with qtbot.waitSignal(grid.bias_clicked):
            qtbot.mouseClick(grid.graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)
        assert views.selection == ("b", 2, i) and views.inspector.bias.isChecked()
        assert grid.highlighted() is None and grid.highlighted_bias() == (2, i)
        qtbot.waitUntil(lambda: views.inspector.walk is not None and views.inspector.walk.name == f"b2[{i}]")


def test_the_selection_outlives_a_reset_and_falls_back_on_a_smaller_network(open_lab, qtbot):
    window, controller, views = open_lab("spiral")
    views.select_weight(4, 20, 31)
    window.transport.reset.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation)
    qtbot.waitUntil(lambda: window.heatmaps.highlighted() == (4, 20, 31))  # outlined again after the rebuild
    assert views.graph.selected == ("w", 4, 20, 31)
    controller.load_preset("tutorial")  # has no w4
    wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation)
    qtbot.waitUntil(lambda: window.heatmaps.highlighted() == (1, 0, 0))
    assert views.selection == ("w", 1, 0, 0) and views.graph.selected == ("w", 1, 0, 0)
    assert (views.inspector.layer, views.inspector.i, views.inspector.j) == (1, 0, 0)


# --- every preset -----------------------------------------------------------------------------------

def test_every_preset_installs_its_data_in_every_view(open_lab, qtbot, qtlog):
    window, controller, views = open_lab("tutorial")
    combo = window.config_panel.preset_combo
    for name in preset_names():
        combo.activated.emit(combo.findData(name))
        assert controller.preset == name
        for view in views.views():
            assert view.data is controller.data, (name, type(view).__name__)
        assert controller.data.name == controller.config.dataset
        for key in ("output", "graph", "health"):  # each tab in turn draws this network
            views.show_view(key)
            snap = step_once(qtbot, window, controller)
            view = getattr(views, key)
            qtbot.waitUntil(lambda: view.throttle.latest is not None and view.throttle.latest[0].step == snap.steps
                            and view.throttle.latest[0].generation == snap.generation
                            and view.throttle.pending is None)
        # the walk of the step shown: its own batch (the training thread computes it)
        n, size = controller.data.n_train, controller.config.batch_size or controller.data.n_train
        batch = n % size or size  # a step of one epoch ends with its last, maybe shorter, batch
        qtbot.waitUntil(lambda: views.inspector.walk is not None
                        and tuple(views.inspector.walk.y_hat.shape) == (controller.config.layers[-1], batch))
    assert not qt_problems(qtlog)


def test_health_warns_on_the_vanishing_preset(open_lab, qtbot):
    window, controller, views = open_lab("vanishing")
    views.show_view("health")
    window.transport.train_pause.trigger()
    qtbot.waitUntil(lambda: views.health.warning_kind == "vanishing", timeout=30000)
    assert views.health.warning_label.isVisible()
    assert "Vanishing gradients in w1" in views.health.warning_label.text()


def test_the_diverging_preset_pauses_and_says_why(open_lab, qtbot, qtlog):
    window, controller, views = open_lab("lr_too_high")
    views.show_view("health")
    window.transport.train_pause.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "diverged", timeout=30000)
    assert not controller.running and window.transport.train_pause.text() == "&Train"
    assert snap.message and "learning rate" in snap.message and snap.message in window.banner.text()
    qtbot.waitUntil(lambda: views.health.warning_kind == "exploding")
    assert not qt_problems(qtlog)


# --- command line -------------------------------------------------------------------------------------

def test_view_options_are_checked_before_the_window_opens(capsys):
    for argv in (["--select-weight", "2,x,0"], ["--select-weight", "0,0,0"], ["--preset", "tutorial", "--select-weight",
                                                                            "4,0,0"],
                 ["--preset", "xor", "--select-weight", "1,8,2"], ["--show-view", "nope"]):
        assert run_gui(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("backprop-lab: "), err


def test_the_app_opens_with_a_view_in_front_and_a_weight_selected(tmp_path):
    """The console script's own path (app.main -> app.gui.run_gui -> install_views), as the screenshots use it."""
    shot = tmp_path / "graph.png"
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "app.main", "--preset", "tutorial", "--show-view", "graph",
                          "--select-weight", "2,1,0", "--screenshot", str(shot), "--quit-after", "1.5"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Warning" not in out.stderr and "--select-weight" not in out.stderr
    assert shot.stat().st_size > 10_000
