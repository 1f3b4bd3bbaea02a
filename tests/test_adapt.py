"""engine.adapt: the output layer and loss follow each other and the data, in whatever order they change."""
import numpy as np
import pytest

import resources
from engine.adapt import adapt, fits, problem_of
from engine.config import TrainConfig, build
from engine.validation import ConfigError


def preset(name: str) -> TrainConfig:
    return TrainConfig.from_dict(resources.load_preset(name)["config"])


def three_class_csv(tmp_path) -> str:
    rng = np.random.RandomState(0)
    rows = ["x1,x2,label"] + [f"{a:.3f},{b:.3f},{c}" for (a, b), c in
                              zip(rng.normal(size=(60, 2)), np.repeat([0, 1, 2], 20))]
    path = tmp_path / "three.csv"
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def csv_changes(path: str) -> dict:
    return {"dataset": "csv", "csv_path": path, "csv_target": "label", "csv_header": True, "csv_task": "auto"}


def test_softmax_before_cross_entropy_switches_the_loss_and_says_so():
    xor = preset("xor")  # tanh, sigmoid with bce
    config, note = adapt(xor, {"activations": ("tanh", "softmax")})
    assert config.activations[-1] == "softmax" and config.loss == "cce"
    assert "categorical cross-entropy" in note and "softmax" in note
    trainer = build(config, fit_io=True)  # it builds: two one-hot outputs
    assert trainer.network.sizes[-1] == 2


def test_cross_entropy_before_softmax_switches_the_output_and_says_so():
    config, note = adapt(preset("xor"), {"loss": "cce"})
    assert config.activations[-1] == "softmax" and "softmax" in note and "cce" in note
    build(config, fit_io=True)


def test_both_orders_end_at_the_same_network():
    xor = preset("xor")
    by_output = adapt(adapt(xor, {"activations": ("tanh", "softmax")})[0], {"loss": "cce"})[0]
    by_loss = adapt(adapt(xor, {"loss": "cce"})[0], {"activations": ("tanh", "softmax")})[0]
    assert by_output == by_loss


def test_softmax_on_class_labels_leaves_mse_for_cross_entropy():
    xor = preset("xor").replace(loss="mse")
    config, note = adapt(xor, {"activations": ("tanh", "softmax")})
    assert config.loss == "cce" and note


def test_softmax_on_a_regression_keeps_mse_silently():
    tutorial = preset("tutorial")
    config, note = adapt(tutorial, {"activations": ("leaky_relu:0.1", "sigmoid", "softmax")})
    assert config.loss == "mse" and note == ""


def test_an_output_the_loss_refuses_sets_the_loss_made_for_it():
    config, note = adapt(preset("spiral"), {"activations": ("tanh",) * 4 + ("linear",)})
    assert config.loss == "mse" and "mean squared error" in note


def test_a_three_class_csv_gets_softmax_cce_and_three_outputs(tmp_path):
    xor = preset("xor")  # sigmoid with bce, one output
    config, note = adapt(xor, csv_changes(three_class_csv(tmp_path)))
    assert config.activations[-1] == "softmax" and config.loss == "cce" and config.layers == (2, 8, 3)
    assert "3-class classification" in note and "3 softmax units" in note and "2-8-3" in note
    trainer = build(config, fit_io=True)
    assert trainer.network.sizes == (2, 8, 3) and trainer.data.Y_train.shape[0] == 3


def test_a_dataset_that_fits_keeps_the_users_choice():
    circles = preset("circles").replace(loss="mse")  # sigmoid with mse on two classes: fine
    config, note = adapt(circles, {"dataset": "moons"})
    assert config.loss == "mse" and config.activations == circles.activations and note == ""


@pytest.mark.parametrize("name,dataset,output,loss", [
    ("xor", "sine", "linear", "mse"),  # a sigmoid cannot reach sin's negative half
    ("sine", "xor", "sigmoid", "bce"),
    ("sine", "blobs", "softmax", "cce"),
    ("blobs", "xor", "softmax", "cce"),  # two classes with softmax and cce fit as they are
])
def test_new_data_sets_what_fits(name, dataset, output, loss):
    config, _ = adapt(preset(name), {"dataset": dataset})
    assert (config.activations[-1], config.loss) == (output, loss)
    build(config, fit_io=True)


def test_more_classes_of_a_spiral_keep_softmax_and_fewer_of_blobs_too():
    spiral = preset("xor").replace(dataset="spiral")  # sigmoid, bce: fits two arms
    config, note = adapt(spiral, {"n_classes": 4})
    assert config.activations[-1] == "softmax" and config.loss == "cce" and config.layers[-1] == 4 and note


def test_arriving_at_the_tutorial_takes_its_sample_shape():
    config, note = adapt(preset("xor"), {"dataset": "tutorial"})  # xor's batch of 32 > the one sample
    assert config.layers[0] == 5 and config.layers[-1] == 4 and config.batch_size is None
    assert "whole training set" in note
    assert build(config, fit_io=True).network.sizes == config.layers


def test_a_bad_csv_is_refused_with_its_own_message(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        adapt(preset("xor"), csv_changes(str(tmp_path / "missing.csv")))


def test_fits_follows_the_table():
    three = problem_of(build(preset("blobs"), fit_io=True).data)
    assert fits("softmax", "cce", three) and not fits("sigmoid", "bce", three) and not fits("softmax", "mse", three)
    sine = problem_of(build(preset("sine"), fit_io=True).data)
    assert fits("linear", "mse", sine) and not fits("sigmoid", "mse", sine) and not fits("sigmoid", "bce", sine)


def test_the_problem_is_drawn_from_the_data_seed_the_data_is_drawn_from():
    """A data change draws the data from ``data_seed`` (engine.config.data_of): so must the problem the change is
    checked against (a noisy regression's target range moves with the draw)."""
    from engine.adapt import draw_problem, problem_of
    from engine.config import data_of
    config = TrainConfig.from_dict(resources.load_preset("sine")["config"]).replace(noise=0.3)
    ranges = set()
    for data_seed in (1, 2, 3):
        changed = config.replace(data_seed=data_seed)
        drawn, trained = draw_problem(changed), problem_of(data_of(changed))
        assert (drawn.low, drawn.high, drawn.n_train) == (trained.low, trained.high, trained.n_train)
        ranges.add((drawn.low, drawn.high))
    assert len(ranges) == 3  # the seed does move the range: the check above can tell the draws apart
