"""Everything the app remembers between launches, under one set of QSettings keys.

The settings live where Qt keeps an application's settings (on Linux ``~/.config/Backprop Lab/Backprop
Lab.conf``). ``BACKPROP_LAB_SETTINGS=/some/file.ini`` puts them in that file instead: tests, screenshots and
a classroom machine can each keep their own without touching the user's.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORGANIZATION = APPLICATION = "Backprop Lab"
ENV_FILE = "BACKPROP_LAB_SETTINGS"

# keys (MainWindow.restore_settings/save_settings use the two window/ keys themselves)
GEOMETRY = "window/geometry"  # QByteArray of QMainWindow.saveGeometry()
STATE = "window/state"  # QByteArray of QMainWindow.saveState(): docks and toolbars
LAST_FILE = "session/last_file"  # the run file open when the app was last used ("" for an unsaved preset)
LAST_PRESET = "session/last_preset"  # the preset New starts from
RECENT = "session/recent"  # run files, newest first
PRESENTER = "view/presenter"  # presenter mode on/off
LESSON_SECTIONS = "view/lesson_sections"  # the settings sections presenter mode shows
REPLAY_BUDGET = "replay/budget_mb"  # memory for the keyframes that replay past steps, in MB
# ui/start_folder.py LAST_FOLDER = "files/last_folder": the folder the last file dialog chose, where the next starts
PACE = "pace/"  # + a preset's name: the pace last chosen for it ("full" or steps per second)

MAX_RECENT = 8


def open_settings() -> QSettings:
    """The app's settings: the file named by $BACKPROP_LAB_SETTINGS, else the platform's usual place."""
    file = os.environ.get(ENV_FILE)
    if file:
        return QSettings(file, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def read_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings. (An INI file gives back a one-element list as a plain string, and none as None.)"""
    value = settings.value(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def read_bool(settings: QSettings, key: str, default: bool = False) -> bool:
    value = settings.value(key)
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def read_str(settings: QSettings, key: str) -> str:
    value = settings.value(key)
    return value if isinstance(value, str) else ""


def write(settings: QSettings, key: str, value) -> None:
    """Set and flush at once: a crash later must not lose what the user just did."""
    settings.setValue(key, value)
    settings.sync()


def add_recent(paths: list[str], path: str) -> list[str]:
    """``path`` first, no duplicates (by absolute path), at most MAX_RECENT."""
    path = os.path.abspath(path)
    return ([path] + [p for p in paths if os.path.abspath(p) != path])[:MAX_RECENT]
