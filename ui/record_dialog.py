"""File > Record...: which views, the frame's size, the frame rate and the length of a recording.

A dialog that only asks: ``choices()`` gives (views, fps, seconds, width, height) for app/recording.py.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QSpinBox, QWidget)

VIEW_NAMES = {"loss": "Loss", "heatmaps": "Heatmaps", "output": "Output", "graph": "Network graph"}
RECORD_FILTER = "MP4 videos (*.mp4);;GIF animations (*.gif)"


class RecordDialog(QDialog):
    def __init__(self, parent=None, views=("loss", "heatmaps", "output"), fps=20, seconds=10.0,
                 size=(1280, 720)):
        super().__init__(parent)
        self.setWindowTitle("Record the run")
        self.view_boxes = {}
        row = QHBoxLayout()
        for key, text in VIEW_NAMES.items():
            box = QCheckBox(text)
            box.setChecked(key in views)
            box.toggled.connect(self._check)
            self.view_boxes[key] = box
            row.addWidget(box)
        views_widget = QWidget()
        views_widget.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.width_spin, self.height_spin = QSpinBox(), QSpinBox()
        for spin, value, lo, hi in ((self.width_spin, size[0], 160, 3840), (self.height_spin, size[1], 120, 2160)):
            spin.setRange(lo, hi)
            spin.setValue(value)
            spin.setSuffix(" px")
        size_row = QHBoxLayout()
        size_row.setContentsMargins(0, 0, 0, 0)
        size_row.addWidget(self.width_spin)
        size_row.addWidget(self.height_spin)
        size_widget = QWidget()
        size_widget.setLayout(size_row)
        self.fps_spin = QSpinBox()
        self.fps_spin.setRange(1, 60)
        self.fps_spin.setValue(fps)
        self.fps_spin.setSuffix(" frames/s")
        self.seconds_spin = QDoubleSpinBox()
        self.seconds_spin.setRange(0.5, 150.0)
        self.seconds_spin.setValue(seconds)
        self.seconds_spin.setSuffix(" s")
        self.seconds_spin.setToolTip("The whole run, from its first step to its last, in this long a clip")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record...")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Views", views_widget)
        form.addRow("Size (width, height)", size_widget)
        form.addRow("Frame rate", self.fps_spin)
        form.addRow("Length", self.seconds_spin)
        form.addRow(self.buttons)
        self._check()

    def _check(self, *_) -> None:
        """At least one view: OK is off without."""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(any(b.isChecked()
                                                                            for b in self.view_boxes.values()))

    def choices(self) -> dict:
        return {"views": tuple(k for k, b in self.view_boxes.items() if b.isChecked()), "fps": self.fps_spin.value(),
                "seconds": self.seconds_spin.value(), "width": self.width_spin.value(),
                "height": self.height_spin.value()}
