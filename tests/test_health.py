"""Gradient health: the warnings fire on the presets built to trigger them and never on the healthy ones;
the teaching presets do what their descriptions say when trained headless."""
import numpy as np
import pytest

from engine.config import TrainConfig, build
from engine.health import (EXPLODING_RATIO, VANISHING_RATIO, HealthTracker, dead_fractions, health_of_trainer,
                           layer_health, probe_batch)
from resources import load_preset, preset_names

TEACHING = ("vanishing", "lr_too_high", "dead_relu", "xor_no_hidden", "features", "optimizers")
HEALTHY = ("tutorial", "xor", "circles", "moons", "spiral", "blobs", "sine", "iris", "digits")


def trainer_for(name, **changes):
    return build(TrainConfig.from_dict(dict(load_preset(name)["config"], **changes)))


def warnings_of(trainer):
    return {h.layer: h.warning for h in health_of_trainer(trainer, probe_batch(trainer.data.X_train)) if h.warning}


def test_teaching_presets_are_listed_after_the_others():
    names = preset_names()
    assert names[-len(TEACHING):] == list(TEACHING)
    for order, name in enumerate(TEACHING, start=10):
        p = load_preset(name)
        assert p["order"] == order and p["name"] == name
        assert len(p["description"]) > 200 and "\n" not in p["description"]
    assert "XOR preset" in load_preset("xor_no_hidden")["description"]


def test_vanishing_preset_stops_its_early_layers():
    trainer = trainer_for("vanishing")
    for _ in range(3):
        trainer.run_epochs(10)
        health = health_of_trainer(trainer)
        assert health[0].ratio < VANISHING_RATIO and health[0].warning == "vanishing"
        assert health[-1].warning is None and health[-1].ratio > 1e4 * health[0].ratio
    assert trainer.evaluate()["train_accuracy"] < 0.65  # nothing learned


def test_lr_too_high_diverges_and_is_flagged_before():
    trainer = trainer_for("lr_too_high")
    flagged_at = None
    while trainer.train_step() is not None:
        if flagged_at is None and "exploding" in warnings_of(trainer).values():
            flagged_at = trainer.steps
        assert trainer.epoch < 10, "it should diverge within a few epochs"
    assert trainer.status == "diverged" and "learning rate" in trainer.message
    assert flagged_at is not None and flagged_at < trainer.steps
    assert set(warnings_of(trainer).values()) == {"exploding"}
    # the same network learns at a sane rate: it is the learning rate, not the network
    calm = trainer_for("lr_too_high", learning_rate=0.05)
    calm.run_epochs(100)
    assert calm.status == "running" and calm.evaluate()["train_loss"] < 0.1


def test_dead_relu_preset_kills_most_units():
    trainer = trainer_for("dead_relu")
    trainer.run_epochs(1)
    health = health_of_trainer(trainer, probe_batch(trainer.data.X_train))
    assert health[0].dead_fraction >= 0.75 and health[1].dead_fraction >= 0.75
    assert health[0].warning == health[1].warning == "dead"
    trainer.run_epochs(20)
    assert trainer.evaluate()["train_accuracy"] < 0.65
    moons = trainer_for("moons")  # the same ReLU network at a sane learning rate
    moons.run_epochs(21)
    assert max(h.dead_fraction for h in health_of_trainer(moons, probe_batch(moons.data.X_train))[:2]) < 0.5


def test_xor_needs_a_hidden_layer():
    flat, hidden = trainer_for("xor_no_hidden"), trainer_for("xor")
    flat.run_epochs(300)
    hidden.run_epochs(300)
    for split in ("train", "test"):
        assert 0.4 <= flat.evaluate()[f"{split}_accuracy"] <= 0.75
        assert hidden.evaluate()[f"{split}_accuracy"] > 0.9


@pytest.mark.parametrize("name", HEALTHY)
def test_no_warning_on_healthy_presets(name):
    trainer = trainer_for(name)
    probe = probe_batch(trainer.data.X_train)
    assert not any(h.warning for h in health_of_trainer(trainer, probe))  # before the first step too
    epochs = trainer.config.epochs
    for _ in range(10):
        trainer.run_epochs(epochs // 10)
        assert warnings_of(trainer) == {}, trainer.epoch
    assert trainer.status == "running"


def test_thresholds_on_hand_made_layers():
    W = [np.ones((4, 3)), np.ones((2, 4))]  # ||W|| = sqrt(12), sqrt(8)
    small = [np.full((4, 3), 1e-9), np.full((2, 4), 1e-2)]
    h = layer_health(W, small)
    assert h[0].ratio == pytest.approx(1e-9)  # ||dW|| / ||W|| with equal entries
    assert [x.warning for x in h] == ["vanishing", None]
    # every layer tiny together: the batch is fitted, nothing vanished on the way back
    assert [x.warning for x in layer_health(W, [np.full((4, 3), 1e-9), np.full((2, 4), 1e-9)])] == [None, None]
    big = [np.full((4, 3), 2 * EXPLODING_RATIO), np.full((2, 4), 0.1)]
    assert [x.warning for x in layer_health(W, big)] == ["exploding", None]
    assert layer_health([np.full((2, 2), 2e3)], [np.zeros((2, 2))])[0].warning == "exploding"  # huge weights
    assert layer_health([np.array([[np.nan]])], [np.zeros((1, 1))])[0].warning == "exploding"
    assert [x.warning for x in layer_health(W, small, has_gradients=False)] == [None, None]


def test_dead_fraction_counts_units_off_for_every_sample():
    W = [np.array([[1.0], [1.0], [-1.0], [0.0]]), np.ones((1, 4))]
    b = [np.array([[0.0], [-10.0], [0.0], [-1.0]]), np.zeros((1, 1))]
    X = np.array([[0.5, 2.0, 3.0]])  # unit 0 alive, unit 1 dead (z <= -7), unit 2 dead (z < 0), unit 3 dead
    assert dead_fractions(W, b, ["relu", "sigmoid"], X) == [0.75, None]
    assert dead_fractions(W, b, ["leaky_relu:0.1", "sigmoid"], X) == [None, None]


def test_tracker_histograms_and_range_growth():
    rng = np.random.RandomState(0)
    t = HealthTracker(max_records=100)
    w0 = rng.uniform(-0.9, 0.9, (20, 10))
    t.record(0.0, layer_health([w0], [np.ones_like(w0)]), [w0])
    assert t.ranges[0] == 1.0
    np.testing.assert_allclose(t.histogram(0)[0].sum(), 1.0)
    direct, _ = np.histogram(w0, bins=41, range=(-1, 1))
    np.testing.assert_allclose(t.histogram(0)[0], direct / w0.size)
    w1 = w0 * 2.5  # outside [-1, 1]: the range triples and the first row is re-binned exactly
    t.record(1.0, layer_health([w1], [np.ones_like(w1)]), [w1])
    assert t.ranges[0] == 3.0
    for row, w in zip(t.histogram(0), (w0, w1)):
        direct, _ = np.histogram(w, bins=41, range=(-3, 3))
        np.testing.assert_allclose(row, direct / w.size, atol=1e-7)
    np.testing.assert_allclose(t.bin_edges(0)[[0, -1]], [-3, 3])


def test_tracker_thins_evenly_when_full():
    t = HealthTracker(max_records=10)
    w = [np.ones((2, 2))]
    for k in range(37):
        t.record(float(k), layer_health(w, w), w)
    e = t.epochs
    assert 5 <= t.n <= 10 and e[0] == 0.0
    assert np.all(np.diff(e) == np.diff(e)[0])  # evenly spaced over the run
    assert t.grad_norms.shape == (t.n, 1) and t.histogram(0).shape == (t.n, 41)
