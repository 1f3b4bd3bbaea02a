"""What the app may open and what it may write over: one place that every reader and writer asks.

A path handed to the app can be anything: a FIFO (whose ``open`` for reading waits forever for a writer),
a device node, a directory, a socket, a link. Readers open only regular files, and open them with
``O_NONBLOCK`` so that even a file swapped for a FIFO after the check cannot block; writers replace only
regular files (a symlink to one is followed, so the link stays and its target is replaced), never a
device node, a directory or a dangling link.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class PathError(OSError):
    """A path the app refuses to read or write: ``problem`` says what it is, ``expected`` what would do;
    ``str(err)`` is "<problem>; expected <expected>" (the callers' messages name the path already, e.g.
    "Could not save the run to <path>: ...").

    An ``OSError`` whose ``strerror`` is that too, so every caller that already reports "cannot be
    read/written (<strerror>)" reports this in the same words."""

    def __init__(self, path, problem: str, expected: str):
        super().__init__(errno.EINVAL, f"{problem}; expected {expected}")
        self.filename = str(path)
        self.problem, self.expected = problem, expected

    def __str__(self) -> str:
        return self.strerror


def kind_of(mode: int) -> str:
    """What a ``st_mode`` is, in words: "a regular file", "a directory", "a FIFO (named pipe)", ..."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _not_regular(path, mode: int, role: str) -> PathError:
    return PathError(path, f"this is {kind_of(mode)}", f"a regular {role}")


def open_regular(path, role: str = "file"):
    """``path`` opened for reading in binary, after checking it is a regular file (links followed).

    Checked twice: by ``stat`` before opening (a device is never even opened) and by ``fstat`` on the
    descriptor (the path may have been swapped in between). ``O_NONBLOCK`` makes opening a FIFO return
    at once instead of waiting for a writer. Raises ``PathError`` (or the ``OSError`` of a missing or
    unreadable file). ``role`` names what was expected in the message ("CSV file", "run file")."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(path, st.st_mode, role)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(path, st.st_mode, role)
        os.set_blocking(fd, True)  # no effect on a regular file's reads; restored for good measure
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def save_target(path, role: str = "file") -> Path:
    """The path a save to ``path`` must replace: ``path`` itself, or the regular file a symlink points at.

    Refused with a ``PathError``: an empty path, one that names a folder ("", ".", "dir/"), an existing
    directory, device node, FIFO or socket, a link to nothing, a missing folder and one we may not write
    into. Nothing is created; callers check before a long run as well as when writing."""
    text = os.fspath(path) if isinstance(path, os.PathLike) else path
    if not isinstance(text, str) or not text.strip():
        raise PathError(text, "the path is empty", f"a path to a {role}")
    if text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise PathError(text, "this names a folder", f"a path to a {role} in it")
    p = Path(text).expanduser()
    try:
        if p.is_symlink() and not p.exists():
            raise PathError(text, f"this is a link to {os.readlink(p)!r}, which does not exist",
                            f"a {role} or a link to one")
        if p.exists():
            st = p.stat()  # follows links: what would be replaced
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular(text, st.st_mode, role)
        real = Path(os.path.realpath(p))
    except PathError:
        raise
    except (OSError, ValueError) as e:  # a NUL in the path, a loop of links, ...
        raise PathError(text, f"the path cannot be used ({getattr(e, 'strerror', None) or e})",
                        f"a path to a {role}") from None
    folder = real.parent
    if not folder.is_dir():
        raise PathError(text, f"the folder {str(folder)!r} does not exist", "a path in an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PathError(text, f"the folder {str(folder)!r} is not writable", "a folder you may write into")
    return real
