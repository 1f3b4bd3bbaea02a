"""Peak memory of loading hostile run files, against loading a good one in the same run.

Builds in a temporary folder (a few minutes, ~100 MB of disk): a good tutorial run; the same with
``step_losses`` replaced by 475,000,000 deflated float32 zeros (1.9 GB inflated, ~1.9 MB on disk), once
with the header's listing alone changed and once with its step counter changed to agree; and the good
run with 1,000,000 empty zip entries added. Each is loaded by ``engine.savefile.load_run`` in a fresh
interpreter that reports its own peak RSS (``VmHWM``, Linux); the figure is that peak over the good file's.

    .venv/bin/python bench/hostile_memory.py [--json] [--code DIR]

``--code DIR`` loads with the project at DIR (e.g. an older checkout, to measure "before").
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from run_files import read_run, saved_run, write_run, zeros_member  # noqa: E402

BOMB_VALUES = 475_000_000
ENTRIES = 1_000_000
# VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child would report this (big) process's own peak
LOAD = """
import sys
from engine.savefile import load_run
try:
    load_run(sys.argv[1])
    outcome = "loaded"
except Exception as e:
    outcome = type(e).__name__ + ": " + str(e).split(": ", 1)[-1][:90]
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(int(hwm.split()[1]) * 1024, outcome)
"""


def build_files(folder: Path) -> dict:
    good = folder / "good.npz"
    saved_run(good)
    header, members = read_run(good)
    files = {"good": good}
    bomb = dict(header, arrays={**header["arrays"], "step_losses": {"shape": [BOMB_VALUES], "dtype": "float32"}})
    bomb_members = {**members, "step_losses.npy": zeros_member("float32", BOMB_VALUES)}
    files["deflated step_losses, counters unchanged"] = folder / "bomb.npz"
    write_run(files["deflated step_losses, counters unchanged"], bomb, bomb_members, deflate={"step_losses.npy"})
    agreeing = dict(bomb, epoch_state={**header["epoch_state"], "steps": BOMB_VALUES})
    files["deflated step_losses, step counter agrees"] = folder / "bomb_agreeing.npz"
    write_run(files["deflated step_losses, step counter agrees"], agreeing, bomb_members, deflate={"step_losses.npy"})
    files[f"{ENTRIES:,} empty zip entries"] = folder / "entries.npz"
    write_run(files[f"{ENTRIES:,} empty zip entries"], header, members, extra_entries=ENTRIES)
    return files


def peak(path: Path, code: Path) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", LOAD, str(path)], env=env, cwd=code, capture_output=True,
                         text=True, check=True).stdout.split(" ", 1)
    return int(out[0]), out[1].strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--code", type=Path, default=ROOT)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = build_files(Path(tmp))
        base, _ = peak(files["good"], args.code)
        rows = {}
        for name, path in files.items():
            rss, outcome = peak(path, args.code)
            rows[name] = {"file_bytes": path.stat().st_size, "peak_rss_bytes": rss, "over_good": rss / base,
                          "outcome": outcome}
    if args.json:
        print(json.dumps(rows))
        return
    for name, r in rows.items():
        print(f"{name:44} {r['file_bytes'] / 1e6:8.2f} MB file  peak RSS {r['peak_rss_bytes'] / 1e6:8.1f} MB "
              f"({r['over_good']:.2f} x good)  {r['outcome']}")


if __name__ == "__main__":
    main()
