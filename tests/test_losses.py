"""The cross-entropies computed from the logits: loss and gradient are one function's, even at saturation."""
import numpy as np
import pytest

from engine.activations import LeakyReLU, make_activation
from engine.backprop import Backprop
from engine.config import TrainConfig
from engine.gradcheck import gradient_check
from engine.losses import BinaryCrossEntropy, CategoricalCrossEntropy
from engine.network import Network
from ui.layer_editor import join_spec, split_spec


def _saturated(output, sizes, scale):
    """A one-layer net whose logits are +-scale, every output wrong half the time."""
    net = Network(sizes, [output])
    rng = np.random.RandomState(0)
    net.weights[0][...] = rng.choice([-scale, scale], net.weights[0].shape)
    X = np.eye(sizes[0])[:, [0, 1, 0, 1]]
    return net, X


@pytest.mark.parametrize("scale", [20.0, 60.0, 400.0])
def test_bce_gradient_check_passes_at_saturation(scale):
    net, X = _saturated("sigmoid", (2, 3), scale)
    Y = np.array([[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]], float)
    errors = gradient_check(net, "bce", X, Y)
    assert max(errors.values()) < 1e-6, errors  # was 1.0: a clipped, flat loss against (p - y) / N


@pytest.mark.parametrize("scale", [20.0, 60.0, 400.0])
def test_cce_gradient_check_passes_at_saturation(scale):
    net, X = _saturated("softmax", (2, 3), scale)
    Y = np.eye(3)[:, [0, 1, 2, 0]]
    errors = gradient_check(net, "cce", X, Y)
    assert max(errors.values()) < 1e-6, errors


def test_bce_value_is_exact_where_sigmoid_rounds_to_one():
    z = np.array([[50.0, -50.0, 0.0]])
    y = np.array([[0.0, 1.0, 1.0]])
    p = make_activation("sigmoid")(z)
    assert p[0, 0] == 1.0  # the probability alone cannot tell z = 50 from z = 5000
    loss = BinaryCrossEntropy().value(p, y, z)
    assert loss == pytest.approx((50.0 + 50.0 + np.log(2.0)) / 3, rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cce_value_is_log_softmax_and_stable(dtype):
    z = np.array([[1000.0, 0.0], [0.0, 0.0]], dtype)
    y = np.array([[0.0, 1.0], [1.0, 0.0]], dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = CategoricalCrossEntropy().value(make_activation("softmax")(z), y, z)
    assert loss == pytest.approx((1000.0 + np.log(2.0)) / 2, rel=1e-6)


def test_training_and_evaluation_report_the_same_loss():
    net, X = _saturated("sigmoid", (2, 3), 60.0)
    Y = np.array([[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1]], float)
    bp = Backprop(net, "bce")
    assert bp.loss_and_gradients(np.asfortranarray(X), Y) == pytest.approx(bp.evaluate(X, Y)[0], rel=1e-15)


@pytest.mark.parametrize("alpha", [0.123456789, 0.01, 1e-7, 0.1])
def test_leaky_relu_keeps_the_alpha_as_given(alpha):
    assert make_activation(LeakyReLU(alpha).spec()).alpha == alpha
    assert make_activation(join_spec("leaky_relu", alpha)).alpha == alpha  # the layer editor's spec
    assert split_spec(join_spec("leaky_relu", alpha))[1] == alpha
    config = TrainConfig(layers=(2, 3, 1), activations=(f"leaky_relu:{alpha!r}", "sigmoid"), loss="mse").validated()
    assert make_activation(config.activations[0]).alpha == alpha
