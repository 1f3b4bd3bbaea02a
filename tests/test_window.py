"""The real main window wired to the real training thread: drive the widgets, wait on signals of objects in
the GUI thread (the controller relays every snapshot), assert on what the user would see."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox

from app.gui import assemble, run_gui
from engine.config import build
from resources import preset_names
from qt_helpers import qt_problems, wait_snapshot
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """Nothing here may read or write the user's settings."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))


def open_lab(qtbot, tmp_path, preset="spiral"):
    window = MainWindow()
    window.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window.questions = []
    window.ask_apply = lambda text: window.questions.append(text) or True
    controller = assemble(window, session=False, views=False).controller
    controller.load_preset(preset)
    qtbot.addWidget(window)  # closed at teardown, which stops the worker
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.heatmaps.n_layers() == len(controller.config.layers) - 1)
    return window, controller


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path)


def type_into(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    field.editingFinished.emit()


def test_opens_ready_with_every_preset_listed(lab):
    window, controller = lab
    combo = window.config_panel.preset_combo
    assert [combo.itemData(i) for i in range(combo.count())] == preset_names()
    assert combo.currentText() == "Spiral"
    assert "spiral" in window.config_panel.preset_description.text().lower()
    assert window.heatmaps.n_layers() == 5
    assert window.status.state_text() == "Ready"
    assert window.transport.train_pause.text() == "&Train"


def test_training_grows_the_curve_and_moves_the_heatmaps(qtbot, lab, qtlog):
    window, controller = lab
    wait_snapshot(qtbot, controller, lambda s: s.epoch == 0)
    qtbot.waitUntil(lambda: window.heatmaps.image(1, "w") is not None)
    w_before = window.heatmaps.image(1, "w").copy()
    window.transport.train_pause.trigger()
    assert window.transport.train_pause.text() == "&Pause"
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 30)
    qtbot.waitUntil(lambda: window.loss_plot.n_points() >= 30)
    qtbot.waitUntil(lambda: not np.array_equal(window.heatmaps.image(1, "w"), w_before))
    assert window.status.state_text() == "Training"
    assert np.abs(window.heatmaps.image(1, "grad_w")).max() > 0
    assert not qt_problems(qtlog)


def test_space_trains_and_pauses_but_types_in_a_field(qtbot, lab):
    window, controller = lab
    qtbot.keyClick(window.splitter, Qt.Key.Key_Space)
    assert controller.running and window.transport.train_pause.text() == "&Pause"
    qtbot.keyClick(window.splitter, Qt.Key.Key_Space)
    assert not controller.running
    seed = window.config_panel.field("seed")
    seed.setFocus()
    qtbot.keyClick(seed, Qt.Key.Key_Space)
    assert not controller.running and seed.text().endswith(" ")


def test_pause_stops_the_updates(qtbot, lab):
    window, controller = lab
    window.transport.train_pause.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 5)
    window.transport.train_pause.trigger()  # Pause
    paused = wait_snapshot(qtbot, controller, lambda s: s.status == "paused")
    qtbot.wait(200)  # let anything still in flight arrive; nothing may change any more
    assert controller.status == "paused" and window.status.state_text() == "Paused"
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == paused.epoch)
    qtbot.wait(100)  # no signal says nothing more arrived: a window still drawing would add points here
    assert window.loss_plot.n_points() == paused.epoch
    assert window.status.epoch_label.text() == f"epoch {paused.epoch:,}"


def test_learning_rate_changed_mid_run_reaches_the_engine(qtbot, lab):
    window, controller = lab
    window.transport.train_pause.trigger()
    first = wait_snapshot(qtbot, controller, lambda s: s.epoch >= 2)
    type_into(qtbot, window.config_panel.field("learning_rate").field, "0.0021")
    snap = wait_snapshot(qtbot, controller, lambda s: s.learning_rate == 0.0021)
    assert snap.status == "running" and snap.generation == first.generation  # live: no reset
    assert controller.config.learning_rate == 0.0021 and window.questions == []
    # the slider is a log scale with ten notches a decade: 0.0021 sits at 10**-2.7, one notch right is 10**-2.6
    slider = window.config_panel.field("learning_rate").slider
    slider.setValue(slider.value() + 1)
    wait_snapshot(qtbot, controller, lambda s: s.learning_rate == 0.00251)
    assert window.config_panel.field("learning_rate").field.text() == "0.00251"


def test_step_advances_exactly_one_epoch(qtbot, lab):
    window, controller = lab
    window.transport.step.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "paused")
    assert snap.epoch == 1 and snap.steps == 10  # spiral: 320 samples in batches of 32
    window.transport.step.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "paused" and s.epoch == 2)
    assert snap.steps == 20
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == 2)


def test_reset_draws_the_initial_weights_again(qtbot, lab):
    window, controller = lab
    window.transport.train_pause.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 5)
    config = controller.config
    window.transport.reset.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation)
    assert snap.epoch == 0 and snap.steps == 0 and snap.status == "ready"
    assert controller.config == config and not controller.running
    fresh = build(config, fit_io=True)
    for shown, expected in zip(snap.weights, fresh.network.weights):
        np.testing.assert_array_equal(shown, expected)
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == 0)
    qtbot.waitUntil(lambda: np.array_equal(window.heatmaps.image(1, "w"), fresh.network.weights[0]))


def test_adding_and_removing_layers_rebuilds_the_grid(qtbot, tmp_path):
    window, controller = open_lab(qtbot, tmp_path, "tutorial")
    editor = window.config_panel.layer_editor
    assert window.heatmaps.n_layers() == 3
    editor.add_button.click()
    assert controller.config.layers == (5, 3, 5, 5, 4)
    qtbot.waitUntil(lambda: window.heatmaps.n_layers() == 4)
    snap = wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation)
    assert snap.sizes == (5, 3, 5, 5, 4)
    editor.row(1).remove.click()
    assert controller.config.layers == (5, 5, 5, 4)
    qtbot.waitUntil(lambda: window.heatmaps.n_layers() == 3)
    type_into(qtbot, editor.row(1).size, "7")
    assert controller.config.layers == (5, 7, 5, 4)
    editor.row(1).down.click()  # move hidden 1 below hidden 2
    assert controller.config.layers == (5, 5, 7, 4)
    assert not editor.row(2).down.isEnabled() and not editor.row(1).up.isEnabled()
    editor.row(2).activation.setCurrentText("leaky_relu")
    editor.row(2).activation.activated.emit(editor.row(2).activation.currentIndex())
    assert controller.config.activations[1] == "leaky_relu:0.01"
    type_into(qtbot, editor.row(2).alpha, "0.2")
    assert controller.config.activations[1] == "leaky_relu:0.2"


def test_bad_values_are_refused_with_a_message_and_the_network_stays(qtbot, lab):
    window, controller = lab
    panel = window.config_panel
    generation, config = controller.generation, controller.config
    type_into(qtbot, panel.field("learning_rate").field, "abc")
    assert panel.error_text() == "Learning rate: 'abc' is not allowed; expected a number in (0, 100]"
    assert panel.field("learning_rate").field.is_invalid()
    type_into(qtbot, panel.layer_editor.row(2).size, "600")
    assert "layer size: 600 is not allowed; expected an integer in [1, 512]" in panel.error_text()
    # allowed by the field, refused by the engine: the batch is larger than the 320 training samples
    type_into(qtbot, panel.field("batch_size"), "500")
    assert "batch_size: 500 is not allowed" in panel.error_text() and "320" in panel.error_text()
    assert panel.field("batch_size").text() == "32" and panel.field("batch_size").is_invalid()
    assert controller.generation == generation and controller.config == config
    assert window.heatmaps.n_layers() == 5
    type_into(qtbot, panel.field("learning_rate").field, "0.01")  # a good value clears the message
    assert panel.error_text() == "" and controller.config.learning_rate == 0.01


def test_shape_change_while_training_asks_first(qtbot, lab):
    window, controller = lab
    window.transport.train_pause.trigger()
    first = wait_snapshot(qtbot, controller, lambda s: s.epoch >= 2)
    window.ask_apply = lambda text: window.questions.append(text) or False  # "Keep training"
    seed = window.config_panel.field("seed")
    type_into(qtbot, seed, "7")
    assert len(window.questions) == 1 and "seed" in window.questions[0]
    assert controller.config.seed == 1 and seed.text() == "1" and controller.generation == first.generation
    window.ask_apply = lambda text: True  # "Apply and reset weights": a new network, still training
    type_into(qtbot, seed, "7")
    snap = wait_snapshot(qtbot, controller, lambda s: s.generation == first.generation + 1 and s.epoch >= 1)
    assert controller.config.seed == 7 and snap.status == "running"


def test_loss_and_optimizer_choices_follow(qtbot, lab):
    window, controller = lab
    panel = window.config_panel
    form = panel._training_form
    assert form.isRowVisible(panel.field("beta1")) and not form.isRowVisible(panel.field("momentum"))
    combo: QComboBox = panel.field("optimizer")
    combo.setCurrentIndex(combo.findData("momentum"))
    combo.activated.emit(combo.currentIndex())
    assert controller.config.optimizer == "momentum"
    assert form.isRowVisible(panel.field("momentum")) and not form.isRowVisible(panel.field("beta1"))
    loss = panel.field("loss")
    loss.setCurrentIndex(loss.findData("mse"))
    loss.activated.emit(loss.currentIndex())
    assert controller.config.loss == "mse" and controller.config.activations[-1] == "softmax"
    loss.setCurrentIndex(loss.findData("bce"))  # bce needs a sigmoid output: changed, and said so
    loss.activated.emit(loss.currentIndex())
    assert controller.config.activations[-1] == "sigmoid" and "sigmoid" in panel.note_label.text()
    data = panel.field("dataset")
    data.setCurrentIndex(data.findData("sine"))  # regression: bce doesn't fit, the sine preset's loss does
    data.activated.emit(data.currentIndex())
    assert controller.config.dataset == "sine" and controller.config.loss == "mse"
    assert controller.config.layers[0] == 1 and panel.error_text() == ""


def test_epoch_limit_is_live_and_shown(qtbot, tmp_path):
    window, controller = open_lab(qtbot, tmp_path, "xor")
    type_into(qtbot, window.config_panel.field("epochs"), "4")
    window.transport.train_pause.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "done")
    assert snap.epoch == 4 and window.status.state_text() == "Done" and not controller.running
    assert window.transport.train_pause.text() == "&Train"
    assert window.status.progress.value() == 4 and window.status.progress.maximum() == 4


def test_divergence_pauses_and_says_what_to_do(qtbot, tmp_path, qtlog):
    window, controller = open_lab(qtbot, tmp_path, "lr_too_high")
    window.transport.train_pause.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "diverged")
    assert window.status.state_text() == "Diverged: lower the learning rate"
    assert "lower the learning rate" in window.banner.text() and not controller.running
    assert window.transport.train_pause.text() == "&Train"
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == snap.epoch > 0)  # the history is kept
    window.banner.button("Lower learning rate \u00f710 and continue").click()
    assert controller.config.learning_rate == pytest.approx(0.1) and controller.running
    qtbot.waitUntil(lambda: "Went back to epoch" in window.banner.text())  # and it says where it went back to
    window.banner.dismiss()
    window.transport.reset.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.status == "ready" and s.generation == controller.generation)
    assert window.banner.text() == ""
    assert not qt_problems(qtlog)


def test_close_while_training_stops_cleanly(qtbot, tmp_path, qtlog):
    window, controller = open_lab(qtbot, tmp_path)
    thread = controller._host.thread
    window.transport.train_pause.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch >= 3)
    assert window.close()
    assert thread.isFinished()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("window/geometry") is not None
    assert not qt_problems(qtlog)


def test_docked_views_listen_to_the_run_model(qtbot, lab):
    """A view subscribes to the model: every frame of the moment shown and every new network reach it, and the
    window itself forwards nothing (add_view only docks)."""
    window, controller = lab
    model = controller.model

    class View(QComboBox):  # any widget
        def __init__(self):
            super().__init__()
            self.frames, self.networks = [], []

    a, b = View(), View()
    dock_a, dock_b = window.add_view("Data A", a), window.add_view("Data B", b)
    for view in (a, b):
        model.frame_changed.connect(lambda frame, v=view: v.frames.append(frame.epoch))
        model.network_changed.connect(lambda config, v=view: v.networks.append(config))
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(dock_a) == [dock_b])  # tab bars update lazily
    window.transport.step.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch == 1)
    assert a.frames[-1] == 1 and b.frames == a.frames
    with qtbot.waitSignal(model.network_changed):
        window.transport.reset.trigger()
    assert a.networks == [controller.config] and b.networks == a.networks


def test_save_and_open_a_run(qtbot, lab, tmp_path):
    window, controller = lab
    window.transport.step.trigger()
    wait_snapshot(qtbot, controller, lambda s: s.epoch == 1 and s.status == "paused")
    path = str(tmp_path / "run.npz")
    controller.save_run(path)
    qtbot.waitUntil(lambda: "Saved" in window.banner.text())
    controller.open_run(path)
    snap = wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation)
    assert snap.epoch == 1 and len(snap.new_train_losses) == 1 and snap.status == "paused"
    controller.open_run(str(tmp_path / "missing.npz"))
    assert "Could not open" in window.banner.text()


def test_bad_arguments_exit_2_with_one_line(capsys):
    for argv in (["--preset", "nope"], ["--bogus"], ["missing.npz"], ["--quit-after", "-1"],
                 ["--screenshot", "/no/such/dir/x.png"], ["--screenshot", "x.txt"]):
        assert run_gui(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("backprop-lab: "), err


def run_app(tmp_path, *args):
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "app.main", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "QThread" not in out.stderr and "Warning" not in out.stderr
    return out


def test_command_line_trains_and_saves_a_screenshot(tmp_path):
    shot = tmp_path / "xor.png"
    run_app(tmp_path, "--preset", "xor", "--train", "--screenshot", str(shot), "--quit-after", "1.5")
    assert shot.stat().st_size > 10_000


def test_command_line_opens_a_saved_run(tmp_path):
    from engine.config import TrainConfig
    from engine.savefile import save_run
    from resources import load_preset
    trainer = build(TrainConfig.from_dict(load_preset("moons")["config"]), fit_io=True)
    trainer.run_epochs(3)
    save_run(tmp_path / "moons.npz", trainer)
    shot = tmp_path / "moons.png"
    run_app(tmp_path, str(tmp_path / "moons.npz"), "--screenshot", str(shot), "--quit-after", "1")
    assert shot.stat().st_size > 10_000


def test_a_finished_run_shows_its_last_gradients_at_their_own_scale(qtbot, tmp_path):
    """The tutorial's gradients fall from ~1e-3 to ~1e-6 in about a second of training; once it is done the
    colour range fits them instead of keeping the early, wide one (which drew them all white)."""
    window, controller = open_lab(qtbot, tmp_path, "tutorial")
    window.pace.pace_chosen.emit(None)  # the tutorial opens at a pace a learner follows: full speed here
    window.transport.train_pause.trigger()
    snap = wait_snapshot(qtbot, controller, lambda s: s.status == "done")
    qtbot.waitUntil(lambda: np.array_equal(window.heatmaps.image(1, "grad_w"), snap.grad_w[0]), timeout=5000)
    lo, hi = window.heatmaps.levels(1, "grad_w")
    assert lo == -hi and np.abs(snap.grad_w[0]).max() <= hi < 10 * np.abs(snap.grad_w[0]).max()


def test_an_edited_preset_is_shown_as_custom_not_as_the_preset(qtbot, tmp_path):
    window, controller = open_lab(qtbot, tmp_path, "xor")
    panel = window.config_panel
    assert panel.preset_combo.currentData() == "xor" and panel.preset_description.isVisible()
    assert controller.apply({"layers": (2, 8, 8, 1), "activations": ("tanh", "tanh", "sigmoid")})
    assert panel.preset_combo.currentIndex() == -1 and panel.preset_combo.placeholderText() == "Custom (from XOR)"
    assert not panel.preset_description.isVisible()
    assert controller.apply({"learning_rate": 0.02})  # a live change keeps it custom, still from XOR
    assert panel.preset_combo.placeholderText() == "Custom (from XOR)"
    assert controller.load_preset("circles")
    assert panel.preset_combo.currentData() == "circles" and panel.preset_description.isVisible()
