"""NumPy script export: the script runs on its own and agrees with the engine; with --training it
retrains the run from the seed and ends at the engine's loss and weights bit for bit."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from app.main import main
from conftest import REFERENCE
from engine.config import TrainConfig, build
from engine.features import FEATURE_NAMES
from engine.savefile import load_run, save_run
from engine.script_export import write_script
from export_helpers import trained

REF = json.loads(REFERENCE.read_text())


def run_script(path) -> str:
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300,
                         cwd=path.parent.parent)  # not the script's folder: it finds its weights itself
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # no warnings either
    return out.stdout


def printed(stdout: str, what: str) -> float:
    return float(re.search(rf"{what} is (\S+)", stdout).group(1))


def check_bit_for_bit(trainer, first: float, tmp_path, name="model") -> str:
    script, weights = write_script(tmp_path / f"{name}.py", trainer, training=True)
    out = run_script(script)
    # repr round-trips a float exactly: equal text is equal bits
    assert printed(out, "loss before training") == first
    assert printed(out, "loss after training") == trainer.evaluate()["train_loss"]
    assert "final weights equal the engine's: True" in out
    return out


@pytest.mark.parametrize("name, epochs", [("tutorial", None), ("xor", None), ("spiral", 8)])
def test_training_script_reproduces_the_preset_run_bit_for_bit(tmp_path, name, epochs):
    trainer, first = trained(name, epochs)
    check_bit_for_bit(trainer, first, tmp_path)
    if name == "tutorial":
        assert first == pytest.approx(REF["loss_at_epoch"]["1"], rel=1e-12)
        assert trainer.evaluate()["train_loss"] == pytest.approx(REF["loss_after_training"], rel=1e-9)


@pytest.mark.parametrize("name, changes", [
    ("blobs", {"dtype": "float32"}),  # softmax + cce, three classes, float32
    ("sine", {"optimizer": "momentum", "weight_decay": 0.01, "init": "he"}),  # regression, linear output
    ("moons", {"optimizer": "sgd", "activations": ("relu", "relu", "sigmoid"), "dtype": "float32"}),
    ("circles", {"optimizer": "adam", "weight_decay": 0.001, "dtype": "float32"}),
    ("blobs", {"loss": "mse", "batch_size": None}),  # softmax's own backward, the full batch unshuffled
    ("xor_no_hidden", {"dtype": "float32", "optimizer": "momentum"}),  # one weight layer
    ("lr_too_high", {}),  # diverges: the script stops where the engine kept its last finite weights
])
def test_training_script_bit_for_bit_across_losses_optimizers_and_dtypes(tmp_path, name, changes):
    trainer, first = trained(name, epochs=4 if name != "lr_too_high" else 30, **changes)
    check_bit_for_bit(trainer, first, tmp_path)


# runs that saturate: past |z| ~ 37 sigmoid (and softmax) round to exactly 0 or 1, where a loss of clipped
# probabilities goes flat; the engine's loss comes from the logits, and so must the scripts'
SATURATED = {"xor-bce-sgd": ("xor", {"optimizer": "sgd", "learning_rate": 30.0}),
             "blobs-cce-adam": ("blobs", {"optimizer": "adam", "learning_rate": 3.0})}


@pytest.mark.parametrize("case", SATURATED)
def test_scripts_compute_a_saturated_cross_entropy_from_the_logits(tmp_path, case):
    name, changes = SATURATED[case]
    trainer, first = trained(name, epochs=4, **changes)
    _, zs, _ = trainer.network.forward(trainer.data.X_train, trace=True)
    assert np.abs(zs[-1]).max() > 100  # the case is what it says: the outputs are saturated
    check_bit_for_bit(trainer, first, tmp_path)
    script, _ = write_script(tmp_path / "predict.py", trainer)
    assert printed(run_script(script), r"loss on the \d+ training samples") == trainer.evaluate()["train_loss"]


@pytest.mark.parametrize("name, changes", [
    ("iris", {}), ("digits", {"dtype": "float32"}),  # shipped files: the split travels in the weights file
    ("features", {"features": FEATURE_NAMES, "layers": (len(FEATURE_NAMES), 1)}),  # every feature, in the script
    ("features", {"features": ("x1*x2", "sin(x2)"), "layers": (2, 1), "dtype": "float32"}),
])
def test_training_script_for_shipped_data_and_input_features(tmp_path, name, changes):
    trainer, first = trained(name, epochs=2, **changes)
    out = check_bit_for_bit(trainer, first, tmp_path)
    assert ("weights file" in write_script(tmp_path / "m.py", trainer, training=True)[0].read_text()) == \
        (name != "features")  # generated data are drawn in the script, not carried
    assert out.count("epoch ") == 2


def test_training_script_on_drawn_points(tmp_path):
    r = np.random.RandomState(0)
    labels = np.arange(30) % 2
    points = np.column_stack([np.where(labels == 1, 0.5, -0.5), np.zeros(30)]) + 0.1 * r.normal(size=(30, 2))
    config = TrainConfig(layers=(3, 4, 1), activations=("tanh", "sigmoid"), loss="bce", optimizer="momentum",
                         learning_rate=0.05, init="he", dataset="drawn", batch_size=8, epochs=3, seed=4,
                         features=("x1", "x2", "x1*x2"),
                         drawn={"points": points.tolist(), "labels": labels.tolist()})
    trainer = build(config)
    first = trainer.evaluate()["train_loss"]
    trainer.run_epochs(3)
    check_bit_for_bit(trainer, first, tmp_path)


def test_training_script_of_regenerated_data_trains_on_the_data_seeds_points(tmp_path):
    trainer, first = trained("moons", epochs=2, data_seed=99)  # Regenerate: the data from a seed of its own
    assert not np.array_equal(trainer.data.X_train, trained("moons", epochs=0)[0].data.X_train)
    check_bit_for_bit(trainer, first, tmp_path)
    assert "data seed 99" in write_script(tmp_path / "m.py", trainer, training=True)[0].read_text()


def test_training_script_from_a_run_saved_mid_epoch_via_the_cli(tmp_path, capsys):
    trainer, first = trained("xor", epochs=0)
    trainer.run_for(60, max_steps=23)  # 2 epochs of 10 steps and 3 of the third
    save_run(tmp_path / "run.npz", trainer)
    assert main(["export", str(tmp_path / "run.npz"), str(tmp_path / "model.py"), "--training"]) == 0
    assert "model_weights.npz" in capsys.readouterr().out
    out = run_script(tmp_path / "model.py")
    assert printed(out, "loss after training") == load_run(tmp_path / "run.npz").evaluate()["train_loss"]
    assert printed(out, "loss before training") == first


def test_training_script_on_a_csv_dataset(tmp_path):
    rs = np.random.RandomState(0)
    X = rs.normal(size=(60, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    np.savetxt(tmp_path / "d.csv", np.column_stack([X, y]), delimiter=",", header="a,b,c,y", comments="")
    config = TrainConfig(layers=(3, 4, 1), activations=("tanh", "sigmoid"), loss="bce", optimizer="adam",
                         learning_rate=0.05, init="xavier", dataset="csv", csv_path=str(tmp_path / "d.csv"),
                         csv_target="y", batch_size=16, epochs=5, seed=3)
    trainer = build(config)
    first = trainer.evaluate()["train_loss"]
    trainer.run_epochs(5)
    check_bit_for_bit(trainer, first, tmp_path)


def test_prediction_script_prints_the_engines_predictions_and_loss(tmp_path):
    trainer, _ = trained("blobs", epochs=5)
    script, weights = write_script(tmp_path / "model.py", trainer)
    assert weights.name == "model_weights.npz"
    out = run_script(script)
    assert printed(out, r"loss on the \d+ training samples") == trainer.evaluate()["train_loss"]
    shown = re.findall(r"sample (\d+): y_hat \[([^]]*)\]  y \[([^]]*)\]", out)
    assert [int(i) for i, _, _ in shown] == list(range(1, 11))
    y_hat = np.array([[float(v) for v in p.split()] for _, p, _ in shown]).T
    y = np.array([[float(v) for v in t.split()] for _, _, t in shown]).T
    np.testing.assert_allclose(y_hat, trainer.network.forward(trainer.data.X_train)[:, :10], atol=1e-6)
    np.testing.assert_array_equal(y, trainer.data.Y_train[:, :10])


@pytest.mark.parametrize("training", [False, True])
def test_scripts_need_only_numpy_and_use_the_tutorials_names(tmp_path, training):
    trainer, _ = trained("spiral", epochs=1)
    script, _ = write_script(tmp_path / "model.py", trainer, training=training)
    text = script.read_text()
    imported = {a.name.split(".")[0] for node in ast.walk(ast.parse(text))
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for a in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module)])}
    assert imported == {"numpy", "pathlib"}
    for line in ("in_hidden_1 = w1.dot(x) + b1", "in_output_layer = w5.dot(out_hidden_4) + b5",
                 "y_hat = softmax(in_output_layer)"):
        assert line in text
    if training:
        assert "error_grad_upto_H4 = w5.T.dot(error_grad_upto_I_OL)" in text and "grad_w1 = " in text
