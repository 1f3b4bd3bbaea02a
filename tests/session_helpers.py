"""A whole window as app.gui builds it (window, controller, session, settings), with every question and file
chooser answered by the test. Used by test_sessions, test_settings, test_presenter and test_menus."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QSettings

from app.controller import Controller
from app.gui import assemble
from ui.main_window import MainWindow


@dataclass
class Lab:
    window: MainWindow
    controller: Controller
    session: Session
    settings: QSettings
    answers: list = field(default_factory=list)  # what ask_unsaved answers next (then "discard")
    questions: list = field(default_factory=list)  # what it was asked
    open_paths: list = field(default_factory=list)  # what the open chooser returns next (then "")
    save_paths: list = field(default_factory=list)  # what the save choosers return next (then "")
    chooser_calls: list = field(default_factory=list)


def isolate_settings(tmp_path) -> None:
    """Nothing may touch the user's settings, whatever a code path opens."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "config"))


def open_lab(qtbot, settings_file, show=True, views=False, **start) -> Lab:
    """``start``: Session.start's arguments (none: what a plain launch does with these settings)."""
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow()
    window.settings = settings
    window.ask_apply = lambda text: True
    parts = assemble(window, settings, views=views)
    controller, session = parts.controller, parts.session
    lab = Lab(window, controller, session, settings)
    # The stubs hold the lists, not the lab: the lab holds the window, which must be freed once closed.
    answers, questions, calls = lab.answers, lab.questions, lab.chooser_calls

    def ask(text):
        questions.append(text)
        return answers.pop(0) if answers else "discard"

    def chooser(paths):
        def choose(parent, caption, directory, file_filter):
            calls.append((caption, directory))
            return (paths.pop(0) if paths else "", "")
        return choose

    session.ask_unsaved = ask
    window.file_menu.get_open_file_name = chooser(lab.open_paths)
    window.file_menu.get_save_file_name = chooser(lab.save_paths)
    qtbot.addWidget(window)  # closed at teardown (the stub answers "discard"), which stops the worker
    session.start(**start)
    restored = window.restore_settings(settings)
    if show:
        if not restored:
            window.resize(1100, 760)
        window.show()
        qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.heatmaps.n_layers() == len(controller.config.layers) - 1)
    return lab


def wait_snapshot(qtbot, controller, predicate, timeout=10_000):
    """The first snapshot of the current network satisfying ``predicate`` (the one already shown included)."""
    last = controller.last_snapshot
    if last is not None and last.generation == controller.generation and predicate(last):
        return last
    with qtbot.waitSignal(controller.snapshot_shown, timeout=timeout,
                          check_params_cb=lambda s: s.generation == controller.generation and predicate(s)) as b:
        pass
    return b.args[0]


def step(qtbot, lab: Lab, epochs: int = 1):
    """Step ``epochs`` epochs, one at a time; returns the last snapshot (paused)."""
    snap = wait_snapshot(qtbot, lab.controller, lambda s: s.status != "running")
    for _ in range(epochs):
        target = snap.epoch + 1
        lab.window.transport.step.trigger()
        snap = wait_snapshot(qtbot, lab.controller,
                             lambda s, t=target: s.epoch == t and s.status in ("paused", "done"))
    return snap


def accept_csv(lab: Lab, path, check=None, qtbot=None) -> None:
    """File > Import CSV answers with the real dialog on ``path``, accepted without showing it;
    ``check(kw)`` sees the arguments the session opens it with."""
    from ui.csv_dialog import CsvImportDialog

    class Accepting(CsvImportDialog):
        def exec(self):
            return 1 if self.dataset() is not None else 0

    def make(parent, **kw):
        if check is not None:
            check(kw)
        dialog = Accepting(parent, **kw)
        dialog.set_path(path)
        if qtbot is not None:
            qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)  # the loader reads in the background
        return dialog

    lab.session.make_csv_dialog = make


def save(qtbot, lab: Lab, path) -> None:
    with qtbot.waitSignal(lab.session.run_saved, timeout=10_000):
        lab.session.save_to(str(path))


@pytest.fixture
def isolated(tmp_path):
    isolate_settings(tmp_path)
    return tmp_path
