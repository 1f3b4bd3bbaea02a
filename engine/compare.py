"""Comparing runs: a label for each run saying what differs from a reference configuration, and the
overlaid loss curves as CSV.

``difference(reference, config)`` is the label the loss plot's legend shows ("lr 0.1", "tanh -> relu",
"batch 32 -> full"); ``labels(configs)`` labels a list of runs against the first. Numeric
hyperparameters show the new value (the reference's is in the reference's own label), and only when the
run's optimizer uses them; everything else shows old -> new.
"""
from __future__ import annotations

import csv
import io
import math

import numpy as np

from .atomic import atomic_open
from .config import TrainConfig
from .optimizers import OPTIMIZERS

# field -> how the label names it; the label's parts come in the order NAMED, NUMERIC, activations, OTHER
NUMERIC = {"learning_rate": "lr", "momentum": "momentum", "beta1": "beta1", "beta2": "beta2",
           "epsilon": "epsilon", "weight_decay": "weight decay"}
NAMED = {"optimizer": None, "loss": None, "init": None, "dtype": None, "dataset": "data"}
OTHER = {"layers": "layers", "batch_size": "batch", "epochs": "epochs", "n_samples": "samples", "noise": "noise",
         "test_fraction": "test fraction", "n_classes": "classes", "csv_path": "csv", "csv_target": "target",
         "csv_header": "csv header", "csv_task": "task", "seed": "seed"}
SAME = "same config"


def _fmt(field: str, value) -> str:
    if value is None:
        return {"batch_size": "full", "epochs": "no limit"}.get(field, "default")
    if field == "layers":
        return "-".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _activations(old: tuple, new: tuple) -> str:
    if len(old) == len(new):
        pairs = {(a, b) for a, b in zip(old, new) if a != b}
        if len(pairs) == 1:  # every changed layer changed the same way: "tanh -> relu"
            (a, b), = pairs
            return f"{a} -> {b}"
    return f"activations {','.join(old)} -> {','.join(new)}"


def difference(reference: TrainConfig, config: TrainConfig) -> str:
    """What ``config`` changes from ``reference``, e.g. "lr 0.1, tanh -> relu"; "same config" if nothing."""
    parts = []
    for field, name in NAMED.items():
        old, new = getattr(reference, field), getattr(config, field)
        if old != new:
            parts.append(f"{name + ' ' if name else ''}{_fmt(field, old)} -> {_fmt(field, new)}")
    for field, name in NUMERIC.items():
        new = getattr(config, field)
        if getattr(reference, field) != new and field in OPTIMIZERS[config.optimizer].hyperparameters:
            parts.append(f"{name} {_fmt(field, new)}")
    if tuple(reference.activations) != tuple(config.activations):
        parts.append(_activations(tuple(reference.activations), tuple(config.activations)))
    for field, name in OTHER.items():
        old, new = getattr(reference, field), getattr(config, field)
        if (tuple(old) if field == "layers" else old) != (tuple(new) if field == "layers" else new):
            parts.append(f"{name} {_fmt(field, old)} -> {_fmt(field, new)}")
    return ", ".join(parts) or SAME


def describe(config: TrainConfig) -> str:
    """A short summary of a configuration, for the reference run's label."""
    return (f"{_fmt('layers', config.layers)} {'/'.join(sorted(set(config.activations[:-1])) or ['-'])}, "
            f"{config.optimizer} lr {config.learning_rate:g}, batch {_fmt('batch_size', config.batch_size)}")


def labels(configs: list[TrainConfig]) -> list[str]:
    """One label per run: the first run is the reference ("reference: <summary>"), the others say what
    they change; two runs with the same label are told apart by " (2)", " (3)", ..."""
    if not configs:
        return []
    out = [f"reference: {describe(configs[0])}"] + [difference(configs[0], c) for c in configs[1:]]
    seen: dict[str, int] = {}
    for i, label in enumerate(out):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            out[i] = f"{label} ({seen[label]})"
    return out


def curves_csv(run_labels: list[str], curves: list[tuple[np.ndarray, np.ndarray]]) -> str:
    """CSV text: ``epoch``, then ``<label> train`` and ``<label> test`` per run; one row per epoch up to the
    longest run, an empty cell where a run has no value (shorter, no test set, a non-finite loss).
    ``curves``: per run (train_losses (E,), test_losses (E,) or (0,))."""
    n = max((len(train) for train, _ in curves), default=0)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["epoch"] + [f"{label} {kind}" for label in run_labels for kind in ("train", "test")])

    def cell(values, i):
        return repr(float(values[i])) if i < len(values) and math.isfinite(values[i]) else ""

    for i in range(n):
        w.writerow([i + 1] + [c for train, test in curves for c in (cell(train, i), cell(test, i))])
    return buf.getvalue()


def write_curves_csv(path, run_labels: list[str], curves: list[tuple[np.ndarray, np.ndarray]]) -> None:
    """``curves_csv`` written to ``path`` atomically."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as f:
        f.write(curves_csv(run_labels, curves))
