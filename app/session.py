"""The session of one window: which run file is open, whether it has unsaved changes, the recent files, and
the File menu's commands (New, Open, Save, Save As, Import CSV, Export), with the question about unsaved
changes before anything replaces them.

It lives in the GUI thread beside the controller. Opening loads the file here and hands the trainer to the
worker (``Controller.open_trainer``); saving goes through the worker (``Controller.save_run``), which owns the
trainer and writes between two slices, so the file holds one consistent state, atomically
(``engine.savefile.save_run``). The session is dirty when the network, its step count or its configuration
differ from what was last opened or saved, or when a part of the document kept beside the run file (``add_part``:
the runs kept for comparison, app/session_pinned.py) differs from what was last opened or saved with it.
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox

import resources
from app import exports
from app import settings as keys
from ui.csv_dialog import CsvImportDialog

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
DEFAULT_PRESET = "tutorial"


class Session(QObject):
    """Signals: ``state_changed`` (path or dirty flag), ``run_saved(path)`` after a save that worked, ``run_opened(path)``.

    ``ask_unsaved(text) -> "save" | "discard" | "cancel"`` asks about unsaved changes (replace it in tests);
    ``make_csv_dialog(parent, **kw)`` makes File > Import CSV's dialog. ``settings`` None: nothing is
    remembered (screenshots, --quit-after runs), and ``confirm_close`` False closes without asking.
    """

    state_changed = Signal()
    run_saved = Signal(str)
    run_opened = Signal(str)  # a run file was opened (File > Open, Open Recent, the command line): its path

    def __init__(self, window, controller, settings: QSettings | None = None, confirm_close: bool = True):
        super().__init__(window)
        self.window, self.controller, self.settings = window, controller, settings
        self.confirm_close = confirm_close
        self.path: str | None = None
        self.ask_unsaved: Callable[[str], str] = self._ask_unsaved_dialog
        self.make_csv_dialog = CsvImportDialog
        self._clean = (controller.generation, None, controller.config)  # (generation, steps, config) saved
        self.parts: list = []  # what the document keeps beside the run file (add_part)
        self._clean_parts: list = []  # each part's state when last opened or saved (its blank() for a new run)
        self._dirty = False
        self._after_save: dict[int, Callable[[], None] | None] = {}  # run saves posted: token -> what follows
        self._close_confirmed = False
        self.recent = keys.read_list(settings, keys.RECENT) if settings is not None else []
        window.file_menu.set_recent(self.recent)
        window.installEventFilter(self)

    def add_part(self, part) -> None:
        """Something the document keeps beside the run file, saved and opened with it: ``part.save(path) -> bool``
        after the run was written to ``path`` (False: not saved, and it said why), ``part.load(path)`` once the
        run in ``path`` is opened, ``part.state()`` compared (==) with its state when last saved or opened (a
        difference is an unsaved change), ``part.blank()`` the state a new run starts from, and the signal
        ``part.changed`` emitted whenever its state may have changed."""
        self.parts.append(part)
        self._clean_parts.append(part.state())  # nothing was opened yet: what it holds now is what it starts with
        part.changed.connect(self.refresh)

    def remember_presenter(self, on: bool) -> None:
        if self.settings is not None:
            keys.write(self.settings, keys.PRESENTER, on)

    def remember_pace(self, pace) -> None:
        """The pace chosen, for the preset the network is (or was edited from): it opens at that pace next time."""
        name = self.controller.preset or self.controller.based_on
        if self.settings is not None and name:
            keys.write(self.settings, keys.PACE + name, "full" if pace is None else float(pace))

    def _remembered_pace(self, name: str):
        """(True, pace) if a pace was chosen for preset ``name`` before, else (False, None)."""
        if self.settings is None or self.settings.value(keys.PACE + name) is None:
            return False, None
        value = str(self.settings.value(keys.PACE + name))
        try:
            return True, (None if value == "full" else float(value))
        except ValueError:
            return False, None

    def remember_replay_budget(self, megabytes: int) -> None:
        if self.settings is not None:
            keys.write(self.settings, keys.REPLAY_BUDGET, int(megabytes))

    def remember_lesson_sections(self, names: list) -> None:
        if self.settings is not None:
            keys.write(self.settings, keys.LESSON_SECTIONS, names)

    # -- starting -------------------------------------------------------------------------------------
    def start(self, path: str | None = None, trainer=None, preset: str | None = None) -> None:
        """What the window shows first: ``trainer`` loaded from ``path`` (the command line), else
        ``preset``, else the last session's file if it is still there, else the last preset."""
        if self.settings is not None:
            budget = self.settings.value(keys.REPLAY_BUDGET)
            if budget is not None and str(budget).isdigit() and int(budget) > 0:
                self.controller.replay_budget = int(budget) * 2**20
                self.window.set_replay_budget(int(budget))
            presenter = getattr(self.window, "presenter", None)
            if presenter is not None:
                sections = self.settings.value(keys.LESSON_SECTIONS)
                if sections is not None:
                    presenter.set_shown_sections(keys.read_list(self.settings, keys.LESSON_SECTIONS))
                presenter.set_enabled(keys.read_bool(self.settings, keys.PRESENTER))
        if trainer is not None:
            self._adopt(trainer, path)
            return
        if preset is None and self.settings is not None:
            last = keys.read_str(self.settings, keys.LAST_FILE)
            if last and os.path.isfile(last) and self.open_path(last):
                return
        self._start_preset(preset or self.last_preset())

    def last_preset(self) -> str:
        name = keys.read_str(self.settings, keys.LAST_PRESET) if self.settings is not None else ""
        return name if name in resources.preset_names() else DEFAULT_PRESET

    # -- state ----------------------------------------------------------------------------------------
    def is_dirty(self) -> bool:
        return self._dirty

    def document_name(self) -> str:
        if self.path:
            return os.path.basename(self.path)
        if self.controller.preset:
            return resources.load_preset(self.controller.preset)["title"]
        if self.controller.based_on:
            return resources.load_preset(self.controller.based_on)["title"] + " (changed)"
        return "Untitled"

    def _changed_since_clean(self) -> bool:
        c = self.controller
        generation, steps, config = self._clean
        if c.generation != generation or c.config != config:
            return True
        if any(part.state() != clean for part, clean in zip(self.parts, self._clean_parts)):
            return True
        snap = c.last_snapshot
        return snap is not None and snap.generation == generation and steps is not None and snap.steps != steps

    def refresh(self, *_) -> None:
        dirty = self._changed_since_clean()
        if dirty != self._dirty:
            self._dirty = dirty
            self._show_state()

    def _mark_clean(self, path: str | None, generation: int, steps: int | None, config, parts=None) -> None:
        """``parts``: each part's clean state (None: as they are now, what was just opened or saved)."""
        self.path = path
        self._clean = (generation, steps, config)
        self._clean_parts = [part.state() for part in self.parts] if parts is None else list(parts)
        self._dirty = self._changed_since_clean()
        if self.settings is not None:
            keys.write(self.settings, keys.LAST_FILE, path or "")
        if path:
            self._set_recent(keys.add_recent(self.recent, path))
        self._show_state()

    def _show_state(self) -> None:
        self.window.set_document(self.document_name() + ("*" if self._dirty else ""))
        self.state_changed.emit()

    def clear_recent(self) -> None:
        self._set_recent([])

    def _set_recent(self, paths: list[str]) -> None:
        self.recent = list(paths)
        self.window.file_menu.set_recent(self.recent)
        if self.settings is not None:
            keys.write(self.settings, keys.RECENT, self.recent)

    # -- unsaved changes ------------------------------------------------------------------------------
    def _leave(self, doing: str, then: Callable[[], None]) -> bool:
        """Run ``then`` once the unsaved changes are saved or discarded (at once when there are none).
        False if the user cancelled (or the Save As dialog was cancelled)."""
        if not self._dirty:
            then()
            return True
        answer = self.ask_unsaved(self._unsaved_question(doing))
        if answer == DISCARD:
            then()
            return True
        if answer == SAVE:
            self.controller.pause()  # save the state the user is looking at, not a later one
            return self.save(then=then)
        return False

    def _unsaved_question(self, doing: str) -> str:
        return (f"{self.document_name()} has changes that are not saved (training, settings or runs kept for "
                f"comparison since it was last saved). Save them before {doing}?")

    def _ask_unsaved_dialog(self, text: str) -> str:
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes", text,
                          buttons.Save | buttons.Discard | buttons.Cancel, self.window)
        box.setDefaultButton(buttons.Save)
        return {buttons.Save: SAVE, buttons.Discard: DISCARD}.get(box.exec(), CANCEL)

    def eventFilter(self, watched, event) -> bool:
        """A close of the window with unsaved changes asks first; Save closes once the file is written."""
        # the type first: this runs for every event of the window, also while it is being destroyed
        if event.type() != QEvent.Type.Close or watched is not self.parent():
            return False
        if self._close_confirmed or not self.confirm_close or not self._dirty:
            return False
        answer = self.ask_unsaved(self._unsaved_question("closing"))
        if answer == DISCARD:
            return False
        event.ignore()
        if answer == SAVE:
            self.controller.pause()
            self.save(then=self._close_now)
        return True

    def _close_now(self) -> None:
        self._close_confirmed = True
        self.window.close()

    # -- New, presets, Open ---------------------------------------------------------------------------
    def new(self) -> bool:
        """File > New: the last preset used (the tutorial at first), fresh and untitled."""
        return self._leave("starting a new run", lambda: self._start_preset(self.last_preset()))

    def choose_preset(self, name: str) -> bool:
        """The preset picker: like New, from the chosen preset."""
        self.controller.model.set_preset(self.controller.preset, self.controller.based_on)  # until it is loaded
        return self._leave("loading another preset", lambda: self._start_preset(name))

    def _start_preset(self, name: str) -> None:
        self.controller.pause()
        if not self.controller.load_preset(name):
            return
        known, pace = self._remembered_pace(name)
        if known:
            self.controller.set_pace(pace)
        if self.settings is not None:
            keys.write(self.settings, keys.LAST_PRESET, name)
        # a new run is in no file: whatever its parts still hold (runs kept before) is not saved anywhere
        self._mark_clean(None, self.controller.generation, 0, self.controller.config,
                         [part.blank() for part in self.parts])

    def open(self) -> bool:
        """File > Open: ask about unsaved changes, then for a file."""
        return self._leave("opening another run", self._choose_and_open)

    def _choose_and_open(self) -> None:
        directory = os.path.dirname(self.path or (self.recent[0] if self.recent else ""))
        path = self.window.file_menu.ask_open_path(directory)
        if path:
            self.open_path(path)

    def open_recent(self, path: str) -> bool:
        if not os.path.isfile(path):
            self._set_recent([p for p in self.recent if p != path])
            self.window.show_problem(f"{path} is no longer there; it was removed from Open Recent.")
            return False
        return self._leave("opening another run", lambda: self.open_path(path))

    def open_path(self, path: str) -> bool:
        """Open the run in ``path`` now (no question asked). A file that cannot be read is reported and
        changes nothing: network, history, file name and unsaved changes stay as they were."""
        opened = self.controller.open_run(path)
        if opened is None:
            return False
        steps, config = opened
        self._load_parts(path)
        self._mark_clean(os.path.abspath(path), self.controller.generation, steps, config)
        self.run_opened.emit(self.path)
        return True

    def _adopt(self, trainer, path: str) -> None:
        """A run the command line already loaded (gui.py reads it early, to refuse a bad file with status 2)."""
        steps, config = trainer.steps, trainer.config  # read before the worker owns it
        self.controller.open_trainer(trainer)
        self._load_parts(path)
        self._mark_clean(os.path.abspath(path), self.controller.generation, steps, config)
        self.run_opened.emit(self.path)

    def _load_parts(self, path: str) -> None:
        """What the document keeps beside the run just opened, before it is marked clean (so it is not a change)."""
        for part in self.parts:
            part.load(os.path.abspath(path))

    # -- Save -----------------------------------------------------------------------------------------
    def save(self, then: Callable[[], None] | None = None) -> bool:
        if self.path is None:
            return self.save_as(then)
        self.save_to(self.path, then)
        return True

    def save_as(self, then: Callable[[], None] | None = None) -> bool:
        suggested = self.path or os.path.join(os.path.dirname(self.recent[0]) if self.recent else "",
                                              (self.controller.preset or "run") + ".npz")
        path = self.window.file_menu.ask_save_path(suggested)
        if not path:
            return False
        self.save_to(path, then)
        return True

    def save_to(self, path: str, then: Callable[[], None] | None = None) -> None:
        """Save the run to ``path`` through the worker; ``then`` runs once it is written."""
        save = self.controller.save_run(os.path.abspath(path))  # the run and its loss curve's marks
        self._after_save[save.token] = then

    def on_saved(self, result) -> None:
        """A save the worker did (``app.commands.SaveResult``): the facts of what it wrote."""
        if result.token not in self._after_save:
            return  # an export
        then = self._after_save.pop(result.token)
        if result.error:
            return  # the controller said why; the session stays as it was (dirty, same file)
        old_parts = self._clean_parts
        saved = [part.save(result.path) for part in self.parts]
        # a part that could not be saved stays an unsaved change (it said why), and what was to follow (closing,
        # opening another run) does not happen: it would lose it
        self._mark_clean(result.path, result.generation, result.steps, result.config,
                         [part.state() if ok else old for part, ok, old in zip(self.parts, saved, old_parts)])
        self.run_saved.emit(result.path)
        if then is not None and all(saved):
            then()

    # -- Import and Export ----------------------------------------------------------------------------
    def import_csv(self) -> bool:
        """File > Import CSV: the dialog's choices become the dataset (a new network, like any edit)."""
        cfg = self.controller.config
        if cfg is None:
            return False
        # no loss: the file is read as it is (mse accepts any target); the run's loss and output follow
        # the problem it poses once imported (engine.adapt), so the current loss must not refuse it
        dialog = self.make_csv_dialog(self.window, path=cfg.csv_path, target=cfg.csv_target,
                                      test_fraction=cfg.test_fraction, separator=cfg.csv_separator,
                                      max_mb=cfg.csv_max_mb,
                                      get_open_file_name=self.window.file_menu.get_open_file_name)  # its start folder
        changes = dialog.config_changes() if dialog.exec() else None
        if not changes:
            return False
        applied = self.controller.apply(changes)
        self.refresh()
        return applied

    def export(self, kind: str) -> None:
        directory = os.path.dirname(self.path) if self.path else ""
        path = self.window.file_menu.ask_export_path(kind, directory)
        if path:
            exports.export(kind, path, self.window, self.controller)
