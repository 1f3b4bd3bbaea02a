"""The File menu: New, Open, Open Recent, Save, Save As, Import CSV, Export and Quit.

The menu is a view like the rest of the window: its actions only emit what the user asked for; the session
(``app.session``) decides what happens, because it knows whether there are unsaved changes to ask about
first. The file choosers are attributes, so a test can answer them without a dialog:
``get_open_file_name(parent, caption, directory, filter) -> (path, filter)`` and the same for saving. Every
file dialog of the window goes through them (the session's, Record's, the CSV import's Browse): they start in
the folder ``ui.start_folder`` picks and remember the one chosen. ``open_dialog`` and ``save_dialog`` are the
Qt dialogs they show.
"""
from __future__ import annotations

import os
import weakref
from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from ui.export import DEFAULT_PNG_SCALE, PNG_SCALES
from ui.start_folder import StartFolder

RUN_FILTER = "Backprop Lab runs (*.npz);;All files (*)"
# kind -> (menu text, tooltip, file name suggested, file filter)
EXPORTS = {
    "loss_csv": ("&Loss history (CSV)...", "One row per epoch: train and test loss (and accuracy)",
                 "loss.csv", "CSV files (*.csv)"),
    "step_losses_csv": ("&Step losses (CSV)...", "One row per training step (mini-batch): its loss",
                        "step_losses.csv", "CSV files (*.csv)"),
    "loss_plot_png": ("Loss plot as &PNG...", "The loss plot as a picture", "loss.png", "PNG images (*.png)"),
    "loss_plot_svg": ("Loss plot as S&VG...", "The loss plot as a scalable vector drawing", "loss.svg",
                      "SVG drawings (*.svg)"),
    "weights_npz": ("&Weights (NumPy .npz)...", "Every weight matrix and bias as arrays w1, b1, w2, b2, ...",
                    "weights.npz", "NumPy archives (*.npz)"),
    "onnx": ("&ONNX...", "The trained network as an ONNX graph (opset 17, float32) for Netron, onnxruntime or "
             "PyTorch", "model.onnx", "ONNX models (*.onnx)"),
    "numpy_script": ("&NumPy script...", "A standalone Python script in the tutorial's style that prints the "
                     "network's predictions; its weights go in NAME_weights.npz beside it", "model.py",
                     "Python scripts (*.py)"),
    "numpy_training_script": ("NumPy &training script...", "A standalone Python script that trains the network "
                              "again from the run's seed, bit for bit; its weights go in NAME_weights.npz beside it",
                              "train_model.py", "Python scripts (*.py)"),
}


def _settings_of(window_ref) -> object:
    """The QSettings of the window (None: none, or the window is gone)."""
    return getattr(window_ref(), "settings", None)


def _action(parent, text: str, tip: str, shortcut=None) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


class FileMenu(QObject):
    """Builds the window's File menu (first in the menu bar).

    Signals: ``new_requested``, ``open_requested`` (choose a file), ``recent_chosen(str)``,
    ``clear_recent_requested``, ``save_requested``, ``save_as_requested``, ``import_csv_requested``,
    ``export_requested(str)`` (a key of EXPORTS). Quit closes the window.
    """

    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(str)
    clear_recent_requested = Signal()
    save_requested = Signal()
    save_as_requested = Signal()
    import_csv_requested = Signal()
    export_requested = Signal(str)

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.open_dialog = QFileDialog.getOpenFileName
        self.save_dialog = QFileDialog.getSaveFileName
        # a weak reference: a lambda holding the window, kept by its own menu, would be a cycle that outlives it
        self.start_folder = StartFolder(partial(_settings_of, weakref.ref(window)))
        self.get_open_file_name = self._open_in_start_folder
        self.get_save_file_name = self._save_in_start_folder
        self.menu = QMenu("&File", window)
        bar = window.menuBar()
        if bar.actions():
            bar.insertMenu(bar.actions()[0], self.menu)  # File comes first
        else:
            bar.addMenu(self.menu)

        self.new_action = _action(window, "&New", "Start afresh from the last preset", "Ctrl+N")
        self.open_action = _action(window, "&Open...", "Open a run saved from the window or with "
                                   "'backprop-lab train --save'", "Ctrl+O")
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setToolTipsVisible(True)
        self.save_action = _action(window, "&Save", "Save the run: settings, weights, optimizer state and "
                                   "history", "Ctrl+S")
        self.save_as_action = _action(window, "Save &As...", "Save the run under a new name", "Ctrl+Shift+S")
        self.import_csv_action = _action(window, "&Import CSV...", "Train on your own data from a CSV file",
                                         "Ctrl+I")
        self.export_menu = QMenu("&Export", window)
        self.export_menu.setToolTipsVisible(True)
        self.export_actions: dict[str, QAction] = {}
        for kind, (text, tip, _, _) in EXPORTS.items():
            if kind == "onnx":
                self.export_menu.addSeparator()  # the network itself, for other tools, after the records
            action = _action(window, text, tip)
            action.triggered.connect(lambda _=False, k=kind: self.export_requested.emit(k))
            self.export_menu.addAction(action)
            self.export_actions[kind] = action
        self._build_png_resolution(window)
        self.quit_action = _action(window, "&Quit", "Close the window (asks about unsaved changes)", "Ctrl+Q")

        self.new_action.triggered.connect(self.new_requested)
        self.open_action.triggered.connect(self.open_requested)
        self.save_action.triggered.connect(self.save_requested)
        self.save_as_action.triggered.connect(self.save_as_requested)
        self.import_csv_action.triggered.connect(self.import_csv_requested)
        self.quit_action.triggered.connect(window.close)
        for item in (self.new_action, self.open_action, self.recent_menu, None, self.save_action,
                     self.save_as_action, None, self.import_csv_action, self.export_menu, None, self.quit_action):
            if item is None:
                self.menu.addSeparator()
            elif isinstance(item, QMenu):
                self.menu.addMenu(item)
            else:
                self.menu.addAction(item)
        self.menu.setToolTipsVisible(True)
        self.set_recent([])

    def _build_png_resolution(self, window) -> None:
        """Export > PNG resolution: 1x to 4x the plot's size on screen, each with its pixels."""
        self.png_menu = QMenu("PNG &resolution", window)
        self.png_menu.setToolTipsVisible(True)
        group = QActionGroup(self.png_menu)
        self.png_scale_actions: dict[int, QAction] = {}
        for scale in PNG_SCALES:
            action = _action(window, f"{scale}x", f"PNG exports {scale} times the plot's size on screen")
            action.setCheckable(True)
            action.setChecked(scale == DEFAULT_PNG_SCALE)
            group.addAction(action)
            self.png_menu.addAction(action)
            self.png_scale_actions[scale] = action
        self.png_menu.aboutToShow.connect(self._label_png_scales)
        self.export_menu.addSeparator()
        self.export_menu.addMenu(self.png_menu)

    @property
    def png_scale(self) -> int:
        """The PNG resolution chosen: the plot's size on screen times this."""
        return next(s for s, a in self.png_scale_actions.items() if a.isChecked())

    def _label_png_scales(self) -> None:
        plot = getattr(self.window, "loss_plot", None)
        size = plot.plot_widget.size() if plot is not None else None
        for scale, action in self.png_scale_actions.items():
            pixels = f" ({size.width() * scale} x {size.height() * scale} px)" if size is not None else ""
            action.setText(f"{scale}x{pixels}")

    @property
    def window(self) -> QMainWindow:  # not an attribute: the lambdas below must not keep the window alive
        return self.parent()

    # -- model -> view --------------------------------------------------------------------------------
    def set_recent(self, paths: list[str]) -> None:
        """Open Recent: one entry per path (newest first), numbered for the keyboard, then Clear."""
        for old in self.recent_menu.actions():  # not clear(): the action being triggered may be one of them
            self.recent_menu.removeAction(old)
            old.deleteLater()
        for i, path in enumerate(paths, start=1):
            name = os.path.basename(path).replace("&", "&&")
            action = self.recent_menu.addAction(f"&{i} {name}" if i < 10 else name)
            action.setToolTip(path)
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.recent_chosen.emit(p))
        if paths:
            self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear list")
        clear.setToolTip("Forget the recently used files (the files stay where they are)")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear_recent_requested)
        self.recent_menu.setEnabled(True)

    def recent_paths(self) -> list[str]:
        return [a.data() for a in self.recent_menu.actions() if a.data()]

    # -- file choosers -------------------------------------------------------------------------------
    def _open_in_start_folder(self, parent, caption: str, directory: str = "", file_filter: str = ""):
        return self._choose(self.open_dialog, parent, caption, directory, file_filter)

    def _save_in_start_folder(self, parent, caption: str, directory: str = "", file_filter: str = ""):
        return self._choose(self.save_dialog, parent, caption, directory, file_filter)

    def _choose(self, dialog, parent, caption, directory, file_filter):
        path, chosen = dialog(parent, caption, self.start_folder.start(directory), file_filter)
        self.start_folder.remember(path)
        return path, chosen

    def ask_open_path(self, directory: str = "") -> str | None:
        path, _ = self.get_open_file_name(self.window, "Open run", directory, RUN_FILTER)
        return path or None

    def ask_save_path(self, suggested: str) -> str | None:
        """A run file name; ``.npz`` is added when the name has no suffix."""
        path, _ = self.get_save_file_name(self.window, "Save run as", suggested, RUN_FILTER)
        if not path:
            return None
        return path if os.path.splitext(path)[1] else path + ".npz"

    def ask_export_path(self, kind: str, directory: str = "") -> str | None:
        """A file name for export ``kind``, with the kind's suffix added when the name has none."""
        text, _, suggested, file_filter = EXPORTS[kind]
        caption = "Export " + text.replace("&", "").rstrip(".")
        start = os.path.join(directory, suggested) if directory else suggested
        path, _ = self.get_save_file_name(self.window, caption, start, file_filter)
        if not path:
            return None
        return path if os.path.splitext(path)[1] else path + os.path.splitext(suggested)[1]
