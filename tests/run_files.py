"""Run files for tests, good and doctored: a small saved run, and a rewrite of one with its header JSON edited,
members replaced or added, some deflated. Used by test_hostile_files and bench/hostile_files_memory.py."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np

import resources
from engine.config import TrainConfig, build
from engine.savefile import save_run


def saved_run(path, preset: str = "tutorial", epochs: int = 3):
    """Train ``preset`` for ``epochs`` epochs, save it to ``path``; returns the trainer."""
    trainer = build(TrainConfig.from_dict(resources.load_preset(preset)["config"]))
    trainer.run_epochs(epochs)
    save_run(path, trainer)
    return trainer


def npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def read_run(path) -> tuple[dict, dict]:
    """(header as a dict, {member name: bytes}) of the run file at ``path``."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    header = json.loads(np.load(io.BytesIO(members.pop("header.npy"))).tobytes())
    return header, members


def write_run(path, header: dict, members: dict, deflate=(), extra_entries: int = 0) -> None:
    """A zip like np.savez writes, from ``header`` and ``members`` ({name.npy: bytes, or a callable that
    writes into the open member, for members too big to hold}); names in ``deflate`` compressed;
    ``extra_entries`` empty members added at the end."""
    blob = np.frombuffer(json.dumps(header).encode("utf-8"), np.uint8)
    with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
        zf.writestr("header.npy", npy(blob))
        for name, data in members.items():
            compress = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            info = zipfile.ZipInfo(name)
            info.compress_type = compress
            with zf.open(info, "w", force_zip64=True) as f:
                data(f) if callable(data) else f.write(data)
        for i in range(extra_entries):
            zf.writestr(f"e{i}", b"")


def zeros_member(dtype: str, n: int):
    """A writer for a .npy member of ``n`` zeros, streamed in 16 MB chunks (never held whole)."""
    def write(f):
        header = io.BytesIO()  # magic and header, as np.save writes them
        np.lib.format.write_array_header_1_0(header, {"descr": np.dtype(dtype).str, "fortran_order": False,
                                                      "shape": (n,)})
        f.write(header.getvalue())
        chunk = bytes(1 << 24)
        left = n * np.dtype(dtype).itemsize
        while left:
            f.write(chunk[:min(left, len(chunk))])
            left -= min(left, len(chunk))
    return write
