"""The export formats that need no window: a run's loss history as CSV, its step losses as CSV and its
weights as an .npz, written atomically (``engine.atomic``): a failure half-way leaves the previous file.

``write_loss_csv(path, trainer)`` and friends read a Trainer (the training thread calls them between two
slices, so the file holds one consistent state); ``export_*`` take the arrays.
"""
from __future__ import annotations

import csv
import math

import numpy as np

from .atomic import atomic_open


# --- loss history as CSV -----------------------------------------------------------------------------

def _series(name: str, values, n: int) -> np.ndarray | None:
    """values as a 1-D float array of at most n entries (float32 kept, so its shortest text is used)."""
    if values is None:
        return None
    a = np.asarray(values)
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)  # ints, and None in a list (object dtype) becomes NaN: an empty cell
    if a.ndim != 1 or len(a) > n:
        raise ValueError(f"{name}: {a.shape} values is not allowed; expected at most {n} (one per row)")
    return a


def _cell(a: np.ndarray | None, i: int) -> str:
    """Shortest text that reads back as the same number; empty where the value is missing or NaN."""
    if a is None or i >= len(a) or math.isnan(a[i]):
        return ""
    return str(a[i])  # numpy's str is the shortest round-trip repr for the array's own dtype


def _write_table(path, header: list[str], index: np.ndarray, columns: list) -> None:
    with atomic_open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for i, key in enumerate(index.tolist()):
            writer.writerow([key] + [_cell(c, i) for c in columns])


def export_loss_csv(path, epochs, train, test, train_acc=None, test_acc=None) -> None:
    """One row per epoch: ``epoch,train_loss,test_loss`` (and ``train_accuracy,test_accuracy`` when
    either accuracy is given). ``epochs`` (n,) ints; every series is (k,) with k <= n (a shorter
    series, e.g. an empty test loss without a test set, and NaN entries leave empty cells)."""
    epochs = np.asarray(epochs).ravel()
    if epochs.size and not np.issubdtype(epochs.dtype, np.integer):
        if not np.all(epochs == np.round(epochs)):
            raise ValueError("epochs: expected whole numbers")
        epochs = epochs.astype(np.int64)
    n = len(epochs)
    header = ["epoch", "train_loss", "test_loss"]
    columns = [_series("train", train, n), _series("test", test, n)]
    if train_acc is not None or test_acc is not None:
        header += ["train_accuracy", "test_accuracy"]
        columns += [_series("train_acc", train_acc, n), _series("test_acc", test_acc, n)]
    _write_table(path, header, epochs, columns)


def export_step_losses_csv(path, step_losses) -> None:
    """``step,loss`` for every training step, steps numbered from 1. ``step_losses`` (n,)."""
    losses = _series("step_losses", step_losses, np.asarray(step_losses).size)
    _write_table(path, ["step", "loss"], np.arange(1, len(losses) + 1), [losses])


def export_weights_npz(path, weights, biases) -> None:
    """``w1, b1, w2, b2, ...`` (1-based, as in the tutorial) in an uncompressed .npz that loads with
    ``allow_pickle=False``. weights[l] (n_out, n_in), biases[l] (n_out, 1)."""
    weights, biases = list(weights), list(biases)
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"weights, biases: {len(weights)} and {len(biases)} arrays; expected the same number >= 1")
    arrays = {}
    for k, (w, b) in enumerate(zip(weights, biases), start=1):
        w, b = np.asarray(w), np.asarray(b)
        if w.ndim != 2 or b.shape != (w.shape[0], 1):
            raise ValueError(f"w{k}, b{k}: shapes {w.shape}, {b.shape}; expected (n_out, n_in), (n_out, 1)")
        arrays[f"w{k}"], arrays[f"b{k}"] = w, b
    with atomic_open(path, "wb") as f:
        np.savez(f, **arrays)  # a file object, so numpy adds no ".npz" to the name



# --- from a trainer ------------------------------------------------------------------------------------

def write_loss_csv(path, trainer) -> None:
    """``epoch,train_loss,test_loss`` (+ accuracies for classification), one row per completed epoch."""
    n = len(trainer.train_losses)
    classification = trainer.data.task == "classification"
    export_loss_csv(path, np.arange(1, n + 1), trainer.train_losses.view(), trainer.test_losses.view(),
                    trainer.train_accuracy.view() if classification else None,
                    trainer.test_accuracy.view() if classification else None)


def write_step_losses_csv(path, trainer) -> None:
    export_step_losses_csv(path, trainer.step_losses.view())


def write_weights_npz(path, trainer) -> None:
    export_weights_npz(path, trainer.network.weights, trainer.network.biases)
