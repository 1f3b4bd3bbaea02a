"""The "Jumping Back" walk: its product is backprop's gradient and the central-difference gradient,
for every hidden activation x output/loss pair, for weights and biases, one sample and a batch."""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REFERENCE
from engine.backprop import Backprop
from engine.chain import KINDS, numeric_gradient_of, relative_error_of, softmax_jacobian, walk_back
from engine.config import TrainConfig, build
from engine.network import Network
from resources import load_preset

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu:0.2", "linear"]
OUTPUTS = [("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "cce"), ("softmax", "mse"), ("linear", "mse"),
           ("tanh", "mse")]


def make_case(hidden, out, loss, seed=0, sizes=(3, 5, 4, 3), batch=6):
    """A network with random weights and biases, inputs X (n_0, B) and targets Y (n_L, B) fit for the loss."""
    rng = np.random.RandomState(seed)
    net = Network(sizes, [hidden, hidden, out])
    net.params[...] = rng.normal(0.0, 0.8, net.params.size)
    X = rng.normal(size=(sizes[0], batch))
    if loss == "cce":
        Y = np.eye(sizes[-1])[:, rng.randint(0, sizes[-1], batch)]
    else:
        Y = rng.uniform(0.05, 0.95, size=(sizes[-1], batch))
    return net, X, Y


def engine_gradient(net, loss, X, Y, layer, i, j, kind):
    bp = Backprop(net, loss)
    bp.loss_and_gradients(np.asfortranarray(X), Y)
    return bp.grad_w[layer][i, j] if kind == "w" else bp.grad_b[layer][i, 0]


def assert_same(a, b, rel=1e-9, floor=1e-14):
    # floor: a gradient that is a small difference of O(1) terms (softmax + mse) is only as exact as eps
    assert abs(a - b) <= rel * max(abs(a), abs(b)) + floor, (a, b)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("out,loss", OUTPUTS)
def test_walk_equals_backprop_and_central_differences(hidden, out, loss):
    net, X, Y = make_case(hidden, out, loss)
    for layer, i, j in ((0, 1, 2), (1, 3, 0), (2, 2, 3)):
        for kind in ("w", "b"):
            for sample in (None, 4):
                Xs, Ys = (X, Y) if sample is None else (X[:, 4:5], Y[:, 4:5])
                walk = walk_back(net, loss, X, Y, layer, i, j, kind=kind, sample=sample)
                assert_same(walk.gradient, engine_gradient(net, loss, Xs, Ys, layer, i, j, kind))
                numeric = numeric_gradient_of(net, loss, X, Y, layer, i, j, kind=kind, sample=sample)
                if abs(numeric) > 1e-7:
                    assert relative_error_of(walk.gradient, numeric) < 1e-5, (layer, kind, sample)
                else:  # a relu unit that is off for these samples: both exactly or nearly zero
                    assert abs(walk.gradient) < 1e-7


def test_steps_follow_the_tutorial_game():
    net, X, Y = make_case("leaky_relu:0.2", "sigmoid", "mse")
    walk = walk_back(net, "mse", X, Y, 0, 1, 2, sample=0)
    assert [s.kind for s in walk.steps] == ["start", "loss", "activation", "jump", "activation", "jump",
                                            "activation", "weight"]
    assert [s.layer for s in walk.steps] == [2, 2, 2, 2, 1, 1, 0, 0]
    assert all(s.kind in KINDS for s in walk.steps)
    assert "jump back over w3" in walk.steps[3].label and "Rule 2" in walk.steps[3].label
    assert "× sigmoid'(z3)" in walk.steps[2].label
    # the product: dL/dz1[i] (the running gradient on reaching layer 1) times x[j]
    assert walk.steps[-1].running == pytest.approx(walk.steps[-2].running[1, 0] * X[2, 0], rel=1e-14)
    # Rule 2 by hand: the jump over w3 is W3^T . delta3
    np.testing.assert_allclose(walk.steps[3].running, net.weights[2].T @ walk.steps[2].running, rtol=1e-14)
    # crossing an activation line multiplies by its derivative, elementwise
    np.testing.assert_allclose(walk.steps[4].running, walk.steps[3].running * walk.steps[4].values, rtol=1e-14)


def test_fused_first_step_crosses_loss_and_activation_at_once():
    for out, loss, scale in (("softmax", "cce", 6), ("sigmoid", "bce", 18)):
        net, X, Y = make_case("tanh", out, loss)
        walk = walk_back(net, loss, X, Y, 2, 0, 1)
        assert [s.kind for s in walk.steps[:3]] == ["start", "loss", "weight"]
        assert f"/ {scale}" in walk.steps[1].label
        np.testing.assert_allclose(walk.steps[1].running, (net.forward(X) - Y) / scale, rtol=1e-13)


def test_softmax_without_cross_entropy_uses_its_jacobian():
    net, X, Y = make_case("tanh", "softmax", "mse")
    walk = walk_back(net, "mse", X, Y, 2, 0, 0)
    step = walk.steps[2]
    assert step.kind == "activation" and "Jacobian" in step.label
    s = net.forward(X)
    J = step.values
    h = 1e-6
    # independent: central differences of softmax at the first column's z3
    _, zs, _ = net.forward(X, trace=True)
    col = zs[-1][:, 0]
    fd = np.empty((3, 3))
    for q in range(3):
        e = np.zeros(3)
        e[q] = h
        up, down = np.exp(col + e), np.exp(col - e)
        fd[:, q] = (up / up.sum() - down / down.sum()) / (2 * h)
    np.testing.assert_allclose(J[:, :, 0], fd, atol=1e-9)
    np.testing.assert_allclose(softmax_jacobian(s)[:, :, 0], J[:, :, 0])


def test_batch_walk_is_the_mean_of_the_sample_walks():
    for out, loss in (("sigmoid", "mse"), ("sigmoid", "bce"), ("softmax", "cce")):
        net, X, Y = make_case("sigmoid", out, loss)
        batch = walk_back(net, loss, X, Y, 1, 2, 3).gradient
        samples = [walk_back(net, loss, X, Y, 1, 2, 3, sample=s).gradient for s in range(X.shape[1])]
        assert batch == pytest.approx(np.mean(samples), rel=1e-12)


def test_one_step_by_hand():
    # y_hat = 2 * 3 + 0.5 = 6.5 (linear), L = (6.5 - 1)^2, dL/dy_hat = 2 * 5.5 = 11, dL/dw = 11 * 3, dL/db = 11
    net = Network((1, 1), ["linear"])
    net.weights[0][...] = 2.0
    net.biases[0][...] = 0.5
    X, Y = np.array([[3.0]]), np.array([[1.0]])
    assert walk_back(net, "mse", X, Y, 0, 0, 0).gradient == 33.0
    assert walk_back(net, "mse", X, Y, 0, 0, kind="b").gradient == 11.0


def test_tutorial_figures():
    """The walk reproduces the tutorial's own first-epoch gradients (independent reference)."""
    ref = json.loads(REFERENCE.read_text())["gradients_at_epoch_1"]
    trainer = build(TrainConfig.from_dict(load_preset("tutorial")["config"]))
    net, d = trainer.network, trainer.data
    for l in range(3):
        gw, gb = np.array(ref[f"grad_w{l + 1}"]), np.ravel(ref[f"grad_b{l + 1}"])
        for i in range(gw.shape[0]):
            got = walk_back(net, "mse", d.X_train, d.Y_train, l, i, kind="b").gradient
            assert got == pytest.approx(gb[i], rel=1e-9)
            for j in range(gw.shape[1]):
                got = walk_back(net, "mse", d.X_train, d.Y_train, l, i, j).gradient
                assert got == pytest.approx(gw[i, j], rel=1e-9)


def test_float32_network_is_walked_in_float64():
    net, X, Y = make_case("tanh", "sigmoid", "bce")
    net32 = Network(net.sizes, net.activations, "float32")
    net32.params[...] = net.params
    walk = walk_back(net32, "bce", X, Y, 0, 0, 0)
    numeric = numeric_gradient_of(net32, "bce", X, Y, 0, 0, 0)
    assert relative_error_of(walk.gradient, numeric) < 1e-5


def test_bad_parameters_are_refused():
    net, X, Y = make_case("tanh", "sigmoid", "mse")
    with pytest.raises(IndexError, match="layer"):
        walk_back(net, "mse", X, Y, 3, 0, 0)
    with pytest.raises(IndexError, match="j"):
        walk_back(net, "mse", X, Y, 0, 0, 3)
    with pytest.raises(ValueError, match="kind"):
        walk_back(net, "mse", X, Y, 0, 0, 0, kind="z")


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_architectures(data):
    depth = data.draw(st.integers(1, 4))
    sizes = tuple(data.draw(st.lists(st.integers(1, 5), min_size=depth + 1, max_size=depth + 1)))
    out, loss = data.draw(st.sampled_from(OUTPUTS))
    if out == "softmax":
        sizes = sizes[:-1] + (max(sizes[-1], 2),)
    hidden = [data.draw(st.sampled_from(HIDDEN)) for _ in range(depth - 1)]
    net = Network(sizes, hidden + [out])
    rng = np.random.RandomState(data.draw(st.integers(0, 1000)))
    net.params[...] = rng.normal(0, 1, net.params.size)
    B = data.draw(st.integers(1, 4))
    X = rng.normal(size=(sizes[0], B))
    Y = np.eye(sizes[-1])[:, rng.randint(0, sizes[-1], B)] if loss == "cce" else rng.uniform(0, 1, (sizes[-1], B))
    layer = data.draw(st.integers(0, depth - 1))
    i = data.draw(st.integers(0, sizes[layer + 1] - 1))
    j = data.draw(st.integers(0, sizes[layer] - 1))
    kind = data.draw(st.sampled_from("wb"))
    walk = walk_back(net, loss, X, Y, layer, i, j, kind=kind)
    assert_same(walk.gradient, engine_gradient(net, loss, X, Y, layer, i, j, kind))
