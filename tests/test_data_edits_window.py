"""Data edits in the window, through the real controller and worker: points drawn, the noise and test-fraction
sliders, Regenerate and Clear keep the network's weights; each is undone by Edit > Undo, as is a weight set by
hand; a drawn run round-trips through a session's save and open."""
from __future__ import annotations

import numpy as np
import pytest

from qt_helpers import settle, wait_snapshot
from session_helpers import isolate_settings, open_lab
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)


def weights_of(snapshot) -> list:
    return [w.copy() for w in snapshot.weights]


def same_weights(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_points_drawn_keep_the_weights_and_show_at_once_while_paused(qtbot, lab):
    parts = lab("xor")
    model, controller, out = parts.model, parts.controller, parts.views.output
    snap = train_until(qtbot, parts, 30)
    before, generation, n = weights_of(snap), model.generation, model.data.n_train + model.data.n_test
    out.draw.setChecked(True)
    out.point_added.emit(0.5, -0.5, 1)  # what a click on the plane asks for
    out.point_added.emit(0.6, -0.4, 0)  # a second click before the worker answered the first
    assert model.config.dataset == "drawn" and len(model.config.drawn["points"]) == n + 2
    assert model.generation == generation  # no new network, no question asked
    assert len(out.train_points.getData()[0]) + len(out.test_points.getData()[0]) == n + 2  # drawn at once
    now = wait_snapshot(qtbot, controller, lambda s: s.steps == snap.steps)
    assert same_weights(weights_of(now), before) and now.status == "paused"
    assert parts.window.undo.text() == "&Undo adding a point"
    out.point_removed.emit(0.6, -0.4, 0.01, 0.01)
    assert len(model.config.drawn["points"]) == n + 1
    parts.window.undo.trigger()
    assert len(model.config.drawn["points"]) == n + 2
    train_until(qtbot, parts, snap.steps + 20)  # it trains on the drawing
    assert model.generation == generation
    settle(qtbot, parts)


def test_the_noise_slider_changes_the_data_keeps_the_weights_and_marks_the_loss_curve(qtbot, lab):
    parts = lab("xor")
    model, controller = parts.model, parts.controller
    panel = parts.data_wiring.panel
    assert panel.noise.isEnabled() and panel.regenerate.isEnabled()
    snap = train_until(qtbot, parts, 40)
    before, X = weights_of(snap), model.data.X_train.copy()
    for position in (10, 20, 30):  # a drag: asked for once it stands still 150 ms, not at every position
        panel.noise.slider.setValue(position)
    assert model.config.noise is None  # not yet: debounced
    qtbot.waitUntil(lambda: model.config.noise == 0.3, timeout=3000)
    assert not np.array_equal(model.data.X_train, X) and model.data.n_train == X.shape[1]
    qtbot.waitUntil(lambda: len(model.marks) == 1)
    epoch, text = model.marks[0]
    assert text == f"noise 0.05 -> 0.3 at epoch {snap.epoch}" and epoch == snap.epoch
    assert parts.window.loss_marks.texts() == [text]
    now = wait_snapshot(qtbot, controller, lambda s: s.steps == snap.steps)
    assert same_weights(weights_of(now), before)
    panel.test_fraction.slider.setValue(10)  # 0.5
    panel.test_fraction.slider.sliderReleased.emit()  # a release asks at once
    assert model.config.test_fraction == 0.5 and model.data.n_test == 200
    settle(qtbot, parts)


def test_undo_takes_back_a_point_a_data_change_and_a_weight_edit_newest_first(qtbot, lab):
    parts = lab("xor")
    model, controller, window = parts.model, parts.controller, parts.window
    snap = train_until(qtbot, parts, 20)
    old = float(snap.weights[0][1, 0])
    assert controller.set_parameter("w", 1, 1, 0, 0.75)
    wait_snapshot(qtbot, controller, lambda s: s.weights[0][1, 0] == 0.75)
    qtbot.waitUntil(lambda: window.undo.text() == "&Undo setting w1[1, 0]")
    assert controller.change_data({"noise": 0.4})
    assert window.undo.text() == "&Undo changing the noise"
    controller.add_point(0.1, 0.2, 0)
    assert window.undo.text() == "&Undo adding a point" and model.config.dataset == "drawn"
    window.undo.trigger()
    assert model.config.dataset == "xor" and model.config.noise == 0.4
    assert window.undo.text() == "&Undo changing the noise"
    window.undo.trigger()
    assert model.config.noise is None
    qtbot.waitUntil(lambda: model.marks[-1][1].startswith("noise 0.4 -> 0.05 (undone)"))
    assert window.undo.text() == "&Undo setting w1[1, 0]"
    window.undo.trigger()
    back = wait_snapshot(qtbot, controller, lambda s: s.weights[0][1, 0] == old)
    assert back.weights[0][1, 0] == old and not window.undo.isEnabled()
    qtbot.waitUntil(lambda: model.marks[-1][1].startswith(f"w1[1, 0] set to {old:.4g}"))
    window.undo.trigger()  # nothing left: nothing happens
    assert model.config.noise is None
    settle(qtbot, parts)


def test_regenerate_draws_new_data_under_the_same_weights(qtbot, lab):
    parts = lab("circles")
    model, controller = parts.model, parts.controller
    snap = train_until(qtbot, parts, 10)
    X = model.data.X_train.copy()
    parts.data_wiring.panel.regenerate.click()
    assert model.config.data_seed is not None and not np.array_equal(model.data.X_train, X)
    now = wait_snapshot(qtbot, controller, lambda s: s.steps == snap.steps)
    assert same_weights(weights_of(now), weights_of(snap))
    assert parts.window.undo.text() == "&Undo regenerating the data"
    settle(qtbot, parts)


def test_clear_empties_the_plane_training_waits_for_a_first_point(qtbot, lab):
    parts = lab("xor", epochs=None)
    model, controller, window, out = parts.model, parts.controller, parts.window, parts.views.output
    train_until(qtbot, parts, 10)
    parts.data_wiring.panel.clear.click()
    assert model.cleared and len(out.train_points.getData()[0]) == 0
    controller.train()
    assert not model.running and "The drawing is empty" in window.banner.text()
    controller.add_point(0.3, 0.3, 1)
    assert not model.cleared and model.config.drawn == {"points": [[0.3, 0.3]], "labels": [1],
                                                        "names": ["same sign", "opposite sign"]}
    assert model.data.target_names == ["same sign", "opposite sign"]  # the classes keep their names
    assert model.data.n_train == 1 and len(out.train_points.getData()[0]) == 1
    train_until(qtbot, parts, model.steps + 5)  # one point trains
    settle(qtbot, parts)


def trained_xor_session(qtbot, tmp_path, steps: int):
    """A window with a session on xor, trained ``steps`` steps or more, stopped (paused, or done: xor may reach
    its 300 epochs before the Pause arrives)."""
    isolate_settings(tmp_path)
    lab = open_lab(qtbot, tmp_path / "s.ini", views=True, preset="xor")
    lab.controller.train()
    wait_snapshot(qtbot, lab.controller, lambda s: s.steps >= steps)
    lab.controller.pause()
    wait_snapshot(qtbot, lab.controller, lambda s: s.status in ("paused", "done"))
    return lab


def test_a_drawn_session_is_dirty_and_round_trips_through_save_and_open(qtbot, tmp_path):
    lab = trained_xor_session(qtbot, tmp_path, 10)
    c, session = lab.controller, lab.session
    path = str(tmp_path / "drawn.npz")
    session.save_to(path)
    qtbot.waitUntil(lambda: not session.is_dirty())
    c.add_point(0.25, -0.75, 1)
    wait_snapshot(qtbot, c, lambda s: True)
    qtbot.waitUntil(session.is_dirty)  # a data edit is an unsaved change
    drawn = c.config.drawn
    session.save_to(path)
    qtbot.waitUntil(lambda: not session.is_dirty())
    c.load_preset("spiral")
    assert session.open_path(path)
    assert c.config.dataset == "drawn" and c.config.drawn == drawn
    assert c.data.n_train + c.data.n_test == len(drawn["points"])


def test_the_loss_curves_marks_come_back_with_the_run_they_were_saved_with(qtbot, tmp_path):
    lab = trained_xor_session(qtbot, tmp_path, 20)
    c, session, window = lab.controller, lab.session, lab.window
    model = c.model
    assert c.set_parameter("w", 1, 1, 0, 0.25)
    assert c.change_data({"noise": 0.4})
    qtbot.waitUntil(lambda: len(model.marks) == 2)
    marks = list(model.marks)
    path = str(tmp_path / "marked.npz")
    session.save_to(path)
    qtbot.waitUntil(lambda: not session.is_dirty())
    c.load_preset("spiral")
    assert model.marks == [] and window.loss_marks.texts() == []
    assert session.open_path(path)
    assert model.marks == marks and window.loss_marks.texts() == [text for _, text in marks]
    assert [line.value() for line in window.loss_marks.lines[:2]] == [epoch for epoch, _ in marks]


def test_going_back_for_good_keeps_the_marks_of_the_changes_before_it_and_drops_the_later_ones(qtbot, lab):
    parts = lab("xor", epochs=None)
    model, controller = parts.model, parts.controller
    first = train_until(qtbot, parts, 30)
    assert controller.set_parameter("w", 1, 0, 0, 0.3)
    qtbot.waitUntil(lambda: len(model.marks) == 1)
    second = train_until(qtbot, parts, first.steps + 30)
    assert controller.change_data({"noise": 0.5})
    qtbot.waitUntil(lambda: len(model.marks) == 2)
    train_until(qtbot, parts, second.steps + 30)
    earlier = model.marks[0]
    controller.rewind(second.steps - 5)  # after the weight was set, before the data changed
    wait_snapshot(qtbot, controller, lambda s: s.steps == second.steps - 5)
    assert model.marks == [earlier] and parts.window.loss_marks.texts() == [earlier[1]]
    controller.rewind(first.steps - 5)  # before both
    wait_snapshot(qtbot, controller, lambda s: s.steps == first.steps - 5)
    assert model.marks == [] and parts.window.loss_marks.texts() == []
    settle(qtbot, parts)


def test_a_reopened_run_kept_from_its_data_change_goes_back_as_far_as_that_and_says_so(qtbot, tmp_path):
    lab = trained_xor_session(qtbot, tmp_path, 50)
    c, session, window = lab.controller, lab.session, lab.window
    model = c.model
    assert c.change_data({"noise": 0.3})
    qtbot.waitUntil(lambda: len(model.clock.stretches) == 2)
    changed_at = model.clock.stretches[1][0]
    path = str(tmp_path / "noisy.npz")
    session.save_to(path)
    qtbot.waitUntil(lambda: not session.is_dirty())
    c.load_preset("spiral")
    assert session.open_path(path)
    wait_snapshot(qtbot, c, lambda s: s.history_from == changed_at)  # the file kept its history from there
    c.show_moment(changed_at // 2)  # a drag on the timeline to before it
    assert model.moment == changed_at  # as far back as it goes
    qtbot.waitUntil(lambda: model.frame is not None and not model.frame.live and model.frame.step == changed_at)
    assert "keeps its history from step" in window.banner.text()
    assert "unexpected error" not in window.banner.text()
    assert window.timeline.describe(changed_at).split(" ")[:2] == window.timeline.text().split(" ")[:2]


def test_going_back_for_good_to_before_a_data_change_brings_its_data_back(qtbot, lab):
    parts = lab("xor", epochs=None)
    model, controller = parts.model, parts.controller
    first = train_until(qtbot, parts, 30)
    original = model.data
    assert controller.change_data({"noise": 0.5})
    train_until(qtbot, parts, first.steps + 30)
    assert model.data is not original
    controller.rewind(first.steps - 10)  # before the change: the data trained on then comes back
    qtbot.waitUntil(lambda: model.data is original and model.config.noise is None)
    wait_snapshot(qtbot, controller, lambda s: s.steps == first.steps - 10)
    settle(qtbot, parts)


def test_epochs_are_counted_right_after_the_training_set_changed_size(qtbot, lab):
    parts = lab("xor", epochs=None)  # 320 training points in batches of 32: 10 steps an epoch
    model, controller, window = parts.model, parts.controller, parts.window
    first = train_until(qtbot, parts, 40)
    assert controller.change_data({"test_fraction": 0.5})  # 200 points: 7 steps an epoch from here
    qtbot.waitUntil(lambda: len(model.clock.stretches) == 2)
    snap = train_until(qtbot, parts, first.steps + 40)
    assert window.timeline.describe(snap.steps).startswith(f"epoch {snap.epoch:,}")
    epoch = first.epoch + 3  # three epochs into the new data
    controller.show_epoch(epoch)
    assert model.moment == first.steps + 3 * 7
    qtbot.waitUntil(lambda: model.frame is not None and not model.frame.live and model.frame.step == model.moment)
    assert model.frame.epoch == epoch
    settle(qtbot, parts)


def test_the_health_plots_cursor_marks_the_epoch_looked_back_at_after_the_epochs_changed_length(qtbot, lab):
    parts = lab("xor", epochs=None)  # 10 steps an epoch, then 7
    model, controller, views = parts.model, parts.controller, parts.views
    first = train_until(qtbot, parts, 40)
    assert controller.change_data({"test_fraction": 0.5})
    qtbot.waitUntil(lambda: len(model.clock.stretches) == 2)
    train_until(qtbot, parts, first.steps + 70)
    controller.pause()
    views.show_view("health")
    views.health.throttle.min_interval = 0.0
    epoch = first.epoch + 5  # five epochs into the new data, at 7 steps each
    controller.show_epoch(epoch)
    qtbot.waitUntil(lambda: not model.frame.live and model.frame.step == model.moment)
    qtbot.waitUntil(lambda: views.health._cursors and views.health._cursors[0].isVisible())  # (the dead-unit
    # plot, with its cursor, is shown for ReLU networks only)
    assert [c.value() for c in views.health._cursors] == [pytest.approx(epoch)] * 3  # not step / 7
    settle(qtbot, parts)


def test_undoing_a_rebuild_makes_the_old_networks_edits_undoable_again(qtbot, lab):
    parts = lab("xor")
    model, controller, window = parts.model, parts.controller, parts.window
    train_until(qtbot, parts, 20)
    assert controller.change_data({"noise": 0.3})
    assert controller.apply({"layers": (2, 4, 1), "activations": ("tanh", "sigmoid")})  # a new network
    assert window.undo.text() == "&Undo changing the layers" and model.config.noise == 0.3
    window.undo.trigger()  # the trained network comes back, its noise change with it
    assert model.config.layers == (2, 8, 1) and window.undo.text() == "&Undo changing the noise"
    window.undo.trigger()
    assert model.config.noise is None and not window.undo.isEnabled()
    settle(qtbot, parts)


def test_a_one_d_regression_takes_drawn_points_under_the_same_weights(qtbot, lab):
    parts = lab("sine")
    model, controller = parts.model, parts.controller
    snap = train_until(qtbot, parts, 10)
    n = model.data.n_train + model.data.n_test
    controller.add_point(0.25, 0.9, -1)
    assert model.config.drawn["points"][-1] == [0.25] and model.config.drawn["targets"][-1] == 0.9
    assert model.data.n_train + model.data.n_test == n + 1 and model.data.task == "regression"
    now = wait_snapshot(qtbot, controller, lambda s: s.steps == snap.steps)
    assert same_weights(weights_of(now), weights_of(snap))
    settle(qtbot, parts)


def test_a_bad_data_value_is_refused_in_one_line_and_changes_nothing(qtbot, lab):
    parts = lab("xor")
    model, controller, window = parts.model, parts.controller, parts.window
    data, config = model.data, model.config
    errors = []
    window.show_config_error = lambda text, field=None: errors.append((text, field))
    assert controller.change_data({"noise": 5.0}) is False
    assert model.data is data and model.config == config and not window.undo.isEnabled()
    (text, field), = errors
    assert field == "noise" and "5" in text and "(the data in force is kept)" in text and "\n" not in text
    settle(qtbot, parts)


def test_the_data_changes_while_training_without_stopping_it(qtbot, lab):
    parts = lab("spiral", epochs=None)
    model, controller = parts.model, parts.controller
    controller.train()
    snap = wait_snapshot(qtbot, controller, lambda s: s.steps >= 20)
    generation = model.generation
    parts.data_wiring.panel.noise.slider.setValue(50)
    parts.data_wiring.panel.noise.slider.sliderReleased.emit()
    assert model.config.noise == 0.5
    later = wait_snapshot(qtbot, controller, lambda s: s.steps > snap.steps + 50)
    assert model.running and later.status == "running" and model.generation == generation
    qtbot.waitUntil(lambda: len(model.marks) == 1)
    controller.pause()
    settle(qtbot, parts)
