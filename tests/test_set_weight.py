"""A weight set by hand: applied between two steps by the training thread (keyframe "edit" pinned), shown at
once even when paused, marked on the loss curve; bad values refused with one line."""
import numpy as np
from PySide6.QtCore import QPointF, Qt

from qt_helpers import settle, wait_snapshot
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)


def double_click(qtbot, widget, pos):
    """What a double-click sends: a click, then a press delivered as a double-click, then its release
    (QTest's mouseDClick sends the double-click event alone, which pyqtgraph reports only on the release)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)


def test_set_weight_while_paused_shows_at_once_and_is_marked(qtbot, lab):
    parts = lab("xor")
    model, controller = parts.model, parts.controller
    train_until(qtbot, parts, 20)
    steps = model.steps
    assert controller.set_parameter("w", 1, 2, 1, 0.5)
    snap = wait_snapshot(qtbot, controller, lambda s: s.weights[0][2, 1] == 0.5)
    assert snap.steps == steps and snap.status == "paused"  # applied between steps, training did not move
    assert len(model.marks) == 1
    epoch, text = model.marks[0]
    assert text.startswith(f"w1[2, 1] set to 0.5 at epoch {epoch:.4g} (loss ")
    assert parts.window.loss_marks.texts() == [text]
    assert parts.window.loss_marks.lines[0].value() == epoch == steps / model.steps_per_epoch
    out = parts.views.output
    qtbot.waitUntil(lambda: model.frame.weights[0][2, 1] == 0.5)
    qtbot.waitUntil(lambda: np.allclose(out.grid_values().ravel(), model.frame.network.forward(out._grid_X)[0]))
    # the edit is a pinned keyframe: the step before it replays with the old value
    controller.show_moment(steps - 1)
    qtbot.waitUntil(lambda: not model.frame.live and model.frame.step == steps - 1)
    assert model.frame.weights[0][2, 1] != 0.5
    parts.controller.load_preset("xor")
    assert model.marks == [] and parts.window.loss_marks.texts() == []
    settle(qtbot, parts)


def test_double_click_on_an_edge_asks_and_sets(qtbot, lab):
    parts = lab("xor")
    model, controller, graph = parts.model, parts.controller, parts.views.graph
    parts.views.show_view("graph")
    train_until(qtbot, parts, 5)
    asked = []
    controller.ask_value = lambda parent, name, current: asked.append((name, current)) or -1.25
    qtbot.waitUntil(lambda: graph.n_edges_drawn() > 0)
    a, b = graph.node_position(0, 1), graph.node_position(1, 3)
    x, y = a[0] + 0.3 * (b[0] - a[0]), a[1] + 0.3 * (b[1] - a[1])
    pos = graph.plot.mapFromScene(graph.plot.getViewBox().mapViewToScene(QPointF(x, y)))
    double_click(qtbot, graph.plot.viewport(), pos)
    assert asked and asked[0][0] == "w1[3, 1]" and asked[0][1] == model.live_frame.weights[0][3, 1]
    wait_snapshot(qtbot, controller, lambda s: s.weights[0][3, 1] == -1.25)
    settle(qtbot, parts)


def test_bad_values_are_refused_with_one_line(qtbot, lab):
    parts = lab("xor")
    problems = []
    parts.window.show_problem = problems.append
    c = parts.controller
    assert not c.set_parameter("w", 1, 2, 1, "nan")
    assert not c.set_parameter("w", 1, 2, 1, float("inf"))
    assert not c.set_parameter("w", 5, 0, 0, 1.0)
    assert not c.set_parameter("b", 1, 99, None, 1.0)
    assert problems[0] == "w1[2, 1]: 'nan' is not allowed; expected a finite number within +-1e+06"
    assert "has no such parameter" in problems[2] and problems[3].startswith("b1[99]")
    assert all("\n" not in p for p in problems)
    assert c.set_parameter("b", 1, 0, None, 2.0)
    wait_snapshot(qtbot, c, lambda s: s.biases[0][0, 0] == 2.0)
    assert parts.model.marks[0][1].startswith("b1[0] set to 2")
    settle(qtbot, parts)
