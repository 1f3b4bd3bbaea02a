"""Write a file so that a failure half-way (a full disk, an exception, a crash) never destroys the old one.

The data go into a temporary file beside the target (``os.replace`` is atomic only within one file
system), are flushed to disk, and only then does the target's name point at them. The temporary file is
named ``.<name>.<12 hex>.backprop-lab-partial`` so that a person who finds one knows what it is, and a
save killed half-way (SIGKILL, power cut) leaves nothing that piles up: the next save into that folder
removes such files once they are older than ``STALE_SECONDS``.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

from .safe_io import save_target

TEMP_SUFFIX = ".backprop-lab-partial"
# ours: ".<name>.<12 hex>.backprop-lab-partial", and ".<name>.<12 hex>.tmp" from before the name said so
STALE_TEMP = re.compile(r"^\..+\.[0-9a-f]{12}(\.backprop-lab-partial|\.tmp)$")
# A save that is under way writes (and so touches) its temporary file all the time; one untouched for
# this long belongs to a save that was killed.
STALE_SECONDS = 15 * 60


def temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")


def remove_stale_temps(folder, now: float | None = None) -> list[str]:
    """Remove our temporary files in ``folder`` that no save has touched for ``STALE_SECONDS``; returns
    their names. Only regular files of this user that match ``STALE_TEMP`` are candidates; errors are
    ignored (a folder we cannot list simply keeps its files)."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        with os.scandir(folder) as entries:
            for entry in entries:
                if not STALE_TEMP.match(entry.name):
                    continue
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    if (stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid()
                            and now - st.st_mtime > STALE_SECONDS):
                        os.unlink(entry.path)
                        removed.append(entry.name)
    return removed


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb", **kwargs):
    """``open`` for writing that only replaces ``path`` when the block finishes without an exception.

    ``path`` must be a regular file or not exist (``engine.safe_io.save_target``; a ``PathError``
    otherwise); a symlink is followed, so the link stays and its target is replaced. The temporary file
    lives in the target's directory (``os.replace`` is atomic only within one file system). It is created
    with mode 0666 so the kernel applies the umask, as a plain ``open`` would (mkstemp's 0600 would make
    every export private); an existing target keeps its own permissions."""
    if mode not in ("w", "wb"):
        raise ValueError(f"mode: {mode!r} is not allowed; expected 'w' or 'wb'")
    path = save_target(path)
    remove_stale_temps(path.parent)
    tmp = temp_name(path)
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
