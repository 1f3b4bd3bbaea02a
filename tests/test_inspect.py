"""The inspector's numbers as a pure function: by default on the step's own batch with the weights
before its update, so they equal the heatmap's gradient; central differences judged with the gradient
check's round-off floor, and flagged when the gradient is below what they resolve."""
from __future__ import annotations

import numpy as np
import pytest

from engine import chain, network
from engine.gradcheck import RESOLUTION_SCALE, resolution
from engine.inspect import H, RESOLVE_FACTOR, inspect_parameter
from engine.replay import Replayer
from tests.replay_helpers import config_of, trained


def _moment(preset, steps, **changes):
    run = trained(config_of(preset, **changes), steps)
    return run, Replayer(run).moment(steps)


@pytest.mark.parametrize("preset, changes", [("moons", {}), ("spiral", {"dtype": "float32"}),
                                             ("blobs", {"optimizer": "momentum"}), ("tutorial", {})])
def test_by_default_the_walk_is_the_heatmaps_gradient(preset, changes):
    run, m = _moment(preset, 45, **changes)
    for layer, i, j, kind in ((0, 0, 0, "w"), (run.network.n_layers - 1, 0, 1, "w"), (1, 2, None, "b")):
        r = inspect_parameter(run.network, run.loss, run.data, m, layer, i, j, kind)
        assert r.mode == "step" and np.array_equal(r.columns, m.batch)
        assert r.backprop == r.heatmap  # the very computation training did, bit for bit
        live = run.backprop.grad_w[layer][i, j] if kind == "w" else run.backprop.grad_b[layer][i, 0]
        assert r.heatmap == float(live)
        tol = 1e-4 if run.network.dtype == np.float32 else 1e-12  # the walk is float64; a float32 net rounds
        assert abs(r.chain - r.heatmap) <= tol * max(abs(r.heatmap), 1e-8)
        assert r.error_numeric < 1e-6 and "this very computation" in r.note


def test_a_single_sample_says_how_it_differs_from_the_heatmap():
    run, m = _moment("moons", 45)
    s = int(m.batch[3])
    r = inspect_parameter(run.network, run.loss, run.data, m, 0, 1, 0, sample=s)
    assert r.mode == "sample" and r.columns.tolist() == [s] and r.where == f"training sample {s}"
    assert "mean over step 45's 32 samples (one of them)" in r.note
    per_sample = [inspect_parameter(run.network, run.loss, run.data, m, 0, 1, 0, sample=int(c)).chain
                  for c in m.batch]
    assert np.isclose(np.mean(per_sample), r.heatmap, rtol=1e-10, atol=1e-15)  # the batch's mean loss


def test_step_zero_walks_the_training_set_and_says_the_heatmap_is_empty():
    run, m = _moment("xor", 0)
    r = inspect_parameter(run.network, run.loss, run.data, m, 0, 0, 0)
    assert r.columns.size == run.n and r.heatmap == 0.0 and "zeros" in r.note


def test_tiny_gradients_are_below_resolution_with_the_gradient_checks_floor():
    # the vanishing-gradients preset: the first layer's gradients are far below what differences resolve
    run, m = _moment("vanishing", 20)
    r = inspect_parameter(run.network, run.loss, run.data, m, 0, 0, 0)
    res = resolution(r.walk.loss, H, 1)
    assert r.resolution == res and r.h == H
    assert abs(r.chain) < RESOLVE_FACTOR * res and r.below_resolution
    floor = RESOLUTION_SCALE * res
    assert r.error_numeric == abs(r.chain - r.numeric) / max(abs(r.chain) + abs(r.numeric), floor)
    assert r.error_numeric < 1e-6  # not the misleading "rel. error 1.9e-05" of issue #9
    big = inspect_parameter(run.network, run.loss, run.data, m, run.network.n_layers - 1, 0, 0)
    assert not big.below_resolution


def test_a_bad_parameter_or_sample_is_refused_naming_it():
    run, m = _moment("xor", 5)
    with pytest.raises(IndexError, match="layer: 9"):
        inspect_parameter(run.network, run.loss, run.data, m, 9, 0, 0)
    with pytest.raises(IndexError, match=r"sample: 999 is not allowed; expected 0\.\.3"):
        inspect_parameter(run.network, run.loss, run.data, m, 0, 0, 0, sample=999)


def test_network_from_lives_in_network_and_chain_re_exports_it():
    assert chain.network_from is network.network_from
