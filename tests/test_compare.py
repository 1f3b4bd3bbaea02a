"""Comparing runs: the labels, the CSV, the headless overlay plot, and variants from the same weights."""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from PySide6 import QtGui

from app.main import main
from engine.compare import SAME, curves_csv, difference, labels, write_curves_csv
from engine.config import TrainConfig, build
from engine.savefile import save_run
from engine.validation import ConfigError
from engine.variants import build_variant, run_variant
from export_helpers import assert_refused, preset_config, trained


# --- labels ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, label", [
    ({"learning_rate": 0.1}, "lr 0.1"),
    ({"activations": ("relu", "tanh", "sigmoid")}, "tanh -> relu"),
    ({"activations": ("relu", "relu", "sigmoid")}, "tanh -> relu"),
    ({"activations": ("relu", "sigmoid", "sigmoid")}, "activations tanh,tanh,sigmoid -> relu,sigmoid,sigmoid"),
    ({"batch_size": None}, "batch 32 -> full"),
    ({"optimizer": "adam", "learning_rate": 0.01}, "sgd -> adam, lr 0.01"),
    ({"optimizer": "momentum", "momentum": 0.5}, "sgd -> momentum, momentum 0.5"),
    ({"momentum": 0.5}, SAME),  # SGD has no momentum: the change changes nothing
    ({"layers": (2, 32, 16, 1)}, "layers 2-16-16-1 -> 2-32-16-1"),
    ({"dtype": "float32", "seed": 2}, "float64 -> float32, seed 1 -> 2"),
    ({"dataset": "moons", "noise": 0.3}, "data circles -> moons, noise default -> 0.3"),
    ({"weight_decay": 0.001, "init": "he"}, "xavier -> he, weight decay 0.001"),
    ({}, SAME),
])
def test_difference_says_what_changed(changes, label):
    reference = preset_config("optimizers")
    assert difference(reference, reference.replace(**changes).validated()) == label


def test_labels_name_the_reference_and_tell_equal_runs_apart():
    reference = preset_config("optimizers")
    got = labels([reference, reference.replace(learning_rate=0.1), reference, reference.replace(learning_rate=0.1)])
    assert got == ["reference: 2-16-16-1 tanh, sgd lr 0.05, batch 32", "lr 0.1", SAME, "lr 0.1 (2)"]
    assert labels([]) == []


# --- CSV -------------------------------------------------------------------------------------------

def test_csv_has_a_column_per_run_and_split_and_blanks_where_a_run_has_no_value():
    text = curves_csv(["a", "lr 0.1, batch 32 -> full"],
                      [(np.array([0.5, 0.25, 0.125]), np.array([0.6, 0.3, 0.2])),
                       (np.array([0.4, np.inf]), np.empty(0))])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["epoch", "a train", "a test", "lr 0.1, batch 32 -> full train", "lr 0.1, batch 32 -> full test"]
    assert rows[1] == ["1", "0.5", "0.6", "0.4", ""]
    assert rows[2] == ["2", "0.25", "0.3", "", ""]  # inf is no loss to plot
    assert rows[3] == ["3", "0.125", "0.2", "", ""]
    assert len(rows) == 4


def test_csv_values_round_trip_exactly(tmp_path):
    values = np.array([0.1 + 0.2, 1e-300, 2.8128479681041483e-07])
    write_curves_csv(tmp_path / "c.csv", ["x"], [(values, np.empty(0))])
    rows = list(csv.reader(io.StringIO((tmp_path / "c.csv").read_text())))
    np.testing.assert_array_equal([float(r[1]) for r in rows[1:]], values)


# --- the command -------------------------------------------------------------------------------------

@pytest.fixture
def three_runs(tmp_path):
    paths = []
    for name, changes in (("sgd", {}), ("momentum", {"optimizer": "momentum"}), ("full", {"batch_size": None})):
        trainer, _ = trained("optimizers", epochs=6 if name != "full" else 4, **changes)
        save_run(tmp_path / f"{name}.npz", trainer)
        paths.append(str(tmp_path / f"{name}.npz"))
    return paths


def test_compare_writes_the_overlay_and_the_csv(tmp_path, capsys, three_runs, qapp):
    out_png, out_csv = tmp_path / "cmp.png", tmp_path / "cmp.csv"
    assert main(["compare", *three_runs, "--plot", str(out_png), "--csv", str(out_csv), "--width", "800"]) == 0
    out = capsys.readouterr().out
    assert "momentum.npz: sgd -> momentum" in out and "full.npz: batch 32 -> full, epochs 6 -> 4" in out
    rows = list(csv.reader(io.StringIO(out_csv.read_text())))
    assert len(rows) == 7 and rows[0][3] == "sgd -> momentum train"
    assert rows[4][5] != "" and rows[5][5] == "" and rows[6][1] != ""  # the 4-epoch run stops after 4 rows
    image = QtGui.QImage(str(out_png))
    assert (image.width(), image.height()) == (800, 480)
    colours = {image.pixelColor(x, y).name() for x in range(0, 800, 2) for y in range(0, 480, 2)}
    for run_colour in ("#1f77b4", "#ff7f0e", "#2ca02c"):  # one line colour per run was drawn
        assert run_colour in colours


@pytest.mark.parametrize("args, says", [
    (["a.npz"], "nothing to write: give --plot OUT.png and/or --csv OUT.csv"),
    (["a.npz", "--plot", "x.jpg"], "--plot 'x.jpg' is not allowed; expected a file name ending in .png or .svg"),
    (["a.npz", "--csv", "x.txt"], "--csv 'x.txt' is not allowed; expected a file name ending in .csv"),
    (["a.npz", "--csv", "x.csv", "--width", "12"], "--width '12' is not allowed; expected an integer in [200, 8000]"),
    (["a.npz", "missing.npz", "--csv", "x.csv"], "RUN 'missing.npz': no such file"),
    (["--csv", "x.csv"], "the following arguments are required: RUN.npz"),
])
def test_compare_bad_input_is_one_line_and_status_2(tmp_path, capsys, args, says):
    assert_refused("compare", args, says, tmp_path, capsys, run_name="a.npz")


# --- variants ------------------------------------------------------------------------------------------

def test_a_variant_starts_from_the_same_weights_and_differs_only_by_its_change():
    reference = preset_config("optimizers", epochs=5)
    base = build(reference)
    for changes in ({"learning_rate": 0.2}, {"optimizer": "adam"}, {"activations": ("relu", "relu", "sigmoid")},
                    {"batch_size": None}, {"dtype": "float32"}):
        variant = build_variant(reference, **changes)
        np.testing.assert_array_equal(variant.network.params, base.network.params.astype(variant.network.dtype))
        for k, v in changes.items():
            assert getattr(variant.config, k) == v
    # a change that draws the data differently would change the weights build() draws after it
    assert not np.array_equal(build(reference.replace(n_samples=200)).network.params, base.network.params)
    np.testing.assert_array_equal(build_variant(reference, n_samples=200).network.params, base.network.params)
    assert build_variant(reference, n_samples=200).data.n_train == 160


def test_a_variant_with_other_shapes_init_or_seed_draws_its_own_weights():
    reference = preset_config("optimizers")
    base = build(reference).network.params
    assert build_variant(reference, layers=(2, 8, 1), activations=("tanh", "sigmoid")).network.params.size != base.size
    assert not np.array_equal(build_variant(reference, seed=2).network.params, base)
    assert not np.array_equal(build_variant(reference, init="he").network.params, base)


def test_run_variant_trains_to_the_same_epoch_and_an_unchanged_variant_is_the_run_itself():
    reference = preset_config("optimizers", epochs=4)
    original = build(reference)
    original.run_epochs(4)
    same = run_variant(reference, 4, learning_rate=reference.learning_rate)
    np.testing.assert_array_equal(same.train_losses.view(), original.train_losses.view())
    faster = run_variant(reference, 4, learning_rate=0.5)
    assert faster.epoch == 4 and len(faster.train_losses) == 4
    assert faster.train_losses.view()[0] != original.train_losses.view()[0]
    stopped = run_variant(reference, 4, should_stop=lambda: True, learning_rate=0.5)
    assert stopped.steps == 1


def test_variant_changes_are_checked():
    reference = preset_config("optimizers")
    with pytest.raises(ConfigError, match="changes: 'lerning_rate' is not allowed"):
        build_variant(reference, lerning_rate=0.1)
    with pytest.raises(ConfigError, match="learning_rate: -1.0 is not allowed"):
        build_variant(reference, learning_rate=-1.0)
    with pytest.raises(ConfigError, match="at least one TrainConfig field"):
        build_variant(reference)


# --- the lesson -------------------------------------------------------------------------------------------

def test_the_optimizers_lesson_sgd_stalls_momentum_and_adam_do_not():
    """What the preset's description promises, epoch 30 and the end of the 100 epochs."""
    reference = preset_config("optimizers")
    results = {}
    for name, changes in (("sgd", {}), ("momentum", {"optimizer": "momentum"}),
                          ("adam", {"optimizer": "adam", "learning_rate": 0.01})):
        trainer = build_variant(reference, **changes) if changes else build(reference)
        first = trainer.evaluate()["train_loss"]
        trainer.run_epochs(30)
        at_30 = trainer.evaluate()["train_loss"]
        trainer.run_epochs(70)
        results[name] = (first, at_30, trainer.evaluate()["train_loss"])
    sgd, momentum, adam = results["sgd"], results["momentum"], results["adam"]
    assert sgd[1] > 0.9 * sgd[0]  # the plateau: under 10% down after 30 epochs
    assert momentum[1] < 0.2 * momentum[0] and adam[1] < 0.2 * adam[0]
    assert adam[2] < momentum[2] < sgd[2]
