"""ImageLayer draws many images in one item exactly where, and the way up, a pyqtgraph ImageItem per image
would: the graph's unit maps moved to it, and must look as they did."""
import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from ui.image_layer import ImageLayer

RECTS = [QtCore.QRectF(0.1, 0.2, 0.3, 0.3), QtCore.QRectF(0.55, 0.5, 0.4, 0.25)]


def images():
    rng = np.random.default_rng(3)
    first = rng.integers(0, 255, (6, 6, 3), dtype=np.uint8)
    first[0] = (255, 0, 0)  # row 0 red, the last row blue: an upside-down image would show
    first[-1] = (0, 0, 255)
    return [first, rng.integers(0, 255, (6, 6, 3), dtype=np.uint8)]


def rendered(qtbot, add) -> np.ndarray:
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
    plot.resize(200, 200)
    add(plot)
    plot.show()
    qtbot.waitExposed(plot)
    image = plot.grab().toImage().convertToFormat(plot.grab().toImage().Format.Format_RGB888)
    ptr = image.constBits()
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3].copy()


def test_it_draws_what_an_image_item_per_image_draws(qtbot):
    def items(plot):
        for img, rect in zip(images(), RECTS):
            item = pg.ImageItem(img, axisOrder="row-major", levels=(0, 255))
            item.setRect(rect)
            plot.addItem(item)

    def layer(plot):
        sheet = np.concatenate(images())  # both stacked in one sheet, (12, 6, 3)
        one = ImageLayer()
        one.set_images([sheet], [(0, QtCore.QRectF(0, 0, 6, 6), RECTS[0]), (0, QtCore.QRectF(0, 6, 6, 6), RECTS[1])])
        plot.addItem(one)

    def empty(plot):
        pass

    a, b, blank = rendered(qtbot, items), rendered(qtbot, layer), rendered(qtbot, empty)
    assert (a != blank).any()  # the images were drawn at all
    differ = np.any(a != b, axis=-1) if a.ndim == 3 else (a != b)
    assert differ.mean() < 0.005, differ.mean()  # at most the odd edge pixel rounded the other way


def test_the_bounds_cover_every_place_and_an_empty_layer_draws_nothing(qtbot):
    layer = ImageLayer()
    layer.set_images([np.zeros((4, 2, 3), np.uint8), np.zeros((0, 2, 3), np.uint8)],
                     [(0, QtCore.QRectF(0, 0, 2, 2), RECTS[0]), (0, QtCore.QRectF(0, 2, 2, 2), RECTS[1]),
                      (1, QtCore.QRectF(0, 0, 2, 2), QtCore.QRectF(5, 5, 1, 1))])
    assert layer.boundingRect() == RECTS[0].united(RECTS[1])  # the empty sheet's place is dropped
    assert len(layer.places) == 2
    layer.clear()
    assert layer.places == [] and layer.boundingRect().isEmpty()
