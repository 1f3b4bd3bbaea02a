"""The status of a run, one enum shared by the trainer, the training thread and the window."""
from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """A str enum: ``Status.RUNNING == "running"``, so run files and older callers keep their strings."""

    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    DIVERGED = "diverged"

    def __str__(self) -> str:
        return self.value
