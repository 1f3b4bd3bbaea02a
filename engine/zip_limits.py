"""Limits a zip must meet before anything in it is inflated, so a small file cannot force a large allocation.

Two ways a hostile ``.npz`` of a few MB can cost GB of memory: a central directory of a million entries
(``zipfile`` builds one ``ZipInfo`` per entry, ~500 bytes each, before we see any of them) and a deflated
member that expands a thousandfold. The first is checked from the end-of-central-directory record alone
(22 bytes, plus the zip64 record when there is one); the second member by member against the size the
caller's own counters say it must have.
"""
from __future__ import annotations

import struct
import zipfile

MAX_ENTRIES = 64  # a version-1 run file has at most 18 members
ENTRY_BYTES = 1024  # a directory entry is 46 bytes + its name (~20) + ~30 bytes of zip64 extra: ample
# np.savez stores members uncompressed; a member compressed at all (savez_compressed) rarely beats 10:1
# on float data, while deflate reaches ~1000:1 on zeros: anything past this is a bomb, not a run.
MAX_RATIO = 100
RATIO_FLOOR = 1 << 20  # members this small are never judged by their ratio

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


class ZipLimitError(ValueError):
    """A zip over one of the limits; ``str(err)`` says which, in words for a person."""


def directory_size(f, size: int) -> tuple[int, int]:
    """(number of entries, bytes of the central directory) of the zip open in binary ``f`` of ``size``
    bytes, from its end records alone. Raises zipfile.BadZipFile when there is no end record."""
    tail_len = min(size, 22 + 0xFFFF)  # the end record, then a comment of up to 64 KiB
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise zipfile.BadZipFile("truncated or not a zip file (no end of central directory)")
    entries, dir_bytes = struct.unpack_from("<xxxxxxxxxxHI", tail, at)
    locator = at - 20
    if locator >= 0 and tail[locator:locator + 4] == _EOCD64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        if offset + 56 > size:
            raise zipfile.BadZipFile("the zip64 end record points past the end of the file")
        f.seek(offset)
        record = f.read(56)
        if record[:4] != _EOCD64:
            raise zipfile.BadZipFile("the zip64 end record is damaged")
        entries, dir_bytes = struct.unpack_from("<QQ", record, 32)[0], struct.unpack_from("<Q", record, 40)[0]
    f.seek(0)
    return entries, dir_bytes


def check_directory(f, size: int, max_entries: int = MAX_ENTRIES) -> None:
    """Refuse a zip whose central directory lists more than ``max_entries`` entries or takes more bytes
    than that many would (zipfile reads entries until the directory's byte size, whatever the count says)."""
    entries, dir_bytes = directory_size(f, size)
    if entries > max_entries:
        raise ZipLimitError(f"the zip lists {entries:,} entries; a run file has at most {max_entries}")
    if dir_bytes > max_entries * ENTRY_BYTES:
        raise ZipLimitError(f"the zip's directory takes {dir_bytes:,} bytes; a run file's takes at most "
                            f"{max_entries * ENTRY_BYTES:,}")


def check_member(info: zipfile.ZipInfo, needed: int) -> None:
    """Refuse a member that does not inflate to exactly ``needed`` bytes (what the header's counters and
    shapes require, .npy header included), or that inflates more than ``MAX_RATIO`` times its stored size."""
    name = info.filename.removesuffix(".npy")
    if info.file_size < needed:
        raise ZipLimitError(f"{name} is truncated: it holds {info.file_size:,} bytes where the header's "
                            f"counters need {needed:,}")
    if info.file_size > needed:
        raise ZipLimitError(f"{name} inflates to {info.file_size:,} bytes where the header's counters "
                            f"need {needed:,}")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ZipLimitError(f"{name} inflates {info.file_size / max(info.compress_size, 1):,.0f} "
                            f"times its {info.compress_size:,} stored bytes; a run file's members inflate at "
                            f"most {MAX_RATIO} times")
