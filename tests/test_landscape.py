"""The loss landscape: centre, symmetry, directions, projection, and the stacked grid against the loop."""
from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig, build
from engine.landscape import (landscape, loss_grid, loss_grid_loop, pca_directions, project, random_directions,
                              symmetric_axis)
from engine.network import layer_views
from engine.validation import ConfigError
from export_helpers import trained


@pytest.mark.parametrize("name", ["spiral", "tutorial", "xor", "sine", "dead_relu"])
def test_the_grid_centre_is_the_current_loss(name):
    trainer, _ = trained(name, epochs=3)
    ls = landscape(trainer, n=5)
    assert ls.losses.shape == (5, 5) and ls.alphas[2] == ls.betas[2] == 0.0
    assert ls.losses[2, 2] == pytest.approx(trainer.evaluate()["train_loss"], rel=1e-12)
    assert ls.center_loss == pytest.approx(ls.losses[2, 2], rel=1e-12)
    assert not np.allclose(ls.losses, ls.losses[2, 2])  # the slice is not flat


@pytest.mark.parametrize("name, changes", [("xor", {"optimizer": "sgd", "learning_rate": 30.0}),
                                           ("blobs", {"optimizer": "adam", "learning_rate": 3.0})])
def test_a_saturated_cross_entropy_slice_is_the_engines_loss(name, changes):
    """Past |z| ~ 37 sigmoid and softmax round to 0 or 1: only a loss from the logits (the engine's)
    still tells one point of the slice from another, and equals training's loss there."""
    trainer, _ = trained(name, epochs=4, **changes)
    net, data = trainer.network, trainer.data
    assert np.abs(net.forward(data.X_train, trace=True)[1][-1]).max() > 100  # saturated, as the case says
    ls = landscape(trainer, n=5)
    assert ls.losses[2, 2] == pytest.approx(trainer.evaluate()["train_loss"], rel=1e-12)
    assert ls.center_loss == pytest.approx(ls.losses[2, 2], rel=1e-12)
    args = (net, trainer.loss, data.X_train, data.Y_train, ls.d1, ls.d2, ls.alphas, ls.betas)
    np.testing.assert_allclose(loss_grid_loop(*args), ls.losses, rtol=1e-12)


@pytest.mark.parametrize("name, dtype", [("spiral", "float64"), ("blobs", "float32"), ("tutorial", "float64")])
def test_stacked_grid_equals_the_per_point_loop_on_any_threads(name, dtype):
    trainer, _ = trained(name, epochs=2, dtype=dtype)
    net, data = trainer.network, trainer.data
    d1, d2 = random_directions(net, seed=3)
    a, b = symmetric_axis(0.5, 7), symmetric_axis(2.0, 5)  # not square: rows are betas, columns alphas
    args = (net, trainer.loss, data.X_train, data.Y_train, d1, d2, a, b)
    loop = loss_grid_loop(*args)
    assert loop.shape == (5, 7)
    np.testing.assert_allclose(loss_grid(*args), loop, rtol=1e-12 if dtype == "float64" else 1e-5)
    np.testing.assert_array_equal(loss_grid(*args, workers=2), loss_grid(*args))


def _least_squares_linear():
    """A linear 3-2 network with MSE at its exact least-squares optimum: the loss is a quadratic with
    no linear term there, so L(alpha, beta) = L(-alpha, -beta) and it equals its closed form."""
    config = TrainConfig(layers=(3, 2), activations=("linear",), loss="mse", dataset="tutorial", batch_size=None,
                         init="xavier", seed=5)
    trainer = build(config)
    rs = np.random.RandomState(0)
    X, Y = rs.normal(size=(3, 50)), rs.normal(size=(2, 50))
    Xa = np.vstack([X, np.ones((1, 50))])
    sol = np.linalg.lstsq(Xa.T, Y.T, rcond=None)[0].T  # (2, 4): W then b
    w, b = trainer.network.weights[0], trainer.network.biases[0]
    w[...], b[...] = sol[:, :3], sol[:, 3:]
    return trainer, X, Y


def test_symmetric_and_exactly_quadratic_at_a_least_squares_optimum():
    trainer, X, Y = _least_squares_linear()
    net = trainer.network
    rs = np.random.RandomState(1)
    d1, d2 = rs.normal(size=net.params.size), rs.normal(size=net.params.size)  # biases move too
    axis = symmetric_axis(1.5, 9)
    grid = loss_grid(net, "mse", X, Y, d1, d2, axis, axis)
    np.testing.assert_allclose(grid, grid[::-1, ::-1], rtol=1e-10)
    # closed form: L0 + |dW Xa|^2 / N for the change dW of the parameters
    Xa = np.vstack([X, np.ones((1, X.shape[1]))])
    L0 = grid[4, 4]
    for i, beta in enumerate(axis):
        for j, alpha in enumerate(axis):
            dw, db = layer_views(alpha * d1 + beta * d2, net.sizes)
            change = np.hstack([dw[0], db[0]]) @ Xa
            assert grid[i, j] == pytest.approx(L0 + np.sum(change ** 2) / Y.size, rel=1e-10)
    assert grid.min() == L0  # the optimum is the lowest point of the slice


def test_filter_normalised_rows_have_the_weights_row_norms_and_biases_zero():
    trainer, _ = trained("spiral", epochs=1)
    net = trainer.network
    d1, d2 = random_directions(net, seed=0)
    assert not np.allclose(d1, d2)
    np.testing.assert_array_equal(d1, random_directions(net, seed=0)[0])  # the seed decides
    for d in (d1, d2):
        dws, dbs = layer_views(d, net.sizes)
        for w, dw, db in zip(net.weights, dws, dbs):
            np.testing.assert_allclose(np.linalg.norm(dw, axis=1), np.linalg.norm(w, axis=1), rtol=1e-12)
            assert not db.any()


def test_pca_of_a_straight_line_trajectory_is_the_line():
    rs = np.random.RandomState(2)
    start, v = rs.normal(size=40), rs.normal(size=40)
    t = np.array([0.0, 0.1, 0.35, 0.5, 0.8, 1.0])
    trajectory = start + t[:, None] * v
    d1, d2, explained = pca_directions(trajectory)
    assert abs(d1 @ v) / np.linalg.norm(v) == pytest.approx(1.0, rel=1e-12)
    assert np.linalg.norm(d1) == pytest.approx(1.0) and abs(d1 @ d2) < 1e-12
    assert explained[0] == pytest.approx(1.0) and explained[1] < 1e-20
    coords = project(trajectory, trajectory[-1], d1, d2)
    np.testing.assert_allclose(np.abs(coords[:, 0]), (1.0 - t) * np.linalg.norm(v), rtol=1e-10)
    np.testing.assert_allclose(coords[:, 1], 0.0, atol=1e-10)


def test_projection_with_non_orthogonal_directions_recovers_the_coordinates():
    rs = np.random.RandomState(3)
    center, d1 = rs.normal(size=30), rs.normal(size=30)
    d2 = d1 + 0.3 * rs.normal(size=30)  # far from orthogonal, as two random directions may be
    coords = rs.normal(size=(5, 2))
    points = center + coords[:, :1] * d1 + coords[:, 1:] * d2
    np.testing.assert_allclose(project(points, center, d1, d2), coords, rtol=1e-10)


def test_pca_landscape_covers_the_path_and_ends_at_the_current_weights():
    trainer, _ = trained("xor", epochs=0)
    keyframes = [trainer.network.params.copy()]
    for _ in range(6):
        trainer.run_epochs(5)
        keyframes.append(trainer.network.params.copy())
    ls = landscape(trainer, method="pca", trajectory=keyframes, n=11)
    assert ls.path.shape == (7, 2)
    np.testing.assert_allclose(ls.path[-1], 0.0, atol=1e-12)  # the current weights are the centre
    assert np.abs(ls.path).max() < ls.alphas.max()  # the whole path lies on the map
    assert ls.explained[0] >= ls.explained[1] > 0
    assert ls.losses[5, 5] == pytest.approx(trainer.evaluate()["train_loss"], rel=1e-12)


@pytest.mark.parametrize("call, says", [
    (lambda t: landscape(t, method="hessian"), "method: 'hessian' is not allowed; expected one of random, pca"),
    (lambda t: landscape(t, method="pca"), "trajectory: None is not allowed"),
    (lambda t: landscape(t, n=1), "grid size: 1 is not allowed; expected an integer in [3, 401]"),
    (lambda t: pca_directions(np.zeros((1, 5))), "at least 2 parameter vectors"),
    (lambda t: project(np.zeros((2, 3)), np.zeros(4), np.zeros(4), np.zeros(4)), "trajectory: 'shape (2, 3)'"),
])
def test_bad_arguments_name_the_field(call, says):
    trainer, _ = trained("xor", epochs=0)
    with pytest.raises(ConfigError) as err:
        call(trainer)
    assert says in str(err.value)


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_is_reported_and_a_stop_leaves_the_rest_nan(workers):
    trainer, _ = trained("spiral", epochs=1)
    seen = []
    ls = landscape(trainer, n=21, workers=workers, on_progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 2 and seen[-1] == (441, 441) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert np.isfinite(ls.losses).all()
    calls = []
    stopped = landscape(trainer, n=21, workers=workers, should_stop=lambda: len(calls) > 0 or calls.append(1))
    computed = np.isfinite(stopped.losses)
    assert 0 < computed.sum() < 441  # the first chunk, then nothing
    np.testing.assert_array_equal(stopped.losses[computed], ls.losses[computed])


def test_locate_puts_another_moment_of_the_run_on_the_map_where_project_does():
    """Landscape.locate (the star of a moment shown before its own slice is computed) agrees with project, and a
    point on the plane is found exactly."""
    trainer, _ = trained("xor", epochs=3)
    ls = landscape(trainer, n=5)
    net = trainer.network
    moved = net.params.astype(np.float64) + 0.4 * ls.d1 - 1.5 * ls.d2  # on the plane: (0.4, -1.5)
    ws, bs = layer_views(moved, net.sizes)
    assert ls.locate(ws, bs) == pytest.approx((0.4, -1.5), abs=1e-9)
    trainer.run_epochs(5)  # off the plane: the nearest point, as project finds it
    got = ls.locate(net.weights, net.biases)
    np.testing.assert_allclose(got, project(net.params[None, :], ls.center, ls.d1, ls.d2)[0], rtol=1e-8)
    with pytest.raises(ConfigError, match="weights"):
        ls.locate(net.weights[:1], net.biases[:1])
