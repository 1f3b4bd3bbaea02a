"""The one status of a run, shared by the engine, the worker thread, the window and run files.

A ``str`` enum: ``Status.RUNNING == "running"`` holds, so run files, JSON and code that compares with
plain strings keep working, and ``str()`` / ``format()`` give the bare value ("running", not
"Status.RUNNING") under every Python version.

The trainer itself is only ever READY (no step taken), RUNNING or DIVERGED; PAUSED and DONE are what
the worker thread adds around it (stopped by the user, the epoch limit reached).
"""
from __future__ import annotations

import enum


class Status(str, enum.Enum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    DIVERGED = "diverged"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)
