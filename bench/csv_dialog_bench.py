"""The Import CSV dialog on a 1,000,000-row file: how long until the preview shows, how long the GUI thread is
held, and how long a role click holds it, against ``load_csv`` reading the same file in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/csv_dialog_bench.py [--json] [--rows N]

The file (~22 MB, 4 columns) is generated in a temporary folder and removed afterwards. Figures:
``first_preview_s`` (the constructor's return: the preview is drawn by then), ``verdict_s`` (until OK can be
enabled), ``role_click_blocks_s`` (the GUI thread held by one click on a column's role) and
``role_click_verdict_s``; each also as a ratio to ``load_csv_s``. A dialog without a background reader
(before) judges inside the constructor and the click, so its verdict times equal its blocking times.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6 import QtWidgets  # noqa: E402

from engine.csv_data import load_csv  # noqa: E402
from ui.csv_dialog import CsvImportDialog  # noqa: E402


def make_file(path: Path, rows: int) -> None:
    rng = np.random.RandomState(0)
    X = rng.normal(size=(rows, 3))
    labels = (X.sum(axis=1) > 0).astype(int) + (X[:, 0] > 1)
    with open(path, "w") as f:
        f.write("x1,x2,x3,label\n")
        np.savetxt(f, np.column_stack([X, labels]), delimiter=",", fmt=["%.5f", "%.5f", "%.5f", "%d"])


def settle(app, d) -> None:
    while getattr(d, "busy", lambda: False)():
        app.processEvents()
        time.sleep(0.001)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        make_file(path, args.rows)
        started = time.perf_counter()
        load_csv(path, target_columns="label", rng=np.random.RandomState(0))
        base = time.perf_counter() - started

        started = time.perf_counter()
        d = CsvImportDialog(path=str(path))
        first_preview = time.perf_counter() - started
        settle(app, d)
        verdict = time.perf_counter() - started
        started = time.perf_counter()
        d.set_role(2, "target")
        click = time.perf_counter() - started
        settle(app, d)
        click_verdict = time.perf_counter() - started
        assert d.error() is None or "target" in d.error(), d.error()
    r = {"rows": args.rows, "file_mb": None, "load_csv_s": base, "first_preview_s": first_preview,
         "verdict_s": verdict, "role_click_blocks_s": click, "role_click_verdict_s": click_verdict}
    for key in ("first_preview_s", "verdict_s", "role_click_blocks_s", "role_click_verdict_s"):
        r[key.replace("_s", "_over_load_csv")] = r[key] / base
    del r["file_mb"]
    if args.json:
        print(json.dumps(r))
    else:
        for key, value in r.items():
            print(f"{key:34} {value:.3f}" if isinstance(value, float) else f"{key:34} {value:,}")


if __name__ == "__main__":
    main()
