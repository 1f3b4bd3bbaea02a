"""Runs kept for comparison: what a pinned run holds, its label against the current configuration, one change
typed by the user for a variant, and the sidecar file that keeps pinned runs with a saved run.

A pinned run is a copy (config, per-epoch losses, final weights): nothing in it is shared with a trainer, so it
crosses threads freely. The sidecar of ``run.npz`` is ``run.pinned.npz`` beside it (the run file itself stays
what ``backprop-lab train --save`` writes, so every reader of run files keeps working): arrays ``train_<i>``,
``test_<i>``, ``w<l>_<i>`` / ``b<l>_<i>`` and one JSON text ``runs`` with each run's config, epoch and shown flag.
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import atomic_open
from .compare import SAME, difference
from .config import TrainConfig
from .validation import ConfigError

MAX_PINNED = 8
PATH_POINTS = 64  # a pinned run's path on the loss landscape: enough for its curve, a few kB on a small network
PATH_BYTES = 4 << 20  # and at most this much of it per run (a 784-128-64-10 network keeps 4 points)
SIDECAR_SUFFIX = ".pinned.npz"
SIDECAR_VERSION = 1


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """config; train_losses (e,) float64 per epoch; test_losses (e,) or (0,); weights W_l (n_l, n_{l-1}) and
    biases b_l (n_l, 1) at the end; epoch: completed epochs; shown: drawn on the loss plot (and its path on the
    loss landscape); path (T, n_params) float64: parameter vectors along the run, laid out as
    ``Network.params``, first to last (its keyframes, thinned: ``trajectory_of``), or None."""

    config: TrainConfig
    train_losses: np.ndarray
    test_losses: np.ndarray
    weights: tuple
    biases: tuple
    epoch: int
    shown: bool = True
    path: np.ndarray | None = None

    def with_shown(self, shown: bool) -> "PinnedRun":
        return dataclasses.replace(self, shown=bool(shown))


def trajectory_of(trainer) -> np.ndarray | None:
    """(T, n_params) float64: the trainer's keyframes' parameters and its current ones, first to last, thinned
    evenly to at most PATH_POINTS points and PATH_BYTES (a wide network keeps fewer); None without two points."""
    store = getattr(trainer, "keyframes", None)
    points = [kf.params for kf in store.frames()] if store is not None else []
    points.append(trainer.network.params)
    n_params = points[-1].size
    most = min(PATH_POINTS, max(2, PATH_BYTES // (8 * n_params)))
    if len(points) < 2:
        return None
    keep = np.unique(np.round(np.linspace(0, len(points) - 1, min(len(points), most))).astype(np.int64))
    return np.array([points[i] for i in keep], np.float64)


def pin(trainer) -> PinnedRun:
    """A copy of ``trainer``'s run as it is now (call it in the thread that owns the trainer)."""
    net = trainer.network
    return PinnedRun(trainer.config, np.array(trainer.train_losses.view(), np.float64),
                     np.array(trainer.test_losses.view(), np.float64), tuple(w.copy() for w in net.weights),
                     tuple(b.copy() for b in net.biases), int(trainer.epoch), path=trajectory_of(trainer))


def label(current: TrainConfig | None, run: PinnedRun) -> str:
    """What ``run`` changes from the current config ("lr 0.1", "tanh -> relu"), and the epochs it ran."""
    what = difference(current, run.config) if current is not None else SAME
    return f"{what} ({run.epoch} epochs)"


# -- a variant's one change, typed by the user ------------------------------------------------------------------
VARIANT_FIELDS = {"learning_rate": float, "optimizer": str, "batch_size": int, "momentum": float,
                  "weight_decay": float, "init": str, "activations": str, "loss": str, "seed": int}


def parse_change(config: TrainConfig, field: str, text: str) -> dict:
    """``{field: value}`` for the text the user typed, checked against the whole config (ConfigError names the
    field, the value and what is allowed). ``activations`` takes one name for every hidden layer, or a comma
    list for every layer; ``batch_size`` takes "full" for the whole training set."""
    if field not in VARIANT_FIELDS:
        raise ConfigError("change", field, "one of " + ", ".join(VARIANT_FIELDS))
    text = text.strip()
    if not text:  # (an empty box is not "full batch" nor the output's activation alone: say it is empty)
        raise ConfigError(field, text, "a value for the variant (the box is empty)")
    try:
        if field == "batch_size" and text.lower() in ("full", "none"):
            value = None
        elif field == "activations":
            names = tuple(n.strip() for n in text.split(",") if n.strip())
            value = names if len(names) > 1 else (names * (len(config.activations) - 1)
                                                   + tuple(config.activations[-1:]))
        else:
            value = VARIANT_FIELDS[field](text)
    except ValueError:
        kind = {float: "a number", int: "a whole number"}[VARIANT_FIELDS[field]]
        raise ConfigError(field, text, kind) from None
    if getattr(config, field) == value:
        raise ConfigError(field, text, f"a value other than the current run's ({getattr(config, field)!r})")
    config.replace(**{field: value}).validated()  # the engine's own check of the whole config
    return {field: value}


# -- the sidecar ------------------------------------------------------------------------------------------------
def sidecar_path(run_path) -> Path:
    """``run.npz`` -> ``run.pinned.npz`` beside it."""
    path = Path(run_path)
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def save_pinned(run_path, runs: list[PinnedRun]) -> Path | None:
    """Write ``runs`` beside ``run_path`` (atomically); with no runs, remove an old sidecar. Returns its path."""
    path = sidecar_path(run_path)
    if not runs:
        if path.is_file():
            os.remove(path)
        return None
    arrays, meta = {}, []
    for i, run in enumerate(runs):
        arrays[f"train_{i}"], arrays[f"test_{i}"] = run.train_losses, run.test_losses
        for l, (w, b) in enumerate(zip(run.weights, run.biases), start=1):
            arrays[f"w{l}_{i}"], arrays[f"b{l}_{i}"] = w, b
        if run.path is not None:
            arrays[f"path_{i}"] = run.path
        meta.append({"config": run.config.to_dict(), "epoch": run.epoch, "shown": run.shown})
    arrays["runs"] = np.array(json.dumps({"version": SIDECAR_VERSION, "runs": meta}))
    with atomic_open(path, "wb") as f:
        np.savez_compressed(f, **arrays)
    return path


def _path_of(npz, i: int, config: TrainConfig) -> np.ndarray | None:
    """Run ``i``'s path in a sidecar (none in one written before paths were kept), checked against its layers."""
    if f"path_{i}" not in npz.files:
        return None
    path = np.asarray(npz[f"path_{i}"], np.float64)
    n_params = sum(n_out * (n_in + 1) for n_in, n_out in zip(config.layers[:-1], config.layers[1:]))
    if path.ndim != 2 or path.shape[1] != n_params:
        raise ValueError(f"path_{i} has shape {path.shape}, not (points, {n_params})")
    return path


def load_pinned(run_path) -> list[PinnedRun]:
    """The pinned runs kept beside ``run_path`` ([] when there is no sidecar); ConfigError when it is damaged."""
    path = sidecar_path(run_path)
    if not path.is_file():
        return []
    try:
        with np.load(path, allow_pickle=False) as npz:
            head = json.loads(str(npz["runs"]))
            runs = []
            for i, m in enumerate(head["runs"][:MAX_PINNED]):
                config = TrainConfig.from_dict(m["config"])
                n = len(config.layers) - 1
                runs.append(PinnedRun(config, npz[f"train_{i}"], npz[f"test_{i}"],
                                      tuple(npz[f"w{l}_{i}"] for l in range(1, n + 1)),
                                      tuple(npz[f"b{l}_{i}"] for l in range(1, n + 1)),
                                      int(m["epoch"]), bool(m["shown"]), _path_of(npz, i, config)))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ConfigError("pinned runs", str(path), f"a file written by Backprop Lab ({err})") from None
    return runs
