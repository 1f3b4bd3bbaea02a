"""The engine reproduces the tutorial's run exactly (figures in tests/data/tutorial_reference.json)."""
import json

import numpy as np
import pytest

from conftest import REFERENCE
from engine.config import TrainConfig, build
from resources import load_preset

REF = json.loads(REFERENCE.read_text())


@pytest.fixture(scope="module")
def tutorial():
    return build(TrainConfig.from_dict(load_preset("tutorial")["config"]))


def test_preset_is_the_tutorial_network(tutorial):
    assert tutorial.network.sizes == tuple(REF["layers"])
    assert [a.spec() for a in tutorial.network.activations] == ["leaky_relu:0.1", "sigmoid", "sigmoid"]
    np.testing.assert_array_equal(tutorial.data.X_train.ravel(), REF["x"])
    np.testing.assert_array_equal(tutorial.data.Y_train.ravel(), REF["y"])


def test_first_step_gradients_match_the_tutorial():
    trainer = build(TrainConfig.from_dict(load_preset("tutorial")["config"]))
    trainer.train_step()
    ref = REF["gradients_at_epoch_1"]
    for l in range(3):
        np.testing.assert_allclose(trainer.backprop.grad_w[l], ref[f"grad_w{l + 1}"], rtol=1e-9, atol=0)
        np.testing.assert_allclose(trainer.backprop.grad_b[l].ravel(), np.ravel(ref[f"grad_b{l + 1}"]), rtol=1e-9, atol=0)


def test_ten_thousand_epochs_match_the_tutorial():
    trainer = build(TrainConfig.from_dict(load_preset("tutorial")["config"]))
    assert trainer.evaluate()["train_loss"] == pytest.approx(REF["loss_at_epoch"]["1"], rel=1e-9)
    assert trainer.run_epochs(REF["epochs"]) == "running"
    losses = trainer.train_losses.view()
    for epoch, loss in REF["loss_at_epoch"].items():
        assert losses[int(epoch) - 1] == pytest.approx(loss, rel=1e-9), epoch
    assert trainer.evaluate()["train_loss"] == pytest.approx(REF["loss_after_training"], rel=1e-9)
    np.testing.assert_allclose(trainer.network.forward(trainer.data.X_train).ravel(), REF["y_hat_after_training"], rtol=1e-9)
    after = REF["weights_after_training"]
    for l in range(3):
        np.testing.assert_allclose(trainer.network.weights[l], after[f"w{l + 1}"], rtol=1e-9)
        np.testing.assert_allclose(trainer.network.biases[l].ravel(), np.ravel(after[f"b{l + 1}"]), rtol=1e-9, atol=1e-15)
