"""The tutorial's "Jumping Back" game for one parameter, written out step by step with its numbers.

For a weight ``w^l[i, j]`` (or a bias ``b^l[i]``) and a batch X (n_0, B), Y (n_L, B) (one column for
"a chosen sample"), ``walk_back`` starts at y and walks back to the parameter:

* cross the loss line: ``dL/dy_hat`` (n_L, B);
* cross the activation line: ``× f'(z)`` (Rule 1: a crossed line puts its derivative in the gradient);
  softmax without cross-entropy multiplies by its Jacobian instead (it is not elementwise); sigmoid with
  bce and softmax with cce cross both lines in one step, ``dL/dz = (y_hat - y) / N``, as the training
  loop does, because the quotient ``dL/dy_hat`` alone is unstable;
* jump back over ``W^k``: ``sum(delta * W, axis=0)`` reshaped to a column, i.e. ``W^T · delta`` (Rule 2);
* reach ``w^l[i, j]``: ``delta^l[i] × a^{l-1}[j]`` summed over the batch (the bias: ``delta^l[i]``).

Numbering: ``layer`` is the 0-based weight-layer index the engine uses (``network.weights[layer]``);
labels are 1-based as the tutorial writes them: ``z_k = W_k a_{k-1} + b_k``, ``a_k = f_k(z_k)``,
``a_0 = x``, so layer 0 is ``w1``. The losses already average over the batch, so the batch walk gives
the gradient of the batch's mean loss, the same number backprop leaves in ``grad_w[layer][i, j]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backprop import check_pairing, make_loss
from .gradcheck import central_difference, relative_error
from .network import Network, network_from  # noqa: F401  network_from's old home: re-exported

KINDS = ("start", "loss", "activation", "jump", "weight", "bias")


@dataclass
class Step:
    """One line of the walk.

    kind: one of KINDS; layer: 0-based weight layer the line belongs to (for "start" and "loss": the
    output layer L-1); label: the line as the tutorial would say it; values: what this line multiplies in
    (f'(z) (n, B), the softmax Jacobian (n, n, B), W (n_k, n_{k-1}), a_{k-1}[j] (B,), y (n_L, B) at the
    start); running: the gradient so far (n, B) (dL/dy_hat, then dL/dz, then dL/da after a jump), a float
    once the parameter is reached, None at the start.
    """

    kind: str
    layer: int
    label: str
    values: object
    running: object = None


@dataclass
class Walk:
    """The steps from y to the parameter; ``gradient`` is the product they build (a float)."""

    kind: str  # "w" or "b"
    layer: int
    i: int
    j: int | None
    steps: list = field(default_factory=list)
    gradient: float = 0.0
    loss: float = 0.0
    y_hat: object = None  # (n_L, B) the network's outputs for the walk's samples

    @property
    def name(self) -> str:
        """``w2[0, 3]`` or ``b2[0]``, 1-based layer as in the tutorial."""
        if self.kind == "b":
            return f"b{self.layer + 1}[{self.i}]"
        return f"w{self.layer + 1}[{self.i}, {self.j}]"


def check_parameter(network: Network, layer: int, i: int, j: int | None, kind: str) -> None:
    if kind not in ("w", "b"):
        raise ValueError(f"kind: {kind!r} is not allowed; expected 'w' or 'b'")
    if not 0 <= layer < network.n_layers:
        raise IndexError(f"layer: {layer} is not allowed; expected 0..{network.n_layers - 1}")
    n_out, n_in = network.weights[layer].shape
    if not 0 <= i < n_out:
        raise IndexError(f"i: {i} is not allowed; expected 0..{n_out - 1}")
    if kind == "w" and (j is None or not 0 <= j < n_in):
        raise IndexError(f"j: {j} is not allowed; expected 0..{n_in - 1}")


def _columns(X, Y, sample):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if sample is None:
        return X, Y
    return X[:, sample:sample + 1], Y[:, sample:sample + 1]


def softmax_jacobian(s: np.ndarray) -> np.ndarray:
    """Jacobian of softmax per column: J[p, q, b] = s[p, b] (delta_pq - s[q, b]), for s (n, B) -> (n, n, B)."""
    n = s.shape[0]
    return np.eye(n)[:, :, None] * s[:, None, :] - s[:, None, :] * s[None, :, :]


def _a_name(k: int) -> str:
    return "x" if k == 0 else f"a{k}"


def walk_back(network: Network, loss, X: np.ndarray, Y: np.ndarray, layer: int, i: int, j: int | None = None,
              kind: str = "w", sample: int | None = None) -> Walk:
    """The "Jumping Back" walk to ``w^layer[i, j]`` (kind "w") or ``b^layer[i]`` (kind "b").

    X (n_0, B), Y (n_L, B); ``sample`` picks one column (the walk for that sample alone), None uses the
    whole batch. The network is evaluated in float64 whatever its dtype.
    """
    check_parameter(network, layer, i, j, kind)
    loss = make_loss(loss)
    fused = check_pairing(network, loss)
    X, Y = _columns(X, Y, sample)
    acts = network.activations
    net64 = network if network.dtype == np.float64 else network.astype("float64")
    weights = net64.weights
    y_hat, zs, outs = net64.forward(X, trace=True)  # z and a of every layer, for the f'(z) lines
    last = network.n_layers - 1
    walk = Walk(kind, layer, i, j if kind == "w" else None, loss=loss.value(y_hat, Y, zs[last]),
                y_hat=y_hat)
    steps = walk.steps
    steps.append(Step("start", last, f"start at y (the target), beside y_hat = a{last + 1}", Y.copy()))

    out_name = acts[last].name
    if fused:
        scale = loss.fused_scale(Y)
        delta = (y_hat - Y) * scale
        steps.append(Step("loss", last, f"cross the {loss.name} loss line and the {out_name} line at once: "
                          f"dL/dz{last + 1} = (y_hat - y) / {round(1 / scale)}", delta.copy(), delta.copy()))
    else:
        g = np.empty_like(y_hat)
        loss.gradient(y_hat, Y, out=g)
        formula = f" = 2 (y_hat - y) / {Y.size}" if loss.name == "mse" else ""
        steps.append(Step("loss", last, f"cross the {loss.name} loss line: dL/dy_hat{formula}", g.copy(), g.copy()))
        delta = _cross_activation(steps, acts[last], last, zs[last], outs[last + 1], g)

    for k in range(last, layer, -1):  # jump back over W_k, then cross f_{k-1}, until the target layer
        g = weights[k].T @ delta
        steps.append(Step("jump", k, f"jump back over w{k + 1}: sum(delta{k + 1} * w{k + 1}, axis=0) = "
                          f"w{k + 1}^T · delta{k + 1} (Rule 2)", weights[k].copy(), g.copy()))
        delta = _cross_activation(steps, acts[k - 1], k - 1, zs[k - 1], outs[k], g)

    if kind == "b":
        # the bias's "other end" is a constant 1: its gradient is delta summed over the batch
        walk.gradient = float(delta[i].sum())
        steps.append(Step("bias", layer, f"reach b{layer + 1}[{i}]: delta{layer + 1}[{i}], summed over the batch",
                          delta[i].copy(), walk.gradient))
    else:
        a_j = outs[layer][j]
        # the whole row of grad_w as backprop forms it (one matrix product), so the summation order over
        # the batch is the engine's and the two agree to rounding even when the terms cancel
        walk.gradient = float((delta[i:i + 1] @ outs[layer].T)[0, j])
        steps.append(Step("weight", layer, f"reach w{layer + 1}[{i}, {j}]: delta{layer + 1}[{i}] × "
                          f"{_a_name(layer)}[{j}]^T (the other end of the weight)", a_j.copy(), walk.gradient))
    return walk


def _cross_activation(steps, f, l, z, a, g):
    """Append the line crossing activation f of weight layer l; returns dL/dz_l (n_l, B)."""
    name = f.spec() if f.name == "leaky_relu" else f.name
    if f.elementwise:
        d = f.derivative(z, a)
        delta = g * d
        steps.append(Step("activation", l, f"cross the {name} line: × {f.name}'(z{l + 1})", d, delta.copy()))
        return delta
    J = softmax_jacobian(a)
    delta = np.einsum("pqb,pb->qb", J, g)  # J is symmetric; dL/dz_q = sum_p dL/da_p da_p/dz_q
    steps.append(Step("activation", l, f"cross the {name} line: × its Jacobian J(z{l + 1}) = diag(s) - s s^T "
                      f"(softmax is not elementwise)", J, delta.copy()))
    return delta


def numeric_gradient_of(network: Network, loss, X: np.ndarray, Y: np.ndarray, layer: int, i: int,
                        j: int | None = None, kind: str = "w", sample: int | None = None,
                        h: float = 1e-6) -> float:
    """dL/dp for one parameter by central differences, (L(p + h) - L(p - h)) / 2h, on a float64 copy."""
    check_parameter(network, layer, i, j, kind)
    loss = make_loss(loss)
    X, Y = _columns(X, Y, sample)
    net = network.astype("float64")  # a copy: the caller's network is never perturbed
    p = net.weights[layer][i, j:j + 1] if kind == "w" else net.biases[layer][i]
    return central_difference(net, loss, X, Y, p, h)


def relative_error_of(analytic: float, numeric: float) -> float:
    """|a - n| / max(|a| + |n|, 1e-12), as ``engine.gradcheck`` reports it."""
    return float(relative_error(np.float64(analytic), np.float64(numeric)))
