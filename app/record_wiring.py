"""File > Record... in the window (issue 12): the dialog's choices, a file name, then the recording with a
progress dialog and Cancel.

The worker owns the trainer, and drawing views must happen in the GUI thread, so the run is first saved by
the worker (``Controller.save_run``, one consistent state between two slices) to a temporary file and loaded
back as a trainer of the recording's own; the main run trains on meanwhile, untouched.
"""
from __future__ import annotations

import os
import tempfile

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog

from ui.record_dialog import RECORD_FILTER, RecordDialog


class RecordWiring(QObject):
    def __init__(self, window, controller):
        super().__init__(window)
        self.window, self.controller = window, controller
        self.make_dialog = RecordDialog  # (a test answers it)
        self.action = QAction("&Record...", window)
        self.action.setToolTip("The run as an MP4 or an animated GIF of the views over its timeline")
        self.action.setStatusTip(self.action.toolTip())
        menu = window.file_menu
        menu.menu.insertAction(menu.quit_action, self.action)
        menu.menu.insertSeparator(menu.quit_action)
        self.action.triggered.connect(self.ask)
        self._pending = {}  # save token -> (path to record to, RecordOptions, temporary run file)

    def ask(self) -> None:
        from app.recording import RecordOptions
        dialog = self.make_dialog(self.window)
        if not dialog.exec():
            return
        options = RecordOptions(**dialog.choices())
        path, _ = self.window.file_menu.get_save_file_name(self.window, "Record the run", "run.mp4", RECORD_FILTER)
        if not path:
            return
        if os.path.splitext(path)[1].lower() not in (".gif", ".mp4"):
            path += ".mp4"
        fd, tmp = tempfile.mkstemp(suffix=".npz", prefix="backprop-lab-record-")
        os.close(fd)
        from engine.savefile import save_run
        save = self.controller.save_run(tmp, save_run, "the run to record")
        self._pending[save.token] = (path, options, tmp)

    def on_saved(self, result) -> None:
        if result.token not in self._pending:
            return
        path, options, tmp = self._pending.pop(result.token)
        try:
            if not result.error:
                self.record(tmp, path, options)
        finally:
            os.remove(tmp)

    def record(self, run_path: str, path: str, options) -> int:
        from app.recording import record
        from engine.savefile import load_run
        from engine.validation import ConfigError
        trainer = load_run(run_path)
        # (over the controller's "Saved the run to record to <temporary file>": that file is gone in a moment)
        self.window.show_info(f"Recording {options.n_frames} frames of the run to {path}...")
        progress = QProgressDialog("Recording the run...", "Cancel", 0, options.n_frames, self.window)
        progress.setWindowTitle("Record")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)

        def on_progress(done: int, total: int) -> None:
            progress.setValue(done)  # (a modal progress dialog processes events: Cancel is seen)
        try:
            n = record(trainer, path, options, should_stop=progress.wasCanceled, on_progress=on_progress)
        except (OSError, ConfigError, RuntimeError) as err:
            self.window.show_problem(f"Could not record the run to {path}: {err}")
            return 0
        finally:
            progress.close()
        stopped = " (cancelled: the file holds the frames recorded so far)" if n < options.n_frames else ""
        self.window.show_info(f"Recorded {n} frames of {options.width}x{options.height} to {path}{stopped}")
        return n


def wire_record(parts) -> RecordWiring:
    wiring = RecordWiring(parts.window, parts.controller)
    parts.controller.saved.connect(wiring.on_saved)
    return wiring
