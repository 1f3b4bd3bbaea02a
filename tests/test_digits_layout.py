"""The digits view laid out for the room it has (ui/digits_view.py): the weight tiles fill the view, and each
test image's label sits under its own image, clear of its neighbours', at 1024 and 1280 px."""
import numpy as np
import pytest
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)

from ui import digits_view
from qt_helpers import layout_passes


def test_a_wide_box_takes_more_cells_a_row_and_a_tall_one_fewer():
    wide, _ = digits_view.best_columns(32, (19, 9), (600, 200))
    tall, _ = digits_view.best_columns(32, (19, 9), (200, 600))
    assert wide > tall
    per_row, scale = digits_view.best_columns(32, (19, 9), (600, 200))
    rows = -(-32 // per_row)
    assert per_row * 19 * scale <= 600 + 1e-9 and rows * 9 * scale <= 200 + 1e-9
    # nothing is better: every other choice draws the cells smaller
    for other in range(1, 33):
        r = -(-32 // other)
        assert min(600 / (other * 19), 200 / (r * 9)) <= scale + 1e-12


def test_cells_wide_enough_for_their_labels_win_over_larger_area():
    per_row, scale = digits_view.best_columns(16, (11, 10), (200, 400), row_extra=16, min_cell=30)
    assert scale * 11 >= 30  # each image as wide as its label
    unconstrained, _ = digits_view.best_columns(16, (11, 10), (200, 400), row_extra=16)
    assert per_row <= unconstrained


def test_the_strip_puts_its_images_in_rows_with_room_for_labels():
    X = np.ones((12, 5))
    out = digits_view.strip_mosaic(X, (3, 4), np.zeros(5, bool), per_row=2, gap=4)
    assert out.shape == (3 * (3 + 2 + 4), 2 * 7, 3)
    assert tuple(out[9 + 1, 7 + 1]) == (255, 255, 255)  # image 3 (row 1, column 1): its first pixel
    assert not out[5:9].any()  # the gap under the first row is black


def scene_rect(item):
    return item.mapRectToScene(item.boundingRect())


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800)])
def test_the_labels_do_not_overlap_and_the_tiles_fill_the_view(qtbot, lab, size):
    parts = lab("digits")
    window, view = parts.window, parts.views.digits
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    parts.views.size_docks()
    view.throttle.min_interval = 0.0
    qtbot.waitUntil(lambda: view.predicted is not None and view.throttle.pending is None, timeout=5000)
    for label, p in zip(view.labels, view.predicted):  # the longest text a label can have
        label.setText(f"{p} ({(p + 1) % 10})")
    layout_passes()
    rects = [scene_rect(label) for label in view.labels]
    assert len(rects) == 16
    for k, a in enumerate(rects):
        for b in rects[k + 1:]:
            assert not a.intersects(b), (a, b)
    strip = view.strip_box.sceneBoundingRect()
    assert all(strip.contains(r.center()) for r in rects)  # under their images, in the view
    tiles, box = scene_rect(view.tiles), view.tiles_box.sceneBoundingRect()
    assert tiles.width() * tiles.height() >= 0.6 * box.width() * box.height()
