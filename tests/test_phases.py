"""One step taken apart: every number equals the engine's (Network.forward(trace=True), Backprop, the
optimizer's compute_update), and W after is the replayed step's parameters bit for bit."""
from __future__ import annotations

import numpy as np
import pytest

from engine.backprop import Backprop
from engine.network import Network
from engine.phase_walk import PhaseWalk
from engine.phases import step_phases
from engine.replay import Replayer
from engine.trainer import optimizer_like
from tests.replay_helpers import config_of, trained

# the tutorial's own net (MSE, full batch of one), a fused sigmoid + bce, a fused softmax + cce under
# momentum, Adam with weight decay in float32, a deep tanh net
CASES = {
    "tutorial": ("tutorial", {}),
    "xor-bce": ("xor", {}),
    "blobs-cce-momentum": ("blobs", {"optimizer": "momentum"}),
    "moons-adam-f32": ("moons", {"optimizer": "adam", "dtype": "float32", "weight_decay": 1e-3}),
    "vanishing": ("vanishing", {}),
    # saturated (|z| past 100): sigmoid rounds to 0 or 1, the loss from the logits is still exact
    "xor-bce-saturated": ("xor", {"optimizer": "sgd", "learning_rate": 30.0}),
}


@pytest.mark.parametrize("case", CASES)
def test_every_phase_is_the_engines_number(case):
    preset, changes = CASES[case]
    config = config_of(preset, **changes)
    run = trained(config, 40)
    replayer = Replayer(run)
    p = step_phases(replayer, 37)
    before, after = trained(config, 36), trained(config, 37)
    net = before.network
    assert np.array_equal(p.X, run.data.X_train[:, p.batch].astype(net.dtype))

    # 1. forward, as Network.forward(trace=True) computes it
    y_hat, zs, acts = net.forward(p.X, trace=True)
    assert np.abs(zs[-1]).max() > 100 or not case.endswith("saturated")  # the case is what it says
    assert len(p.forward) == net.n_layers
    for l, f in enumerate(p.forward):
        assert np.array_equal(f.W, net.weights[l]) and np.array_equal(f.b, net.biases[l])
        assert np.array_equal(f.a_in, acts[l]) and np.array_equal(f.z, zs[l]) and np.array_equal(f.a, acts[l + 1])
        assert f.activation == net.activations[l].spec()

    # 2. the loss: the step's recorded loss, the engine's evaluation of the batch; the gradient the backward
    # pass starts with: dL/dy_hat from the loss itself (MSE), or for bce / cce, computed from the logits,
    # dL/dz = (y_hat - y) * scale at once and no dL/dy_hat
    assert np.float32(p.loss) == after.step_losses.view()[-1]
    tol = 1e-6 if net.dtype == np.float32 else 1e-12
    assert p.loss == pytest.approx(Backprop(net, before.loss).evaluate(p.X, p.Y)[0], rel=tol)
    assert np.array_equal(p.dL_dz, p.backward[0].delta)
    if p.fused:
        assert p.dL_dyhat is None and "dL/dy_hat is never formed" in p.crossing
        assert np.array_equal(p.dL_dz, (y_hat - p.Y) * before.loss.fused_scale(p.Y))
    else:
        g = np.empty_like(y_hat)
        before.loss.gradient(y_hat, p.Y, out=g)
        assert np.array_equal(p.dL_dyhat, g) and p.crossing.startswith("dL/dy_hat = 2 (y_hat - y) / N")

    # 3. backward: the deltas chain by the tutorial's rules, and dW, db are the step's own gradients
    assert [b.layer for b in p.backward] == list(range(net.n_layers - 1, -1, -1))
    for k, b in enumerate(p.backward):
        l = b.layer
        assert np.array_equal(b.dW, after.backprop.grad_w[l]) and np.array_equal(b.db, after.backprop.grad_b[l])
        if b.f_prime is not None:  # Rule 1: delta = dL/da x f'(z)
            assert np.allclose(b.delta, b.dL_da * b.f_prime, rtol=1e-5, atol=0)
        if k:  # Rule 2: what reaches a_l is W_{l+1}^T delta_{l+1}
            assert np.allclose(b.dL_da, net.weights[l + 1].T @ p.backward[k - 1].delta, rtol=1e-5, atol=1e-30)
        assert np.allclose(b.dW, b.delta @ p.forward[l].a_in.T, rtol=1e-5, atol=1e-30)
    assert p.fused == before.backprop.fused and (p.fused or preset != "blobs")
    assert (p.backward[0].dL_da is None) == p.fused

    # 4. the update: compute_update of the optimizer in the step's state; W after is the run's
    u = p.update
    opt = optimizer_like(before.optimizer, net.params.size, net.dtype)
    opt.load_state(before.optimizer.state())
    expected = opt.compute_update(net.params.copy(), after.backprop.grads, np.empty_like(net.params))
    assert np.array_equal(u.update, expected) and np.array_equal(u.params_after, after.network.params)
    for l in range(net.n_layers):
        assert np.array_equal(u.W_before[l], net.weights[l]) and np.array_equal(u.W_after[l], after.network.weights[l])
        assert np.array_equal(u.b_after[l], after.network.biases[l])
    for key, value in after.optimizer.state().items():
        assert np.array_equal(u.state_after[key], value), key
    named = {"sgd": {"t"}, "momentum": {"t", "velocity"}, "adam": {"t", "m", "v"}}[u.optimizer]
    assert set(u.state_before) == set(u.state_after) == named
    for key, value in before.optimizer.state().items():
        assert np.array_equal(u.state_before[key], value), key
    assert u.optimizer == config.optimizer and u.formula.startswith(
        {"sgd": "update = lr", "momentum": "velocity =", "adam": "m = beta1"}[u.optimizer])
    check = Network(net.sizes, net.activations, net.dtype)
    check.params[...] = after.network.params
    assert p.loss_after == Backprop(check, before.loss).evaluate(p.X, p.Y)[0]


@pytest.mark.parametrize("preset, starts_at", [("tutorial", "dL/dy_hat"), ("xor", "dL/dz2 = (y_hat - y) / N")])
def test_the_walks_loss_phase_names_the_gradient_the_engine_starts_with(preset, starts_at):
    run = trained(config_of(preset), 3)
    p = step_phases(Replayer(run), 2)
    walk = PhaseWalk(p, [a.spec() for a in run.network.activations], generation=0)
    loss_phase = walk.phases[len(p.forward)]
    assert loss_phase.kind == "loss" and loss_phase.title == f"The loss {p.loss:.6g} and {starts_at}"


def test_the_tutorials_first_step_loses_loss():
    run = trained(config_of("tutorial"), 3)
    p = step_phases(Replayer(run), 1)
    assert p.X.shape == (5, 1) and p.loss_after < p.loss
    assert [f.z.shape for f in p.forward] == [(3, 1), (5, 1), (4, 1)]


def test_step_zero_cannot_be_taken_apart():
    run = trained(config_of("xor"), 3)
    with pytest.raises(ValueError, match="step: 0 is not allowed"):
        step_phases(Replayer(run), 0)
