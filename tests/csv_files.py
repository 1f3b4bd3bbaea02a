"""Small CSV files written by tests, exactly as given (no newline translation)."""
from __future__ import annotations


def write(tmp_path, text, name="data.csv"):
    """``text`` (str, or bytes written as they are) into ``tmp_path / name``; returns the path."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path
