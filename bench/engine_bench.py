"""How fast the engine trains, against the tutorial's own loop and against what NumPy cannot avoid.

Run from the repository root: ``.venv/bin/python bench/engine_bench.py [--json] [--quick]``.

Every figure of one kind is measured in the same run, in rounds that interleave the things compared
(ABC, then CBA, ...), and reported as the median over rounds; a ratio is the median of the ratios
measured within each round, so load from other processes on the machine touches both sides of it.
The garbage collector is off while a chunk is timed (as ``timeit`` does).

Figures (steps/s: one step = one mini-batch: forward, loss, backward, parameter update):

- ``tutorial_loop_steps_per_s``: the tutorial's loop as it writes it (bench/tutorial_loop.py).
- ``engine_tutorial_steps_per_s``: the engine on the tutorial preset, ``trainer.run_epochs(n)``.
- ``numpy_floor_steps_per_s``: the NumPy calls one step of the tutorial net cannot avoid, written out
  as one straight line (``make_tutorial_floor`` lists the calls).
- two batched nets, each with the time of its matrix products alone (``*_matmul_only_steps_per_s``):
  2-64-64-1 (tanh, tanh, sigmoid; MSE; SGD; float64; batch 256 of ``circles``) and 784-128-64-10
  (relu, relu, softmax; cross-entropy; SGD; float32; batch 128 of random data shaped like MNIST).
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import glob
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from engine.config import TrainConfig, build  # noqa: E402
from engine.datasets import Dataset, encode_targets  # noqa: E402
from engine.network import layer_views  # noqa: E402
from engine.replay import Replayer  # noqa: E402
from resources import load_preset  # noqa: E402
from tutorial_loop import tutorial_loss, tutorial_start, tutorial_train  # noqa: E402

REFERENCE_LOSS = 2.8128479681041483e-07  # the tutorial's loss after 10,000 epochs (reference.json)
CHECK_EPOCHS = 10_000
CHECK_RTOL = 1e-9


# --- timing ----------------------------------------------------------------------------------------

def timed(fn, *args) -> float:
    """Seconds one call of fn(*args) takes, with the garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0
    finally:
        gc.enable()


def interleave(contenders: dict, rounds: int) -> dict[str, list[float]]:
    """Run each contender (name -> callable returning seconds per step) once per round, the order
    reversed every other round; returns name -> seconds per step, one per round."""
    names = list(contenders)
    out = {name: [] for name in names}
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            out[name].append(contenders[name]())
    return out


def median_ratio(num: list[float], den: list[float]) -> float:
    """Median over rounds of num[i] / den[i]."""
    return statistics.median(a / b for a, b in zip(num, den))


# --- the tutorial net: baseline, engine and floor ---------------------------------------------------

def tutorial_trainer(keyframes: bool = True):
    return build(TrainConfig.from_dict(load_preset("tutorial")["config"]), keyframes=keyframes)


def check_baseline() -> dict:
    """The tutorial loop and the engine, 10,000 epochs each from the tutorial's seed: both must end at
    the tutorial's loss, or the baseline is not the tutorial's loop."""
    state = tutorial_start()
    tutorial_train(state, CHECK_EPOCHS)
    loop_loss = tutorial_loss(state)
    trainer = tutorial_trainer()
    trainer.run_epochs(CHECK_EPOCHS)
    engine_loss = trainer.evaluate()["train_loss"]
    ok = (abs(loop_loss - engine_loss) <= CHECK_RTOL * abs(engine_loss)
          and abs(engine_loss - REFERENCE_LOSS) <= CHECK_RTOL * REFERENCE_LOSS)
    return {"epochs": CHECK_EPOCHS, "tutorial_loop_loss": loop_loss, "engine_loss": engine_loss,
            "reference_loss": REFERENCE_LOSS, "rtol": CHECK_RTOL, "ok": bool(ok)}


def make_tutorial_floor():
    """The NumPy calls one training step of the tutorial net (5-3-5-4, leaky ReLU 0.1, sigmoid,
    sigmoid; MSE; SGD; one sample) cannot avoid, as one straight line of code; returns f(n) -> seconds
    per step. Exactly these 35 calls, each in the cheapest form we know (``ndarray.dot`` skips
    ``np.dot``'s dispatch; 0-d arrays instead of Python floats skip a scalar conversion; outputs
    preallocated; W and b views into one flat ``params``, dW and db into one flat ``grads``):

    forward, per layer: W.dot(a, z) (1), bias add (1), activation: leaky ReLU (2: multiply by alpha,
      maximum), sigmoid (4: negative, exp, add 1, reciprocal; no overflow guard)      -> 3 + 3 + 10 = 16
    loss: residual y_hat - y (1), its dot with itself (1), scale by 2/N into dL/dy_hat (1)      -> 3
    backward: sigmoid' product (3: 1 - a, times a, times dL/da) on two layers, leaky ReLU' product
      (3: sign(z), maximum with alpha, times dL/da), dW = delta . a^T (3 matmuls), jumps W^T . delta
      (2 matmuls); with one sample db is delta itself, so delta is written into db's place (0 calls) -> 14
    update: SGD on the flat vector, lr * grads (1), params -= that (1)                            -> 2
    Not counted (the engine does them): the sigmoid's overflow cap (1 per sigmoid), the check that
    the new weights are finite and the copy that commits them (2), the records (per-step loss).
    """
    rng = np.random.RandomState(0)
    sizes = (5, 3, 5, 4)
    n_params = sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:]))
    params = rng.random_sample(n_params) * 0.5
    grads = np.zeros(n_params)
    update = np.empty(n_params)

    def views(flat):
        return layer_views(flat, sizes)

    (W1, W2, W3), (b1, b2, b3) = views(params)
    (gw1, gw2, gw3), (d1, d2, d3) = views(grads)  # with one sample, delta_l is db_l
    W2T, W3T = W2.T, W3.T
    x = rng.randint(1, 100, size=(5, 1)) / 100
    y = rng.randint(1, 100, size=(4, 1)) / 100
    xT = x.T
    z1, a1, g1, s1 = (np.empty((3, 1)) for _ in range(4))
    z2, a2, g2, s2 = (np.empty((5, 1)) for _ in range(4))
    z3, a3, g3, s3 = (np.empty((4, 1)) for _ in range(4))
    a1T, a2T = a1.T, a2.T
    g3f = g3.reshape(-1)
    ALPHA, ONE = np.array(0.1), np.array(1.0)
    SCALE, LR = np.array(2.0 / 4), np.array(0.01)
    add, sub, mul, neg, exp, rec = np.add, np.subtract, np.multiply, np.negative, np.exp, np.reciprocal
    maximum, sign = np.maximum, np.sign

    def floor(n):
        for _ in range(n):
            W1.dot(x, z1); add(z1, b1, z1); mul(z1, ALPHA, a1); maximum(z1, a1, out=a1)
            W2.dot(a1, z2); add(z2, b2, z2); neg(z2, a2); exp(a2, a2); add(a2, ONE, a2); rec(a2, a2)
            W3.dot(a2, z3); add(z3, b3, z3); neg(z3, a3); exp(a3, a3); add(a3, ONE, a3); rec(a3, a3)
            sub(a3, y, g3); g3f.dot(g3f); mul(g3, SCALE, g3)
            sub(ONE, a3, s3); mul(s3, a3, s3); mul(g3, s3, d3)
            d3.dot(a2T, gw3); W3T.dot(d3, g2)
            sub(ONE, a2, s2); mul(s2, a2, s2); mul(g2, s2, d2)
            d2.dot(a1T, gw2); W2T.dot(d2, g1)
            sign(z1, s1); maximum(s1, ALPHA, out=s1); mul(g1, s1, d1)
            d1.dot(xT, gw1)
            mul(grads, LR, update); sub(params, update, params)

    return floor


def bench_tutorial(epochs: int, rounds: int) -> dict:
    floor = make_tutorial_floor()

    def loop():
        state = tutorial_start()
        return timed(tutorial_train, state, epochs) / epochs

    def engine(keyframes=True):
        trainer = tutorial_trainer(keyframes)
        seconds = timed(trainer.run_epochs, epochs)
        assert trainer.steps == epochs and trainer.status != "diverged"
        assert (len(trainer.keyframes) > 1) if keyframes else trainer.keyframes is None
        return seconds / epochs

    def numpy_floor():
        return timed(floor, epochs) / epochs

    t = interleave({"loop": loop, "engine": engine, "floor": numpy_floor,
                    "engine_no_keyframes": lambda: engine(False)}, rounds)
    return {
        "keyframes_overhead": median_ratio(t["engine_no_keyframes"], t["engine"]),
        "tutorial_loop_steps_per_s": 1.0 / statistics.median(t["loop"]),
        "engine_tutorial_steps_per_s": 1.0 / statistics.median(t["engine"]),
        "ratio_vs_tutorial": median_ratio(t["loop"], t["engine"]),
        "numpy_floor_steps_per_s": 1.0 / statistics.median(t["floor"]),
        "ratio_vs_floor": median_ratio(t["floor"], t["engine"]),
        "floor_vs_tutorial": median_ratio(t["loop"], t["floor"]),
    }


# --- replay: one past step rebuilt from the keyframes --------------------------------------------------

def bench_replay(preset: str, steps: int, probes: int) -> dict:
    """Milliseconds ``Replayer.moment`` takes for ``probes`` random steps of a ``steps``-step run (each
    from a fresh replayer position, so each pays the replay from its keyframe): median and p95."""
    trainer = build(TrainConfig.from_dict(load_preset(preset)["config"]))
    trainer.run_for(600, max_steps=steps)
    replayer = Replayer(trainer)
    rng = np.random.default_rng(0)
    times = []
    for step in rng.integers(1, steps + 1, probes):
        replayer._pos = -1  # no reuse of the last position: the cost of a jump
        times.append(timed(replayer.moment, int(step)) * 1e3)
    return {f"replay_ms_median_{preset}": statistics.median(times),
            f"replay_ms_p95_{preset}": float(np.percentile(times, 95)),
            f"keyframe_spacing_{preset}": trainer.keyframes.spacing}


# --- batched nets: engine against its matrix products alone -------------------------------------------

def circles_trainer(batch: int, steps_per_epoch: int):
    """2-64-64-1 on ``circles`` (targets 0/1), every sample in training so each epoch is whole batches."""
    config = TrainConfig(layers=(2, 64, 64, 1), activations=("tanh", "tanh", "sigmoid"), loss="mse",
                         optimizer="sgd", learning_rate=0.1, init="xavier", dtype="float64", batch_size=batch,
                         dataset="circles", n_samples=batch * steps_per_epoch, test_fraction=0.0, seed=0)
    return build(config)


def mnist_like_trainer(batch: int, steps_per_epoch: int):
    """784-128-64-10 on random data shaped like MNIST (pixels in [0, 1), ten balanced labels)."""
    rng = np.random.RandomState(0)
    n = batch * steps_per_epoch
    X = rng.random_sample((784, n))
    labels = rng.permutation(np.arange(n) % 10)
    data = Dataset("mnist-like", "classification", X, encode_targets(labels, 10, "cce"), np.zeros((784, 0)),
                   np.zeros((10, 0)), labels, np.zeros(0, np.int64), 10, [f"p{i}" for i in range(784)],
                   [str(c) for c in range(10)])
    config = TrainConfig(layers=(784, 128, 64, 10), activations=("relu", "relu", "softmax"), loss="cce",
                         optimizer="sgd", learning_rate=0.01, init="he", dtype="float32", batch_size=batch,
                         test_fraction=0.0, seed=0)
    return build(config, data=data)


def make_matmul_only(sizes, batch: int, dtype):
    """The 8 matrix products of one step of a 3-layer net, nothing else: 3 forward W_l . a_{l-1},
    3 dW_l = delta_l . a_{l-1}^T, 2 jumps W_l^T . delta_l; same shapes, dtype and memory layouts as the
    engine's (X a Fortran-ordered batch, W and dW views into flat vectors), outputs preallocated."""
    rng = np.random.RandomState(1)
    n_params = sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:]))
    params = (rng.random_sample(n_params) - 0.5).astype(dtype)
    grads = np.zeros(n_params, dtype)
    W, gW, at = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W.append(params[at:at + n_out * n_in].reshape(n_out, n_in))
        gW.append(grads[at:at + n_out * n_in].reshape(n_out, n_in))
        at += n_out * n_in + n_out
    X = np.asfortranarray(rng.random_sample((sizes[0], batch)).astype(dtype))
    a = [rng.random_sample((n, batch)).astype(dtype) for n in sizes[1:]]
    z = [np.empty((n, batch), dtype) for n in sizes[1:]]
    d = [rng.random_sample((n, batch)).astype(dtype) for n in sizes[1:]]
    g = [np.empty((n, batch), dtype) for n in sizes[1:]]
    W0, W1, W2 = W
    W1T, W2T = W1.T, W2.T
    gw0, gw1, gw2 = gW
    a0, a1, _ = a
    z0, z1, z2 = z
    d0, d1, d2 = d
    g0, g1, _ = g
    XT, a0T, a1T = X.T, a0.T, a1.T

    def matmuls(n):
        for _ in range(n):
            W0.dot(X, z0); W1.dot(a0, z1); W2.dot(a1, z2)
            d2.dot(a1T, gw2); W2T.dot(d2, g1)
            d1.dot(a0T, gw1); W1T.dot(d1, g0)
            d0.dot(XT, gw0)

    return matmuls


def bench_batched(key: str, trainer, sizes, dtype, epochs: int, matmul_steps: int, rounds: int) -> dict:
    matmuls = make_matmul_only(sizes, trainer.batch_size, dtype)
    trainer.run_epochs(1)  # workspaces allocated, first shuffle done
    matmuls(3)

    def engine():
        s0 = trainer.steps
        seconds = timed(trainer.run_epochs, epochs)
        assert trainer.status != "diverged", trainer.message
        return seconds / (trainer.steps - s0)

    def matmul_only():
        return timed(matmuls, matmul_steps) / matmul_steps

    t = interleave({"engine": engine, "matmul": matmul_only}, rounds)
    return {
        f"{key}_steps_per_s": 1.0 / statistics.median(t["engine"]),
        f"{key}_matmul_only_steps_per_s": 1.0 / statistics.median(t["matmul"]),
        f"{key}_over_matmul": median_ratio(t["engine"], t["matmul"]),
    }


# --- the machine ------------------------------------------------------------------------------------

def openblas_info() -> dict:
    """OpenBLAS's core type and thread count as the loaded library reports them (best effort)."""
    info = {}
    try:
        libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*"))
        lib = ctypes.CDLL(libs[0])
        for suffix in ("64_", ""):
            corename = getattr(lib, f"scipy_openblas_get_corename{suffix}", None)
            threads = getattr(lib, f"scipy_openblas_get_num_threads{suffix}", None)
            if corename and threads:
                corename.restype = ctypes.c_char_p
                info = {"openblas_core": corename().decode(), "openblas_threads": int(threads())}
                break
    except (IndexError, OSError, AttributeError):
        pass
    return info


def environment() -> dict:
    blas_env = {k: v for k, v in sorted(os.environ.items())
                if k.startswith("OPENBLAS") or k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return {"date": time.strftime("%Y-%m-%d"), "nproc": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "blas_env": blas_env, **openblas_info()}


# --- main -------------------------------------------------------------------------------------------

TARGETS = {"ratio_vs_tutorial": (">=", 4.0),
           "keyframes_overhead": (">=", 0.97),
           "batched_2_64_64_1_b256_over_matmul": ("<=", 1.2),
           "mnist_like_784_128_64_10_b128_f32_over_matmul": ("<=", 1.2)}


def run(quick: bool) -> dict:
    # Chunks of ~0.1-0.7 s; the batched nets get more, shorter rounds: their figures swing the most
    # when other processes want the cores (see bench/README.md).
    rounds, batched_rounds = (3, 3) if quick else (7, 15)
    check = check_baseline()
    if not check["ok"]:
        raise SystemExit(f"the tutorial loop does not reproduce the engine's loss: {check}")
    result = {"quick": quick, "rounds": rounds, "batched_rounds": batched_rounds, **environment(),
              "baseline_check": check}
    result.update(bench_tutorial(epochs=300 if quick else 10_000, rounds=rounds))
    for preset, steps in (("tutorial", 10_000), ("spiral", 10_000)):
        result.update(bench_replay(preset, steps=300 if quick else steps, probes=10 if quick else 200))
    result.update(bench_batched("batched_2_64_64_1_b256", circles_trainer(256, 16), (2, 64, 64, 1), np.float64,
                                epochs=1 if quick else 8, matmul_steps=16 if quick else 256, rounds=batched_rounds))
    result.update(bench_batched("mnist_like_784_128_64_10_b128_f32", mnist_like_trainer(128, 8),
                                (784, 128, 64, 10), np.float32,
                                epochs=1 if quick else 12, matmul_steps=8 if quick else 96, rounds=batched_rounds))
    result["targets_met"] = {k: (result[k] >= v if op == ">=" else result[k] <= v)
                             for k, (op, v) in TARGETS.items()}
    return result


def table(r: dict) -> str:
    rows = [
        ("tutorial net 5-3-5-4, batch 1, float64", None),
        ("  tutorial's loop", f"{r['tutorial_loop_steps_per_s']:>12,.0f} steps/s"),
        ("  engine", f"{r['engine_tutorial_steps_per_s']:>12,.0f} steps/s   {r['ratio_vs_tutorial']:.2f}x the loop"
                     f" (target >= 4)"),
        ("  NumPy-call floor", f"{r['numpy_floor_steps_per_s']:>12,.0f} steps/s   "
                               f"{r['floor_vs_tutorial']:.2f}x the loop; engine at {r['ratio_vs_floor']:.2f} of it"),
        ("  keyframes' cost", f"{r['keyframes_overhead']:>12.3f}       steps/s with keyframes / without "
                              f"(target >= 0.97)"),
    ]
    for preset in ("tutorial", "spiral"):
        rows.append((f"replay one step, {preset}", f"{r[f'replay_ms_median_{preset}']:>12.2f} ms median, "
                     f"{r[f'replay_ms_p95_{preset}']:.2f} ms p95 (keyframes every {r[f'keyframe_spacing_{preset}']} steps)"))
    for key, title in (("batched_2_64_64_1_b256", "2-64-64-1 tanh/tanh/sigmoid, MSE, batch 256, float64"),
                       ("mnist_like_784_128_64_10_b128_f32",
                        "784-128-64-10 relu/relu/softmax, CE, batch 128, float32")):
        rows += [(title, None),
                 ("  engine", f"{r[key + '_steps_per_s']:>12,.1f} steps/s"),
                 ("  matrix products only", f"{r[key + '_matmul_only_steps_per_s']:>12,.1f} steps/s"),
                 ("  engine time / matmul time", f"{r[key + '_over_matmul']:>12.2f}       (target <= 1.2)")]
    check = r["baseline_check"]
    lines = [f"{a:<34}{b}" if b else a for a, b in rows]
    lines += ["", f"baseline check: {check['epochs']} epochs, tutorial loop loss {check['tutorial_loop_loss']!r}, "
                  f"engine {check['engine_loss']!r}: {'ok' if check['ok'] else 'MISMATCH'}",
              f"{r['date']}, nproc {r['nproc']}, Python {r['python']}, NumPy {r['numpy']}, "
              f"OpenBLAS {r.get('openblas_core', '?')} x{r.get('openblas_threads', '?')} threads, "
              f"env {r['blas_env'] or 'no OPENBLAS_* set'}; medians of {r['rounds']} (batched: "
              f"{r['batched_rounds']}) interleaved rounds"
              + (" (--quick: smoke run, figures not meaningful)" if r["quick"] else ""),
              "targets: " + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in r["targets_met"].items())]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run for tests")
    args = parser.parse_args(argv)
    result = run(args.quick)
    print(json.dumps(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
