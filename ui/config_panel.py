"""The settings of a run, as the user edits them: preset, layers, training, data, initialisation.

The panel only shows a ``TrainConfig`` (``set_config``) and reports what the user changed (``edited(dict)``
of TrainConfig fields, each already checked against the engine's constraint table). Deciding whether a change
applies live or rebuilds the network, and refusing a combination the engine rejects, is the owner's job; it
answers with ``set_config`` (the config in force) and ``show_error``.
"""
from __future__ import annotations

import weakref

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QLabel, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from engine.config import CONSTRAINTS
from engine.datasets import DATASETS
from ui.feature_toggles import raw_inputs
from ui.fields import LogRateField, ValueField, fit_popup, fmt_number, number_parser, shrinkable
from ui.layer_editor import LayerEditor

LOSS_TEXT = {"mse": "mean squared error", "bce": "binary cross-entropy", "cce": "categorical cross-entropy"}
OPTIMIZER_TEXT = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
INIT_TEXT = {"uniform": "uniform [0, 1) (tutorial)", "xavier": "Xavier (Glorot uniform)", "he": "He (normal)"}
DTYPE_TEXT = {"float64": "float64", "float32": "float32"}
DATASET_TEXT = {"tutorial": "tutorial (one sample)", "xor": "XOR", "circles": "circles", "moons": "moons",
                "spiral": "spiral", "blobs": "blobs", "sine": "sine (regression)", "csv": "CSV file",
                "iris": "iris (UCI, 150 flowers)", "digits": "digits (UCI, 8x8 images)"}
CLASS_DATASETS = ("spiral", "blobs")  # the generators that take a number of classes

# (TrainConfig field, label, words meaning None): the numeric fields, checked by the engine's constraints
NUMBER_FIELDS = {
    "momentum": ("Momentum", ()),
    "beta1": ("Adam beta1", ()),
    "beta2": ("Adam beta2", ()),
    "weight_decay": ("L2 weight decay", ()),
    "batch_size": ("Batch size", ("full",)),
    "epochs": ("Epoch limit", ("none",)),
    "n_samples": ("Samples", ("default",)),
    "noise": ("Noise", ("default",)),
    "test_fraction": ("Test fraction", ()),
    "n_classes": ("Classes", ("default",)),
    "seed": ("Seed", ()),
}
# what each field does, in a sentence (every control has a tooltip)
TOOLTIPS = {
    "loss": "What training minimises: mean squared error (the tutorial's), binary cross-entropy (one sigmoid "
            "output) or categorical cross-entropy (softmax outputs)",
    "optimizer": "How a gradient becomes a weight change: plain SGD (the tutorial's), SGD with momentum, or "
                 "Adam. Momentum is the classic form v = mu v + lr g, w -= v: the learning rate is inside the "
                 "velocity, so changing it while training scales new gradients only and leaves v as it was "
                 "(PyTorch's SGD uses v = mu v + g, w -= lr v instead)",
    "learning_rate": "Step size of every update (applies at the next step, also while training)",
    "momentum": "Share of the previous update carried into the next one (0 = plain SGD)",
    "beta1": "Adam: decay of the running mean of the gradients",
    "beta2": "Adam: decay of the running mean of the squared gradients",
    "weight_decay": "L2 penalty: every step also pulls each weight toward zero by this factor (0 = off)",
    "batch_size": "Samples per step (mini-batch); empty or 'full' = the whole training set in one step",
    "epochs": "Training stops by itself after this many epochs; empty or 'none' = no limit",
    "dataset": "The data the network learns; input and output sizes follow it",
    "n_samples": "How many samples the dataset generator draws; empty = its default",
    "noise": "How noisy the generated samples are; empty = the dataset's default",
    "test_fraction": "Share of the samples held out as a test set (the blue loss curve), 0 to under 1",
    "n_classes": "Number of classes (spiral and blobs); empty = the dataset's default",
    "init": "How the first weights are drawn: the tutorial's uniform [0, 1), Xavier or He",
    "seed": "Random seed: the same seed gives the same data, weights and shuffles, to the last digit",
    "dtype": "Floating-point precision of the network: float64 (exact tutorial numbers) or float32 (faster)",
}
COMBO_CHARS = 9  # the narrowest a choice box gets, in characters ("categorical cr..." at 1024 px)
PLACEHOLDERS = {"batch_size": "full batch", "epochs": "no limit", "n_samples": "default", "noise": "default",
                "n_classes": "default"}


def _combo(texts: dict) -> QComboBox:
    combo = QComboBox()
    for name, text in texts.items():
        combo.addItem(text, name)
    return shrinkable(combo, COMBO_CHARS)


class ConfigPanel(QWidget):
    """Every setting of a run. Signals: ``edited(dict)`` (field -> new value), ``preset_chosen(str)``."""

    edited = Signal(dict)
    preset_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._config = None
        self._fields: dict[str, QWidget] = {}
        self._watched: weakref.WeakSet = weakref.WeakSet()  # the ValueFields whose accepted() clears the error

        # The messages take a strip of their own above or below the scrolled settings, never over a row; the
        # strip goes at the end away from the field being typed in, and the settings scroll by its height
        # when it goes on top, so that field stays where it is under the mouse (a message shown as a row of
        # the form pushed every section down ~44 px; one floating over the panel hid the rows it covered).
        self.error_label = QLabel()
        self.error_label.setObjectName("errorMessage")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("QLabel { color: #a94442; background: #f8e0e0; border: 1px solid #d9534f;"
                                       " border-radius: 3px; padding: 4px; }")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("QLabel { color: #31708f; background: #e4f1f8; border: 1px solid #9cc5dc;"
                                      " border-radius: 3px; padding: 4px; }")
        self.note_label.setToolTip("Click to hide this note")
        self.note_label.installEventFilter(self)
        self.note_label.hide()
        self._messages = QWidget()
        strip = QVBoxLayout(self._messages)
        strip.setContentsMargins(4, 4, 4, 4)
        strip.addWidget(self.error_label)
        strip.addWidget(self.note_label)
        self._messages.hide()

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)
        self._sections: dict[str, QGroupBox] = {}
        for box in (self._preset_box(), self._network_box(), self._training_box(), self._data_box(),
                    self._init_box()):
            self._sections[box.title()] = box
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self._messages)
        self._body, self._scroll = body, scroll
        body.installEventFilter(self)
        self._fit_width()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode: every row grows with the font
            QTimer.singleShot(0, self, self._fit_font)  # once the fields have their new font too

    def _fit_font(self) -> None:
        self.layer_editor.fit_font()
        self._fit_width()

    def eventFilter(self, watched, event) -> bool:
        # the rows' sizes settle over a few layout passes after a font change or a shown section
        if watched is self.note_label:
            if event.type() == QEvent.Type.MouseButtonPress:
                self.note_label.hide()  # a click gives back the room it takes
                self._place_messages()
                return True
        elif watched is self._body and event.type() == QEvent.Type.LayoutRequest:
            QTimer.singleShot(0, self, self._fit_width)
        return False

    def _place_messages(self) -> None:
        """Show the messages' strip (if any is shown) below the settings, or above them when the focused field
        is in the lower half, keeping every row where it was on the screen."""
        shown = not (self.error_label.isHidden() and self.note_label.isHidden())
        focus = self.focusWidget()
        low = focus is not None and self.isAncestorOf(focus) and \
            focus.mapTo(self, focus.rect().center()).y() > self.height() / 2
        layout = self.layout()
        top = self._scroll.y()
        if shown and self._messages.isHidden():  # where the strip goes is decided when it appears, then it stays
            layout.removeWidget(self._messages)
            layout.insertWidget(0 if low else 1, self._messages)
        self._messages.setVisible(shown)
        layout.activate()
        moved = self._scroll.y() - top
        if moved:  # the strip came (or went) above the settings: scroll them with it, so no row moves
            bar = self._scroll.verticalScrollBar()
            bar.setValue(bar.value() + moved)

    def _fit_width(self) -> None:
        # The scroll area scrolls only vertically, so the panel must be as wide as its widest row (which
        # grows with the layer rows): nothing is ever cut off on the right.
        width = self._body.minimumSizeHint().width() + self._scroll.verticalScrollBar().sizeHint().width() + 2
        self.setMinimumWidth(max(width, 300))

    # -- building -----------------------------------------------------------------------------------
    def _preset_box(self) -> QGroupBox:
        box = QGroupBox("Preset")
        self.preset_combo = shrinkable(QComboBox(), COMBO_CHARS)
        self.preset_combo.setToolTip("Load a ready-made network, dataset and settings")
        self.preset_combo.activated.connect(lambda i: self.preset_chosen.emit(self.preset_combo.itemData(i)))
        self.preset_description = QLabel()
        self.preset_description.setWordWrap(True)
        self.preset_description.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.preset_description.setStyleSheet("QLabel { color: palette(dark); }")
        layout = QVBoxLayout(box)
        layout.addWidget(self.preset_combo)
        layout.addWidget(self.preset_description)
        return box

    def _network_box(self) -> QGroupBox:
        box = QGroupBox("Network")
        self.layer_editor = LayerEditor()
        self.layer_editor.edited.connect(lambda sizes, acts: self._emit({"layers": sizes, "activations": acts}))
        self.layer_editor.rejected.connect(self.show_error)
        self.layer_editor.features.features_edited.connect(lambda f: self._emit({"features": f}))
        self.layer_editor.features.rejected.connect(self.show_error)
        QVBoxLayout(box).addWidget(self.layer_editor)
        return box

    def _training_box(self) -> QGroupBox:
        box = QGroupBox("Training")
        self._training_form = form = self._form(box)
        self._add_combo(form, "loss", "Loss", LOSS_TEXT)
        self._add_combo(form, "optimizer", "Optimizer", OPTIMIZER_TEXT)
        rate = LogRateField("Learning rate", CONSTRAINTS["learning_rate"])
        rate.committed.connect(lambda v: self._emit({"learning_rate": v}))
        rate.rejected.connect(self.show_error)
        rate.field.setToolTip(TOOLTIPS["learning_rate"])
        self._fields["learning_rate"] = rate
        form.addRow("Learning rate", rate)
        for key in ("momentum", "beta1", "beta2", "weight_decay", "batch_size", "epochs"):
            self._add_number(form, key)
        return box

    def _data_box(self) -> QGroupBox:
        box = QGroupBox("Data")
        self._data_form = form = self._form(box)
        self._add_combo(form, "dataset", "Dataset", {name: DATASET_TEXT.get(name, name) for name in DATASETS})
        for key in ("n_samples", "noise", "test_fraction", "n_classes"):
            self._add_number(form, key)
        return box

    def _init_box(self) -> QGroupBox:
        box = QGroupBox("Initialisation")
        form = self._form(box)
        self._add_combo(form, "init", "Weights", INIT_TEXT)
        self._add_number(form, "seed")
        self._add_combo(form, "dtype", "Precision", DTYPE_TEXT)
        return box

    @staticmethod
    def _form(box: QGroupBox) -> QFormLayout:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)  # in every style
        return form

    def _add_combo(self, form: QFormLayout, key: str, label: str, texts: dict) -> None:
        combo = _combo(texts)
        combo.activated.connect(lambda i: self._emit({key: combo.itemData(i)}))
        combo.setToolTip(TOOLTIPS[key])
        self._fields[key] = combo
        form.addRow(label, combo)

    def _add_number(self, form: QFormLayout, key: str) -> None:
        label, none_words = NUMBER_FIELDS[key]
        field = ValueField(number_parser(label, CONSTRAINTS[key], none_words), fmt=fmt_number,
                           placeholder=PLACEHOLDERS.get(key, ""))
        field.committed.connect(lambda v: self._emit({key: v}))
        field.setToolTip(TOOLTIPS[key])
        field.rejected.connect(self.show_error)
        self._fields[key] = field
        form.addRow(label, field)

    # -- model -> view --------------------------------------------------------------------------------
    def sections(self) -> dict[str, QGroupBox]:
        """The group boxes by title: Preset, Network, Training, Data, Initialisation (presenter mode hides some)."""
        return dict(self._sections)

    def field(self, key: str) -> QWidget:
        """The widget editing TrainConfig field ``key`` (a ValueField, a QComboBox or the LogRateField)."""
        return self._fields[key]

    def set_presets(self, entries) -> None:
        """``entries``: (name, title, description) in picker order."""
        self.preset_combo.clear()
        for name, title, description in entries:
            self.preset_combo.addItem(title, name)
            self.preset_combo.setItemData(self.preset_combo.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        fit_popup(self.preset_combo)

    def select_preset(self, name: str | None, based_on: str | None = None) -> None:
        """Show preset ``name``; None for a network that is no preset (any more): "Custom (from <based_on>)"."""
        index = self.preset_combo.findData(name)
        if index < 0:
            title = self.preset_combo.itemText(self.preset_combo.findData(based_on)) if based_on else ""
            self.preset_combo.setPlaceholderText(f"Custom (from {title})" if title else "Custom")
        self.preset_combo.setCurrentIndex(index)
        text = self.preset_combo.itemData(index, Qt.ItemDataRole.ToolTipRole) if index >= 0 else ""
        self.preset_description.setText(text or "")
        self.preset_description.setVisible(bool(text))

    def config(self):
        return self._config

    def set_config(self, config) -> None:
        """Show ``config`` (a TrainConfig) in every field, without emitting."""
        self._config = config
        self.layer_editor.set_layers(config.layers, config.activations, io_editable=config.dataset == "tutorial")
        self.layer_editor.features.show_features(config.features)
        self.layer_editor.features.setVisible(raw_inputs(config) == 2)
        for key, widget in self._fields.items():
            value = getattr(config, key)
            if isinstance(widget, QComboBox):
                index = widget.findData(value)
                if index < 0:  # e.g. a loaded run's dataset 'csv', not offered for new runs
                    widget.addItem(DATASET_TEXT.get(value, str(value)), value)
                    fit_popup(widget)
                    index = widget.count() - 1
                widget.setCurrentIndex(index)
            else:
                widget.set_value(value)
        form = self._training_form
        form.setRowVisible(self._fields["momentum"], config.optimizer == "momentum")
        for key in ("beta1", "beta2"):
            form.setRowVisible(self._fields[key], config.optimizer == "adam")
        self._data_form.setRowVisible(self._fields["n_classes"], config.dataset in CLASS_DATASETS)
        tutorial = config.dataset == "tutorial"
        for key in ("n_samples", "noise", "test_fraction"):  # the tutorial's one sample ignores them
            self._data_form.setRowVisible(self._fields[key], not tutorial)
        self._fit_width()

    # -- messages -------------------------------------------------------------------------------------
    def show_error(self, text: str, field: str | None = None) -> None:
        """A refused value: ``text`` names the field, the value and what is allowed."""
        self.note_label.hide()
        self.error_label.setText(text)
        self.error_label.show()
        widget = self._fields.get((field or "").split("[")[0])
        if isinstance(widget, ValueField):
            widget.set_invalid(True)
        for value_field in self.findChildren(ValueField):  # the layer rows' fields come and go: all of today's
            if value_field not in self._watched:
                self._watched.add(value_field)
                value_field.accepted.connect(self._on_field_accepted)
        self._place_messages()

    def _on_field_accepted(self) -> None:
        """A field took a good value, changed or not (the old one typed again): once no field is refused any
        more, the error about it goes."""
        if not self.error_label.isHidden() and not any(f.is_invalid() for f in self.findChildren(ValueField)):
            self.error_label.hide()
            self._place_messages()

    def show_note(self, text: str) -> None:
        """Something the app did on the user's behalf (e.g. an output activation changed to suit a loss)."""
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
        self._place_messages()

    def clear_messages(self) -> None:
        self.error_label.hide()
        self.note_label.hide()
        self._place_messages()

    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def _emit(self, changes: dict) -> None:
        if self._config is None:
            return
        self.clear_messages()
        self.edited.emit(changes)
