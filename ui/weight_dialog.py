"""Ask for a new value of one weight or bias (double-click an edge of the network graph)."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog


def ask_value(parent, name: str, current: float) -> float | None:
    """The value typed for parameter ``name`` (e.g. "w2[1, 3]"), or None when cancelled."""
    value, ok = QInputDialog.getDouble(parent, "Set a weight", f"New value of {name} (now {current:.6g}):",
                                       float(current), -1e6, 1e6, 6)
    return value if ok else None
