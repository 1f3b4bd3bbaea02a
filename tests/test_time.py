"""Time in the window: the pace of training, looking back at any step in every view, and back to live.

Everything is driven through the real window (its timeline, its keys, its pace control) and checked on what
the views draw, against a run stopped at the same step headless.
"""
import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from app.gui import assemble
from engine.config import TrainConfig, build
from qt_helpers import settle, wait_snapshot
from resources import load_preset
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))


@pytest.fixture
def lab(qtbot):
    made = []

    def _open(preset="spiral", **changes):
        window = MainWindow()
        window.ask_apply = lambda text: True
        parts = assemble(window, session=False)
        parts.controller.load_preset(preset)
        if changes:
            assert parts.controller.apply(changes)
        qtbot.addWidget(window)
        made.append(parts)
        window.resize(1280, 800)
        window.show()
        parts.views.size_docks()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.heatmaps.n_layers() == len(parts.controller.config.layers) - 1)
        for view in parts.views.views():
            view.throttle.min_interval = 0.0  # draw every frame: the tests check what is drawn
        return parts
    return _open


def headless(preset, steps, **changes):
    """The preset's run stopped after ``steps`` steps, headless."""
    trainer = build(TrainConfig.from_dict(dict(load_preset(preset)["config"], **changes)), fit_io=True)
    trainer.run_for(60.0, max_steps=steps)
    return trainer


def train_until(qtbot, parts, steps):
    parts.controller.train()
    wait_snapshot(qtbot, parts.controller, lambda s: s.steps >= steps)
    parts.controller.pause()
    # a fast run may reach its epoch limit before the pause arrives (a loaded machine): done is stopped too
    return wait_snapshot(qtbot, parts.controller, lambda s: s.status in ("paused", "done"))


def wait_frame(qtbot, model, step):
    qtbot.waitUntil(lambda: model.frame is not None and model.frame.step == step and not model.frame.live,
                    timeout=5000)
    return model.frame


def test_every_view_shows_the_moment_chosen_on_the_timeline(qtbot, lab):
    parts = lab("spiral", epochs=None)
    window, model, views = parts.window, parts.model, parts.views
    train_until(qtbot, parts, 60)
    step = 37
    window.timeline.moment_chosen.emit(step)  # as dragging the slider does
    frame = wait_frame(qtbot, model, step)
    stopped = headless("spiral", step, epochs=None)
    for l, (w, b) in enumerate(zip(stopped.network.weights, stopped.network.biases)):
        assert np.array_equal(frame.weights[l], w) and np.array_equal(frame.biases[l], b)
    # the gradients shown are those of step 37 itself: its own batch, the weights before its update
    for l, g in enumerate(stopped.backprop.grad_w):
        assert np.array_equal(frame.grad_w[l], g)
    qtbot.waitUntil(lambda: np.array_equal(window.heatmaps.image(1, "w"), frame.weights[0])
                    and np.array_equal(window.heatmaps.image(1, "grad_w"), frame.grad_w[0]), timeout=5000)
    views.show_view("graph")
    for view in (views.output, views.graph, views.inspector):
        qtbot.waitUntil(lambda v=view: v.throttle.latest is not None and v.throttle.latest[0].step == step)
    views.show_view("health")
    qtbot.waitUntil(lambda: views.health._cursors and views.health._cursors[0].isVisible())
    assert views.health._cursors[0].value() == pytest.approx(step / model.steps_per_epoch)
    per_epoch = model.steps_per_epoch
    assert window.status.replay_text() == f"epoch {step // per_epoch:,}, step {step % per_epoch} of the next, replay"
    assert window.loss_plot.marker() == pytest.approx(step / per_epoch)
    assert window.timeline.live_button.isEnabled()
    window.timeline.live_button.click()  # back to live
    qtbot.waitUntil(lambda: model.frame.live and model.frame.step == model.steps)
    assert window.status.replay_text() == "" and window.loss_plot.marker() is None


def test_looking_back_does_not_stop_training(qtbot, lab):
    parts = lab("spiral", epochs=None)
    model, controller = parts.model, parts.controller
    controller.train()
    wait_snapshot(qtbot, controller, lambda s: s.steps >= 20)
    controller.show_moment(10)
    wait_frame(qtbot, model, 10)
    target = model.steps + 50
    later = wait_snapshot(qtbot, controller, lambda s: s.steps >= target)
    assert later.status == "running" and model.running
    assert model.frame.step == 10 and not model.frame.live  # the views stay on the chosen moment
    controller.show_moment(None)
    qtbot.waitUntil(lambda: model.frame.live)


def test_keys_step_through_time(qtbot, lab):
    parts = lab("spiral", epochs=None)
    window, model = parts.window, parts.model
    train_until(qtbot, parts, 3 * model.steps_per_epoch + 5)
    actions = {a.shortcut().toString(): a for a in window.timeline_actions}
    end = model.steps
    actions["Left"].trigger()
    wait_frame(qtbot, model, end - 1)
    actions["PgUp"].trigger()
    wait_frame(qtbot, model, end - 1 - model.steps_per_epoch)
    actions["Right"].trigger()
    wait_frame(qtbot, model, end - model.steps_per_epoch)
    actions["PgDown"].trigger()
    qtbot.waitUntil(lambda: model.frame.step == end)
    actions["End"].trigger()
    qtbot.waitUntil(lambda: model.frame.live)
    assert model.moment is None and not window.timeline.live_button.isEnabled()


def test_clicking_the_loss_curve_picks_that_epoch(qtbot, lab):
    parts = lab("xor", epochs=None)
    model = parts.model
    train_until(qtbot, parts, 40)
    parts.window.loss_plot.epoch_clicked.emit(12.0)  # what a click on the curve at epoch 12 emits
    frame = wait_frame(qtbot, model, 12 * model.steps_per_epoch)
    assert frame.epoch == 12


def test_the_tutorial_opens_at_a_pace_a_learner_can_follow(qtbot, lab):
    parts = lab("tutorial")
    model, window = parts.model, parts.window
    assert model.pace == 500 and window.pace.pace() == 500
    epochs = parts.controller.config.epochs
    assert 10 <= epochs / model.pace <= 60  # the whole run in tens of seconds
    parts.controller.load_preset("spiral")
    assert model.pace is None and window.pace.combo.currentText() == "Full speed"


def test_at_a_slow_pace_every_step_is_drawn(qtbot, lab):
    parts = lab("xor", epochs=None)
    model, controller = parts.model, parts.controller
    window = parts.window
    window.pace.pace_chosen.emit(20.0)  # as the pace control does
    frames = []
    model.frame_changed.connect(lambda f: frames.append(f.step))
    started = time.perf_counter()
    controller.train()
    wait_snapshot(qtbot, controller, lambda s: s.steps >= 12, timeout=5000)
    elapsed = time.perf_counter() - started
    controller.pause()
    assert 12 / elapsed < 20 * 1.5  # paced, not full speed (a full-speed run takes 12 steps in microseconds)
    seen = [s for s in frames if s]
    assert seen[:10] == list(range(1, 11))  # one frame per step, none skipped


def test_pace_is_honoured_and_changes_take_effect_at_once(qtbot):
    """The worker itself at 10 and 100 steps a second (the benchmark measures 1 to 1,000 within 10%)."""
    from app import commands as cmd
    from app.worker_thread import WorkerThread
    host = WorkerThread()
    seen = []
    host.worker.snapshot_ready.connect(lambda snap, seq: (seen.append((time.perf_counter(), snap.steps)),
                                                          host.post(cmd.Ack())))
    host.start()
    try:
        trainer = headless("xor", 0, epochs=None)
        host.post(cmd.SetPace(10.0))
        host.post(cmd.SetTrainer(trainer, 1, True))
        qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] >= 15, timeout=5000)
        (t0, s0), (t1, s1) = seen[1], seen[-1]
        assert (s1 - s0) / (t1 - t0) == pytest.approx(10.0, rel=0.3)
        host.post(cmd.SetPace(100.0))
        mark = len(seen)
        qtbot.waitUntil(lambda: seen[-1][1] >= seen[mark - 1][1] + 60, timeout=5000)
        (t0, s0), (t1, s1) = seen[mark + 1], seen[-1]
        assert (s1 - s0) / (t1 - t0) == pytest.approx(100.0, rel=0.3)
    finally:
        host.stop()


def test_lower_the_learning_rate_and_continue_really_continues(qtbot, lab):
    parts = lab("lr_too_high")
    window, controller, model = parts.window, parts.controller, parts.model
    controller.train()
    wait_snapshot(qtbot, controller, lambda s: s.status == "diverged", timeout=20000)
    rate = controller.config.learning_rate
    button = window.banner.button("Lower learning rate \u00f710 and continue")
    assert button is not None and button.isEnabled()
    button.click()
    qtbot.waitUntil(lambda: "Went back to epoch" in window.banner.text(), timeout=5000)
    assert controller.config.learning_rate == pytest.approx(rate / 10)
    went_back = model.epochs
    later = wait_snapshot(qtbot, controller, lambda s: s.epoch >= went_back + 20 or s.status in ("diverged", "done"),
                          timeout=20000)
    assert later.status != "diverged" and later.learning_rate == pytest.approx(rate / 10)


def test_going_back_after_divergence_keeps_the_marks_before_the_epoch_gone_back_to(qtbot, lab):
    parts = lab("lr_too_high")
    window, controller, model = parts.window, parts.controller, parts.model
    controller.train()
    diverged = wait_snapshot(qtbot, controller, lambda s: s.status == "diverged", timeout=20000)
    model.add_mark(0.0, "w1[0, 0] set to 0.1 at epoch 0")  # as the controller marks a change made by hand
    model.add_mark(float(diverged.epoch), f"noise 0.1 -> 0.2 at epoch {diverged.epoch}")
    window.banner.button("Lower learning rate \u00f710 and continue").click()
    qtbot.waitUntil(lambda: "Went back to epoch" in window.banner.text(), timeout=5000)
    went_back = int(window.banner.text().split("Went back to epoch ")[1].split(",")[0].replace(",", ""))
    assert went_back < diverged.epoch  # before the blow-up, and before the second mark
    assert model.marks == [(0.0, "w1[0, 0] set to 0.1 at epoch 0")]
    assert window.loss_marks.texts() == ["w1[0, 0] set to 0.1 at epoch 0"]
    controller.pause()
    settle(qtbot, parts)


def test_one_step_taken_apart_phase_by_phase_in_the_window(qtbot, lab):
    parts = lab("tutorial")
    window, model, views = parts.window, parts.model, parts.views
    window.pace.pace_chosen.emit(None)
    window.take_apart.trigger()  # F9 at step 0: the first step is taken, and taken apart
    qtbot.waitUntil(lambda: model.phases is not None, timeout=5000)
    walk = model.phases
    assert walk.step == 1 and len(walk) == 3 + 1 + 3 + 1  # forward x3, the loss, backward x3, the update
    assert views.step.title.text() == "Step 1 taken apart" and views.docks["step"].isVisible()
    stopped = headless("tutorial", 1)  # the run stopped after that step, headless
    before = build(TrainConfig.from_dict(load_preset("tutorial")["config"]), fit_io=True).network
    _, zs, acts = before.forward(stopped.data.X_train, trace=True)
    # forward, layer 1: every unit's sum written out with its numbers, equal to the engine's forward pass
    assert f"z[0] = " in views.step.text() and f"= {zs[0][0, 0]:.6g}" in views.step.text()
    qtbot.waitUntil(lambda: np.isnan(window.heatmaps.image(1, "grad_w")).all())  # no gradient reached yet
    assert views.graph.highlighted_layer == 1
    for k in range(1, 5):
        window.take_apart.trigger()  # F9 again: the next phase
    assert model.phase == 4 and walk.phases[4].kind == "backward" and walk.phases[4].layer == 2
    # the walk has reached w3: its gradient is in, w1's and w2's are not yet
    qtbot.waitUntil(lambda: np.array_equal(window.heatmaps.image(3, "grad_w"), stopped.backprop.grad_w[2]))
    assert np.isnan(window.heatmaps.image(1, "grad_w")).all()
    window.phase_back.trigger()  # Shift+F9
    assert model.phase == 3 and walk.phases[3].kind == "loss"
    while model.phase < len(walk) - 1:
        views.step.next.click()
    assert "update" in views.step.text() and views.step.update_box.isVisible()
    w_before, update, w_after = views.step.update_images()
    assert np.array_equal(w_after, stopped.network.weights[0]) and np.array_equal(w_before - update, w_after)
    qtbot.waitUntil(lambda: np.array_equal(window.heatmaps.image(1, "w"), stopped.network.weights[0]))
    views.step.next.click()  # "Finish the step": back to the run, live
    assert model.phases is None and model.frame.live and model.steps == 1


def test_on_a_past_moment_the_step_after_it_is_taken_apart(qtbot, lab):
    parts = lab("xor", epochs=None)
    model, controller = parts.model, parts.controller
    train_until(qtbot, parts, 30)
    controller.show_moment(12)
    wait_frame(qtbot, model, 12)
    controller.take_apart()
    qtbot.waitUntil(lambda: model.phases is not None, timeout=5000)
    assert model.phases.step == 13 and model.steps >= 30  # history, not a new step
    while model.phases is not None:
        controller.next_phase()
    wait_frame(qtbot, model, 13)  # finishing the walk shows the moment it led to


def test_a_change_that_draws_new_weights_asks_when_paused_and_undo_brings_the_run_back(qtbot, lab):
    parts = lab("spiral", epochs=None)
    window, controller, model = parts.window, parts.controller, parts.model
    asked = []
    window.ask_apply = lambda text: asked.append(text) or False  # "Keep training"
    snap = train_until(qtbot, parts, 50)
    layers = controller.config.layers
    window.config_panel.layer_editor.add_layer()  # Add hidden layer, while paused
    assert asked and "already trained" in asked[-1]
    assert controller.config.layers == layers and model.steps == snap.steps  # nothing was lost
    window.ask_apply = lambda text: True  # now "Apply"
    window.config_panel.layer_editor.add_layer()
    qtbot.waitUntil(lambda: len(controller.config.layers) == len(layers) + 1)
    assert window.undo.isEnabled() and window.undo.text() == "&Undo changing the layers"
    before = wait_snapshot(qtbot, controller, lambda s: s.status != "running")
    assert before.steps == 0
    window.undo.trigger()  # Edit > Undo (Ctrl+Z)
    back = wait_snapshot(qtbot, controller, lambda s: s.steps == snap.steps)
    assert controller.config.layers == layers and back.sizes == tuple(layers)
    qtbot.waitUntil(lambda: window.loss_plot.n_points() == snap.epoch)  # the history came back too
    assert np.array_equal(back.weights[0], snap.weights[0]) and not window.undo.isEnabled()


def test_step_and_train_at_the_epoch_limit_both_offer_to_raise_it(qtbot, lab):
    parts = lab("xor", epochs=3)
    window, controller = parts.window, parts.controller
    controller.train()
    wait_snapshot(qtbot, controller, lambda s: s.status == "done")
    for action in (window.transport.step, window.transport.train_pause):  # F10, then Space
        window.banner.dismiss()
        action.trigger()
        assert "The epoch limit (3) is reached" in window.banner.text()
        assert controller.model.epochs == 3  # never past the limit
    window.banner.button("+100 epochs").click()
    assert controller.config.epochs == 103
    window.transport.step.trigger()
    stepped = wait_snapshot(qtbot, controller, lambda s: s.epoch == 4 and s.status == "paused")
    assert stepped.epoch == 4


def test_accuracy_is_shown_for_classification_in_the_status_line_the_plot_header_and_as_a_plot(qtbot, lab):
    parts = lab("xor", epochs=None)
    window = parts.window
    snap = train_until(qtbot, parts, 200)
    plot, status = window.loss_plot, window.status
    trainer = headless("xor", 0, epochs=None)
    trainer.run_for(60.0, max_steps=snap.steps)
    acc, test_acc = trainer.train_accuracy.view()[-1], trainer.test_accuracy.view()[-1]
    qtbot.waitUntil(lambda: status.accuracy_label.text() == f"accuracy {acc:.1%}, test {test_acc:.1%}")
    qtbot.waitUntil(lambda: f"accuracy {acc:.1%} (test {test_acc:.1%})" in plot.value_label.text())
    assert plot.accuracy_checkbox.isVisible()
    plot.accuracy_checkbox.setChecked(True)  # the curves show the accuracies instead
    x, y, test = plot.curves()
    assert np.allclose(y, trainer.train_accuracy.view()) and not plot.log_scale()
    assert plot.plot_item.getAxis("left").labelText == "accuracy"
    plot.accuracy_checkbox.setChecked(False)
    assert plot.log_scale() and np.allclose(plot.curves()[1], trainer.train_losses.view())
    parts.controller.load_preset("sine")  # regression: no accuracy anywhere
    qtbot.waitUntil(lambda: not plot.accuracy_checkbox.isVisible())
    assert not status.accuracy_label.isVisible()
