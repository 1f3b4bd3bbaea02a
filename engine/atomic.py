"""Write a file so that a failure half-way (a full disk, an exception, a crash) never destroys the old one.

The data go into a temporary file beside the target (``os.replace`` is atomic only within one file
system), are flushed to disk, and only then does the target's name point at them.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb", **kwargs):
    """``open`` for writing that only replaces ``path`` when the block finishes without an exception.

    The temporary file lives in the target's directory (``os.replace`` is atomic only within one file
    system). It is created with mode 0666 so the kernel applies the umask, as a plain ``open`` would
    (mkstemp's 0600 would make every export private); an existing target keeps its own permissions."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode: {mode!r} is not allowed; expected 'w' or 'wb'")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        f = open(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    try:
        with f:
            if path.exists():
                os.fchmod(f.fileno(), path.stat().st_mode & 0o7777)
            yield f
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # makes the rename itself durable; not possible on every system
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_open(path, "wb") as f:
        f.write(data)
