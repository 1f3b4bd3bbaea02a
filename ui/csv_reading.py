"""The Import CSV dialog's reading, kept off the GUI thread: the first rows at once for the preview, and the
loader's verdict on the whole file in a background thread, so neither a large file nor a role click
freezes the window.

``CsvJudge.judge(...)`` starts a verdict and returns at once; ``judged(Verdict)`` follows, from the GUI
thread, for the newest request only (an older one still running is dropped when it ends). The file's table
(``engine.csv_table.read_table``, the slow part) is kept between requests for the same file, header,
separator and size limit, while the file's size and modification time stay the same: changing a column's
role or the task re-reads nothing.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

import numpy as np
from PySide6 import QtCore

from engine.csv_data import CsvError, read_table, table_dataset
from engine.csv_table import SNIFF_LINES, sniff_separator
from engine.safe_io import open_regular
from engine.validation import ConfigError, shorten
from ui.gui_thread_gc import collect_on_gui_thread


def read_preview(path, n_rows: int, separator: str | None = None) -> list[tuple[int, list[str]]]:
    """Up to ``n_rows`` (1-based line, cells) of the non-blank rows at the start of ``path``, split by
    ``separator`` (None: detected as the loader detects it).

    Deliberately forgiving (undecodable bytes replaced, a row the csv module cannot split ends the
    preview, an unreadable file gives []): judging the file is the loader's job. Lines are counted as
    the loader counts them (``newline=None``: \\n, \\r\\n and a lone \\r each end one)."""
    rows, last = [], 0
    try:
        # open_regular: a FIFO or device would block (and freeze the window) in a plain open()
        with io.TextIOWrapper(open_regular(path, "CSV file"), encoding="utf-8-sig", errors="replace",
                              newline=None) as f:
            head = [ln for ln in (f.readline() for _ in range(SNIFF_LINES)) if ln.strip()]
            sep = separator or sniff_separator(head or [""])
            f.seek(0)
            reader = csv.reader(f, delimiter=sep, skipinitialspace=True)
            for cells in reader:
                first, last = last + 1, reader.line_num
                if any(c.strip() for c in cells):
                    rows.append((first, cells))
                    if len(rows) >= n_rows:
                        break
    except (OSError, ValueError, csv.Error):
        pass
    return rows


@dataclass
class Verdict:
    """What the loader says about one request: a Dataset, or the error and the (line, column) to mark."""

    generation: int
    dataset: object = None
    error: str | None = None
    bad: tuple | None = None
    table: object = None  # the table read, for the next request on the same file
    key: tuple | None = None


def file_key(path: str, options: dict) -> tuple | None:
    """What the cached table depends on: the file's identity and contents' signature, and the options."""
    try:
        st = os.stat(path)  # never blocks, whatever the path is
    except (OSError, ValueError):
        return None
    return (path, st.st_ino, st.st_size, st.st_mtime_ns, *sorted(options.items()))


class _Job(QtCore.QRunnable):
    def __init__(self, judge: "CsvJudge", verdict: Verdict, table, path: str, options: dict, choice: dict):
        super().__init__()
        self._judge, self._verdict, self._table = judge, verdict, table
        self._path, self._options, self._choice = path, options, choice

    def run(self) -> None:
        v = self._verdict
        try:
            table = self._table or read_table(self._path, **self._options)
            if v.key is not None:
                v.table = table
            v.dataset = table_dataset(table, rng=np.random.RandomState(0), **self._choice)
        except ConfigError as e:  # CsvError included: its message names the line and column
            v.error = shorten(str(e), 2000)
            if isinstance(e, CsvError) and e.line is not None:
                v.bad = (e.line, e.column)
        except Exception as e:  # nothing may escape a thread: a surprise is said like any other problem
            v.error = shorten(f"{self._path}: the file cannot be read ({type(e).__name__}: {e})", 2000)
        try:
            self._judge.finished_in_thread.emit(v)
        except RuntimeError:  # the dialog (and its judge) was deleted while the file was being read
            pass


class CsvJudge(QtCore.QObject):
    """Runs the loader on a thread pool; emits ``judged(Verdict)`` for the newest request only."""

    judged = QtCore.Signal(object)
    finished_in_thread = QtCore.Signal(object)  # emitted by the job's thread, delivered in ours (queued)

    def __init__(self, parent=None, pool: QtCore.QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QtCore.QThreadPool.globalInstance()
        self._generation = self._settled = 0
        self._table, self._key = None, None
        self.finished_in_thread.connect(self._finished, QtCore.Qt.ConnectionType.QueuedConnection)

    def judge(self, path: str, options: dict, choice: dict) -> int:
        """Start a verdict on ``path`` read with ``options`` (header, separator, max_bytes) for ``choice``
        (target_columns, task, loss, test_fraction); returns its generation."""
        self._generation += 1
        key = file_key(path, options)
        table = self._table if key is not None and key == self._key else None
        collect_on_gui_thread()  # before a thread of ours runs beside the window (ui/gui_thread_gc.py)
        self._pool.start(_Job(self, Verdict(self._generation, key=key), table, path, options, choice))
        return self._generation

    def cancel(self) -> None:
        """Forget any request under way (its verdict will be dropped)."""
        self._generation += 1
        self._settled = self._generation

    def busy(self) -> bool:
        return self._settled != self._generation

    def unchanged(self, path: str, options: dict) -> bool:
        """Is the table kept still that of the file as it is on disk now?"""
        return self._key is not None and file_key(path, options) == self._key

    def _finished(self, verdict: Verdict) -> None:
        if verdict.table is not None:
            self._table, self._key = verdict.table, verdict.key
        if verdict.generation != self._generation:
            return  # a newer request is under way
        self._settled = verdict.generation
        self.judged.emit(verdict)
