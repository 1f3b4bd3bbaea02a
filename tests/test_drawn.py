"""Drawn data: points a person placed become a dataset like any other, kept in the config and run files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.config import TrainConfig, build
from engine.datasets import MAX_DRAWN, dataset_from_points
from engine.savefile import load_run, save_run
from engine.validation import ConfigError


def rs(seed=0):
    return np.random.RandomState(seed)


def two_clusters(n=40, seed=0):
    """Points (n, 2) and labels (n,): class 0 around (-0.5, 0), class 1 around (0.5, 0)."""
    r = np.random.RandomState(seed)
    labels = np.arange(n) % 2
    points = np.column_stack([np.where(labels == 1, 0.5, -0.5), np.zeros(n)]) + 0.1 * r.normal(size=(n, 2))
    return points, labels


def drawn_config(points, labels, **changes) -> TrainConfig:
    base = TrainConfig(layers=(2, 4, 1), activations=("tanh", "sigmoid"), loss="bce", optimizer="adam",
                       learning_rate=0.05, init="xavier", dataset="drawn", batch_size=8, epochs=40, seed=3,
                       drawn={"points": np.asarray(points).tolist(), "labels": np.asarray(labels).tolist()})
    return base.replace(**changes)


def test_drawn_points_are_split_by_the_rng_and_keep_their_labels():
    points, labels = two_clusters(40)
    d = dataset_from_points(points, labels, "classification", 0.25, rs(1), loss="bce")
    assert (d.name, d.task, d.n_classes, d.n_train, d.n_test) == ("drawn", "classification", 2, 30, 10)
    assert d.feature_names == ["x1", "x2"] and d.target_names == ["class 0", "class 1"]
    assert d.Y_train.shape == (1, 30) and np.array_equal(d.Y_train[0], d.labels_train)
    # every drawn point is in exactly one split, with its own label
    X = np.hstack([d.X_train, d.X_test]).T
    L = np.concatenate([d.labels_train, d.labels_test])
    order = np.lexsort(X.T)
    ref = np.lexsort(points.T)
    np.testing.assert_array_equal(X[order], points[ref])
    np.testing.assert_array_equal(L[order], labels[ref])
    again = dataset_from_points(points, labels, "classification", 0.25, rs(1), loss="bce")
    np.testing.assert_array_equal(again.X_test, d.X_test)


def test_classes_follow_the_labels_or_the_given_count():
    points, labels = two_clusters(12)
    labels = labels * 2  # classes 0 and 2 drawn, class 1 not (yet)
    d = dataset_from_points(points, labels, "classification", 0.0, rs(), loss="cce")
    assert d.n_classes == 3 and d.Y_train.shape == (3, 12)
    d = dataset_from_points(points, labels, "classification", 0.0, rs(), loss="cce", n_classes=5)
    assert d.n_classes == 5 and len(d.target_names) == 5


def test_a_one_d_drawing_is_a_regression_of_y_on_x():
    x = np.linspace(-1, 1, 10).reshape(10, 1)
    y = 2 * x[:, 0] - 1
    d = dataset_from_points(x, y, "regression", 0.2, rs(), loss="mse")
    assert (d.task, d.n_features, d.n_outputs, d.n_train, d.n_test) == ("regression", 1, 1, 8, 2)
    assert d.feature_names == ["x"] and d.target_names == ["y"] and d.labels_train is None
    np.testing.assert_allclose(d.Y_train[0], 2 * d.X_train[0] - 1)


@pytest.mark.parametrize("points, values, task, field", [
    (np.zeros((3, 3)), [0, 1, 0], "classification", "points"),
    (np.zeros((0, 2)), [], "classification", "points"),
    (np.zeros((MAX_DRAWN + 1, 2)), np.zeros(MAX_DRAWN + 1, int), "classification", "points"),
    ([[0.0, np.nan], [1.0, 1.0]], [0, 1], "classification", "points"),
    ([[0.0, 0.0], [1.0, 1.0]], [0.0, 1.0], "classification", "labels"),
    ([[0.0, 0.0], [1.0, 1.0]], [0, 1, 1], "classification", "labels"),
    ([[0.0, 0.0], [1.0, 1.0]], [0, -1], "classification", "labels"),
    ([[0.0], [1.0]], [0.5], "regression", "targets"),
    ([[0.0], [1.0]], [0.5, np.inf], "regression", "targets"),
    ([[0.0], [1.0]], [0.5, 1.0], "sorting", "task"),
])
def test_bad_drawn_data_names_the_field(points, values, task, field):
    with pytest.raises(ConfigError) as e:
        dataset_from_points(points, values, task, 0.2, rs())
    assert e.value.field == field


def test_a_drawn_config_trains_and_round_trips_through_json_and_a_run_file(tmp_path):
    points, labels = two_clusters(40)
    config = drawn_config(points, labels).validated()
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    first = build(config)
    first.run_epochs(20)
    path = tmp_path / "drawn.npz"
    save_run(path, first)
    loaded = load_run(path)
    assert loaded.config == first.config and loaded.data.name == "drawn"
    np.testing.assert_array_equal(loaded.data.X_train, first.data.X_train)
    loaded.run_epochs(20)
    unbroken = build(config)
    unbroken.run_epochs(40)
    np.testing.assert_array_equal(loaded.network.params, unbroken.network.params)
    assert float(unbroken.test_accuracy.view()[-1]) == 1.0  # two well-separated clusters


def test_drawn_points_take_input_features():
    points, labels = two_clusters(20)
    trainer = build(drawn_config(points, labels, features=("x1", "x1^2")), fit_io=True)
    assert trainer.network.sizes[0] == 2 and trainer.data.features == ("x1", "x1^2")
    np.testing.assert_array_equal(trainer.data.X_train[1], trainer.data.plane_X_train[0] ** 2)
    x = np.linspace(-1, 1, 6).reshape(6, 1)
    with pytest.raises(ConfigError, match="features.*it has 1"):
        TrainConfig(dataset="drawn", drawn={"points": x.tolist(), "targets": x[:, 0].tolist()},
                    features=("x1",)).validated()


@pytest.mark.parametrize("drawn, field", [
    (None, "dataset"),
    ({"points": [[0.0, 1.0]]}, "drawn"),
    ({"points": [[0.0, 1.0]], "labels": [0], "targets": [1.0]}, "drawn"),
    ({"points": [[0.0, 1.0]], "labels": [0], "colour": "red"}, "drawn"),
    ({"points": [[0.0, 1.0], [1.0]], "labels": [0, 1]}, "drawn.points"),
    ({"points": [[0.0, 1.0], [1.0, 0.0]], "labels": ["a", "b"]}, "drawn.labels"),
])
def test_a_bad_drawn_field_is_refused_naming_it(drawn, field):
    with pytest.raises(ConfigError) as e:
        TrainConfig(dataset="drawn", drawn=drawn, layers=(2, 1), activations=("sigmoid",), loss="bce").validated()
    assert e.value.field == field


def test_as_many_points_as_allowed_fit_in_a_run_file(tmp_path):
    r = rs(5)
    points = r.uniform(-1, 1, size=(MAX_DRAWN, 2))
    labels = (points[:, 0] > 0).astype(int)
    trainer = build(drawn_config(points, labels, batch_size=None, epochs=1))
    path = tmp_path / "many.npz"
    save_run(path, trainer)
    assert len(load_run(path).config.drawn["points"]) == MAX_DRAWN


def test_a_drawing_keeps_its_classes_names_and_refuses_bad_ones():
    points, labels = two_clusters(10)
    config = drawn_config(points, labels, drawn={"points": points.tolist(), "labels": labels.tolist(),
                                                 "names": ["left", "right"]}).validated()
    assert build(config).data.target_names == ["left", "right"]
    for names in (["only one"], ["a", 2], "ab"):
        with pytest.raises(ConfigError) as e:
            drawn_config(points, labels, drawn={"points": points.tolist(), "labels": labels.tolist(),
                                                "names": names}).validated()
        assert e.value.field == "drawn.names"
