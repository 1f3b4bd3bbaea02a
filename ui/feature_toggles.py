"""Input features as toggles beside the Input row, as in TensorFlow Playground: x1, x2, x1^2, x2^2, x1*x2,
sin(x1), sin(x2) (engine/features.py). Shown for datasets over the plane (x1, x2) only.

The toggles show a ``TrainConfig.features`` tuple and report the tuple the user asked for
(``features_edited``); the raw inputs, (), show as x1 and x2 on, and x1 and x2 alone are reported as ().
Switching the last feature off is refused (``rejected``): the network needs at least one input.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QToolButton, QWidget

from engine.datasets import input_count
from engine.features import FEATURE_NAMES, PLANE_DIMS

RAW = ("x1", "x2")  # what the raw inputs are, as features
PER_ROW = 4
TIPS = {"x1": "the first coordinate", "x2": "the second coordinate", "x1^2": "x1 squared", "x2^2": "x2 squared",
        "x1*x2": "the product of the coordinates", "sin(x1)": "the sine of x1", "sin(x2)": "the sine of x2"}


def raw_inputs(config) -> int | None:
    """How many inputs ``config``'s dataset has before features (None: only its file can tell)."""
    if config.features:
        return PLANE_DIMS
    if config.dataset == "drawn":
        return len(config.drawn["points"][0]) if config.drawn and config.drawn.get("points") else None
    if config.dataset == "csv":
        return config.layers[0]  # without features the network's inputs are the file's
    return input_count(config.dataset, config.layers[0])


class FeatureToggles(QWidget):
    """One checkable button per feature; ``show_features(features)`` without emitting."""

    features_edited = Signal(tuple)
    rejected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        self.buttons: dict[str, QToolButton] = {}
        for k, name in enumerate(FEATURE_NAMES):
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setToolTip(f"Input feature {name}: {TIPS[name]} as one of the network's inputs")
            button.clicked.connect(self._toggled)
            grid.addWidget(button, k // PER_ROW, k % PER_ROW)
            self.buttons[name] = button
        # on and off must read at a glance (the default style's checked state is a faint shade)
        self.setStyleSheet("QToolButton:checked { background: #cfe3f5; border: 1px solid #5b9bd5; border-radius: 2px; }")
        self.setToolTip("Input features: what the network sees instead of the raw point (x1, x2)")

    def show_features(self, features: tuple) -> None:
        on = set(features or RAW)
        for name, button in self.buttons.items():
            button.setChecked(name in on)

    def checked(self) -> tuple:
        return tuple(name for name, button in self.buttons.items() if button.isChecked())

    def _toggled(self) -> None:
        features = self.checked()
        if not features:
            self.rejected.emit("features: none is not allowed; expected at least one input feature on")
            self.buttons[self.sender().text()].setChecked(True)  # nothing lost: the last one stays on
            return
        self.features_edited.emit(() if features == RAW else features)
