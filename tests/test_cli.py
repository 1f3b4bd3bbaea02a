"""The ``backprop-lab`` console script: headless train and gradcheck, exit statuses, one-line errors."""
from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import resources
from app import cli, progress
from app.main import main
from conftest import REFERENCE, ROOT
from engine.history import GrowingArray
from engine.savefile import load_run

REF = json.loads(REFERENCE.read_text())
PRESETS = resources.preset_names()


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main(["train", *args, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out)  # the whole of stdout is one JSON object


# --- train ------------------------------------------------------------------------------------------

def test_tutorial_json_matches_the_tutorials_figures(capsys):
    code, r = run_json(capsys, "--preset", "tutorial")
    assert code == 0 and r["status"] == "done"
    assert r["epochs"] == 10_000 and r["steps"] == 10_000
    assert r["loss_first"] == pytest.approx(REF["loss_at_epoch"]["1"], rel=1e-9)
    assert r["loss_final"] == pytest.approx(REF["loss_after_training"], rel=1e-9)
    assert r["test_loss_final"] is None and r["accuracy"] is None and r["train_accuracy"] is None
    assert r["config"]["layers"] == [5, 3, 5, 4] and r["config"]["activations"][0] == "leaky_relu:0.1"
    assert r["steps_per_second"] > 0 and r["seconds"] > 0


def test_the_default_is_the_tutorial_and_the_summary_is_human(capsys):
    assert main(["train", "--epochs", "3"]) == 0
    out, err = capsys.readouterr()
    assert "5-3-5-4" in out and "3 epochs" in out and f"{REF['loss_at_epoch']['1']:.6g}" in out
    assert err == ""  # stderr is not a terminal here: no progress bar


def test_flag_overrides_reach_the_engine(capsys):
    args = ["--epochs", "4", "--optimizer", "momentum", "--momentum", "0.5", "--weight-decay", "0.01",
            "--init", "xavier", "--dtype", "float32", "--seed", "7", "--batch-size", "full"]
    _, slow = run_json(capsys, *args, "--lr", "0.01")
    _, fast = run_json(capsys, *args, "--lr", "0.5")
    c = fast["config"]
    assert (c["learning_rate"], c["optimizer"], c["momentum"], c["weight_decay"]) == (0.5, "momentum", 0.5, 0.01)
    assert (c["init"], c["dtype"], c["seed"], c["batch_size"], c["epochs"]) == ("xavier", "float32", 7, None, 4)
    assert fast["loss_first"] == slow["loss_first"] != pytest.approx(REF["loss_at_epoch"]["1"])  # seed 7
    assert fast["loss_final"] < slow["loss_final"]  # the larger step really was taken


@pytest.mark.parametrize("name", [p for p in PRESETS if p != "tutorial"])
def test_every_preset_trains_a_few_epochs(capsys, name):
    code, r = run_json(capsys, "--preset", name, "--epochs", "2")
    preset = resources.load_preset(name)["config"]
    assert code == 0 and r["status"] == "done" and r["epochs"] == 2
    assert r["config"]["dataset"] == preset["dataset"] and r["config"]["layers"] == preset["layers"]
    assert math.isfinite(r["loss_final"]) and r["test_loss_final"] is not None
    if r["train_accuracy"] is not None:
        assert r["accuracy"] == r["test_accuracy"] is not None  # the test set's, when there is one


def test_a_dataset_alone_starts_from_its_preset_and_sizes_follow_the_data(capsys):
    _, r = run_json(capsys, "--dataset", "moons", "--epochs", "1")
    assert r["config"]["layers"] == resources.load_preset("moons")["config"]["layers"]
    _, r = run_json(capsys, "--preset", "tutorial", "--dataset", "blobs", "--epochs", "1")
    assert r["config"]["layers"] == [2, 3, 5, 3]  # the tutorial's hidden layers, blobs' inputs and classes
    _, r = run_json(capsys, "--preset", "xor", "--layers", "2,4,4,1", "--epochs", "1")
    assert r["config"]["activations"] == ["tanh", "tanh", "sigmoid"]  # deeper: the hidden one repeats


def test_a_csv_file_trains_with_its_own_sizes(capsys, tmp_path):
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(40, 3))
    rows = "\n".join(f"{a:.4f},{b:.4f},{c:.4f},{int(a + b > 0)}" for a, b, c in X)
    (tmp_path / "d.csv").write_text("a,b,c,label\n" + rows + "\n")
    code, r = run_json(capsys, "--csv", str(tmp_path / "d.csv"), "--target", "label", "--epochs", "2")
    assert code == 0 and r["config"]["dataset"] == "csv" and r["config"]["layers"][0] == 3


def test_zero_epochs_changes_nothing(capsys):
    code, r = run_json(capsys, "--epochs", "0")
    assert code == 0 and r["epochs"] == 0 and r["loss_final"] == r["loss_first"]


def test_divergence_exits_1_and_says_so(capsys):
    code, r = run_json(capsys, "--preset", "sine", "--optimizer", "sgd", "--lr", "100", "--epochs", "50")
    assert code == 1 and r["status"] == "diverged" and "diverged" in r["message"]
    assert r["epochs"] < 50
    assert main(["train", "--preset", "sine", "--optimizer", "sgd", "--lr", "100", "--epochs", "50"]) == 1
    out, _ = capsys.readouterr()
    assert "diverged" in out and "lower the learning rate" in out


# --- bad input: one line naming the flag and the value, status 2 ------------------------------------

BAD = [
    (["--lr", "abc"], "--lr", "abc"), (["--lr", "-1"], "--lr", "-1"), (["--lr", "nan"], "--lr", "nan"),
    (["--layers", "5,,4"], "--layers", "5,,4"), (["--layers", "0,3"], "--layers", "0,3"),
    (["--layers", "5"], "--layers", "5"), (["--activations", "foo"], "--activations", "foo"),
    (["--activations", "leaky_relu:2"], "--activations", "leaky_relu:2"),
    (["--batch-size", "0"], "--batch-size", "0"), (["--batch-size", "1.5"], "--batch-size", "1.5"),
    (["--epochs", "-3"], "--epochs", "-3"), (["--test-fraction", "1.5"], "--test-fraction", "1.5"),
    (["--preset", "nope"], "--preset", "nope"), (["--dataset", "nope"], "--dataset", "nope"),
    (["--loss", "hinge"], "--loss", "hinge"), (["--optimizer", "rmsprop"], "--optimizer", "rmsprop"),
    (["--init", "zeros"], "--init", "zeros"), (["--dtype", "float16"], "--dtype", "float16"),
    (["--momentum", "1"], "--momentum", "1"), (["--beta1", "2"], "--beta1", "2"),
    (["--beta2", "-0.1"], "--beta2", "-0.1"), (["--weight-decay", "11"], "--weight-decay", "11"),
    (["--noise", "3"], "--noise", "3"), (["--samples", "2"], "--samples", "2"), (["--seed", "-1"], "--seed", "-1"),
    (["--csv", "/no/such.csv", "--target", "0"], "--csv", "/no/such.csv"),
    (["--layers", "5,3,1", "--dataset", "xor"], "--layers", "2 inputs and 1 outputs"),  # names the sizes
    (["--preset", "moons", "--samples", "10"], "--batch-size", "32"),  # the preset's batch > 8 samples
    (["--loss", "cce"], "--loss", "cce"),
    (["--frobnicate"], "--frobnicate", "unrecognized"), (["--lr"], "--lr", "expected one argument"),
]


@pytest.mark.parametrize("args,flag,value", BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_input_is_one_line_naming_flag_and_value(capsys, args, flag, value):
    assert main(["train", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert flag in err and value in err, err


def test_csv_errors_point_at_the_line(capsys, tmp_path):
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n3,x\n")
    assert main(["train", "--csv", str(tmp_path / "bad.csv"), "--target", "b"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--csv" in err and "line 3" in err and "'x'" in err


def test_a_corrupt_run_file_is_bad_input(capsys, tmp_path):
    (tmp_path / "run.npz").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["train", "--load", str(tmp_path / "run.npz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--load" in err and "run.npz" in err


def test_save_into_a_missing_folder_is_refused_before_training(capsys, tmp_path):
    assert main(["train", "--save", str(tmp_path / "no" / "run.npz")]) == 2
    assert "--save" in capsys.readouterr().err


def test_an_unexpected_exception_is_one_internal_error_line(capsys, monkeypatch):
    monkeypatch.delenv("BACKPROP_LAB_DEBUG", raising=False)
    monkeypatch.setattr(cli, "build", lambda *a, **k: 1 / 0)
    assert main(["train"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("backprop-lab: internal error: ZeroDivisionError") and err.count("\n") == 1


# --- --load / --save ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def half_run(tmp_path_factory):
    """xor (mini-batches, shuffling, Adam state) saved after 20 of 40 epochs."""
    path = tmp_path_factory.mktemp("runs") / "half.npz"
    assert main(["train", "--preset", "xor", "--epochs", "20", "--save", str(path), "--quiet"]) == 0
    return path


def test_twenty_plus_twenty_equals_forty(capsys, tmp_path, half_run):
    _, straight = run_json(capsys, "--preset", "xor", "--epochs", "40", "--save", str(tmp_path / "40.npz"))
    _, resumed = run_json(capsys, "--load", str(half_run), "--epochs", "20", "--save", str(tmp_path / "20+20.npz"))
    assert resumed["epochs"] == straight["epochs"] == 40 and resumed["steps"] == straight["steps"]
    assert resumed["loss_final"] == straight["loss_final"]
    assert resumed["loss_first"] == load_run(half_run).evaluate()["train_loss"]
    a, b = load_run(tmp_path / "40.npz"), load_run(tmp_path / "20+20.npz")
    assert np.array_equal(a.network.params, b.network.params)
    assert all(np.array_equal(v, b.optimizer.state()[k]) for k, v in a.optimizer.state().items())


def test_hyperparameters_apply_to_a_loaded_run(capsys, tmp_path, half_run):
    code, r = run_json(capsys, "--load", str(half_run), "--lr", "0.001", "--epochs", "1",
                       "--save", str(tmp_path / "slow.npz"))
    assert code == 0 and r["config"]["learning_rate"] == 0.001 and r["epochs"] == 21
    assert load_run(tmp_path / "slow.npz").optimizer.learning_rate == 0.001


def test_without_epochs_a_loaded_run_goes_up_to_its_own_count(capsys, half_run):
    _, r = run_json(capsys, "--load", str(half_run))
    assert r["epochs"] == 20 and r["epochs_run"] == 0  # it was saved with --epochs 20: nothing left


@pytest.mark.parametrize("args", [["--layers", "2,4,1"], ["--seed", "3"], ["--dataset", "moons"],
                                  ["--activations", "relu,sigmoid"], ["--preset", "xor"]])
def test_load_refuses_flags_that_change_shapes_or_data(capsys, half_run, args):
    assert main(["train", "--load", str(half_run), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and args[0] in err and "--load" in err


def test_load_refuses_a_hyperparameter_its_optimizer_lacks(capsys, half_run):
    assert main(["train", "--load", str(half_run), "--momentum", "0.5"]) == 2  # xor trains with Adam
    err = capsys.readouterr().err
    assert "--momentum" in err and "adam" in err


# --- gradcheck ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_gradcheck_prints_every_array_and_passes_on_presets(capsys, name):
    code = main(["gradcheck", "--preset", name])
    out = capsys.readouterr().out
    n_weight_layers = len(resources.load_preset(name)["config"]["layers"]) - 1
    for l in range(1, n_weight_layers + 1):
        assert f" w{l} " in out and f" b{l} " in out
    assert f" w{n_weight_layers + 1} " not in out
    assert code == 0 and "passed" in out and "FAIL" not in out


def test_gradcheck_json_and_failure(capsys, monkeypatch):
    assert main(["gradcheck", "--preset", "xor", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert set(r["errors"]) == {"w1", "b1", "w2", "b2"} and r["passed"] and r["samples"] == 16
    monkeypatch.setattr(cli, "gradient_check", lambda *a, **k: {"w1": 1e-9, "b1": 3e-6})
    assert main(["gradcheck", "--preset", "xor"]) == 1
    assert "FAIL" in capsys.readouterr().out


# --- help, window dispatch, progress ------------------------------------------------------------------

FLAGS = ["--preset", "--layers", "--activations", "--loss", "--optimizer", "--lr", "--momentum", "--beta1",
         "--beta2", "--weight-decay", "--init", "--dtype", "--batch-size", "--epochs", "--dataset", "--csv",
         "--target", "--noise", "--samples", "--test-fraction", "--seed", "--load", "--save", "--json", "--quiet"]


def test_help_documents_every_flag_with_its_default(capsys):
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    entries = re.split(r"\n  (?=-)", text.split("options:", 1)[1])[1:]  # one per option, with its wrapped lines
    documented = {e.split()[0].rstrip(",") for e in entries}
    assert set(FLAGS) <= documented
    for entry in entries:
        assert entry.startswith("-h") or "default" in entry, entry
    out = " ".join(text.split())
    for name in PRESETS + ["sgd", "adam", "xavier", "float32", "leaky_relu:ALPHA", "full"]:
        assert name in out
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    assert all(word in top for word in ("train", "gradcheck", "--preset", "--train", "--screenshot", "--quit-after"))


def test_anything_else_opens_the_window_with_argv_unchanged(monkeypatch):
    seen = []
    monkeypatch.setitem(sys.modules, "app.gui", types.SimpleNamespace(run_gui=lambda argv: seen.append(argv) or 5))
    assert main(["run.npz"]) == 5 and main(["--preset", "xor", "--train"]) == 5
    assert seen == [["run.npz"], ["--preset", "xor", "--train"]]


def test_without_the_window_module_the_help_is_printed(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "app.gui", None)  # makes `import app.gui` fail as if it were missing
    assert main([]) == 0
    assert "gradcheck" in capsys.readouterr().out


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_redraws_by_time_not_by_epoch():
    now = [0.0]
    stream = FakeTerminal()
    bar = progress.ProgressBar(10_000, 0, stream, clock=lambda: now[0])
    trainer = types.SimpleNamespace(epoch=0, train_losses=GrowingArray(np.float64, values=[0.5]))
    for epoch in range(1, 10_001):  # 10,000 epochs in one simulated second
        now[0] = epoch * 1e-4
        trainer.epoch = epoch
        bar.on_epoch(trainer)
    assert 9 <= bar.redraws <= 10
    assert "ETA" in stream.getvalue() and "epoch 9" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r")
    assert progress.progress_for(io.StringIO(), 10, 0, quiet=False) is None
    assert progress.progress_for(FakeTerminal(), 10, 0, quiet=True) is None


def test_a_terminal_gets_the_bar_on_stderr_and_stdout_stays_clean(capsys, monkeypatch):
    monkeypatch.setattr(progress, "DRAW_INTERVAL", 0.0)  # draw on every epoch
    stderr = FakeTerminal()
    assert cli.run("train", ["--preset", "xor", "--epochs", "3", "--json"], stderr=stderr) == 0
    assert "epoch 3/3" in stderr.getvalue() and json.loads(capsys.readouterr().out)["epochs"] == 3


# --- the installed console script ------------------------------------------------------------------

def script(*args):
    exe = ROOT / ".venv" / "bin" / "backprop-lab"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "app.main"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_the_console_script_trains_and_never_shows_a_traceback():
    done = script("train", "--preset", "xor", "--epochs", "2", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["epochs"] == 2
    bad = script("train", "--layers", "5,,4")
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stderr and "--layers" in bad.stderr


def test_the_headless_commands_never_import_qt():
    code = ("import sys; from app.main import main; main(['train', '--epochs', '1', '--quiet']); "
            "main(['gradcheck', '--json']); print(sorted(m for m in sys.modules if 'PySide' in m or m == 'app.gui'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip().endswith("[]"), out.stderr
