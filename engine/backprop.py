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

from functools import partial

import numpy as np

from .activations import Activation
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


def output_and_loss(network: Network, loss, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Loss and outputs y_hat (n_L, n) of ``network`` on X (n_0, n), Y (n_L, n), no gradients. The loss
    gets the output layer's logits z too, so it is the same function training differentiates."""
    y_hat, zs, _ = network.forward(X, trace=True)
    return loss.value(y_hat, Y, zs[-1]), y_hat


def kernel_calls(act: Activation, kind: str, *buffers) -> list:
    """The calls of ``act``'s ``forward`` or ``backward`` kernel on these buffers: its op list, or one
    call of the method itself where a subclass (or a test) replaced the method."""
    if getattr(type(act), kind) is getattr(Activation, kind):
        return getattr(act, f"{kind}_ops")(*buffers)
    return [partial(getattr(act, kind), *buffers)]


class _Workspace:
    """Buffers for one batch size B, and one training step written out once as calls on them.

    z_l, a_l, dL/da_l (``grad_a``), delta_l and a scratch each, all (n_l, B). ``forward`` and
    ``backward`` are lists of ``functools.partial`` calls holding every NumPy call of a step except
    the three that touch the batch itself (W_0 . X, the loss against Y, dW_0 = delta_0 . X^T), so a
    step runs ``for op in ops: op()`` with no lookups, zips or index arithmetic in between: on the
    tutorial's 5-3-5-4 net a NumPy call takes ~0.3 us and the Python around it used to take as long.
    The activations' kernels come in as their lists of calls (``kernel_calls``).
    """

    def __init__(self, bp: "Backprop", batch: int):
        net = bp.network
        shapes = [(n, batch) for n in net.sizes[1:]]
        dt = net.dtype
        self.z = [np.empty(s, dt) for s in shapes]
        self.a = [np.empty(s, dt) for s in shapes]
        self.grad_a = [np.empty(s, dt) for s in shapes]
        # With one sample, grad_b = delta summed over the batch is delta itself: write delta there.
        self.delta = list(bp.grad_b) if batch == 1 else [np.empty(s, dt) for s in shapes]
        self.scratch = [np.empty(s, dt) for s in shapes]
        a_T = [a.T for a in self.a]
        w_T = [w.T for w in net.weights]  # views: stay valid while params is updated in place
        ones = np.ones((batch, 1), dt)  # delta . ones sums over the batch without np.sum's overhead
        z, a, g, delta, scratch, acts = self.z, self.a, self.grad_a, self.delta, self.scratch, net.activations
        last = net.n_layers - 1

        # ndarray.dot(b, out) is np.dot without its __array_function__ dispatch (half the cost here).
        self.first_dot = net.weights[0].dot  # z_0 = W_0 . X
        self.forward = []
        for l, (w, b, f) in enumerate(zip(net.weights, net.biases, acts)):
            if l:
                self.forward.append(partial(w.dot, a[l - 1], z[l]))
            self.forward.append(partial(np.add, z[l], b, z[l]))
            self.forward += kernel_calls(f, "forward", z[l], a[l])

        self.y_hat = a[last]
        self.g_flat = g[last].reshape(-1)  # a view: vdot(g, g) as a 1-D dot
        self.mse_scale = np.array(2.0 / g[last].size, dt)  # dL/dy_hat = 2 (y_hat - y) / N
        self.backward = []
        if not bp.fused:
            self.backward += kernel_calls(acts[last], "backward", z[last], a[last], g[last], delta[last], scratch[last])
        for l in range(last, -1, -1):
            if l:
                self.backward.append(partial(delta[l].dot, a_T[l - 1], bp.grad_w[l]))
            if batch > 1:
                self.backward.append(partial(delta[l].dot, ones, bp.grad_b[l]))
            if l:
                self.backward.append(partial(w_T[l].dot, delta[l], g[l - 1]))
                self.backward += kernel_calls(acts[l - 1], "backward", z[l - 1], a[l - 1], g[l - 1], delta[l - 1],
                                              scratch[l - 1])
        self.last_dot = delta[0].dot  # dW_0 = delta_0 . X^T


class Backprop:
    """Gradients of ``loss`` with respect to every parameter of ``network``."""

    def __init__(self, network: Network, loss):
        self.network = network
        self.loss = make_loss(loss)
        self.fused = check_pairing(network, self.loss)
        self.mse = self.loss.name == "mse" and not self.fused
        self.grads = np.zeros_like(network.params)
        self.grad_w, self.grad_b = layer_views(self.grads, network.sizes)
        self._spaces: dict[int, _Workspace] = {}
        self.output = None  # y_hat (n_L, B) of the last call, before the update

    def workspace(self, batch: int) -> _Workspace:
        ws = self._spaces.get(batch)
        if ws is None:
            ws = self._spaces[batch] = _Workspace(self, batch)
        return ws

    def loss_and_gradients(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Loss of the batch X (n_0, B), Y (n_L, B) before any update; fills ``grads``."""
        ws = self._spaces.get(X.shape[1]) or self.workspace(X.shape[1])
        ws.first_dot(X, ws.z[0])
        for op in ws.forward:
            op()
        self.output = y_hat = ws.y_hat
        if self.mse:  # the tutorial's path, kept to a few calls
            g = ws.grad_a[-1]
            np.subtract(y_hat, Y, g)
            loss = float(ws.g_flat.dot(ws.g_flat)) / g.size
            np.multiply(g, ws.mse_scale, g)
        elif self.fused:  # sigmoid + bce, softmax + cce: dL/dz = (y_hat - y) * scale, the loss from z
            loss = self.loss.value(y_hat, Y, ws.z[-1])
            delta = ws.delta[-1]
            np.subtract(y_hat, Y, delta)
            delta *= self.loss.fused_scale(Y)
        else:
            loss = self.loss.value(y_hat, Y, ws.z[-1])
            self.loss.gradient(y_hat, Y, out=ws.grad_a[-1])
        for op in ws.backward:
            op()
        ws.last_dot(X.T, self.grad_w[0])
        return loss

    def gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of (dW_l (n_l, n_{l-1}), db_l (n_l, 1)) for every layer, safe to hand to another thread."""
        return [(gw.copy(), gb.copy()) for gw, gb in zip(self.grad_w, self.grad_b)]

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and outputs (n_L, n) of the current network on X (n_0, n), Y (n_L, n); no gradients."""
        return output_and_loss(self.network, self.loss, X, Y)
