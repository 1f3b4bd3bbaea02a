"""The Loss landscape dock in the real window: Compute draws the slice through the weights of the moment shown
(its centre is that moment's loss), with the run's path projected and the current point marked, computed in a
thread of its own with progress; Cancel stops it; PCA needs a path; a new network clears the map."""
import numpy as np
import pytest
from session_helpers import isolated, open_lab, step  # noqa: F401  (isolated: fixture)

from engine.backprop import output_and_loss
from engine.config import build
from ui.landscape_view import LandscapeView

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")


def view(lab) -> LandscapeView:
    return lab.window.findChild(LandscapeView)


def compute(qtbot, lab, method="random"):
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
    assert "at the weights shown" in v.info.text()


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
