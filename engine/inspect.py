"""The Jumping Back inspector's numbers, as one pure function of a moment of the run.

For one parameter (``w^layer[i, j]`` or ``b^layer[i]``, 0-based layer as in ``engine.chain``) and a
``Moment`` (``engine.replay``: a step, its batch and the weights before its update), ``inspect_parameter``
returns an ``Inspection``:

* the walk (``engine.chain.walk_back``) and the gradient it builds;
* the engine's own backprop on the same samples and weights (in the network's dtype);
* central differences, judged against the round-off floor the gradient check uses
  (``engine.gradcheck.resolution`` scaled by ``RESOLUTION_SCALE``), flagged ``below_resolution`` when the
  gradient is within ``RESOLVE_FACTOR`` of that round-off: a large relative error there is rounding;
* the heatmap's value: the step's own gradient for that parameter.

By default the samples are **the step's own batch with the weights before its update**, so ``backprop``
equals ``heatmap`` bit for bit and the walk equals it to rounding. ``sample=s`` walks one training sample
instead, and ``columns`` any set of them (e.g. an evenly spaced probe of the training set); ``note`` then
says how that differs from the heatmap. At step 0 (no step taken) the walk uses the whole training set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backprop import Backprop
from .chain import Walk, check_parameter, numeric_gradient_of, walk_back
from .gradcheck import RESOLUTION_SCALE, relative_error, resolution
from .network import Network

H = 1e-5  # the gradient check's step: its round-off floor is the one used here
RESOLVE_FACTOR = 100  # a gradient within 100x of the round-off of central differences is not resolved


@dataclass
class Inspection:
    """The numbers the inspector shows for one parameter at one moment.

    walk: the Walk (its steps hold (n, B) arrays for the B samples used); chain: the product the walk
    built; backprop: the engine's gradient on the same samples and weights; numeric: central differences
    (step ``h``); resolution: the round-off of one central difference of this loss; below_resolution:
    max(|chain|, |numeric|) < RESOLVE_FACTOR x resolution; error_backprop, error_numeric: relative errors
    of the walk against each, with the gradient check's floor; heatmap: the step's own gradient of the
    parameter; columns (B,) int64: the training samples used; mode: "step", "sample" or "columns";
    where: the samples in words; note: how the walk's gradient relates to the heatmap's.
    """

    walk: Walk
    chain: float
    backprop: float
    numeric: float
    resolution: float
    below_resolution: bool
    error_backprop: float
    error_numeric: float
    heatmap: float
    error_heatmap: float
    columns: np.ndarray
    mode: str
    where: str
    note: str
    h: float = H


def _pick(array_w, array_b, kind, layer, i, j) -> float:
    return float(array_w[layer][i, j] if kind == "w" else array_b[layer][i, 0])


def inspect_parameter(network: Network, loss, data, moment, layer: int, i: int, j: int | None = None,
                      kind: str = "w", sample: int | None = None, columns=None, h: float = H) -> Inspection:
    """The inspector's numbers for one parameter at ``moment``.

    network: gives the architecture and dtype (its weights are not used: the moment's are); loss: a
    name or loss object; data: the run's Dataset (X_train (n_0, n), Y_train (n_L, n)); moment: an
    ``engine.replay.Moment``; sample: one training column, or columns: several (an index array);
    neither: the step's own batch.
    """
    check_parameter(network, layer, i, j, kind)
    n = data.X_train.shape[1]
    heat = _pick(moment.grad_w, moment.grad_b, kind, layer, i, j)
    batch = np.asarray(moment.batch, np.int64)
    if sample is not None:
        if not 0 <= int(sample) < n:
            raise IndexError(f"sample: {sample} is not allowed; expected 0..{n - 1}")
        cols, mode = np.array([int(sample)]), "sample"
        where = f"training sample {int(sample)}"
    elif columns is not None:
        cols, mode = np.asarray(columns, np.int64), "columns"
        where = f"all {n} training samples" if cols.size == n else f"{cols.size} of the {n} training samples"
    elif batch.size:
        cols, mode = batch, "step"
        where = (f"the batch of step {moment.step:,} ({batch.size} sample{'s' if batch.size > 1 else ''}), "
                 f"with the weights before its update")
    else:  # step 0, or the first state a loaded run kept: no step to take the batch of
        cols, mode = np.arange(n), "columns"
        where = (f"all {n} training samples (no step taken yet)" if moment.step == 0 else
                 f"all {n} training samples (step {moment.step:,} is the first the run kept: its batch is not known)")
    # the weights the step's gradients were computed with; in the network's dtype and array layouts, so
    # the engine's backprop here is the very computation training did
    before = Network(network.sizes, network.activations, network.dtype)
    before.params[...] = moment.params_before
    X = np.asfortranarray(data.X_train[:, cols], dtype=network.dtype)
    Y = np.asfortranarray(data.Y_train[:, cols], dtype=network.dtype)
    with np.errstate(all="ignore"):  # a diverged run's weights: the numbers show inf/nan, no warnings
        walk = walk_back(before, loss, X, Y, layer, i, j, kind=kind)
        bp = Backprop(before, loss)
        bp.loss_and_gradients(X, Y)
        engine = _pick(bp.grad_w, bp.grad_b, kind, layer, i, j)
        numeric = numeric_gradient_of(before, loss, X, Y, layer, i, j, kind=kind, h=h)
    res = resolution(walk.loss, h, 1)
    floor = RESOLUTION_SCALE * res

    def error(a, b):
        return relative_error(np.float64(a), np.float64(b), floor)

    if mode == "step":
        note = "the heatmap's gradient is this very computation: the step's batch and weights"
    elif not batch.size:
        note = "the heatmap shows zeros: no step has computed a gradient yet"
    else:
        inside = " (one of them)" if mode == "sample" and int(cols[0]) in set(batch.tolist()) else ""
        note = (f"the heatmap's {heat:.4g} is the mean over step {moment.step:,}'s {batch.size} samples{inside}; "
                f"this walk covers {where}, so the two differ by the samples' spread")
    return Inspection(walk=walk, chain=walk.gradient, backprop=engine, numeric=float(numeric), resolution=res,
                      below_resolution=bool(max(abs(walk.gradient), abs(numeric)) < RESOLVE_FACTOR * res),
                      error_backprop=error(walk.gradient, engine), error_numeric=error(walk.gradient, numeric),
                      heatmap=heat, error_heatmap=error(walk.gradient, heat), columns=cols, mode=mode,
                      where=where, note=note, h=h)
