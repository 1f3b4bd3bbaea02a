import numpy as np
import pytest

from engine.activations import ACTIVATIONS, LeakyReLU, make_activation
from engine.validation import ConfigError


def test_leaky_relu_derivative_is_alpha_on_the_negative_side():
    f = LeakyReLU(0.1)
    z = np.array([[-2.0], [-1e-9], [0.0], [3.0]])
    a = f(z)
    np.testing.assert_array_equal(a.ravel(), [0.1 * -2.0, 0.1 * -1e-9, 0.0, 3.0])
    np.testing.assert_array_equal(f.derivative(z, a).ravel(), [0.1, 0.1, 0.1, 1.0])
    out, scratch = np.empty_like(z), np.empty_like(z)
    f.backward(z, a, np.ones_like(z), out, scratch)  # the kernel the training loop uses
    np.testing.assert_array_equal(out.ravel(), [0.1, 0.1, 0.1, 1.0])


def test_leaky_relu_matches_the_tutorials_definition():
    z = np.linspace(-3, 3, 61).reshape(-1, 1)
    np.testing.assert_array_equal(LeakyReLU(0.1)(z), np.where(z <= 0, 0.1 * z, z))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_stable_without_warnings(dtype):
    f = make_activation("sigmoid")
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # what would warn by default
        a = f(np.array([[-1000.0], [0.0], [1000.0]], dtype=dtype))
    assert a.dtype == dtype
    assert a[0, 0] < 1e-37 and a[1, 0] == 0.5 and a[2, 0] == 1.0


def test_softmax_subtracts_the_max():
    f = make_activation("softmax")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = f(np.array([[1000.0, 0.0], [1001.0, 0.0]]))
    np.testing.assert_allclose(a[:, 0], [1 / (1 + np.e), np.e / (1 + np.e)])
    np.testing.assert_allclose(a.sum(axis=0), 1.0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu:0.3", "linear"])
def test_backward_kernel_equals_derivative_times_gradient(name):
    f = make_activation(name)
    rng = np.random.RandomState(0)
    z = rng.normal(size=(4, 3))
    a = f(z)
    g = rng.normal(size=(4, 3))
    out, scratch = np.empty_like(z), np.empty_like(z)
    f.backward(z, a, g, out, scratch)
    np.testing.assert_allclose(out, g * f.derivative(z, a), rtol=1e-15)
    # and the derivative itself agrees with central differences
    h = 1e-6
    np.testing.assert_allclose(f.derivative(z, a), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("spec,field", [("foo", "activation"), ("leaky_relu:2", "activation alpha"),
                                        ("leaky_relu:-0.1", "activation alpha"), ("leaky_relu:x", "activation alpha"),
                                        ("tanh:3", "activation"), (7, "activation")])
def test_bad_activation_specs_are_refused_with_the_field_and_value(spec, field):
    with pytest.raises(ConfigError) as err:
        make_activation(spec)
    assert err.value.field == field
    assert str(spec).split(":")[-1] in str(err.value)


def test_every_registered_activation_round_trips_its_spec():
    for name in ACTIVATIONS:
        assert make_activation(make_activation(name).spec()) == make_activation(name)
