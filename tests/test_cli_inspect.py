"""``backprop-lab inspect RUN.npz --step N``: a saved run's state at one step, headless, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from app.main import main
from conftest import ROOT
from engine.savefile import save_run
from tests.replay_helpers import config_of, trained

CONFIG = config_of("moons", optimizer="momentum")


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("inspect") / "run.npz"
    save_run(path, trained(CONFIG, 250))
    return path


def inspect(capsys, *args) -> tuple[int, str, str]:
    code = main(["inspect", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_gives_the_epoch_loss_and_norms_of_the_step(capsys, run_file):
    code, out, err = inspect(capsys, run_file, "--step", 137, "--json")
    assert code == 0 and err == ""
    r = json.loads(out)
    stopped = trained(CONFIG, 137)
    assert (r["step"], r["epoch"], r["step_in_epoch"]) == (137, stopped.epoch, stopped.step_in_epoch)
    assert np.float32(r["loss"]) == stopped.step_losses.view()[-1]
    assert r["epoch_loss"] == stopped.train_losses.view()[-1]
    assert [layer["name"] for layer in r["layers"]] == ["w1", "w2", "w3"]
    for layer, w, gw in zip(r["layers"], stopped.network.weights, stopped.backprop.grad_w):
        assert layer["shape"] == list(w.shape)
        assert layer["norm_w"] == float(np.linalg.norm(w)) and layer["norm_dw"] == float(np.linalg.norm(gw))
        assert "w" not in layer
    assert r["hyperparameters"]["learning_rate"] == CONFIG.learning_rate


def test_weights_gives_the_arrays_exactly(capsys, run_file):
    code, out, _ = inspect(capsys, run_file, "--step", 200, "--json", "--weights")
    stopped = trained(CONFIG, 200)
    layers = json.loads(out)["layers"]
    for l, layer in enumerate(layers):
        assert np.array_equal(np.array(layer["w"]), stopped.network.weights[l])
        assert np.array_equal(np.array(layer["b"]), stopped.network.biases[l])
        assert np.array_equal(np.array(layer["dw"]), stopped.backprop.grad_w[l])
        assert np.array_equal(np.array(layer["db"]), stopped.backprop.grad_b[l])


def test_without_step_the_last_one_as_a_table(capsys, run_file):
    code, out, _ = inspect(capsys, run_file)
    assert code == 0 and out.startswith(f"{run_file}: step 250 of 250")
    assert [line.split()[0] for line in out.splitlines()[3:]] == ["w1", "w2", "w3"]


@pytest.mark.parametrize("args, expected", [
    (["--step", "251"], "--step '251' is not allowed; expected a step from 0 to 250"),
    (["--step", "-1"], "--step '-1' is not allowed; expected a step from 0 to 250"),
    (["--step", "ten"], "--step 'ten' is not allowed; expected a step from 0 to 250"),
    (["--steps", "3"], "unrecognized arguments: --steps 3"),
])
def test_bad_input_is_one_line_with_exit_2(capsys, run_file, args, expected):
    code, out, err = inspect(capsys, run_file, *args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("backprop-lab inspect: ") and expected in err


def test_a_missing_or_broken_file_is_one_line(capsys, tmp_path):
    code, _, err = inspect(capsys, tmp_path / "none.npz")
    assert code == 2 and err == f"backprop-lab inspect: RUN.npz '{tmp_path / 'none.npz'}': no such file\n"
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    code, _, err = inspect(capsys, tmp_path / "junk.npz")
    assert code == 2 and "not a Backprop Lab run file" in err and err.count("\n") == 1


def test_a_file_saved_without_keyframes_names_the_steps_it_has(capsys, tmp_path):
    save_run(tmp_path / "bare.npz", trained(CONFIG, 90), keyframes=False)
    code, _, err = inspect(capsys, tmp_path / "bare.npz", "--step", 10)
    assert code == 2 and "expected a step from 90 to 90 (the run file keeps no history before step 90)" in err
    code, out, _ = inspect(capsys, tmp_path / "bare.npz", "--json")
    assert code == 0 and json.loads(out)["layers"][0]["norm_dw"] > 0  # the saved last gradients


def test_inspect_never_imports_qt(run_file):
    code = (f"import sys; from app.main import main; main(['inspect', {str(run_file)!r}, '--json']); "
            "print(sorted(m for m in sys.modules if 'PySide' in m or m == 'app.gui'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0 and out.stdout.strip().endswith("[]"), out.stderr
