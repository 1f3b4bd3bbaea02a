"""Your own data: clicks in the Output view's Draw mode add points of the chosen class (shift: the next one),
right-clicks remove the nearest; the data becomes dataset 'drawn', a config edit, and trains."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.datasets import make_dataset
from engine.drawing import drawn_from, with_point, without_nearest
from engine.validation import ConfigError
from qt_helpers import settle
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)


def test_drawn_from_keeps_every_point_and_label():
    d = make_dataset("circles", rng=np.random.RandomState(3))
    drawn = drawn_from(d)
    P = np.asarray(drawn["points"]).T
    assert P.shape == (2, d.n_train + d.n_test)
    np.testing.assert_array_equal(P[:, :d.n_train], d.X_train)
    assert drawn["labels"] == d.labels_train.tolist() + d.labels_test.tolist()
    more = with_point(drawn, (0.25, -0.5), 1)
    assert more["points"][-1] == [0.25, -0.5] and more["labels"][-1] == 1
    fewer = without_nearest(more, (0.26, -0.49))
    assert fewer == drawn
    with pytest.raises(ConfigError, match="at least one point"):
        without_nearest({"points": [[0.0, 0.0]], "labels": [0]}, (0, 0))
    with pytest.raises(ConfigError, match="dataset"):
        drawn_from(make_dataset("iris", rng=np.random.RandomState(0)))


def click(qtbot, out, x, y, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier):
    out.grab()
    scene = out.plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(out.plot.viewport(), button, modifier, pos=out.plot.mapFromScene(scene))


def test_click_adds_shift_click_the_next_class_right_click_removes(qtbot, lab):
    parts = lab("xor")
    out, c = parts.views.output, parts.controller
    n = parts.model.data.n_train + parts.model.data.n_test
    qtbot.mouseClick(out.draw, Qt.MouseButton.LeftButton)
    assert out.draw_class.isVisible()
    out.draw_class.setCurrentIndex(0)
    click(qtbot, out, 0.31, 0.42)
    assert c.config.dataset == "drawn"
    drawn = c.config.drawn
    assert len(drawn["points"]) == n + 1 and drawn["labels"][-1] == 0
    assert np.allclose(drawn["points"][-1], [0.31, 0.42], atol=0.02)
    click(qtbot, out, -0.6, 0.2, modifier=Qt.KeyboardModifier.ShiftModifier)
    assert c.config.drawn["labels"][-1] == 1 and len(c.config.drawn["points"]) == n + 2
    assert out.draw.isChecked()  # still drawing on the new network
    x, y = c.config.drawn["points"][-1]
    click(qtbot, out, x, y, button=Qt.MouseButton.RightButton)
    assert len(c.config.drawn["points"]) == n + 1 and c.config.drawn["points"][-1][0] == pytest.approx(0.31, abs=0.02)
    # drawn points train like any dataset
    train_until(qtbot, parts, 10)
    assert parts.model.data.name == "drawn" and parts.model.steps >= 10
    settle(qtbot, parts)


def test_without_draw_a_click_picks_a_sample_not_a_point(qtbot, lab):
    parts = lab("xor")
    out = parts.views.output
    click(qtbot, out, 0.31, 0.42)
    assert parts.controller.config.dataset == "xor"
    settle(qtbot, parts)


def test_curve_click_adds_x_y(qtbot, lab):
    parts = lab("sine")
    out, c = parts.views.output, parts.controller
    assert out.mode == "curve"
    qtbot.mouseClick(out.draw, Qt.MouseButton.LeftButton)
    assert not out.draw_class.isVisible()
    click(qtbot, out, 0.5, 0.8)
    assert c.config.dataset == "drawn" and "targets" in c.config.drawn
    assert c.config.drawn["points"][-1][0] == pytest.approx(0.5, abs=0.03)
    assert c.config.drawn["targets"][-1] == pytest.approx(0.8, abs=0.03)
    settle(qtbot, parts)
