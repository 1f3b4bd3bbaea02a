"""Unit maps in the window: the training thread attaches every unit's activation over the plane to live
snapshots and replayed moments; the graph draws them on its units, enlarges one under the mouse, and a click
shows it in the Output view with the unit named, until "Show output"."""
import numpy as np
from PySide6.QtCore import QPointF, Qt

from engine.unit_maps import plane_of, unit_maps
from qt_helpers import settle
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)

from ui.unit_map_images import unit_images
from ui.unit_sum import factor


def expected_maps(frame, data):
    return unit_maps(frame.network, plane_of(data)[2], data.features)


def assert_maps_of(frame, data):
    assert frame.unit_maps is not None
    for got, want in zip(frame.unit_maps, expected_maps(frame, data)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def node_pos(graph, column, unit):
    x, y = graph.node_position(column, unit)
    scene = graph.plot.getViewBox().mapViewToScene(QPointF(x, y))
    return scene, graph.plot.mapFromScene(scene)


def test_live_frames_carry_the_maps_of_their_weights(qtbot, lab):
    parts = lab("features")  # with input features: the maps' inputs are the features of the grid
    train_until(qtbot, parts, 30)
    assert parts.model.frame.live
    assert_maps_of(parts.model.frame, parts.model.data)
    assert parts.model.frame.unit_maps[0].shape == (4, 2500)
    settle(qtbot, parts)


def test_replayed_moments_carry_their_own_maps(qtbot, lab):
    parts = lab("spiral", epochs=None)
    model, controller = parts.model, parts.controller
    train_until(qtbot, parts, 40)
    controller.show_moment(10)
    qtbot.waitUntil(lambda: model.frame is not None and not model.frame.live and model.frame.step == 10)
    assert_maps_of(model.frame, model.data)
    live = model.live_frame.unit_maps[-1]
    assert not np.allclose(model.frame.unit_maps[-1], live)  # step 10's, not the newest
    settle(qtbot, parts)


def test_graph_draws_maps_hover_enlarges_click_shows_in_output(qtbot, lab):
    parts = lab("xor")  # 2-4-1: every unit gets a readable map
    views, model = parts.views, parts.model
    views.show_view("graph")
    train_until(qtbot, parts, 20)
    graph = views.graph
    qtbot.waitUntil(lambda: len(graph.unit_maps.placed) == sum(model.config.layers))
    frame = model.frame
    k, u = 1, 2
    drawn = graph.unit_maps.image_of(k, u)
    np.testing.assert_array_equal(drawn, unit_images(frame.unit_maps[k][u:u + 1], "tanh", 50)[0])
    assert graph.unit_maps.every == 1 and graph.unit_maps.note.toPlainText() == ""
    scene, pos = node_pos(graph, k, u)
    graph._on_mouse_moved(scene)  # what the scene's sigMouseMoved delivers
    assert graph.unit_maps.big.isVisible()
    np.testing.assert_array_equal(graph.unit_maps.big.image, drawn)
    qtbot.mouseClick(graph.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert model.unit_shown == (k, u)
    out = views.output
    views.show_view("output")
    qtbot.waitUntil(lambda: out.unit_view.bar.name.text() == "Showing a1[2] (hidden layer 1, tanh) over the plane")
    # over the Output view's own plane (the view's range): a forward pass on its grid, in the maps' colours
    acts = frame.network.forward(out._grid_X, trace=True)[2]
    qtbot.waitUntil(lambda: np.array_equal(out.image.image, unit_images(acts[k][u:u + 1], "tanh", 50)[0]))
    shown = out.image.image.copy()
    assert out.back.isVisible()
    qtbot.mouseClick(out.back, Qt.MouseButton.LeftButton)
    assert model.unit_shown is None and not out.back.isVisible()
    qtbot.waitUntil(lambda: not np.array_equal(out.image.image, shown))
    settle(qtbot, parts)


def test_wide_layers_get_maps_on_some_units_and_say_so(qtbot, lab):
    parts = lab("spiral")  # 32-wide hidden layers in a 1280x800 window
    parts.views.show_view("graph")
    train_until(qtbot, parts, 5)
    maps = parts.views.graph.unit_maps
    qtbot.waitUntil(lambda: bool(maps.placed))
    assert maps.every > 1
    assert f"every {maps.every}" in maps.note.toPlainText()
    assert len([p for p in maps.placed if p[0] == 1]) == len(range(0, 32, maps.every))
    settle(qtbot, parts)


def test_no_maps_off_the_plane(qtbot, lab):
    parts = lab("sine")
    parts.views.show_view("graph")
    train_until(qtbot, parts, 5)
    assert parts.model.frame.unit_maps is None
    assert parts.views.graph.unit_maps.placed == []


# --- the forward pass for one sample --------------------------------------------------------------------
    settle(qtbot, parts)


def test_clicking_a_point_picks_the_sample_the_graph_shows(qtbot, lab):
    parts = lab("xor")
    views, model = parts.views, parts.model
    train_until(qtbot, parts, 10)
    out, graph = views.output, views.graph
    k = 37
    x, y = model.data.plane_X_train[:, k]
    out.grab()
    scene = out.plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(out.plot.viewport(), Qt.MouseButton.LeftButton, pos=out.plot.mapFromScene(scene))
    assert model.sample == k and graph.sample.value() == k
    cx, cy = out.chosen.getData()
    assert (cx[0], cy[0]) == (x, y)
    views.show_view("graph")
    qtbot.waitUntil(lambda: getattr(graph, "_trace", None) is not None)
    net = model.frame.network
    qtbot.waitUntil(lambda: graph._trace[0] is net)
    text = graph.hover_text(("node", 1, 2))
    a0 = model.data.X_train[:, k]
    w, b = net.weights[0][2], net.biases[0][2, 0]
    z = float(w @ a0 + b)
    assert text.startswith("z1[2] = sum_j w1[2, j] x[j] + b1[2]")
    assert f"{factor(w[0])}\u00d7{factor(a0[0])} + {factor(w[1])}\u00d7{factor(a0[1])} + {factor(b)}" in text
    assert f"= {z:.4g}" in text and f"tanh(z) = {np.tanh(z):.4g}" in text
    graph.sample.setValue(5)  # the graph's own spin box: one sample everywhere
    assert model.sample == 5 and out.chosen.getData()[0][0] == model.data.plane_X_train[0, 5]
    settle(qtbot, parts)


def test_a_click_away_from_the_points_picks_nothing(qtbot, lab):
    parts = lab("xor")
    out = parts.views.output
    out.grab()
    scene = out.plot.getViewBox().mapViewToScene(QPointF(50.0, 50.0))
    assert out.nearest_sample(scene) is None
    settle(qtbot, parts)
