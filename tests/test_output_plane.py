"""The Output view's plane: its axes stay put while points are drawn into it (each click used to re-fit them, so
the next click landed elsewhere relative to the data), and the coloured field covers the whole plot, whatever
its shape (it covered the data's plane only: black margins, and drawn points outside the shading)."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from qt_helpers import settle
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once


def click_at(qtbot, out, x, y, button=Qt.MouseButton.LeftButton):
    scene = out.plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(out.plot.viewport(), button, pos=out.plot.mapFromScene(scene))


def drawn_for(qtbot, parts):
    """Until the Output view has drawn a frame of the current network (a new dataset is a new network)."""
    out, c = parts.views.output, parts.controller
    qtbot.waitUntil(lambda: out.data is parts.model.data and out.throttle.pending is None
                    and out.throttle.latest is not None and out.throttle.latest[0].generation == c.generation)


def field_rect(out):
    return out.image.mapRectToView(out.image.boundingRect())


def assert_field_covers_the_view(out):
    (x0, x1), (y0, y1) = out.plot.getViewBox().viewRange()
    r = field_rect(out)
    tol = 1e-6 * max(x1 - x0, y1 - y0)
    assert r.left() <= x0 + tol and r.right() >= x1 - tol and r.top() <= y0 + tol and r.bottom() >= y1 - tol, \
        (r, (x0, x1, y0, y1))


def test_drawing_keeps_the_axes(qtbot, lab):
    parts = lab("xor")
    model, out = parts.model, parts.views.output
    out.draw.setChecked(True)  # (its class chooser joins the bar: laid out while training)
    step_once(qtbot, parts.window, parts.controller)  # one epoch: no race with a run's end
    qtbot.waitUntil(lambda: out.grid_values() is not None)
    before = [tuple(r) for r in out.plot.getViewBox().viewRange()]
    (x0, x1), (y0, y1) = before
    n = model.data.n_train + model.data.n_test
    # one click near the view's corner, far outside the data: the data's plane grows, the axes must not
    for k, (x, y) in enumerate([(x0 + 0.03 * (x1 - x0), y1 - 0.03 * (y1 - y0)), (0.2, 0.3), (x1 - 0.05, y0 + 0.05)]):
        click_at(qtbot, out, x, y)
        qtbot.waitUntil(lambda: model.data.name == "drawn" and model.data.n_train + model.data.n_test == n + k + 1)
        drawn_for(qtbot, parts)
        after = [tuple(r) for r in out.plot.getViewBox().viewRange()]
        np.testing.assert_allclose(after, before)
    click_at(qtbot, out, 0.2, 0.3, Qt.MouseButton.RightButton)  # right-click removes the nearest
    qtbot.waitUntil(lambda: model.data.n_train + model.data.n_test == n + 2)
    drawn_for(qtbot, parts)
    np.testing.assert_allclose([tuple(r) for r in out.plot.getViewBox().viewRange()], before)
    # another dataset is fitted again
    parts.controller.load_preset("spiral")
    qtbot.waitUntil(lambda: model.data.name == "spiral")
    drawn_for(qtbot, parts)
    assert not np.allclose([tuple(r) for r in out.plot.getViewBox().viewRange()], before)
    settle(qtbot, parts)


@pytest.mark.parametrize("preset", ["moons", "circles"])
def test_the_field_covers_the_whole_plot(qtbot, lab, preset):
    parts = lab(preset)
    model, out = parts.model, parts.views.output
    step_once(qtbot, parts.window, parts.controller)
    qtbot.waitUntil(lambda: out.grid_values() is not None and out.throttle.pending is None)
    assert_field_covers_the_view(out)
    d = model.data
    r = field_rect(out)
    for P in (d.plane_X_train, d.plane_X_test):
        assert (P[0] > r.left()).all() and (P[0] < r.right()).all()
        assert (P[1] > r.top()).all() and (P[1] < r.bottom()).all()
    # and still after the plot changes shape: a zoom (the grid follows the view, values and all)
    out.plot.getViewBox().scaleBy((0.5, 0.5))
    qtbot.waitUntil(lambda: out.throttle.pending is None and out.grid_axes()[0][-1] - out.grid_axes()[0][0] <
                    0.6 * (r.right() - r.left()))
    assert_field_covers_the_view(out)
    xs, ys = out.grid_axes()
    x = d.inputs(np.array([[xs[7]], [ys[11]]]))
    expected = model.frame.network.forward(x)[:, 0]
    assert out.grid_values()[..., 11, 7] == pytest.approx(expected if len(expected) > 1 else expected[0])
    settle(qtbot, parts)
