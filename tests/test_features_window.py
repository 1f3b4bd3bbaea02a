"""Input features in the window: the toggles beside the Input row edit ``features`` and the input layer
follows; the Output view stays over the raw plane (x1, x2) and maps its grid through the features; class
names show where classes do."""
import numpy as np
from PySide6.QtCore import Qt

from engine.datasets import accuracy
from engine.features import apply_features
from qt_helpers import settle, wait_snapshot
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)


def toggles(parts):
    return parts.window.config_panel.layer_editor.features


def click(qtbot, parts, name):
    qtbot.mouseClick(toggles(parts).buttons[name], Qt.MouseButton.LeftButton)


def test_toggles_are_shown_for_plane_datasets_only(qtbot, lab):
    parts = lab("spiral")
    assert toggles(parts).isVisible()
    assert toggles(parts).checked() == ("x1", "x2")  # the raw inputs
    parts.controller.load_preset("sine")
    assert not toggles(parts).isVisible()
    parts.controller.load_preset("iris")
    assert not toggles(parts).isVisible()
    parts.controller.load_preset("features")
    assert toggles(parts).isVisible()
    assert toggles(parts).checked() == ("x1", "x2", "x1^2", "x2^2")
    settle(qtbot, parts)


def test_a_toggle_is_a_config_edit_and_the_input_layer_follows(qtbot, lab):
    parts = lab("circles")
    hidden = parts.controller.config.layers[1:]
    click(qtbot, parts, "x1^2")
    assert parts.controller.config.features == ("x1", "x2", "x1^2")
    assert parts.controller.config.layers == (3,) + hidden
    assert parts.model.data.n_features == 3 and parts.model.data.n_raw_features == 2
    click(qtbot, parts, "x1")
    assert parts.controller.config.features == ("x2", "x1^2")
    assert parts.controller.config.layers[0] == 2
    # back to x1 and x2 alone: the raw inputs, ()
    click(qtbot, parts, "x1")
    click(qtbot, parts, "x1^2")
    assert parts.controller.config.features == ()
    settle(qtbot, parts)


def test_the_last_feature_cannot_go_off(qtbot, lab):
    parts = lab("circles")
    click(qtbot, parts, "x1")
    click(qtbot, parts, "x2")  # would leave no input at all
    assert parts.controller.config.features == ("x2",)
    assert toggles(parts).buttons["x2"].isChecked()
    error = parts.window.config_panel.error_text()
    assert error.startswith("features:") and "at least one" in error
    settle(qtbot, parts)


def test_output_plane_stays_over_x1_x2_with_features(qtbot, lab):
    parts = lab("features")
    view = parts.views.output
    assert view.mode == "plane"
    data = parts.model.data
    x, y = view.train_points.getData()
    np.testing.assert_array_equal(x, data.plane_X_train[0])
    np.testing.assert_array_equal(y, data.plane_X_train[1])
    assert view.plot.getAxis("bottom").labelText == "x1"
    parts.window.transport.step.trigger()
    snap = wait_snapshot(qtbot, parts.controller, lambda s: s.generation == parts.controller.generation and s.epoch >= 1)
    qtbot.waitUntil(lambda: view.grid_values() is not None)
    frame = parts.model.frame
    xs, ys = view.grid_axes()
    r, c = 7, 31
    expected = frame.network.forward(apply_features(data.features, np.array([[xs[c]], [ys[r]]])))[0, 0]
    assert abs(view.grid_values()[r, c] - expected) < 1e-12
    assert snap.sizes[0] == 4
    settle(qtbot, parts)


def test_features_preset_is_solved_from_the_window(qtbot, lab):
    """Circles with no hidden layer: at chance on the raw inputs, solved once x1^2 and x2^2 are toggled on."""
    parts = lab("features", epochs=None)  # no end: its 3,000 steps could be over before the pause at 600 came
    for name in ("x1^2", "x2^2"):
        click(qtbot, parts, name)
    assert parts.controller.config.features == ()
    train_until(qtbot, parts, 600)
    data, net = parts.model.data, parts.model.frame.network
    raw = accuracy(net.forward(data.X_test), data.labels_test)
    for name in ("x1^2", "x2^2"):
        click(qtbot, parts, name)
    assert parts.controller.config.features == ("x1", "x2", "x1^2", "x2^2")
    train_until(qtbot, parts, 600)
    data, net = parts.model.data, parts.model.frame.network
    solved = accuracy(net.forward(data.X_test), data.labels_test)
    assert raw < 0.75 and solved > 0.95
    settle(qtbot, parts)


def test_bars_name_the_classes(qtbot, lab):
    parts = lab("iris")
    view = parts.views.output
    assert view.mode == "bars"
    parts.window.transport.step.trigger()
    wait_snapshot(qtbot, parts.controller, lambda s: s.generation == parts.controller.generation and s.epoch >= 1)
    names = parts.model.data.target_names
    true = names[int(parts.model.data.labels_train[view.sample.value()])]
    qtbot.waitUntil(lambda: f"true {true}" in view.info.text())
    assert view.info.text().startswith("predicted ") and view.info.text().split(",")[0][len("predicted "):] in names
    settle(qtbot, parts)
