"""The Loss landscape dock in the real window: Compute draws the slice through the weights of the moment shown
(its centre is that moment's loss), with the run's path projected and the current point marked, computed in a
thread of its own with progress; Cancel stops it; PCA needs a path; a new network clears the map. It follows the
moment shown, recomputes while training when asked, and draws the paths of the runs kept for comparison."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from session_helpers import isolated, open_lab, step, wait_snapshot  # noqa: F401  (isolated: fixture)

from engine.backprop import output_and_loss
from engine.config import build
from ui.landscape_view import LandscapeView

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")


def view(lab) -> LandscapeView:
    return lab.window.findChild(LandscapeView)


def raise_dock(lab) -> None:
    """The user brings the Loss landscape tab to the front (it is tabbed behind Settings)."""
    from app.landscape_wiring import LandscapeWiring
    lab.window.findChild(LandscapeWiring).dock.raise_()


def compute(qtbot, lab, method="random"):
    raise_dock(lab)
    v = view(lab)
    v.method_combo.setCurrentIndex(v.method_combo.findData(method))
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        v.compute_button.click()
    qtbot.waitUntil(lambda: not v.progress.isVisible())
    return got.args[0]


def loss_at(lab, frame) -> float:
    """The engine's loss on the training set with the frame's weights."""
    trainer = build(lab.controller.config)
    for w, b, fw, fb in zip(trainer.network.weights, trainer.network.biases, frame.weights, frame.biases):
        w[...], b[...] = fw, fb
    X, Y = lab.controller.model.data.X_train, lab.controller.model.data.Y_train
    return output_and_loss(trainer.network, trainer.loss, X, Y)[0]


def test_compute_draws_the_slice_through_the_weights_shown(qtbot, lab):
    step(qtbot, lab, 30)
    frame = lab.controller.model.frame
    result = compute(qtbot, lab)
    n = lab.controller.LANDSCAPE_GRID
    assert result.losses.shape == (n, n) and np.isfinite(result.losses).all()
    assert result.center_loss == pytest.approx(loss_at(lab, frame), rel=1e-12)
    assert result.losses[n // 2, n // 2] == pytest.approx(result.center_loss, rel=1e-9)
    v = view(lab)
    assert v.image.image.shape == (n, n) and len(v.contours) > 0
    x, y = v.current_item.getData()
    assert (list(x), list(y)) == ([0.0], [0.0])
    px, py = v.path_item.getData()
    assert len(px) >= 2 and abs(px[-1]) < 1e-6 and abs(py[-1]) < 1e-6  # the path ends at the weights shown
    assert f"at the weights of step {frame.step:,}" in v.info.text() and result.step == frame.step


def test_a_past_moment_gets_its_own_slice_and_pca_follows_the_path(qtbot, lab):
    step(qtbot, lab, 40)
    with qtbot.waitSignal(lab.controller.model.frame_changed, timeout=10_000):
        lab.controller.show_moment(10)
    frame = lab.controller.model.frame
    assert frame.step == 10 and not frame.live
    result = compute(qtbot, lab, "pca")
    assert result.method == "pca" and result.center_loss == pytest.approx(loss_at(lab, frame), rel=1e-12)
    assert result.explained is not None


def test_pca_without_a_path_says_why(qtbot, lab):
    view(lab).method_combo.setCurrentIndex(view(lab).method_combo.findData("pca"))
    view(lab).compute_button.click()
    qtbot.waitUntil(lambda: "PCA directions need the run's path" in lab.window.banner.text())
    assert lab.controller.model.landscape is None


def test_cancel_stops_the_computation_and_a_new_network_clears_the_map(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="digits")  # slow enough to cancel
    step(qtbot, lab, 1)
    v = view(lab)
    v.compute_button.click()
    qtbot.waitUntil(lambda: v.progress.isVisible() and v.cancel_button.isEnabled())
    v.cancel_button.click()
    qtbot.waitUntil(lambda: not v.progress.isVisible())
    assert lab.controller.model.landscape is None and v.landscape is None
    lab.controller.LANDSCAPE_GRID = 5
    result = compute(qtbot, lab)
    assert v.landscape is result
    with qtbot.waitSignal(lab.controller.model.network_changed, timeout=10_000):
        lab.window.transport.reset.trigger()
    assert v.landscape is None


# -- the landscape follows the moment shown ---------------------------------------------------------------

def wiring(lab):
    from app.landscape_wiring import LandscapeWiring
    return lab.window.findChild(LandscapeWiring)


def started(lab) -> int:
    return getattr(lab.controller, "_landscapes_started", 0)


def show(qtbot, lab, step):
    """The user picks ``step`` on the timeline; returns once the worker's replay of it is drawn."""
    lab.controller.show_moment(step)
    qtbot.waitUntil(lambda: lab.controller.model.frame.step == step, timeout=10_000)
    return lab.controller.model.frame


def test_a_scrub_moves_the_star_at_once_and_recomputes_once_when_it_ends(qtbot, lab):
    step(qtbot, lab, 40)
    first = compute(qtbot, lab)
    wiring(lab).follow_timer.setInterval(3_000)  # (a slow hand: the scrub below is one scrub on a busy machine)
    before = started(lab)
    v = view(lab)
    for moment in (30, 20, 12):
        frame = show(qtbot, lab, moment)
        x, y = v.current_item.getData()  # the star is where this moment's weights are on the map shown
        assert (x[0], y[0]) == pytest.approx(first.locate(frame.weights, frame.biases))
        assert (x[0], y[0]) != (0.0, 0.0) and v.landscape is first
    assert started(lab) == before  # nothing computed while the user is still moving
    assert "step 12 shown" in v.info.text()
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        pass
    result = got.args[0]
    assert started(lab) == before + 1 and result.step == 12  # one job, for the moment the scrub ended on
    assert result.center_loss == pytest.approx(loss_at(lab, frame), rel=1e-12)
    x, y = v.current_item.getData()
    assert (list(x), list(y)) == ([0.0], [0.0])  # the star is the centre again
    px, py = v.path_item.getData()
    assert abs(px[-1]) < 1e-6 and abs(py[-1]) < 1e-6  # the path ends at the moment shown


def test_a_new_moment_cancels_the_slice_being_computed(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="digits")  # slow enough to catch
    step(qtbot, lab, 2)
    raise_dock(lab)
    v = view(lab)
    v.compute_button.click()
    qtbot.waitUntil(lambda: getattr(lab.controller, "_landscape", None) is not None, timeout=10_000)
    cancelled = lab.controller._landscape[0]._cancel
    wiring(lab).follow_timer.setInterval(200)
    show(qtbot, lab, 3)
    assert cancelled.is_set()  # its moment is no longer shown: stopped at once, not after the scrub
    lab.controller.LANDSCAPE_GRID = 5  # the slice that follows is small
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        pass
    assert got.args[0].step == 3


def test_a_click_on_the_loss_curve_and_a_step_while_paused_recompute_it(qtbot, lab):
    step(qtbot, lab, 20)
    compute(qtbot, lab)
    wiring(lab).follow_timer.setInterval(50)
    epoch_steps = lab.controller.model.steps_per_epoch
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        lab.window.loss_plot.epoch_clicked.emit(5.0)  # what a click on the curve at epoch 5 sends
    assert got.args[0].step == 5 * epoch_steps
    lab.controller.show_moment(None)  # live again
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        pass
    assert got.args[0].step == lab.controller.model.steps
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000,
                          check_params_cb=lambda r: r.step == 21 * epoch_steps) as got:
        step(qtbot, lab, 1)  # paused: one more step is a new moment too


def test_cancel_and_live_training_do_not_recompute(qtbot, lab):
    step(qtbot, lab, 20)
    compute(qtbot, lab)
    w = wiring(lab)
    w.follow_timer.setInterval(50)
    before = started(lab)
    lab.controller.train()  # live frames while training: not moments the user chose
    qtbot.waitUntil(lambda: lab.controller.model.steps > 60 * lab.controller.model.steps_per_epoch, timeout=20_000)
    lab.controller.pause()
    qtbot.waitUntil(lambda: not lab.controller.model.running)
    assert started(lab) == before
    view(lab).cancel_button.setEnabled(True)
    view(lab).cancel_button.click()  # Cancel: no longer asked for
    show(qtbot, lab, 7)
    qtbot.wait(300)  # (longer than the follow interval: nothing may start)
    assert started(lab) == before


def test_while_training_recomputes_at_a_low_rate(qtbot, lab):
    step(qtbot, lab, 1)
    w = wiring(lab)
    w.dock.show()
    w.dock.raise_()  # (tabbed behind Settings: it recomputes only while it can be seen)
    w.timer.setInterval(200)
    view(lab).auto_checkbox.setChecked(True)
    lab.controller.set_pace(200)  # 200 steps a second: the run's 300 epochs take 15 s
    lab.controller.train()
    steps = []
    for _ in range(2):
        with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
            pass
        steps.append(got.args[0].step)
    lab.controller.pause()
    assert steps[1] > steps[0] > 0  # two slices, each of the live weights of its moment


def test_cancel_before_the_worker_answered_cancels_too(qtbot, lab):
    """Compute then Cancel at once: the worker's inputs arrive after the cancel and start nothing."""
    step(qtbot, lab, 5)
    v = view(lab)
    v.compute_button.click()
    lab.controller.cancel_landscape()  # (the Cancel button, pressed before the progress bar even showed)
    lab.controller.step()  # a command after the inputs: once it is answered, they have arrived
    wait_snapshot(qtbot, lab.controller, lambda s: s.epoch == 6 and s.status != "running")
    assert started(lab) == 0 and lab.controller.model.landscape is None and not v.progress.isVisible()


def test_while_training_gives_a_run_over_before_the_first_tick_a_slice_of_its_start_and_its_end(qtbot, lab):
    """At full speed XOR's 300 epochs take about a second, far less than AUTO_SECONDS: ticking While training
    and training still shows a landscape, and the last one is of where the run stopped."""
    step(qtbot, lab, 1)
    w = wiring(lab)
    w.dock.show()
    w.dock.raise_()
    view(lab).auto_checkbox.setChecked(True)  # (the timer keeps its 10 s: it never ticks in this run)
    lab.controller.set_pace(None)
    seen = []
    lab.controller.model.landscape_changed.connect(lambda r: seen.append(getattr(r, "step", -1)))
    lab.controller.train()
    qtbot.waitUntil(lambda: not lab.controller.model.running and lab.controller.model.epochs == 300, timeout=30_000)
    final = lab.controller.model.steps
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] == final, timeout=8_000)


def drawn(v) -> list:
    """The kept runs' paths the landscape shows."""
    return [item for item in v.pinned_items if item.isVisible()]


def test_the_runs_kept_walk_on_the_landscape_in_their_colours(qtbot, lab):
    """The optimizers lesson in the window: the run and a variant kept, each path projected on the slice of the
    run shown, in the colour of its curves; unticked, it goes."""
    from compare_helpers import keep, panel

    from engine.landscape import project
    from ui.pinned_overlay import pinned_color
    step(qtbot, lab, 6)
    keep(qtbot, lab)
    p = panel(lab)
    p.field_combo.setCurrentIndex(p.field_combo.findData("optimizer"))
    p.value_edit.setText("sgd")
    with qtbot.waitSignal(lab.controller.model.pinned_changed, timeout=30_000):
        p.variant_button.click()
    result = compute(qtbot, lab, "pca")
    v = view(lab)
    runs = lab.controller.model.pinned
    assert len(drawn(v)) == 2 and all(run.path is not None for run in runs)
    for item, run, i in zip(drawn(v), runs, range(2)):
        x, y = item.getData()
        np.testing.assert_allclose(np.c_[x, y], project(run.path, result.center, result.d1, result.d2))
        assert item.opts["pen"].color().name() == pinned_color(i).lower()
    kept, variant = (np.c_[item.getData()] for item in drawn(v))
    np.testing.assert_allclose(kept[0], variant[0], atol=1e-9)  # the same initial weights: one start
    np.testing.assert_allclose(kept[-1], 0.0, atol=1e-9)  # the run kept now ends at the weights shown
    assert "2 kept runs: path in its Compare colour" in v.info.text()
    p.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert len(drawn(v)) == 1


def test_a_hidden_dock_recomputes_for_the_moment_shown_once_it_is_shown_again(qtbot, lab):
    step(qtbot, lab, 20)
    compute(qtbot, lab)
    w = wiring(lab)
    w.follow_timer.setInterval(50)
    lab.window.settings_dock.raise_()  # the user goes back to Settings: the map is out of sight
    qtbot.waitUntil(lambda: not w.seen())
    before = started(lab)
    show(qtbot, lab, 40)
    qtbot.waitUntil(lambda: w._due)  # (the scrub has ended: its slice is due)
    assert started(lab) == before  # nothing computed for a map nobody sees
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000) as got:
        w.dock.raise_()
    assert got.args[0].step == 40 and started(lab) == before + 1


def test_while_training_computes_nothing_behind_another_tab(qtbot, lab):
    """A dock tabbed behind Settings stays isVisible(): "While training" must look at what can be seen."""
    step(qtbot, lab, 1)
    w = wiring(lab)
    lab.window.settings_dock.raise_()
    w.timer.setInterval(100)
    view(lab).auto_checkbox.setChecked(True)
    lab.controller.set_pace(200)
    lab.controller.train()
    qtbot.waitUntil(lambda: lab.controller.model.steps > 500, timeout=20_000)  # several ticks of the timer
    assert started(lab) == 0
    with qtbot.waitSignal(lab.controller.model.landscape_changed, timeout=30_000):
        w.dock.raise_()  # in front: the next tick computes it
    lab.controller.pause()
