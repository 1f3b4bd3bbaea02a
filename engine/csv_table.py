"""A CSV file read once into a table of numbers, with its text cells kept aside: what ``engine.csv_data``
turns into a Dataset for a choice of target columns, and what the Import CSV dialog keeps while the person
changes that choice (so a role click never reads the file again).

The separator is ``,``, ``;`` or a tab, detected by ``csv.Sniffer`` on the first lines and kept only when it
splits the first row and the next ones into the same number of fields (more than one), or given. Every
problem with the file itself is a ``CsvError`` naming the file, the 1-based line and column, and what was
expected.
"""
from __future__ import annotations

import csv
import io
import os
from array import array
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.safe_io import PathError, open_regular
from engine.validation import ConfigError, shown

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
SIZE_LIMIT = "(the size limit: --max-csv-mb, or Size limit in the dialog)"
SNIFF_LINES, SNIFF_CHARS = 20, 65_536  # the separator is detected on the first lines, at most this much text


class CsvError(ConfigError):
    """A CSV file that cannot become a dataset. ``line`` and ``column`` are 1-based (None where moot)."""

    def __init__(self, path, problem: str, expected: str, *, line=None, column=None, column_name=None,
                 field: str = "file"):
        # field: what the caller should blame, "file", "target_columns" (a target the file does not have)
        # or "task" (a target whose task cannot be inferred)
        super().__init__(field, str(path), expected)
        self.path, self.problem = str(path), problem
        self.line, self.column, self.column_name = line, column, column_name
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        if column_name:
            where += f" ({shown(column_name)})"
        self.args = (f"{where}: {problem}; expected {expected}",)


@dataclass
class CsvTable:
    """The data rows of a CSV file. ``values`` (n_rows, width) float64 holds every cell that reads as a
    number and NaN where it does not; ``text[j]`` maps row index -> the stripped text of each such cell of
    column j; ``lines`` (n_rows,) int64 the 1-based line each row starts on."""

    path: Path
    names: list[str]
    has_header: bool
    header_line: int  # the first row's line (the header's, when there is one)
    separator: str
    values: np.ndarray
    lines: np.ndarray
    text: dict = field(default_factory=dict)

    @property
    def width(self) -> int:
        return self.values.shape[1]

    def column_name(self, j: int) -> str | None:
        """Column j's header name for messages, or None without a header."""
        return self.names[j] if self.has_header else None


def is_number(cell: str) -> bool:
    """True when ``float(cell)`` reads the text as a number (inf and nan included)."""
    try:
        float(cell)
        return True
    except ValueError:
        return False


def detect_header(first: list[str], second: list[str] | None) -> bool:
    """Is the first row a header? Yes when a cell of it is text above a number in the next row (``x1`` over
    ``0.5``), or, with no next row, when it has any text. A first row of numbers and text labels
    (``5.1,3.5,setosa``) over a row like it is data. An empty cell alone is a missing number, not a name."""
    def text(c):
        return bool(c.strip()) and not is_number(c)
    if second is None:
        return any(text(c) for c in first)
    return any(text(a) and is_number(b) for a, b in zip(first, second))


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file, checked to be a regular file (a FIFO would block forever), fit max_bytes and be
    UTF-8 (a leading byte-order mark dropped)."""
    try:
        with open_regular(path, "CSV file") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise CsvError(path, f"the file is {size:,} bytes", f"at most {max_bytes:,} bytes {SIZE_LIMIT}")
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
        raise CsvError(path, f"the file is over {max_bytes:,} bytes", f"at most {max_bytes:,} bytes {SIZE_LIMIT}")
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


def sniff_separator(lines: list[str]) -> str:
    """``,``, ``;`` or tab for the first lines of a file: csv.Sniffer's guess when it splits the first row
    and each next one into the same number of fields, more than one (the header check); else ``,``."""
    sample = "\n".join(lines)[:SNIFF_CHARS]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(SEPARATORS)).delimiter
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=guess, skipinitialspace=True) if r]
    except csv.Error:  # no separator found, or a field too long: the reader proper says what is wrong
        return ","
    if rows and len(rows[0]) > 1 and all(len(r) == len(rows[0]) for r in rows[1:]):
        return guess
    return ","


def rows(path, text, separator: str):
    """Yield (first line number, cells) for every row of the text stream ``text`` that is not blank."""
    reader = csv.reader(text, delimiter=separator, skipinitialspace=True)
    last = 0
    try:
        for cells in reader:
            first, last = last + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield first, cells
    except csv.Error as e:
        raise CsvError(path, f"the row cannot be split into fields ({e})",
                       f"fields separated by {SEPARATORS[separator]}s", line=reader.line_num) from None


def _text_stream(raw: bytes):
    # Decoded as it is read, so a big file is never held twice as text; newline=None makes \n, \r\n
    # and a lone \r all end a line, so line numbers match an editor's.
    return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", newline=None)


def _column_names(cells, has_header: bool) -> list[str]:
    if not has_header:
        return [f"column {j + 1}" for j in range(len(cells))]
    return [c.strip() or f"column {j + 1}" for j, c in enumerate(cells)]


def _parse(path: Path, data_rows, width: int, width_line: int, separator: str):
    """(values (n, width) float64 with NaN for text, lines (n,), {column: {row: text}})."""
    values, lines, text = array("d"), array("q"), {}
    nan = float("nan")
    for line, cells in data_rows:
        if len(cells) != width:
            raise CsvError(path, f"the row has {len(cells)} fields",
                           f"{width} fields, as on line {width_line} (separated by {SEPARATORS[separator]}s)",
                           line=line)
        try:
            values.extend([float(c) for c in cells])  # the fast path; text cells are set aside below
        except ValueError:
            row = len(lines)
            for j, c in enumerate(cells):
                try:
                    values.append(float(c))
                except ValueError:
                    values.append(nan)
                    text.setdefault(j, {})[row] = c.strip()
        lines.append(line)
    A = np.frombuffer(values, dtype=np.float64).reshape(len(lines), width).copy()
    return A, np.frombuffer(lines, dtype=np.int64).copy(), text


def read_table(path, *, header=None, separator=None, max_bytes: int = 50_000_000) -> CsvTable:
    """The file at ``path`` as a CsvTable. ``header``: True, False, or None to detect (``detect_header``);
    ``separator``: ",", ";", tab, or None to detect (``sniff_separator``)."""
    path = Path(path)
    raw = read_bytes(path, max_bytes)
    if separator is None:
        head = _text_stream(raw)
        separator = sniff_separator([ln for ln in (head.readline() for _ in range(SNIFF_LINES)) if ln.strip()]
                                    or [""])
    it = rows(path, _text_stream(raw), separator)
    first = next(it, None)
    if first is None:
        raise CsvError(path, "the file is empty", "rows of numbers separated by commas, semicolons or tabs")
    second = next(it, None)
    first_line, first_cells = first
    has_header = header if header is not None else detect_header(first_cells, second and second[1])
    names = _column_names(first_cells, has_header)
    rest = ([] if second is None else [second])
    data_rows = (r for chunk in ((rest if has_header else [first] + rest), it) for r in chunk)
    values, lines, text = _parse(path, data_rows, len(first_cells), first_line, separator)
    if values.shape[0] == 0:
        raise CsvError(path, f"there are no data rows after the header on line {first_line}",
                       "at least one row of numbers")
    return CsvTable(path, names, has_header, first_line, separator, values, lines, text)
