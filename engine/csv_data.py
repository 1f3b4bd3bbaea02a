"""A CSV file as a Dataset: the chosen target columns become Y, every other column X.

Inputs are numbers; a classification target may be numbers or text labels (``setosa``, ``true``), whose
sorted names become the class names. ``task="auto"`` never guesses where a person must choose: a target
of more than 20 whole numbers, or of one value only, is refused with what was inferred and how to choose.
Every problem is a ``CsvError`` that names the file, the 1-based line and column (and the column's header
name) and what was expected; nothing from ``csv`` or NumPy escapes as a traceback. Reading the file is
``engine.csv_table``; this module makes the dataset from the table, for one choice of targets and task.
"""
from __future__ import annotations

import numbers
import os
import re
from pathlib import Path

import numpy as np

from engine.csv_table import SEPARATORS, CsvError, CsvTable, detect_header, is_number, read_table
from engine.datasets import (DATASET_CONSTRAINTS, ENCODE_CONSTRAINTS, Dataset, check_regression_loss,
                             check_rng, encode_targets, train_test_split)
from engine.network import WIDTH
from engine.validation import ConfigError, Interval, OneOf, shown

__all__ = ["CsvError", "CsvTable", "detect_header", "is_number", "load_csv", "read_table", "table_dataset"]

CSV_CONSTRAINTS = {
    "task": OneOf(("auto", "classification", "regression")),
    "loss": DATASET_CONSTRAINTS["loss"],
    "test_fraction": DATASET_CONSTRAINTS["test_fraction"],
    "max_bytes": Interval(int, 1, 10**12),
    "separator": OneOf((None, *SEPARATORS)),
}
AUTO_MAX_CLASSES = 20  # "auto" calls one integer column with at most this many values class labels
MAX_CLASSES = ENCODE_CONSTRAINTS["n_classes"].high
TARGETS_ALLOWED = "a column name or 0-based index, a list of them, or a comma-separated string of them"
CHOOSE_TASK = "the task chosen: classification or regression (--task, or Problem type in the dialog)"
_INDEX = re.compile(r"[+-]?\d+")


def _listing(names, limit: int = 10) -> str:
    """The first ``limit`` names quoted, and how many there are in all when there are more."""
    first = ", ".join(shown(nm) for nm in names[:limit])
    return first if len(names) <= limit else f"{first}, … ({len(names):,} in all)"


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


def _resolve_targets(table: CsvTable, tokens) -> list[int]:
    """0-based column indices of the targets. A header name wins over reading the text as an index."""
    path, names, has_header, header_line = table.path, table.names, table.has_header, table.header_line
    m, chosen = len(names), []
    for tok in tokens:
        if isinstance(tok, str) and has_header and tok in names:
            hits = [j for j, nm in enumerate(names) if nm == tok]
            if len(hits) > 1:
                raise CsvError(path, f"{shown(tok)} names columns {', '.join(str(j + 1) for j in hits)}",
                               "a header name that appears once, or a column index", line=header_line, field="target_columns")
            j = hits[0]
        elif isinstance(tok, int) or _INDEX.fullmatch(tok):
            i = int(tok)
            if not -m <= i < m:
                raise CsvError(path, f"target column index {i} is out of range for {m} columns",
                               f"an index in [{-m}, {m - 1}]", field="target_columns")
            j = i % m
        elif has_header:
            raise CsvError(path, f"there is no column named {shown(tok)}", "one of the header names " +
                           _listing(names), line=header_line, field="target_columns")
        else:
            raise CsvError(path, f"target column {shown(tok)} is a name but the file has no header row",
                           "0-based column indices, or a first row that names the columns",
                           field="target_columns")
        if j in chosen:
            raise CsvError(path, f"target column {shown(tok)} is chosen twice", "each target column once",
                           column=j + 1, column_name=names[j] if has_header else None, field="target_columns")
        chosen.append(j)
    if len(chosen) == m:
        raise CsvError(path, f"all {m} columns are targets, which leaves no inputs", "at least one input column",
                       field="target_columns")
    return chosen


def _class_name(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(float(v))


def _bad_cell(table: CsvTable, columns, allow_text=()):
    """(row, column, problem) of the first cell, in file order, of ``columns`` that is not a finite number
    (columns in ``allow_text`` skipped: their text is labels), or None."""
    worst = None
    for j in columns:
        if j in allow_text:
            continue
        bad = np.flatnonzero(~np.isfinite(table.values[:, j]))  # text cells hold NaN, so they are found too
        if bad.size and (worst is None or (bad[0], j) < worst[:2]):
            r = int(bad[0])
            cell = table.text.get(j, {}).get(r)
            problem = (f"the value {table.values[r, j]} is not finite" if cell is None
                       else f"{shown(cell)} is not a number" if cell else "the cell is empty")
            worst = (r, j, problem)
    return worst


def _refuse_cell(table: CsvTable, bad, expected: str):
    r, j, problem = bad
    if "not finite" in problem:
        expected = "a finite number"
    raise CsvError(table.path, problem, expected, line=int(table.lines[r]), column=j + 1,
                   column_name=table.column_name(j))


def _text_labels(table: CsvTable, j: int) -> list[str] | None:
    """Column j's cells as text labels when every one of them is text (no number among them), else None."""
    text = table.text.get(j, {})
    if len(text) != table.values.shape[0]:
        return None
    if "" in text.values():
        r = min(r for r, t in text.items() if not t)
        raise CsvError(table.path, "the cell is empty", "a class label", line=int(table.lines[r]), column=j + 1,
                       column_name=table.column_name(j))
    return [text[r] for r in range(len(text))]


def table_dataset(table: CsvTable, *, target_columns, task: str = "auto", loss: str = "mse",
                  test_fraction: float = 0.2, rng: np.random.RandomState) -> Dataset:
    """The Dataset of a read table for one choice of targets and task: X (n_inputs, n), Y (n_targets, n)
    or encoded labels. Arguments as ``load_csv``'s; ``read_table`` did the file's part."""
    tokens = _target_tokens(target_columns)
    C = CSV_CONSTRAINTS
    task = C["task"].check("task", task)
    loss = C["loss"].check("loss", loss)
    test_fraction = C["test_fraction"].check("test_fraction", test_fraction)
    rng = check_rng(rng)
    if task == "classification" and len(tokens) != 1:
        raise ConfigError("target_columns", target_columns, "exactly one target column for classification")
    path, names = table.path, table.names
    targets = _resolve_targets(table, tokens)
    inputs = [j for j in range(table.width) if j not in targets]
    if len(inputs) > WIDTH.high:  # said here: the network's "layers[0]" would blame a flag nobody typed
        raise CsvError(path, f"the file has {len(inputs):,} input columns",
                       f"at most {WIDTH.high:,}, the widest layer a network can have")
    labels_text = _text_labels(table, targets[0]) if len(targets) == 1 and task != "regression" else None
    bad = _bad_cell(table, range(table.width), allow_text=targets[:1] if labels_text is not None else ())
    if bad is not None:
        _refuse_cell(table, bad, "a number" if bad[1] in inputs or len(targets) > 1
                     else "a number, or a text class label in every row of the target column")
    X = np.ascontiguousarray(table.values[:, inputs].T)
    what = ", ".join(shown(names[j]) for j in targets)
    name = f"csv:{path.name}"
    tcol = dict(column=targets[0] + 1, column_name=table.column_name(targets[0]))

    if labels_text is not None:
        distinct, labels = np.unique(np.array(labels_text, dtype=object).astype(str), return_inverse=True)
        class_names = [str(v) for v in distinct]
    else:
        T = np.ascontiguousarray(table.values[:, targets].T)  # (n_targets, n)
        distinct = np.unique(T[0])
        if task == "auto" and len(targets) == 1:
            task = _infer_task(path, T[0], distinct, tcol)
        if task == "regression" or len(targets) > 1:
            check_regression_loss(loss, T, f"column {what} of {path}")
            Xtr, Ytr, _, Xte, Yte, _ = train_test_split(X, T, None, test_fraction, rng)
            return Dataset(name, "regression", Xtr, Ytr, Xte, Yte, None, None, None,
                           [names[j] for j in inputs], [names[j] for j in targets])
        labels = np.searchsorted(distinct, T[0])  # sorted original values -> 0..C-1
        class_names = [_class_name(v) for v in distinct]
    if not 2 <= len(distinct) <= MAX_CLASSES:
        raise CsvError(path, f"the target column holds {len(distinct):,} distinct value(s)",
                       f"between 2 and {MAX_CLASSES} classes for classification", field="target_columns", **tcol)
    labels = np.asarray(labels, np.int64).ravel()
    Y = encode_targets(labels, len(distinct), loss)
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, labels, test_fraction, rng)
    return Dataset(name, "classification", Xtr, Ytr, Xte, Yte, ltr, lte, len(distinct),
                   [names[j] for j in inputs], class_names)


def _infer_task(path, values: np.ndarray, distinct: np.ndarray, tcol: dict) -> str:
    """What "auto" makes of one numeric target column; refuses where a person must choose."""
    if distinct.size == 1:
        raise CsvError(path, f"the target column holds the single value {_class_name(distinct[0])} in every row, "
                       "so there is nothing to learn", "a target with at least two values", field="target_columns",
                       **tcol)
    if not np.all(values == np.round(values)):
        return "regression"
    if distinct.size <= AUTO_MAX_CLASSES:
        return "classification"
    raise CsvError(path, f"the target column holds {distinct.size:,} distinct whole numbers, which may be "
                   f"classes or a quantity (auto takes up to {AUTO_MAX_CLASSES} as classes)", CHOOSE_TASK,
                   field="task", **tcol)


def load_csv(path, *, target_columns, header=None, task: str = "auto", loss: str = "mse",
             test_fraction: float = 0.2, rng: np.random.RandomState, max_bytes: int = 50_000_000,
             separator: str | None = None) -> Dataset:
    """Load a CSV file as a Dataset: X (n_inputs, n), Y (n_targets, n) or encoded labels.

    ``target_columns``: header names and/or 0-based indices (negative from the end), as a list, one value,
    or a comma-separated string ("3", "y1,y2"). ``header``: True, False, or None to detect
    (``csv_table.detect_header``). ``separator``: ",", ";", tab, or None to detect. ``task`` "auto" means
    classification for one target column of text labels or of 2..20 distinct integers, regression for
    other numbers; 21+ integers or a constant target are refused (choose the task). Class labels are
    0..C-1 in sorted order of the original values, which ``target_names`` keeps. The split shuffles with
    ``rng``.
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ConfigError("path", path, "a path to a CSV file")
    _target_tokens(target_columns)
    if header is not None and not isinstance(header, bool):
        raise ConfigError("header", header, "True, False or None (detect)")
    C = CSV_CONSTRAINTS
    for key, value in (("task", task), ("loss", loss), ("test_fraction", test_fraction)):
        C[key].check(key, value)
    max_bytes = C["max_bytes"].check("max_bytes", max_bytes)
    separator = C["separator"].check("separator", separator)
    check_rng(rng)
    if task == "classification" and len(_target_tokens(target_columns)) != 1:
        raise ConfigError("target_columns", target_columns, "exactly one target column for classification")
    table = read_table(Path(path), header=header, separator=separator, max_bytes=max_bytes)
    return table_dataset(table, target_columns=target_columns, task=task, loss=loss, test_fraction=test_fraction,
                         rng=rng)
