"""Forward and backward passes ("Jumping Back") with buffers allocated once per batch size.

For a batch X (n_0, B) and targets Y (n_L, B), ``loss_and_gradients`` runs the forward pass, the loss,
and the backward pass, and leaves dL/dW_l and dL/db_l in ``grad_w[l]`` / ``grad_b[l]``, views into the
flat vector ``grads`` laid out like ``Network.params``.

The backward pass is the tutorial's game: start at y, cross the loss line (dL/dy_hat), cross the
activation line (times f'(z): ``delta``), reach W_l and b_l (grad_b = delta summed over the batch,
grad_w = delta . a_{l-1}^T), then jump back over W_l (``W_l^T delta``, the tutorial's Rule 2, written as
a matrix product) and repeat.
"""
from __future__ import annotations

import numpy as np

from .losses import LOSSES
from .network import Network, layer_views
from .validation import ConfigError, OneOf

LOSS = OneOf(tuple(LOSSES))


def make_loss(name):
    """Return the loss object for ``name`` (``mse``, ``bce``, ``cce``)."""
    if not isinstance(name, str):
        return name
    return LOSSES[LOSS.check("loss", name)]()


def check_pairing(network: Network, loss) -> bool:
    """Refuse loss / output-activation pairs that make no sense; True when the delta is fused."""
    out = network.activations[-1].name
    if loss.output_activations is not None and out not in loss.output_activations:
        raise ConfigError("activations[-1]", out,
                          f"{' or '.join(loss.output_activations)} on the output layer with loss '{loss.name}'")
    return loss.output_activations is not None


class _Workspace:
    """Buffers for one batch size B: z_l, a_l, dL/da_l, delta_l (all (n_l, B)) and a scratch each."""

    def __init__(self, net: Network, batch: int):
        shapes = [(n, batch) for n in net.sizes[1:]]
        dt = net.dtype
        self.z = [np.empty(s, dt) for s in shapes]
        self.a = [np.empty(s, dt) for s in shapes]
        self.grad_a = [np.empty(s, dt) for s in shapes]
        self.delta = [np.empty(s, dt) for s in shapes]
        self.scratch = [np.empty(s, dt) for s in shapes]
        self.a_T = [a.T for a in self.a]
        self.w_T = [w.T for w in net.weights]  # views: stay valid while params is updated in place
        self.ones = np.ones((batch, 1), dt)  # delta . ones sums over the batch without np.sum's overhead


class Backprop:
    """Gradients of ``loss`` with respect to every parameter of ``network``."""

    def __init__(self, network: Network, loss):
        self.network = network
        self.loss = make_loss(loss)
        self.fused = check_pairing(network, self.loss)
        self.grads = np.zeros_like(network.params)
        self.grad_w, self.grad_b = layer_views(self.grads, network.sizes)
        self._spaces: dict[int, _Workspace] = {}
        self.output = None  # y_hat (n_L, B) of the last call, before the update

    def workspace(self, batch: int) -> _Workspace:
        ws = self._spaces.get(batch)
        if ws is None:
            ws = self._spaces[batch] = _Workspace(self.network, batch)
        return ws

    def loss_and_gradients(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Loss of the batch X (n_0, B), Y (n_L, B) before any update; fills ``grads``."""
        net = self.network
        ws = self.workspace(X.shape[1])
        acts = net.activations
        a_prev = X
        for w, b, f, z, a in zip(net.weights, net.biases, acts, ws.z, ws.a):
            np.dot(w, a_prev, out=z)
            z += b
            f.forward(z, a)
            a_prev = a
        y_hat = a_prev
        self.output = y_hat
        last = net.n_layers - 1
        delta = ws.delta[last]
        if self.fused:  # sigmoid + bce, softmax + cce: dL/dz = (y_hat - y) * scale
            loss = self.loss.value(y_hat, Y)
            np.subtract(y_hat, Y, out=delta)
            delta *= self.loss.fused_scale(Y)
        else:
            g = ws.grad_a[last]
            if self.loss.name == "mse":  # the tutorial's path, kept to a few calls
                np.subtract(y_hat, Y, out=g)
                loss = float(np.vdot(g, g)) / g.size
                g *= 2.0 / g.size
            else:
                loss = self.loss.value(y_hat, Y)
                self.loss.gradient(y_hat, Y, out=g)
            acts[last].backward(ws.z[last], y_hat, g, delta, ws.scratch[last])
        for l in range(last, -1, -1):
            np.dot(delta, ws.a_T[l - 1] if l else X.T, out=self.grad_w[l])
            np.dot(delta, ws.ones, out=self.grad_b[l])
            if l:
                g = ws.grad_a[l - 1]
                np.dot(ws.w_T[l], delta, out=g)
                acts[l - 1].backward(ws.z[l - 1], ws.a[l - 1], g, ws.delta[l - 1], ws.scratch[l - 1])
                delta = ws.delta[l - 1]
        return loss

    def gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of (dW_l (n_l, n_{l-1}), db_l (n_l, 1)) for every layer, safe to hand to another thread."""
        return [(gw.copy(), gb.copy()) for gw, gb in zip(self.grad_w, self.grad_b)]

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and outputs (n_L, n) of the current network on X (n_0, n), Y (n_L, n); no gradients."""
        y_hat = self.network.forward(X)
        return self.loss.value(y_hat, Y), y_hat
