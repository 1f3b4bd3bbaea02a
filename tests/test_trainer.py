import numpy as np
import pytest

from engine.config import TrainConfig, build
from engine.datasets import Dataset
from engine.history import GrowingArray
from engine.network import Network
from engine.optimizers import make_optimizer
from engine.trainer import Trainer
from engine.validation import ConfigError
from resources import load_preset, preset_names


def xor_truth_table():
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
    labels = np.array([0, 1, 1, 0])
    return Dataset("xor4", "classification", X, labels[None, :].astype(float), np.zeros((2, 0)), np.zeros((1, 0)),
                   labels, None, 2, ["x1", "x2"], ["0", "1"])


def test_xor_is_learned_to_100_percent():
    net = Network((2, 4, 1), ["tanh", "sigmoid"])
    net.initialize("xavier", np.random.RandomState(0))
    opt = make_optimizer("adam", net.params.size, np.ones_like(net.params), learning_rate=0.05)
    trainer = Trainer(net, "bce", opt, xor_truth_table())
    trainer.run_epochs(500)
    assert trainer.evaluate()["train_accuracy"] == 1.0
    assert trainer.train_accuracy.view()[-1] == 1.0


def test_xor_without_hidden_layer_cannot_be_learned():
    net = Network((2, 1), ["sigmoid"])
    net.initialize("xavier", np.random.RandomState(0))
    opt = make_optimizer("adam", net.params.size, np.ones_like(net.params), learning_rate=0.05)
    trainer = Trainer(net, "bce", opt, xor_truth_table())
    trainer.run_epochs(500)
    assert trainer.evaluate()["train_accuracy"] <= 0.75


@pytest.mark.parametrize("name", [n for n in preset_names() if load_preset(n)["config"]["dataset"] != "tutorial"
                                  and load_preset(n).get("order", 0) < 10])
def test_dataset_presets_learn_their_data(name):
    config = TrainConfig.from_dict(load_preset(name)["config"])
    trainer = build(config)
    first = trainer.evaluate()
    trainer.run_epochs(config.epochs)
    last = trainer.evaluate()
    assert trainer.status != "diverged"
    assert last["train_loss"] < 0.5 * first["train_loss"]
    if trainer.classification:
        assert last["test_accuracy"] >= 0.9, last


def test_divergence_stops_with_the_last_finite_weights():
    config = TrainConfig.from_dict(load_preset("sine")["config"]).replace(optimizer="sgd", learning_rate=100.0)
    trainer = build(config)
    seen = []
    while trainer.train_step() is not None:
        seen.append(trainer.network.params.copy())
        assert len(seen) < 10_000
    assert trainer.status == "diverged"
    assert "lower the learning rate" in trainer.message
    assert np.all(np.isfinite(trainer.network.params))
    np.testing.assert_array_equal(trainer.network.params, seen[-1])  # untouched by the diverging step
    assert np.all(np.isfinite(trainer.step_losses.view()))
    assert trainer.train_step() is None  # stays stopped until resumed
    trainer.optimizer.set_hyperparameters(learning_rate=0.001)
    trainer.resume_after_divergence()
    assert trainer.status == "running" and trainer.message == ""
    assert all(np.all(np.isfinite(v)) for v in trainer.optimizer.state().values())


def test_resume_after_divergence_clears_non_finite_optimizer_state():
    config = TrainConfig.from_dict(load_preset("sine")["config"]).replace(optimizer="momentum")
    trainer = build(config)
    trainer.train_step()
    trainer.optimizer.velocity[0] = np.inf  # as a blown-up step leaves it
    trainer.status = "diverged"
    trainer.resume_after_divergence()
    assert np.all(np.isfinite(trainer.optimizer.velocity))
    assert trainer.train_step() is not None


def test_minibatch_runs_are_deterministic_and_shuffle_differently_per_seed():
    config = TrainConfig.from_dict(load_preset("moons")["config"])
    a, b = build(config), build(config)
    a.run_epochs(3), b.run_epochs(3)
    np.testing.assert_array_equal(a.network.params, b.network.params)
    np.testing.assert_array_equal(a.step_losses.view(), b.step_losses.view())
    c = build(config.replace(seed=config.seed + 1))
    c.run_epochs(3)
    assert not np.array_equal(a.step_losses.view(), c.step_losses.view())


def test_steps_and_epochs_are_counted_with_a_partial_last_batch():
    config = TrainConfig.from_dict(load_preset("xor")["config"]).replace(batch_size=100)
    trainer = build(config)
    n = trainer.n
    trainer.run_epochs(2)
    per_epoch = -(-n // 100)
    assert trainer.steps == len(trainer.step_losses) == 2 * per_epoch
    assert len(trainer.train_losses) == len(trainer.test_losses) == len(trainer.train_accuracy) == 2
    # an epoch's loss is the batch-size weighted mean of its steps' losses
    sizes = [100] * (n // 100) + ([n % 100] if n % 100 else [])
    assert trainer.train_losses.view()[0] == pytest.approx(np.dot(trainer.step_losses.view()[:per_epoch], sizes) / n, rel=1e-6)


def test_gradients_are_copies_of_the_last_step():
    trainer = build(TrainConfig.from_dict(load_preset("tutorial")["config"]))
    trainer.train_step()
    grads = trainer.gradients()
    assert [g.shape for g, _ in grads] == [(3, 5), (5, 3), (4, 5)]
    grads[0][0][...] = 123.0
    assert not np.any(trainer.backprop.grad_w[0] == 123.0)


def test_float32_trains_in_float32():
    config = TrainConfig.from_dict(load_preset("circles")["config"]).replace(dtype="float32")
    trainer = build(config)
    trainer.run_epochs(5)
    assert trainer.network.params.dtype == np.float32
    assert trainer.backprop.grads.dtype == np.float32
    assert trainer.evaluate()["train_loss"] < 0.7


def test_ten_million_step_history_stays_under_100_mb():
    history = GrowingArray(np.float32)
    chunk = np.ones(1_000_000)
    for _ in range(10):
        history.extend(chunk)
    history.append(0.5)
    assert len(history) == 10_000_001
    assert history.nbytes < 100 * 2**20
    assert history.view()[-1] == 0.5


def test_growing_array_keeps_values_across_growth():
    history = GrowingArray(np.float64, capacity=16)
    for i in range(1000):
        history.append(i)
    np.testing.assert_array_equal(history.view(), np.arange(1000))
    np.testing.assert_array_equal(history.view(990), np.arange(990, 1000))


@pytest.mark.parametrize("changes,field", [
    (dict(layers=(5, 0, 4)), "layers[1]"), (dict(layers=(5,)), "layers"), (dict(layers=(5,) + (3,) * 33), "number of weight layers"),
    (dict(activations=("relu", "sigmoid")), "activations"), (dict(activations=("softmax", "sigmoid", "sigmoid")), "activations[0]"),
    (dict(loss="hinge"), "loss"), (dict(optimizer="rmsprop"), "optimizer"), (dict(learning_rate=0.0), "learning_rate"),
    (dict(batch_size=0), "batch_size"), (dict(epochs=-1), "epochs"), (dict(init="zeros"), "init"), (dict(dtype="float16"), "dtype"),
    (dict(seed=-5), "seed"), (dict(test_fraction=0.95), "test_fraction"), (dict(dataset="mnist"), "dataset"),
    (dict(noise=3.0), "noise"), (dict(dataset="csv"), "csv_path"), (dict(learning_rate="fast"), "learning_rate"),
])
def test_bad_config_values_name_the_field_and_value(changes, field):
    config = TrainConfig.from_dict(load_preset("tutorial")["config"]).replace(**changes)
    with pytest.raises(ConfigError) as err:
        build(config)
    assert err.value.field == field
    assert "expected" in str(err.value)


def test_loss_and_output_activation_must_pair():
    config = TrainConfig.from_dict(load_preset("blobs")["config"]).replace(activations=("relu", "sigmoid"))
    with pytest.raises(ConfigError, match="softmax on the output layer"):
        build(config)


def test_layer_sizes_must_match_the_dataset_unless_fitted():
    config = TrainConfig.from_dict(load_preset("xor")["config"]).replace(layers=(5, 8, 1))
    with pytest.raises(ConfigError, match="2 inputs and 1 outputs"):
        build(config)
    assert build(config, fit_io=True).network.sizes == (2, 8, 1)


def test_batch_size_larger_than_the_data_is_refused():
    config = TrainConfig.from_dict(load_preset("tutorial")["config"]).replace(batch_size=2)
    with pytest.raises(ConfigError, match="batch_size: 2"):
        build(config)


def test_config_round_trips_through_a_dict():
    for name in preset_names():
        config = TrainConfig.from_dict(load_preset(name)["config"])
        assert TrainConfig.from_dict(config.to_dict()) == config


def test_unknown_config_keys_are_refused():
    with pytest.raises(ConfigError, match="lerning_rate"):
        TrainConfig.from_dict({"lerning_rate": 0.1})


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_diverging_runs_raise_no_numpy_warnings(dtype):
    """pytest turns warnings into errors: the overflow on the way to divergence must stay inside the engine."""
    config = TrainConfig.from_dict(load_preset("lr_too_high")["config"]).replace(dtype=dtype, learning_rate=50.0)
    for run in ("run_epochs", "run_for", "train_step"):
        trainer = build(config)
        if run == "run_epochs":
            trainer.run_epochs(200)
        elif run == "run_for":
            trainer.run_for(10.0, max_steps=5000)
        else:
            while trainer.train_step() is not None:
                pass
        assert trainer.status == "diverged", run


@pytest.mark.parametrize("max_steps", [0, 1, 3, 19])
def test_run_for_takes_exactly_max_steps_and_none_for_zero(max_steps):
    """max_steps=0 took one step: a test's headless run "after 0 steps" was one step ahead of the window's, and
    one epoch ahead whenever the window paused on an epoch's last step."""
    trainer = build(TrainConfig.from_dict(load_preset("xor")["config"]).replace(epochs=None), fit_io=True)
    assert trainer.run_for(10.0, max_steps=max_steps) == max_steps == trainer.steps
