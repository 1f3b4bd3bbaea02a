"""How long a loss-landscape grid takes, against a plain per-point loop timed in the same run.

    .venv/bin/python bench/landscape_bench.py [--json] [--rounds 5] [--n 41]

For each case, a preset trained a few epochs, a grid of n x n points along two filter-normalised random
directions on its training set (engine/landscape.py), timed three ways in interleaved rounds (A B C, then
C B A, ...): ``loop`` (``loss_grid_loop``: one ``Network.forward`` per point, the baseline), ``stacked``
(``loss_grid``: chunks of points as stacks of matrices) and ``stacked_2_threads`` (the same on two
threads). Times are medians over rounds; each ratio is the median of the per-round ratios loop / other;
``*_cpu_s`` is the process's CPU time for one grid (all its threads).
Before timing, the three grids must agree (1e-12 relative) or the benchmark stops.

Cases: ``spiral`` (2-32-32-32-32-2 tanh, softmax, 320 training samples: the issue's figure, target
under 2 s) and ``xor`` (2-8-1, 320 samples: a small net, where the Python around each point dominates).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import resources  # noqa: E402
from engine.config import TrainConfig, build  # noqa: E402
from engine.landscape import loss_grid, loss_grid_loop, random_directions, symmetric_axis  # noqa: E402

CASES = {"spiral": 20, "xor": 20}  # preset -> epochs trained before the grid


def make_case(name: str, epochs: int, n: int):
    config = TrainConfig.from_dict(resources.load_preset(name)["config"]).replace(epochs=epochs)
    trainer = build(config)
    trainer.run_epochs(epochs)
    d1, d2 = random_directions(trainer.network, seed=0)
    axis = symmetric_axis(1.0, n)
    args = (trainer.network, trainer.loss, trainer.data.X_train, trainer.data.Y_train, d1, d2, axis, axis)
    return {"loop": lambda: loss_grid_loop(*args),
            "stacked": lambda: loss_grid(*args),
            "stacked_2_threads": lambda: loss_grid(*args, workers=2)}


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process, all threads) of one call."""
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def bench_case(name: str, epochs: int, n: int, rounds: int) -> dict:
    ways = make_case(name, epochs, n)
    grids = {k: f() for k, f in ways.items()}  # also warms caches and BLAS
    for k, g in grids.items():
        if not np.allclose(g, grids["loop"], rtol=1e-12, atol=0):
            raise SystemExit(f"{name}: {k} disagrees with the loop by {np.abs(g - grids['loop']).max():.3g}")
    order = list(ways)
    times = {k: [] for k in ways}
    cpu = {k: [] for k in ways}
    for r in range(rounds):
        for k in (order if r % 2 == 0 else order[::-1]):
            wall, used = timed(ways[k])
            times[k].append(wall)
            cpu[k].append(used)
    out = {f"{name}_{k}_s": statistics.median(v) for k, v in times.items()}
    out.update({f"{name}_{k}_cpu_s": statistics.median(v) for k, v in cpu.items()})
    for k in ("stacked", "stacked_2_threads"):
        out[f"{name}_loop_over_{k}"] = statistics.median(l / s for l, s in zip(times["loop"], times[k]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--n", type=int, default=41, help="grid points per axis (default 41)")
    ns = parser.parse_args()
    result = {"n": ns.n, "rounds": ns.rounds, "nproc": os.cpu_count(), "numpy": np.__version__}
    for name, epochs in CASES.items():
        result.update(bench_case(name, epochs, ns.n, ns.rounds))
    result["spiral_under_2_s"] = result["spiral_stacked_s"] < 2.0
    if ns.json:
        print(json.dumps(result))
        return
    print(f"loss landscape, {ns.n}x{ns.n} grid, medians of {ns.rounds} interleaved rounds, nproc {result['nproc']}")
    for name in CASES:
        print(f"  {name:7s} loop {result[f'{name}_loop_s']:.3f} s   stacked {result[f'{name}_stacked_s']:.3f} s "
              f"(loop / stacked {result[f'{name}_loop_over_stacked']:.2f})   2 threads "
              f"{result[f'{name}_stacked_2_threads_s']:.3f} s (loop / it {result[f'{name}_loop_over_stacked_2_threads']:.2f})")
    print("  CPU seconds per grid (all threads; the load of other processes disturbs it less): " + ", ".join(
        f"{name} {k} {result[f'{name}_{k}_cpu_s']:.3f}" for name in CASES for k in ("loop", "stacked", "stacked_2_threads")))
    print(f"  spiral under 2 s (stacked, one thread): {'yes' if result['spiral_under_2_s'] else 'NO'}")


if __name__ == "__main__":
    main()
