"""The tutorial's training loop, written the way the tutorial writes it: the baseline of the benchmark.

"Backpropagation - Made super easy for you, Part 1" (../shared/tutorial/backpropagation-part1.txt)
trains a 5-3-5-4 network (leaky ReLU 0.1, sigmoid, sigmoid; MSE; SGD, learning rate 0.01) on one
sample. Its loop is kept call for call, because the benchmark measures how much a generic engine
gains over it: ``np.where`` activations, ``sig_dash`` calling ``sig`` twice, ``mse_grad(y, y_hat) *
sig_dash(...)`` recomputed for grad_w3, grad_b3 and the jump back to H2 (and ``error_grad * sig_dash``
recomputed for each layer below), the jumps as ``np.sum(..., axis=0).reshape((-1, 1))`` and the six
``update = -lr * grad; param += update`` lines. Only the per-epoch ``print`` is left out.

All arrays are (units, 1): one sample, one column.
"""
from __future__ import annotations

import numpy as np

LEAK = 0.1
LEARNING_RATE = 0.01


# The tutorial's activation functions, loss and their derivatives.
def relu(x, leak=0):
    return np.where(x <= 0, leak * x, x)


def relu_dash(x, leak=0):
    return np.where(x <= 0, leak, 1)


def sig(x):
    return 1 / (1 + np.exp(-x))


def sig_dash(x):
    return sig(x) * (1 - sig(x))


def mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


def mse_grad(y_true, y_pred):
    N = y_true.shape[0]
    return -2 * (y_true - y_pred) / N


def tutorial_start(seed: int = 42, sizes=(5, 3, 5, 4)) -> dict:
    """The tutorial's draws in its order: x (5, 1), y (4, 1), then w1, w2, w3; biases start at zero.

    A private RandomState seeded like the tutorial's ``np.random.seed(42)`` gives the same numbers
    without touching NumPy's global generator.
    """
    rng = np.random.RandomState(seed)
    n_in, n_h1, n_h2, n_out = sizes
    x = rng.randint(1, 100, size=(n_in, 1)) / 100
    y = rng.randint(1, 100, size=(n_out, 1)) / 100
    w1 = rng.random_sample(size=(n_h1, n_in))
    b1 = np.zeros((n_h1, 1))
    w2 = rng.random_sample(size=(n_h2, n_h1))
    b2 = np.zeros((n_h2, 1))
    w3 = rng.random_sample(size=(n_out, n_h2))
    b3 = np.zeros((n_out, 1))
    return {"x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "w3": w3, "b3": b3}


def tutorial_train(state: dict, epochs: int, learning_rate: float = LEARNING_RATE) -> float:
    """Train ``state`` (from ``tutorial_start``) in place for ``epochs`` epochs; returns the loss of
    the last epoch, measured before its update as the tutorial prints it."""
    x, y = state["x"], state["y"]
    w1, b1, w2, b2, w3, b3 = (state[k] for k in ("w1", "b1", "w2", "b2", "w3", "b3"))
    loss = float("nan")
    for epoch in range(epochs):
        # forward feed
        in_hidden_1 = w1.dot(x) + b1
        out_hidden_1 = relu(in_hidden_1, leak=LEAK)
        in_hidden_2 = w2.dot(out_hidden_1) + b2
        out_hidden_2 = sig(in_hidden_2)
        in_output_layer = w3.dot(out_hidden_2) + b3
        y_hat = sig(in_output_layer)
        loss = mse(y, y_hat)

        # jumping back: loss line, sigmoid line, then w3 and b3
        grad_w3 = mse_grad(y, y_hat) * sig_dash(in_output_layer).dot(out_hidden_2.T)
        grad_b3 = mse_grad(y, y_hat) * sig_dash(in_output_layer)
        # across w3 (Rule 2: sum along axis 0, reshape to a column), the sigmoid line, then w2 and b2
        error_grad_upto_H2 = np.sum(mse_grad(y, y_hat) * sig_dash(in_output_layer) * w3,
                                    axis=0).reshape((-1, 1))
        grad_w2 = error_grad_upto_H2 * sig_dash(in_hidden_2).dot(out_hidden_1.T)
        grad_b2 = error_grad_upto_H2 * sig_dash(in_hidden_2)
        # across w2, the leaky ReLU line, then w1 and b1
        error_grad_upto_H1 = np.sum(error_grad_upto_H2 * sig_dash(in_hidden_2) * w2,
                                    axis=0).reshape((-1, 1))
        grad_w1 = error_grad_upto_H1 * relu_dash(in_hidden_1, leak=LEAK).dot(x.T)
        grad_b1 = error_grad_upto_H1 * relu_dash(in_hidden_1, leak=LEAK)

        # SGD
        update_w1 = -learning_rate * grad_w1
        w1 += update_w1
        update_b1 = -learning_rate * grad_b1
        b1 += update_b1
        update_w2 = -learning_rate * grad_w2
        w2 += update_w2
        update_b2 = -learning_rate * grad_b2
        b2 += update_b2
        update_w3 = -learning_rate * grad_w3
        w3 += update_w3
        update_b3 = -learning_rate * grad_b3
        b3 += update_b3
    return float(loss)


def tutorial_loss(state: dict) -> float:
    """The tutorial's Step 4: one forward feed on the current weights and its MSE."""
    out_hidden_1 = relu(state["w1"].dot(state["x"]) + state["b1"], leak=LEAK)
    out_hidden_2 = sig(state["w2"].dot(out_hidden_1) + state["b2"])
    y_hat = sig(state["w3"].dot(out_hidden_2) + state["b3"])
    return float(mse(state["y"], y_hat))
