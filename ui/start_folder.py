"""Where every file dialog of the window starts (open, save, export, record, CSV import): the folder last
chosen in any of them, remembered between launches, else the folder the caller suggests (e.g. the open run's),
else the user's Documents folder, else the home folder; never the folder the app happened to start in.

``StartFolder(settings_of)``: ``settings_of()`` gives the QSettings to remember the folder in (None: only
for this window's life), read each time, since a window gets its settings after its menus are built.
"""
from __future__ import annotations

import os
from typing import Callable

from PySide6.QtCore import QSettings, QStandardPaths

LAST_FOLDER = "files/last_folder"  # the folder of the last file chosen in a file dialog


def default_folder() -> str:
    """The user's Documents folder if there is one, else the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else os.path.expanduser("~")


class StartFolder:
    def __init__(self, settings_of: Callable[[], QSettings | None] = lambda: None):
        self._settings_of = settings_of
        self._last = ""  # for a window without settings

    def last(self) -> str:
        """The folder last chosen, if it is still there; '' otherwise."""
        settings = self._settings_of()
        value = settings.value(LAST_FOLDER) if settings is not None else self._last
        return value if isinstance(value, str) and value and os.path.isdir(value) else ""

    def start(self, suggested: str = "") -> str:
        """What a dialog opens on: ``suggested`` (a file name, a folder, or a path to either) placed in the
        start folder. The last folder chosen wins over a suggested folder, which wins over the default."""
        folder, name = ("", "") if not suggested else \
            (suggested, "") if os.path.isdir(suggested) else os.path.split(suggested)
        base = self.last() or (folder if folder and os.path.isabs(folder) and os.path.isdir(folder) else "") \
            or default_folder()
        return os.path.join(base, name) if name else base

    def remember(self, path: str) -> None:
        """``path`` was chosen in a dialog: its folder is where the next dialog starts."""
        if not path:
            return
        folder = os.path.dirname(os.path.abspath(path))
        settings = self._settings_of()
        if settings is not None:
            settings.setValue(LAST_FOLDER, folder)
        self._last = folder
