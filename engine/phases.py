"""One training step taken apart in the tutorial's order: forward, loss, backward, update.

``step_phases(replayer, step)`` takes step ``step`` (the one after the state at ``step - 1``) apart,
on its own batch and the weights before its update, as a ``StepPhases``:

1. ``forward[l]``: z_l = W_l a_{l-1} + b_l and a_l = f_l(z_l) for the batch, layer by layer (a_0 = X);
2. the loss and the gradient it starts the backward pass with: dL/dy_hat for MSE (2 (y_hat - y) / N),
   or, for sigmoid + bce and softmax + cce (``fused``), dL/dz = (y_hat - y) * scale straight away: the
   engine computes those losses from the output layer's logits z and crosses the loss and the output
   activation in one step, so it never forms dL/dy_hat (``dL_dyhat`` is None; ``crossing`` says so);
3. ``backward[k]``, from the output layer down: dL/da_l (what the jump over W_{l+1} brought, or the
   loss line's at the output), f'(z_l), delta_l = dL/dz_l, dW_l = delta_l a_{l-1}^T, db_l = delta_l
   summed over the batch;
4. ``update``: W before, the optimizer's actual update (with its state before and after, named as the
   optimizer names it: "velocity" for momentum, "m" and "v" for Adam), W after, and the loss after the
   update on the same batch.

Every array is the engine's own: z, a, dL/da, delta, dW, db are copied out of ``Backprop``'s buffers
after it ran on the batch, the update is ``compute_update`` of an optimizer in the step's state, so
W after equals the replayed step's parameters bit for bit. Arrays are (n_l, B) for B batch samples;
W_l (n_l, n_{l-1}), b_l (n_l, 1); the network's dtype throughout.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backprop import Backprop, output_and_loss
from .network import Network, layer_views
from .replay import Moment, Replayer
from .trainer import _quiet, optimizer_like

FORMULAS = {
    "sgd": "update = lr * g;  W_after = W_before - update",
    "momentum": "velocity = momentum * velocity + lr * g;  update = velocity;  W_after = W_before - update",
    "adam": "m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  "
            "update = lr * m_hat / (sqrt(v_hat) + epsilon), m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t);  "
            "W_after = W_before - update",
}


@dataclass
class ForwardLayer:
    """z = W a_in + b, a = f(z) for weight layer ``layer`` (0-based; the tutorial's w{layer+1})."""

    layer: int
    activation: str  # its spec, e.g. "leaky_relu:0.1"
    W: np.ndarray  # (n_l, n_{l-1})
    b: np.ndarray  # (n_l, 1)
    a_in: np.ndarray  # (n_{l-1}, B); X for layer 0
    z: np.ndarray  # (n_l, B)
    a: np.ndarray  # (n_l, B)


@dataclass
class BackwardLayer:
    """The backward pass crossing weight layer ``layer``.

    dL_da (n_l, B): the gradient arriving at a_l (None at a fused output, where the loss and the
    activation are crossed at once); f_prime (n_l, B): f'(z_l) (None for softmax, whose Jacobian is not
    elementwise, and at a fused output); delta (n_l, B) = dL/dz_l; dW (n_l, n_{l-1}); db (n_l, 1).
    """

    layer: int
    dL_da: np.ndarray | None
    f_prime: np.ndarray | None
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray


@dataclass
class UpdatePhase:
    """The optimizer's step: ``W_after[l] = W_before[l] - update_W[l]`` (and the same for b).

    state_before / state_after: ``Optimizer.state()`` (flat (n_params,) arrays laid out as the params,
    ``layer_views`` splits them); hyper: the hyperparameters in force; formula: the rule in words.
    """

    optimizer: str
    hyper: dict
    formula: str
    W_before: list
    b_before: list
    update_W: list
    update_b: list
    W_after: list
    b_after: list
    state_before: dict
    state_after: dict
    update: np.ndarray = field(repr=False)  # (n_params,) the flat update vector the lists view
    params_after: np.ndarray = field(repr=False)  # (n_params,)


# how the engine crosses the loss line (and, fused, the output activation's with it), in words
CROSSINGS = {
    "mse": "dL/dy_hat = 2 (y_hat - y) / N, N = outputs x samples; then delta = dL/dy_hat x f'(z)",
    "bce": "dL/dz = (y_hat - y) / N, N = outputs x samples: the loss (from the logits z, log-sigmoid) and "
           "the sigmoid line crossed at once, so dL/dy_hat is never formed",
    "cce": "dL/dz = (y_hat - y) / N, N = samples: the loss (from the logits z, log-softmax) and the softmax "
           "line crossed at once, so dL/dy_hat is never formed",
}


@dataclass
class StepPhases:
    step: int  # the step taken apart (1-based count: the state after it is the run at ``step``)
    batch: np.ndarray  # (B,) columns of X_train
    X: np.ndarray  # (n_0, B)
    Y: np.ndarray  # (n_L, B)
    forward: list  # of ForwardLayer, layer 0 first
    loss: float  # the batch's loss before the update (the step's recorded loss)
    dL_dyhat: np.ndarray | None  # (n_L, B) as the engine formed it; None when fused (it forms none)
    dL_dz: np.ndarray  # (n_L, B) delta at the output layer as the engine computed it (= backward[0].delta)
    fused: bool  # the loss and the output activation crossed in one step: dL/dz = (y_hat - y) * scale
    crossing: str  # how the loss line is crossed, in words (CROSSINGS)
    backward: list  # of BackwardLayer, the output layer first
    update: UpdatePhase
    loss_after: float  # the same batch's loss after the update


def step_phases(replayer: Replayer, step: int) -> StepPhases:
    """Step ``step`` (1 <= step <= the steps taken) taken apart; ``replayer`` is the run's Replayer."""
    if isinstance(step, (int, np.integer)) and not isinstance(step, bool) and step == 0:
        raise ValueError("step: 0 is not allowed; expected a step from 1 on (step 0 is the initial weights: "
                         "take apart the step after it, step 1)")
    moment = replayer.moment(step)
    if moment.batch.size == 0:
        raise ValueError(f"step: {step} is not allowed; expected a step after the first one the run kept")
    trainer = replayer.trainer
    data = moment.data if moment.data is not None else trainer.data  # the step's own data (a data change since)
    return phases_of(moment, trainer.network, trainer.loss, trainer.optimizer, data)


def phases_of(moment: Moment, network: Network, loss, optimizer, data) -> StepPhases:
    """The phases of the step ``moment`` holds (its batch, weights before, optimizer state before).
    ``network`` and ``optimizer`` give the architecture, dtype and optimizer kind; neither is changed."""
    dt = network.dtype
    before = Network(network.sizes, network.activations, dt)
    before.params[...] = moment.params_before
    X = np.asfortranarray(data.X_train[:, moment.batch], dtype=dt)  # the layout training's slices have
    Y = np.asfortranarray(data.Y_train[:, moment.batch], dtype=dt)
    bp = Backprop(before, loss)
    with _quiet():
        batch_loss = bp.loss_and_gradients(X, Y)
        ws = bp.workspace(X.shape[1])
        acts = before.activations
        forward = [ForwardLayer(l, acts[l].spec(), before.weights[l].copy(), before.biases[l].copy(),
                                (X if l == 0 else ws.a[l - 1]).copy(), ws.z[l].copy(), ws.a[l].copy())
                   for l in range(before.n_layers)]
        last = before.n_layers - 1
        # the engine's own buffers: dL/dy_hat where it forms one, delta_L = dL/dz_L either way
        dL_dyhat = None if bp.fused else ws.grad_a[last].copy()
        backward = []
        for l in range(last, -1, -1):
            at_fused_output = bp.fused and l == last
            f = acts[l]
            backward.append(BackwardLayer(
                l, None if at_fused_output else ws.grad_a[l].copy(),
                None if at_fused_output or not f.elementwise else f.derivative(ws.z[l], ws.a[l]),
                ws.delta[l].copy(), bp.grad_w[l].copy(), bp.grad_b[l].copy()))
        update = _update(moment, before, bp, optimizer)
        after = Network(network.sizes, network.activations, dt)
        after.params[...] = update.params_after
        loss_after, _ = output_and_loss(after, bp.loss, X, Y)
    return StepPhases(step=moment.step, batch=moment.batch.copy(), X=X, Y=Y, forward=forward, loss=batch_loss,
                      dL_dyhat=dL_dyhat, dL_dz=backward[0].delta.copy(), fused=bp.fused,
                      crossing=CROSSINGS.get(bp.loss.name, ""), backward=backward, update=update,
                      loss_after=float(loss_after))


def _update(moment: Moment, before: Network, bp: Backprop, optimizer) -> UpdatePhase:
    params = before.params
    opt = optimizer_like(optimizer, params.size, params.dtype, **moment.hyper)
    opt.load_state(moment.optimizer_before)
    state_before = opt.state()
    update = opt.compute_update(params, bp.grads, np.empty_like(params)).copy()
    after = np.empty_like(params)
    np.subtract(params, update, after)  # as the trainer applies it
    sizes = before.sizes
    (wb, bb), (uw, ub), (wa, ba) = (layer_views(v, sizes) for v in (params.copy(), update, after))
    return UpdatePhase(optimizer=opt.name, hyper=dict(moment.hyper), formula=FORMULAS[opt.name], W_before=wb,
                       b_before=bb, update_W=uw, update_b=ub, W_after=wa, b_after=ba, state_before=state_before,
                       state_after=opt.state(), update=update, params_after=after)
