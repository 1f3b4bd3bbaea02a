"""Hammer the transport and the settings while the worker trains: no crash, no Qt warning, no stale state,
and no thread left behind once the window is closed."""
import gc
import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThread, QtMsgType
from PySide6.QtWidgets import QApplication

from app.controller import Controller  # noqa: F401 (types)
from app.gui import assemble
from qt_helpers import wait_snapshot
from ui.main_window import MainWindow


def live_qthreads():
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, QThread) and shiboken6.isValid(o)
               and o is not QThread.currentThread())


def test_rapid_transport_and_shape_edits_while_training(qtbot, qtlog, tmp_path):
    threads_before, qthreads_before = threading.active_count(), live_qthreads()
    window = MainWindow()
    window.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    questions = []
    window.ask_apply = lambda text: questions.append(text) or True  # the prompt, answered "Apply"
    controller = assemble(window, session=False, views=False).controller
    controller.load_preset("tutorial")
    controller.apply({"epochs": None})  # the tutorial would finish its 10,000 epochs in a blink
    window.show()
    qtbot.waitExposed(window)
    t = window.transport

    for i in range(1000):
        t.train_pause.trigger()  # Train
        if i % 8 == 0:
            QApplication.processEvents()  # snapshots and drawing in between, as a user's clicks would allow
        t.train_pause.trigger()  # Pause
        t.step.trigger()
        t.reset.trigger()
    assert controller.generation == 1 + 1000  # the preset's network, then one per reset
    snap = wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation and s.status == "ready")
    assert snap.epoch == 0

    editor = window.config_panel.layer_editor
    t.train_pause.trigger()
    for i in range(50):
        kind = i % 5
        if kind == 0:
            editor.add_button.click()
        elif kind == 1:
            editor.row(2).size.setText(str(20 + i))  # a new size every time
            editor.row(2).size.editingFinished.emit()
        elif kind == 2:
            editor.row(1).remove.click()
        elif kind == 3:
            combo = editor.row(1).activation
            combo.setCurrentText("relu" if combo.currentText() == "tanh" else "tanh")
            combo.activated.emit(combo.currentIndex())
        else:
            window.config_edited.emit({"seed": i})
        QApplication.processEvents()
        assert controller.running
    assert len(questions) == 50
    wait_snapshot(qtbot, controller, lambda s: s.generation == controller.generation and s.epoch > 10)
    assert window.heatmaps.n_layers() == len(controller.config.layers) - 1

    # still exact after all that: Step is one epoch
    t.train_pause.trigger()
    paused = wait_snapshot(qtbot, controller, lambda s: s.status == "paused")
    t.step.trigger()
    stepped = wait_snapshot(qtbot, controller, lambda s: s.status == "paused" and s.epoch == paused.epoch + 1)
    assert stepped.generation == paused.generation

    t.train_pause.trigger()
    assert window.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    del window, controller
    assert threading.active_count() == threads_before
    assert live_qthreads() == qthreads_before
    problems = [r.message for r in qtlog.records
                if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)]
    assert not problems
