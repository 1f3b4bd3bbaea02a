"""A reopened run shows the gradient health it had when it was saved: its warnings, its last gradients and its
history over the epochs (rebuilt from the run file's own keyframes), not "All layers healthy" with ||dW|| = 0."""
import numpy as np

from session_helpers import isolated, open_lab, save, wait_snapshot  # noqa: F401 (isolated: a fixture)


def test_a_reopened_vanishing_run_shows_the_same_health(qtbot, isolated, tmp_path):
    first = open_lab(qtbot, tmp_path / "a.ini", views=True, preset="vanishing")
    first.controller.set_pace(None)
    first.controller.apply({"epochs": 40})
    first.controller.train()
    wait_snapshot(qtbot, first.controller, lambda s: s.status == "done", timeout=30_000)
    model = first.controller.model
    qtbot.waitUntil(lambda: model.health.n >= 2 and model.health.latest[0].grad_norm > 0, timeout=20_000)
    before = [(h.layer, h.warning) for h in model.health.latest]
    assert ("vanishing" in [w for _, w in before])
    norms_before = [h.grad_norm for h in model.health.latest]
    path = tmp_path / "vanishing.npz"
    save(qtbot, first, path)

    second = open_lab(qtbot, tmp_path / "b.ini", views=True, preset="xor")
    assert second.session.open_path(str(path))
    reopened = second.controller.model
    qtbot.waitUntil(lambda: reopened.health.n >= 6, timeout=20_000)  # a history (one per keyframe), not one record
    assert [(h.layer, h.warning) for h in reopened.health.latest] == before
    assert np.allclose([h.grad_norm for h in reopened.health.latest], norms_before)
    epochs = reopened.health.epochs
    assert epochs[0] < 1 and epochs[-1] == 40 and np.all(np.diff(epochs) > 0)
    view = second.window.see_inside.health
    second.window.see_inside.show_view("health")
    qtbot.waitUntil(lambda: "Vanishing gradients" in view.warning_label.text())
