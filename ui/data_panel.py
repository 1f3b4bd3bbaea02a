"""The data under the Output view, changed live with the network kept (issue #11, as TensorFlow Playground):
a Noise slider and a Test fraction slider, Regenerate (new data from a new data seed) and Clear (draw from
scratch).

A drag is debounced: the change is asked for when the slider is released, or once it has stood still for
``SETTLE_MS`` (a keyboard step, a wheel turn), never once per pixel: each change builds a dataset and pins a
keyframe. The panel only asks (``changes_requested({field: value})``, ``regenerate_requested``,
``clear_requested``); ``set_config`` shows what is in force, and which controls the dataset has: noise for a
generated dataset, a split for any with more than one sample, Regenerate for a generated one, Clear where
points can be drawn (2-D classification, 1-D regression).
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

SETTLE_MS = 150
NOISE_MAX, NOISE_STEP = 1.0, 0.01  # the slider's range (a typed noise may go to 2, engine/datasets.py)
TEST_MAX, TEST_STEP = 0.9, 0.05  # the test fraction's whole allowed range, 0 to 0.9


class DataSlider(QtWidgets.QWidget):
    """A labelled slider over [0, ``maximum``] in steps of ``step``, its value shown beside it; ``settled(value)``
    after a release or SETTLE_MS of standing still."""

    settled = QtCore.Signal(float)

    def __init__(self, label: str, maximum: float, step: float, tip: str, parent=None):
        super().__init__(parent)
        self.step = step
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, round(maximum / step))
        self.slider.setToolTip(tip)
        self.slider.setMinimumWidth(60)
        self.value_label = QtWidgets.QLabel()
        self.value_label.setMinimumWidth(self.value_label.fontMetrics().horizontalAdvance("0.00") + 4)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        name = QtWidgets.QLabel(label)
        name.setMinimumWidth(name.fontMetrics().horizontalAdvance("Noise") + 6)  # the two sliders line up
        layout.addWidget(name)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.value_label)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settle)
        self._sent: float | None = None  # the value last asked for or shown: asked again only when it moved
        self.slider.valueChanged.connect(self._moved)
        self.slider.sliderReleased.connect(self._settle)

    def value(self) -> float:
        return round(self.slider.value() * self.step, 6)

    def set_value(self, value: float) -> None:
        """Show ``value`` (the one in force) without asking for it."""
        self._timer.stop()
        self.slider.blockSignals(True)
        self.slider.setValue(round(min(value, self.slider.maximum() * self.step) / self.step))
        self.slider.blockSignals(False)
        self._sent = self.value() if value <= self.slider.maximum() * self.step else value
        self.value_label.setText(f"{value:.2f}")

    def _moved(self, _position: int) -> None:
        self.value_label.setText(f"{self.value():.2f}")
        self._timer.start()  # a drag, a key, the wheel: asked for once it stands still (or on release)

    def _settle(self) -> None:
        self._timer.stop()
        if self.value() != self._sent:
            self._sent = self.value()
            self.settled.emit(self.value())


class DataPanel(QtWidgets.QWidget):
    changes_requested = QtCore.Signal(dict)
    regenerate_requested = QtCore.Signal()
    clear_requested = QtCore.Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.noise = DataSlider("Noise", NOISE_MAX, NOISE_STEP,
                                "How noisy the generated points are; the network keeps its weights")
        self.test_fraction = DataSlider("Test", TEST_MAX, TEST_STEP,
                                        "Share of the points held out as the test set; the network keeps its weights")
        self.regenerate = QtWidgets.QPushButton("Regenerate")
        self.regenerate.setToolTip("New points from a new data seed, the network's weights kept")
        self.clear = QtWidgets.QPushButton("Clear")
        self.clear.setToolTip("Remove every point to draw your own from scratch (Draw on, click to add)")
        # two short rows, not one long one: one row of four set the Output dock's minimum width past what a
        # 1024 px screen leaves it
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setVerticalSpacing(0)
        layout.addWidget(self.noise, 0, 0)
        layout.addWidget(self.regenerate, 0, 1)
        layout.addWidget(self.test_fraction, 1, 0)
        layout.addWidget(self.clear, 1, 1)
        layout.setColumnStretch(0, 1)
        self.noise.settled.connect(lambda v: self.changes_requested.emit({"noise": v}))
        self.test_fraction.settled.connect(lambda v: self.changes_requested.emit({"test_fraction": v}))
        self.regenerate.clicked.connect(self.regenerate_requested)
        self.clear.clicked.connect(self.clear_requested)

    def set_config(self, config, data=None, can_regenerate: bool = False, can_draw: bool = False) -> None:
        """The values in force, and which controls ``config``'s dataset has."""
        if config is None:
            return
        n = 0 if data is None else data.n_train + data.n_test
        self.noise.setEnabled(can_regenerate)
        self.noise.set_value(config.noise if config.noise is not None else default_noise(config.dataset))
        self.test_fraction.setEnabled(n > 1)
        self.test_fraction.set_value(config.test_fraction)
        self.regenerate.setEnabled(can_regenerate)
        self.clear.setEnabled(can_draw)


def default_noise(dataset: str) -> float:
    """The noise a generated dataset has by default (engine/generators.py), 0 for one without noise."""
    from engine.generators import RECIPES
    recipe = RECIPES.get(dataset)
    return float(recipe.noise) if recipe is not None else 0.0
