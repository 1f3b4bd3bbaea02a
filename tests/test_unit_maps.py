"""Unit maps: every unit's activation over a grid of the plane, equal to a direct traced forward pass."""
from __future__ import annotations

import numpy as np
import pytest

import resources
from engine.config import TrainConfig, build
from engine.unit_maps import UnitMaps, plane_grid, unit_maps
from engine.validation import ConfigError


def trained(preset: str, epochs: int, **changes):
    config = TrainConfig.from_dict(resources.load_preset(preset)["config"]).replace(**changes)
    trainer = build(config, fit_io=True)
    trainer.run_epochs(epochs)
    return trainer


@pytest.mark.parametrize("preset, changes", [
    ("spiral", {}),  # 2-32-32-32-32-2, tanh and softmax
    ("features", {}),  # features on, no hidden layer, sigmoid
    ("dead_relu", {}),
    ("blobs", {"dtype": "float32"}),
    ("xor", {"activations": ("leaky_relu:0.2", "sigmoid"), "features": ("x1", "x2", "x1*x2", "sin(x2)")}),
])
def test_the_maps_equal_a_traced_forward_pass_on_the_grid(preset, changes):
    trainer = trained(preset, 3, **changes)
    net, d = trainer.network, trainer.data
    _, _, grid = plane_grid(d.plane_X_train.min(axis=1), d.plane_X_train.max(axis=1), 17)
    maps = unit_maps(net, grid, d.features)
    _, _, acts = net.forward(d.inputs(grid), trace=True)
    assert len(maps) == len(net.sizes) == len(acts)
    for l, (m, a) in enumerate(zip(maps, acts)):
        assert m.shape == (net.sizes[l], 17 * 17) and m.dtype == net.dtype
        np.testing.assert_allclose(m, a, rtol=1e-12 if net.dtype == np.float64 else 1e-5, atol=1e-15)


def test_the_buffers_are_reused_and_follow_the_weights():
    trainer = trained("spiral", 1)
    _, _, grid = plane_grid((-1, -1), (1, 1), 9)
    maps = UnitMaps(trainer.network, grid)
    first = [m.copy() for m in maps.compute(trainer.network)]
    buffers = [id(m) for m in maps.maps]
    trainer.run_epochs(2)
    second = maps.compute(trainer.network)
    assert [id(m) for m in second] == buffers  # no allocation per frame
    np.testing.assert_array_equal(second[0], first[0])  # the inputs do not depend on the weights
    assert not np.allclose(second[-1], first[-1])
    np.testing.assert_allclose(second[-1], trainer.network.forward(grid), rtol=1e-12)


def test_the_grid_is_laid_out_row_by_row_with_x1_along_the_columns():
    xs, ys, grid = plane_grid((0.0, 10.0), (1.0, 12.0), 3)
    np.testing.assert_array_equal(xs, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(ys, [10.0, 11.0, 12.0])
    r, c = 2, 1
    np.testing.assert_array_equal(grid[:, r * 3 + c], [xs[c], ys[r]])


def test_a_network_of_another_shape_or_wrong_features_is_refused():
    spiral, xor = trained("spiral", 0), trained("xor", 0)
    _, _, grid = plane_grid((-1, -1), (1, 1), 4)
    maps = UnitMaps(spiral.network, grid)
    with pytest.raises(ConfigError, match="network"):
        maps.compute(xor.network)
    with pytest.raises(ConfigError, match="features"):
        UnitMaps(spiral.network, grid, ("x1^2",))
    with pytest.raises(ConfigError, match="grid"):
        UnitMaps(spiral.network, grid[:1])
    with pytest.raises(ConfigError, match="resolution"):
        plane_grid((0, 0), (1, 1), 1)
