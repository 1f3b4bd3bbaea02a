"""The digits view: each first-layer unit's weights as an 8x8 tile beside its gradient, and test images with
their predicted and true class; shown for image-shaped inputs only, live and on replay."""
import numpy as np

from qt_helpers import settle, wait_snapshot
from test_time import isolated_settings, lab, train_until  # noqa: F401 (fixtures)

from ui import theme
from ui.digits_view import strip_mosaic, tile_mosaic


def test_a_tile_is_the_unit_row_read_as_the_image():
    rng = np.random.default_rng(0)
    W, G = rng.normal(size=(5, 12)), rng.normal(size=(5, 12)) * 1e-3
    cmap = theme.diverging_colormap()
    out = tile_mosaic(W, G, (3, 4), cmap, per_row=2)
    pair_w = 2 * 4 + 3
    i = 3  # second row, second pair
    y, x = 1 * 4, 1 * pair_w
    m = np.abs(W).max()
    want = cmap.map(((W[i] / m + 1) / 2), mode="byte")[:, :3].reshape(3, 4, 3)
    np.testing.assert_array_equal(out[y:y + 3, x:x + 4], want)
    mg = np.abs(G).max()
    want_g = cmap.map(((G[i] / mg + 1) / 2), mode="byte")[:, :3].reshape(3, 4, 3)
    np.testing.assert_array_equal(out[y:y + 3, x + 5:x + 9], want_g)


def test_strip_frames_the_wrong_ones_red():
    X = np.linspace(0, 1, 12).reshape(12, 1).repeat(3, axis=1)
    out = strip_mosaic(X, (3, 4), np.array([False, True, False]))
    assert tuple(out[0, 7 + 0]) == (230, 40, 40) and tuple(out[0, 0]) == (60, 60, 60)
    assert out[3, 4, 0] == 255 and out[1, 1, 0] == 0  # the image's last and first pixels, in grey


def test_digits_dock_shows_weights_and_predictions_live_and_on_replay(qtbot, lab):
    parts = lab("digits")
    view, model = parts.views.digits, parts.model
    assert view.dock.isVisible()
    view.throttle.min_interval = 0.0
    train_until(qtbot, parts, 30)
    frame = model.frame
    qtbot.waitUntil(lambda: view.predicted is not None and view.throttle.pending is None)
    want = tile_mosaic(frame.weights[0], frame.grad_w[0], (8, 8), view.cmap, view.tile_columns)
    np.testing.assert_array_equal(view.tiles.image, want)
    X = model.data.X_test[:, :16]
    predicted = frame.network.forward(X).argmax(axis=0)
    np.testing.assert_array_equal(view.predicted, predicted)
    np.testing.assert_array_equal(view.wrong, predicted != model.data.labels_test[:16])
    assert view.labels[0].toPlainText().startswith(model.data.target_names[predicted[0]])
    parts.controller.show_moment(1)
    qtbot.waitUntil(lambda: not model.frame.live and model.frame.step == 1)
    old = model.frame
    qtbot.waitUntil(lambda: np.array_equal(view.tiles.image, tile_mosaic(old.weights[0], old.grad_w[0], (8, 8),
                                                                             view.cmap, view.tile_columns)))
    parts.controller.load_preset("spiral")
    assert not view.dock.isVisible()
    settle(qtbot, parts)
