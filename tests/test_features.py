"""Input features of 2-D datasets: the table, the config field and its checks, the dataset's raw points,
run files, the CLI flag and the "Features instead of depth" preset."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import resources
from app.main import main
from engine.config import TrainConfig, build
from engine.datasets import make_dataset, with_features
from engine.features import FEATURE_LIST, FEATURE_NAMES, apply_features
from engine.savefile import load_run, save_run
from engine.validation import ConfigError


def circles(**changes) -> TrainConfig:
    base = TrainConfig(layers=(2, 1), activations=("sigmoid",), loss="bce", optimizer="adam", learning_rate=0.03,
                       init="xavier", dataset="circles", batch_size=32, epochs=5, seed=1)
    return base.replace(**changes)


def test_each_feature_is_its_formula_of_x1_and_x2():
    P = np.array([[0.5, -2.0, 0.0], [3.0, 0.25, -1.0]])
    x1, x2 = P
    expected = {"x1": x1, "x2": x2, "x1^2": x1 ** 2, "x2^2": x2 ** 2, "x1*x2": x1 * x2,
                "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    assert FEATURE_NAMES == tuple(expected)
    out = apply_features(FEATURE_NAMES, P)
    assert out.shape == (7, 3)
    for row, name in zip(out, FEATURE_NAMES):
        np.testing.assert_array_equal(row, expected[name])
    assert apply_features((), P) is not None and np.array_equal(apply_features((), P), P)


@pytest.mark.parametrize("value, normalised", [(None, ()), ([], ()), ("", ()), (["x2", "x1"], ("x1", "x2")),
                                               ("x1^2, x2^2,x1", ("x1", "x1^2", "x2^2"))])
def test_a_feature_list_is_a_set_in_the_tables_order(value, normalised):
    assert FEATURE_LIST.check("features", value) == normalised


@pytest.mark.parametrize("value, bad, allowed", [(["x1", "x3"], "x3", "one of x1, x2, x1^2"),
                                                 (["x1", "x2", "x1"], "x1", "each feature at most once"),
                                                 (3, 3, "a list of distinct input features")])
def test_a_bad_feature_list_names_the_field_the_value_and_what_is_allowed(value, bad, allowed):
    with pytest.raises(ConfigError) as e:
        circles(features=value).validated()
    assert e.value.field == "features" and e.value.value == bad and allowed in e.value.allowed


@pytest.mark.parametrize("dataset, n", [("iris", 4), ("digits", 64), ("sine", 1), ("tutorial", 5)])
def test_features_on_a_dataset_that_is_not_2d_are_refused_before_anything_is_drawn(dataset, n):
    with pytest.raises(ConfigError) as e:
        TrainConfig(dataset=dataset, features=("x1",)).validated()
    assert e.value.field == "features" and f"dataset '{dataset}'" in str(e.value) and f"it has {n}" in str(e.value)


def test_features_on_a_csv_file_that_is_not_2d_are_refused_when_it_is_read(tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n" + "".join(f"{i},{i % 3},{i % 5},{i % 2}\n" for i in range(20)))
    config = TrainConfig(layers=(3, 1), activations=("sigmoid",), loss="bce", dataset="csv", csv_path=str(path),
                         csv_target="y", features=("x1^2",))
    with pytest.raises(ConfigError, match="features.*it has 3"):
        build(config, fit_io=True)


def test_the_input_layer_follows_the_features_and_the_raw_points_are_kept():
    plain = build(circles(), fit_io=True)
    featured = build(circles(features=("x1", "x2", "x1^2", "x2^2", "x1*x2")), fit_io=True)
    assert plain.network.sizes == (2, 1) and featured.network.sizes == (5, 1)
    d, raw = featured.data, plain.data
    assert d.features == ("x1", "x2", "x1^2", "x2^2", "x1*x2") and d.feature_names == list(d.features)
    assert d.n_features == 5 and d.n_raw_features == 2 == raw.n_raw_features
    # the same points (the same draws), only what the network sees differs
    np.testing.assert_array_equal(d.plane_X_train, raw.X_train)
    np.testing.assert_array_equal(d.plane_X_test, raw.X_test)
    np.testing.assert_array_equal(d.X_train[2], raw.X_train[0] ** 2)
    np.testing.assert_array_equal(d.inputs(raw.X_test), d.X_test)  # what a view calls on its grid


def test_without_fit_io_a_network_that_does_not_take_the_features_is_an_error_naming_both():
    with pytest.raises(ConfigError, match=r"layers.*3 inputs"):
        build(circles(features=("x1", "x1^2", "x2^2")))


def test_switching_features_on_a_dataset_replaces_them_and_keeps_the_points():
    d = make_dataset("moons", rng=np.random.RandomState(0))
    on = with_features(d, ["sin(x1)", "x1*x2"])
    other = with_features(on, ["x2^2"])
    off = with_features(other, None)
    assert on.n_features == 2 and other.n_features == 1 and other.features == ("x2^2",)
    np.testing.assert_array_equal(other.X_train[0], d.X_train[1] ** 2)
    np.testing.assert_array_equal(off.X_train, d.X_train)
    assert off.features == () and off.raw_X_train is None


def test_features_round_trip_through_a_run_file_and_the_run_continues_exactly(tmp_path):
    config = circles(features=("x1^2", "x2^2", "sin(x1)"), epochs=6)
    path = tmp_path / "run.npz"
    first = build(config, fit_io=True)
    first.run_epochs(3)
    save_run(path, first)
    loaded = load_run(path)
    assert loaded.config == first.config and loaded.config.features == ("x1^2", "x2^2", "sin(x1)")
    assert loaded.data.features == first.data.features and loaded.network.sizes == (3, 1)
    np.testing.assert_array_equal(loaded.data.plane_X_train, first.data.plane_X_train)
    np.testing.assert_array_equal(loaded.data.X_test, first.data.X_test)
    loaded.run_epochs(3)
    unbroken = build(config, fit_io=True)
    unbroken.run_epochs(6)
    np.testing.assert_array_equal(loaded.network.params, unbroken.network.params)
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config.validated()


def test_a_run_file_whose_inputs_are_not_the_features_of_its_points_is_refused(tmp_path):
    trainer = build(circles(features=("x1^2", "x2^2")), fit_io=True)
    trainer.data.X_train[0, 0] += 1.0  # as a damaged or hand-made file would hold it
    path = tmp_path / "bad.npz"
    save_run(path, trainer)
    with pytest.raises(ConfigError, match="X_train is not the features"):
        load_run(path)


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["train", *args, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else {"stderr": err})


def test_the_cli_flag_sets_the_features_and_the_input_size(capsys):
    code, r = run_json(capsys, "--preset", "circles", "--features", "x1,x2,x1^2", "--epochs", "2")
    assert code == 0 and r["config"]["features"] == ["x1", "x2", "x1^2"] and r["config"]["layers"][0] == 3
    code, r = run_json(capsys, "--preset", "features", "--features", "none", "--epochs", "2")
    assert code == 0 and r["config"]["features"] == [] and r["config"]["layers"][0] == 2


@pytest.mark.parametrize("args, says", [
    (["--preset", "circles", "--features", "x1,cos(x1)"],
     "--features 'x1,cos(x1)': 'cos(x1)' is not allowed; expected one of x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)"),
    (["--preset", "iris", "--features", "x1"], "--features 'x1' is not allowed; expected no features with dataset 'iris'"),
])
def test_the_cli_refuses_bad_features_in_one_line_naming_the_flag(capsys, args, says):
    assert main(["train", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_features_cannot_change_a_loaded_run(capsys, tmp_path):
    path = tmp_path / "run.npz"
    assert main(["train", "--preset", "features", "--epochs", "1", "--save", str(path), "--quiet"]) == 0
    assert main(["train", "--load", str(path), "--features", "x1"]) == 2
    assert "--features 'x1' cannot be used with --load" in capsys.readouterr().err


def accuracy_of(config: TrainConfig) -> float:
    trainer = build(config, fit_io=True)
    trainer.run_epochs(config.epochs)
    return float(trainer.test_accuracy.view()[-1])


def test_features_instead_of_depth_learns_circles_with_no_hidden_layer_only_with_the_squares():
    preset = resources.load_preset("features")
    assert preset["title"] == "Features instead of depth"
    config = TrainConfig.from_dict(preset["config"])
    assert len(config.layers) == 2 and config.dataset == "circles"  # no hidden layer
    assert {"x1^2", "x2^2"} <= set(config.features)
    assert accuracy_of(config) >= 0.97
    assert accuracy_of(config.replace(features=())) <= 0.7  # a straight line cannot split a disk from a ring
    assert accuracy_of(config.replace(features=("x1", "x2", "x1*x2"))) <= 0.7  # the squares do it, not any feature


def test_a_run_file_with_features_but_without_the_raw_points_is_refused(tmp_path):
    trainer = build(circles(features=("x1^2", "x2^2")), fit_io=True)
    path = tmp_path / "run.npz"
    save_run(path, trainer)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist() if n != "raw_X_test.npy"}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(ConfigError, match="raw_X_test is missing"):
        load_run(path)
