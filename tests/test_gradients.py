"""Backprop proven by central differences for every activation x loss pairing, on random architectures."""
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.backprop import Backprop
from engine.gradcheck import gradient_check, numeric_gradient, relative_error
from engine.network import Network

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu:0.1", "leaky_relu:0", "linear"]
OUTPUT_LOSS = [("sigmoid", "mse"), ("tanh", "mse"), ("relu", "mse"), ("leaky_relu:0.2", "mse"), ("linear", "mse"),
               ("softmax", "mse"), ("sigmoid", "bce"), ("softmax", "cce")]


# A difference quotient with h = 1e-5 that straddles a ReLU kink is no derivative (over 3,000 draws, every
# failure had a pre-activation within 1.2e-5 of 0): problems are drawn with every kinked unit this far from it.
KINK_MARGIN = 1e-3
KINK_TRIES = 30  # input draws per network, and networks drawn, before _problem gives up


def _clear_of_kinks(net, X) -> bool:
    _, zs, _ = net.forward(X, trace=True)
    return all(np.abs(z).min() > KINK_MARGIN for z, f in zip(zs, net.activations) if f.name in ("relu", "leaky_relu"))


def _problem(rng, sizes, hidden, output, loss, batch):
    """A network and a batch with every ReLU pre-activation clear of its kink. New inputs are drawn until they are,
    and new weights every KINK_TRIES draws: a dead unit feeding a ReLU leaves that one's z = b for every input,
    which no new input moves (hypothesis found such a case, and the loop never ended)."""
    net = Network(sizes, [hidden] * (len(sizes) - 2) + [output])
    for attempt in range(KINK_TRIES * KINK_TRIES):
        if attempt % KINK_TRIES == 0:
            net.initialize("xavier", rng)
            net.params += rng.normal(0, 0.1, net.params.size)  # non-zero biases too
        X = rng.normal(0, 1, (sizes[0], batch))
        if _clear_of_kinks(net, X):
            break
    else:
        raise AssertionError(f"no batch clear of the ReLU kinks for {sizes} in {KINK_TRIES ** 2} draws")
    if loss == "cce":
        Y = np.eye(sizes[-1])[:, rng.randint(0, sizes[-1], batch)]
    elif loss == "bce":
        Y = rng.randint(0, 2, (sizes[-1], batch)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (sizes[-1], batch))
    return net, X, Y


@pytest.mark.parametrize("output,loss", OUTPUT_LOSS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backprop_matches_central_differences(hidden, output, loss):
    # crc32, not hash(): str hashes change from one process to the next, and so would the problem
    rng = np.random.RandomState(zlib.crc32(f"{hidden}|{output}|{loss}".encode()))
    net, X, Y = _problem(rng, (3, 4, 5, 3), hidden, output, loss, batch=6)
    errors = gradient_check(net, loss, X, Y)
    assert set(errors) == {"w1", "b1", "w2", "b2", "w3", "b3"}
    assert max(errors.values()) < 1e-6, errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(1, 4), widths=st.lists(st.integers(1, 6), min_size=5, max_size=5),
       hidden=st.sampled_from(HIDDEN), pair=st.sampled_from(OUTPUT_LOSS), batch=st.integers(1, 5),
       seed=st.integers(0, 2**31 - 1))
def test_random_architectures(depth, widths, hidden, pair, batch, seed):
    output, loss = pair
    n_out = max(widths[depth], 2) if output == "softmax" else widths[depth]
    sizes = tuple(widths[:depth]) + (n_out,)
    rng = np.random.RandomState(seed)
    net, X, Y = _problem(rng, sizes, hidden, output, loss, batch)
    bp = Backprop(net, loss)
    bp.loss_and_gradients(np.asfortranarray(X), Y)
    assert relative_error(bp.grads, numeric_gradient(net, bp.loss, X, Y)) < 1e-6


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    """The check can fail: break the sigmoid derivative and it reports a large error."""
    from engine import activations
    rng = np.random.RandomState(0)
    net, X, Y = _problem(rng, (3, 4, 2), "sigmoid", "sigmoid", "mse", 4)
    monkeypatch.setattr(activations.Sigmoid, "backward",
                        lambda self, z, a, g, out, s: np.multiply(g, a, out=out))  # a instead of a(1-a)
    assert max(gradient_check(net, "mse", X, Y).values()) > 1e-2


def test_relative_error_is_zero_for_equal_and_large_for_different():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0


def test_float32_network_is_checked_in_float64():
    rng = np.random.RandomState(3)
    net, X, Y = _problem(rng, (2, 3, 1), "tanh", "sigmoid", "bce", 4)
    net32 = Network(net.sizes, net.activations, "float32")
    net32.params[...] = net.params
    assert max(gradient_check(net32, "bce", X, Y).values()) < 1e-6


def test_vanishing_gradients_below_round_off_do_not_fail_the_check():
    """Deep sigmoid nets have early-layer gradients (~1e-10) under the differences' round-off: the check
    measures them against that resolution instead of reporting noise as an error."""
    rng = np.random.RandomState(0)
    net = Network((2,) + (8,) * 8 + (1,), ["sigmoid"] * 9)
    net.initialize("uniform", rng)
    X, Y = rng.uniform(-1, 1, (2, 16)), rng.randint(0, 2, (1, 16)).astype(float)
    bp = Backprop(net, "bce")
    bp.loss_and_gradients(np.asfortranarray(X), Y)
    assert np.linalg.norm(bp.grad_w[0]) < 1e-8  # really vanishing
    assert max(gradient_check(net, "bce", X, Y).values()) < 1e-6


def test_a_wrong_gradient_is_still_caught_in_a_small_array(monkeypatch):
    from engine.backprop import Backprop as BP
    rng = np.random.RandomState(1)
    net, X, Y = _problem(rng, (3, 4, 2), "tanh", "sigmoid", "mse", 4)
    real = BP.loss_and_gradients

    def off_by_a_little(self, X, Y):  # a 0.1% error in w1's gradient
        loss = real(self, X, Y)
        self.grad_w[0] *= 1.001
        return loss
    monkeypatch.setattr(BP, "loss_and_gradients", off_by_a_little)
    errors = gradient_check(net, "mse", X, Y)
    assert errors["w1"] > 1e-4 and errors["w2"] < 1e-6
