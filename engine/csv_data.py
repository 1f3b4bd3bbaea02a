"""A numeric CSV file as a Dataset: the chosen target columns become Y, every other column X.

Every problem with the file is a ``CsvError`` that names the file, the 1-based line and column (and the
column's header name) and what was expected, so the UI can show it as it is. Nothing from ``csv`` or
NumPy escapes as a traceback.
"""
from __future__ import annotations

import csv
import io
import itertools
import numbers
import os
import re
from array import array
from pathlib import Path

import numpy as np

from engine.datasets import (DATASET_CONSTRAINTS, ENCODE_CONSTRAINTS, Dataset, check_regression_loss,
                             check_rng, encode_targets, train_test_split)
from engine.safe_io import PathError, open_regular
from engine.validation import ConfigError, Interval, OneOf

CSV_CONSTRAINTS = {
    "task": OneOf(("auto", "classification", "regression")),
    "loss": DATASET_CONSTRAINTS["loss"],
    "test_fraction": DATASET_CONSTRAINTS["test_fraction"],
    "max_bytes": Interval(int, 1, 10**12),
}
AUTO_MAX_CLASSES = 20  # "auto" calls one integer column with at most this many values class labels
MAX_CLASSES = ENCODE_CONSTRAINTS["n_classes"].high
TARGETS_ALLOWED = "a column name or 0-based index, a list of them, or a comma-separated string of them"
_INDEX = re.compile(r"[+-]?\d+")


class CsvError(ConfigError):
    """A CSV file that cannot become a dataset. ``line`` and ``column`` are 1-based (None where moot)."""

    def __init__(self, path, problem: str, expected: str, *, line=None, column=None, column_name=None):
        super().__init__("file", str(path), expected)
        self.path, self.problem = str(path), problem
        self.line, self.column, self.column_name = line, column, column_name
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        if column_name:
            where += f" ({column_name!r})"
        self.args = (f"{where}: {problem}; expected {expected}",)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file, checked to be a regular file (a FIFO would block forever), fit max_bytes and be
    UTF-8 (a leading byte-order mark dropped)."""
    try:
        with open_regular(path, "CSV file") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise CsvError(path, f"the file is {size:,} bytes", f"at most {max_bytes:,} bytes (max_bytes)")
            raw = f.read(max_bytes + 1)  # +1: a file that grew since fstat() is still caught
    except CsvError:
        raise
    except PathError as e:  # a directory, a FIFO, a device
        raise CsvError(path, e.problem, "a regular CSV file") from None
    except FileNotFoundError:
        raise CsvError(path, "no such file", "an existing CSV file") from None
    except (OSError, ValueError) as e:  # permission denied, a NUL in the path, ...
        raise CsvError(path, f"the file cannot be read ({getattr(e, 'strerror', None) or e})",
                       "a readable CSV file") from None
    if len(raw) > max_bytes:
        raise CsvError(path, f"the file is over {max_bytes:,} bytes", f"at most {max_bytes:,} bytes (max_bytes)")
    if raw.startswith(b"\xef\xbb\xbf"):  # the byte-order mark spreadsheet programs write
        raw = raw[3:]
    try:
        raw.decode("utf-8")  # checked whole here, so reading row by row later cannot fail half-way
    except UnicodeDecodeError as e:
        before = raw[:e.start]
        line_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
        raise CsvError(path, f"byte 0x{raw[e.start]:02X} is not UTF-8", "UTF-8 text (save the file as UTF-8)",
                       line=len((before + b"x").splitlines()),  # bytes.splitlines: \n, \r\n, \r only
                       column=before.count(b",", line_start) + 1) from None
    return raw


def _rows(path: Path, raw: bytes):
    """Yield (first line number, cells) for every row of the UTF-8 bytes ``raw`` that is not blank."""
    # Decoded as it is read, so a big file is never held twice as text; newline=None makes \n, \r\n
    # and a lone \r all end a line, so line numbers match an editor's.
    text = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline=None)
    reader = csv.reader(text, skipinitialspace=True)
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield first, cells
    except csv.Error as e:
        raise CsvError(path, f"the row cannot be split into fields ({e})", "comma-separated numbers",
                       line=reader.line_num) from None


def is_number(cell: str) -> bool:
    """True when ``float(cell)`` reads the text as a number (inf and nan included)."""
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _column_names(cells, has_header: bool) -> list[str]:
    if not has_header:
        return [f"column {j + 1}" for j in range(len(cells))]
    return [c.strip() or f"column {j + 1}" for j, c in enumerate(cells)]


def _parse(path: Path, rows, width: int, width_line: int, names, has_header: bool):
    """Data rows as an (n_rows, width) float64 array, checked cell by cell."""
    values, lines = array("d"), array("q")
    for line, cells in rows:
        if len(cells) != width:
            raise CsvError(path, f"the row has {len(cells)} fields",
                           f"{width} fields, as on line {width_line}", line=line)
        try:
            values.extend([float(c) for c in cells])  # the fast path; a bad cell is found below
        except ValueError:
            j = next(j for j, c in enumerate(cells) if not is_number(c))
            text = cells[j].strip()
            raise CsvError(path, f"{text!r} is not a number" if text else "the cell is empty", "a number",
                           line=line, column=j + 1, column_name=names[j] if has_header else None) from None
        lines.append(line)
    A = np.frombuffer(values, dtype=np.float64).reshape(len(lines), width).copy()
    bad = ~np.isfinite(A)
    if bad.any():
        r, j = np.argwhere(bad)[0]
        raise CsvError(path, f"the value {A[r, j]} is not finite", "a finite number",
                       line=int(lines[r]), column=int(j) + 1, column_name=names[j] if has_header else None)
    return A


def _target_tokens(target_columns) -> list:
    """target_columns as a list of ints (indices) and strs (names, or indices written as text)."""
    if isinstance(target_columns, str):
        items = target_columns.split(",")
    elif isinstance(target_columns, (list, tuple)):
        items = list(target_columns)
    else:
        items = [target_columns]
    tokens = []
    for item in items:
        if isinstance(item, numbers.Integral) and not isinstance(item, bool):
            tokens.append(int(item))
        elif isinstance(item, str) and item.strip():
            tokens.append(item.strip())
        else:
            raise ConfigError("target_columns", target_columns, TARGETS_ALLOWED)
    if not tokens:
        raise ConfigError("target_columns", target_columns, TARGETS_ALLOWED)
    return tokens


def _resolve_targets(path: Path, tokens, names, has_header: bool, header_line: int) -> list[int]:
    """0-based column indices of the targets. A header name wins over reading the text as an index."""
    m, chosen = len(names), []
    for tok in tokens:
        if isinstance(tok, str) and has_header and tok in names:
            hits = [j for j, nm in enumerate(names) if nm == tok]
            if len(hits) > 1:
                raise CsvError(path, f"{tok!r} names columns {', '.join(str(j + 1) for j in hits)}",
                               "a header name that appears once, or a column index", line=header_line)
            j = hits[0]
        elif isinstance(tok, int) or _INDEX.fullmatch(tok):
            i = int(tok)
            if not -m <= i < m:
                raise CsvError(path, f"target column index {i} is out of range for {m} columns",
                               f"an index in [{-m}, {m - 1}]")
            j = i % m
        elif has_header:
            raise CsvError(path, f"there is no column named {tok!r}", "one of the header names " +
                           ", ".join(repr(nm) for nm in names), line=header_line)
        else:
            raise CsvError(path, f"target column {tok!r} is a name but the file has no header row",
                           "0-based column indices, or a first row that names the columns")
        if j in chosen:
            raise CsvError(path, f"target column {tok!r} is chosen twice", "each target column once",
                           column=j + 1, column_name=names[j] if has_header else None)
        chosen.append(j)
    if len(chosen) == m:
        raise CsvError(path, f"all {m} columns are targets, which leaves no inputs", "at least one input column")
    return chosen


def _class_name(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(float(v))


def load_csv(path, *, target_columns, header=None, task: str = "auto", loss: str = "mse",
             test_fraction: float = 0.2, rng: np.random.RandomState, max_bytes: int = 50_000_000) -> Dataset:
    """Load a numeric CSV file as a Dataset: X (n_inputs, n), Y (n_targets, n) or encoded labels.

    ``target_columns``: header names and/or 0-based indices (negative from the end), as a list, one value,
    or a comma-separated string ("3", "y1,y2"). ``header``: True, False, or None to treat the first row as
    a header when any cell in it is text. ``task`` "auto" means classification when there is one target
    column holding 2..20 distinct integers, else regression. Class labels are 0..C-1 in sorted order of
    the original values, which ``target_names`` keeps. The split shuffles with ``rng``.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ConfigError("path", path, "a path to a CSV file")
    tokens = _target_tokens(target_columns)
    if header is not None and not isinstance(header, bool):
        raise ConfigError("header", header, "True, False or None (detect)")
    C = CSV_CONSTRAINTS
    task = C["task"].check("task", task)
    loss = C["loss"].check("loss", loss)
    test_fraction = C["test_fraction"].check("test_fraction", test_fraction)
    max_bytes = C["max_bytes"].check("max_bytes", max_bytes)
    rng = check_rng(rng)
    if task == "classification" and len(tokens) != 1:
        raise ConfigError("target_columns", target_columns, "exactly one target column for classification")

    path = Path(path)
    rows = _rows(path, _read_bytes(path, max_bytes))
    first = next(rows, None)
    if first is None:
        raise CsvError(path, "the file is empty", "rows of comma-separated numbers")
    first_line, first_cells = first
    # A header is a first row with text in it; an empty cell alone is a missing number, not a name.
    has_header = header if header is not None else any(c.strip() and not is_number(c) for c in first_cells)
    names = _column_names(first_cells, has_header)
    targets = _resolve_targets(path, tokens, names, has_header, first_line)
    data_rows = rows if has_header else itertools.chain([first], rows)
    A = _parse(path, data_rows, len(first_cells), first_line, names, has_header)
    if A.shape[0] == 0:
        raise CsvError(path, f"there are no data rows after the header on line {first_line}",
                       "at least one row of numbers")

    inputs = [j for j in range(A.shape[1]) if j not in targets]
    X = np.ascontiguousarray(A[:, inputs].T)
    T = np.ascontiguousarray(A[:, targets].T)  # (n_targets, n)
    values = T[0]
    distinct = np.unique(values)
    if task == "auto":
        integer = bool(np.all(values == np.round(values)))
        task = ("classification" if len(targets) == 1 and integer and 2 <= distinct.size <= AUTO_MAX_CLASSES
                else "regression")
    what = ", ".join(repr(names[j]) for j in targets)
    name = f"csv:{path.name}"
    if task == "regression":
        check_regression_loss(loss, T, f"column {what} of {path}")
        Xtr, Ytr, _, Xte, Yte, _ = train_test_split(X, T, None, test_fraction, rng)
        return Dataset(name, "regression", Xtr, Ytr, Xte, Yte, None, None, None,
                       [names[j] for j in inputs], [names[j] for j in targets])

    if not 2 <= distinct.size <= MAX_CLASSES:
        raise CsvError(path, f"the target column holds {distinct.size} distinct value(s)",
                       f"between 2 and {MAX_CLASSES} classes for classification",
                       column=targets[0] + 1, column_name=names[targets[0]] if has_header else None)
    labels = np.searchsorted(distinct, values).astype(np.int64)  # sorted original values -> 0..C-1
    Y = encode_targets(labels, distinct.size, loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, labels, test_fraction, rng)
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, int(distinct.size),
                   [names[j] for j in inputs], [_class_name(v) for v in distinct])
