"""What the unit maps cost per frame, against what the window already spends: the output plane's forward
pass over the same grid, and a training step.

Run from the repository root: ``.venv/bin/python bench/unit_maps_bench.py [--json] [--res N] [--quick]``.

The network is the spiral preset's (2-32-32-32-32-2, tanh, softmax) after 20 epochs; the grid is N x N
(default 50) over the training points' box, as the output view lays it. OpenBLAS gets one thread, as
``app.main`` sets it for the window (``OPENBLAS_NUM_THREADS=2`` on the command line measures without).
Rounds interleave the contenders (ABCD, then DCBA, ...); figures are medians over rounds, ratios the
medians of per-round ratios (bench/engine_bench.py's helpers).

- ``unit_maps_ms``: ``UnitMaps.compute``, every unit of every layer over the grid (buffers reused).
- ``unit_maps_fresh_ms``: ``unit_maps()``, the same with new buffers and copies each call.
- ``output_plane_ms``: ``Network.forward`` over the grid, what the output view computes per frame now.
- ``train_step_ms``: one training step of the preset (batch 32), ``trainer.run_for`` in steps.
- ``maps_over_output``, ``maps_over_step``: the first over the third and fourth.
- ``core_share_at_30fps``: unit_maps_ms x 30 / 1000, the share of one core the maps take at 30 frames/s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads, as app.main does

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from engine.config import TrainConfig, build  # noqa: E402
from engine.unit_maps import UnitMaps, plane_grid, unit_maps  # noqa: E402
from engine_bench import environment, interleave, median_ratio, timed  # noqa: E402
from resources import load_preset  # noqa: E402


def run(res: int, quick: bool) -> dict:
    trainer = build(TrainConfig.from_dict(load_preset("spiral")["config"]), fit_io=True)
    trainer.run_epochs(20)
    net, d = trainer.network, trainer.data
    _, _, grid = plane_grid(d.plane_X_train.min(axis=1), d.plane_X_train.max(axis=1), res)
    maps = UnitMaps(net, grid, d.features)
    frames = 20 if quick else 200
    steps = 50 if quick else 2000

    def per_call(fn, n):
        return lambda: timed(lambda: [fn() for _ in range(n)]) / n

    contenders = {
        "unit_maps": per_call(lambda: maps.compute(net), frames),
        "unit_maps_fresh": per_call(lambda: unit_maps(net, grid, d.features), frames),
        "output_plane": per_call(lambda: net.forward(grid), frames),
        # a fixed count of steps with no epoch limit, so the preset's epoch count never ends the timing
        "train_step": lambda: timed(trainer.run_for, 1e9, steps, None) / steps,
    }
    rounds = interleave(contenders, 3 if quick else 9)
    out = {"quick": quick, "grid": f"{res}x{res}", "network": "-".join(map(str, net.sizes)),
           "units": int(sum(net.sizes)), **environment()}
    for name, seconds in rounds.items():
        out[f"{name}_ms"] = statistics.median(seconds) * 1e3
    out["maps_over_output"] = median_ratio(rounds["unit_maps"], rounds["output_plane"])
    out["maps_over_step"] = median_ratio(rounds["unit_maps"], rounds["train_step"])
    out["fresh_over_reused"] = median_ratio(rounds["unit_maps_fresh"], rounds["unit_maps"])
    out["core_share_at_30fps"] = out["unit_maps_ms"] * 30 / 1e3
    return out


def table(r: dict) -> str:
    lines = [f"unit maps, spiral {r['network']} ({r['units']} units), grid {r['grid']}",
             f"  UnitMaps.compute (buffers reused)   {r['unit_maps_ms']:8.3f} ms",
             f"  unit_maps() (new arrays each call)  {r['unit_maps_fresh_ms']:8.3f} ms   "
             f"{r['fresh_over_reused']:.2f}x reused",
             f"  output plane forward, same grid     {r['output_plane_ms']:8.3f} ms   "
             f"maps = {r['maps_over_output']:.2f}x it",
             f"  one training step (batch 32)        {r['train_step_ms']:8.3f} ms   "
             f"maps = {r['maps_over_step']:.1f} steps",
             f"  at 30 frames/s the maps take {r['core_share_at_30fps']:.1%} of one core",
             f"{r['date']}, nproc {r['nproc']}, NumPy {r['numpy']}, OpenBLAS "
             f"{r.get('openblas_core', '?')} x{r.get('openblas_threads', '?')} threads, env "
             f"{r['blas_env'] or 'no OPENBLAS_* set'}" + (" (--quick: figures not meaningful)" if r["quick"] else "")]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--res", type=int, default=50, help="grid points per side (default 50)")
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    args = parser.parse_args(argv)
    result = run(args.res, args.quick)
    print(json.dumps(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
