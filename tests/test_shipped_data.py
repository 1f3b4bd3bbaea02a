"""The shipped real datasets (UCI Iris, UCI handwritten digits 8x8): the files, the registry, the presets."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import resources
from app.main import main
from conftest import ROOT
from engine.config import TrainConfig, build
from engine.datasets import make_dataset
from engine.savefile import SaveFileError, load_run, save_run
from engine.shipped_data import read_shipped
from engine.validation import ConfigError


def rs(seed=0):
    return np.random.RandomState(seed)


def test_the_files_hold_the_uci_data_as_documented():
    iris, digits = read_shipped("iris"), read_shipped("digits")
    assert iris.X.shape == (4, 150) and np.bincount(iris.labels).tolist() == [50, 50, 50]
    assert iris.feature_names[0] == "sepal length (cm)" and iris.target_names == ["setosa", "versicolor", "virginica"]
    # samples 35 and 38 (1-based) as in Fisher's paper, not the two errata of UCI's iris.data
    np.testing.assert_array_equal(iris.X[:, 34], [4.9, 3.1, 1.5, 0.2])
    np.testing.assert_array_equal(iris.X[:, 37], [4.9, 3.6, 1.4, 0.1])
    assert digits.X.shape == (64, 1797) and digits.image_shape == (8, 8)
    assert digits.X.min() == 0 and digits.X.max() == 16 and np.all(digits.X == np.round(digits.X))
    assert np.bincount(digits.labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert digits.target_names == [str(d) for d in range(10)] and digits.feature_names[9] == "pixel_1_1"
    readme = resources.path("data", "README.md").read_text()
    assert readme.count("CC BY 4.0") >= 2 and "10.24432/C56C76" in readme and "10.24432/C50P49" in readme


def test_iris_is_split_by_the_seed_and_standardised_on_the_training_split():
    d = make_dataset("iris", rng=rs(3), test_fraction=0.2, loss="cce")
    assert (d.n_train, d.n_test, d.n_classes, d.task) == (120, 30, 3, "classification")
    np.testing.assert_allclose(d.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=1), 1, rtol=1e-12)
    assert not np.allclose(d.X_test.mean(axis=1), 0, atol=1e-3)  # the test split's own stats are not used
    assert d.Y_train.shape == (3, 120) and np.array_equal(d.Y_train.argmax(axis=0), d.labels_train)
    assert d.target_names == ["setosa", "versicolor", "virginica"] and len(d.feature_names) == 4
    assert d.image_shape is None
    again, other = make_dataset("iris", rng=rs(3), loss="cce"), make_dataset("iris", rng=rs(4), loss="cce")
    np.testing.assert_array_equal(again.X_train, d.X_train)
    assert not np.array_equal(other.labels_test, d.labels_test)
    # each flower lands in exactly one split, its class kept: the species' counts add up
    assert (np.bincount(d.labels_train, minlength=3) + np.bincount(d.labels_test, minlength=3)).tolist() == [50] * 3


def test_digits_are_scaled_to_unit_range_and_carry_their_image_shape():
    d = make_dataset("digits", rng=rs(0), loss="cce")
    assert (d.n_features, d.n_train + d.n_test, d.n_classes) == (64, 1797, 10)
    whole = np.hstack([d.X_train, d.X_test])
    assert whole.min() == 0.0 and whole.max() == 1.0
    assert set(np.unique(whole * 16)) <= set(range(17))
    assert d.image_shape == (8, 8) and d.target_names[7] == "7"


def test_a_bad_test_fraction_is_refused_for_a_shipped_dataset_too():
    with pytest.raises(ConfigError, match="test_fraction"):
        make_dataset("iris", rng=rs(), test_fraction=0.95)


def test_the_engine_finds_the_data_without_importing_the_app_or_qt():
    code = ("import sys\nfrom engine.datasets import make_dataset\nimport numpy as np\n"
            "d = make_dataset('digits', rng=np.random.RandomState(0))\n"
            "print(d.n_features, sorted({m.split('.')[0] for m in sys.modules} & {'app', 'ui', 'PySide6'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["64", "[]"]


@pytest.mark.parametrize("preset, layers, floor", [("iris", [4, 8, 3], 0.93), ("digits", [64, 32, 10], 0.95)])
def test_the_presets_reach_their_test_accuracy_on_the_command_line(capsys, preset, layers, floor):
    assert main(["train", "--preset", preset, "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["config"]["layers"] == layers and r["config"]["activations"][-1] == "softmax"
    assert r["config"]["loss"] == "cce"
    assert r["test_accuracy"] >= floor


def test_the_presets_describe_themselves():
    for name in ("iris", "digits"):
        p = resources.load_preset(name)
        assert p["name"] == name and len(p["description"]) > 100 and "UCI" in p["description"]
        assert TrainConfig.from_dict(p["config"]).dataset == name


def test_a_digits_network_has_one_8x8_tile_per_hidden_unit():
    trainer = build(TrainConfig.from_dict(resources.load_preset("digits")["config"]).replace(epochs=1))
    w1 = trainer.network.weights[0]
    tiles = w1.reshape((w1.shape[0],) + trainer.data.image_shape)
    assert tiles.shape == (32, 8, 8)
    np.testing.assert_array_equal(tiles[5, 2], w1[5, 16:24])  # row 2 of unit 5's tile: pixels 16..23


def _rewrite_header(path, change) -> None:
    """Apply change(header dict) to the run file's JSON header, in place."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
    change(header)
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(json.dumps(header).encode(), np.uint8))
    members["header.npy"] = buf.getvalue()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_a_digits_run_file_keeps_the_image_shape_and_refuses_a_wrong_one(tmp_path):
    trainer = build(TrainConfig.from_dict(resources.load_preset("digits")["config"]))
    trainer.run_epochs(1)
    path = tmp_path / "digits.npz"
    save_run(path, trainer)
    loaded = load_run(path)
    assert loaded.data.image_shape == (8, 8) and loaded.data.target_names == trainer.data.target_names
    np.testing.assert_array_equal(loaded.data.X_test, trainer.data.X_test)
    _rewrite_header(path, lambda h: h["dataset"].pop("image_shape"))  # as a file from before shipped images
    assert load_run(path).data.image_shape is None
    _rewrite_header(path, lambda h: h["dataset"].update(image_shape=[8, 7]))
    with pytest.raises(SaveFileError, match=r"dataset.image_shape is \[8, 7\]; expected null or \[rows, cols\]"):
        load_run(path)
