"""File > Export > ONNX / NumPy script / NumPy training script in the real window: written by the worker from the
trainer it owns, the file chooser offering the right filter, the file agreeing with the engine, and a failure
said in the banner without stopping anything."""
import numpy as np
import onnxruntime as ort
import pytest
from session_helpers import isolated, open_lab, save, step, wait_snapshot  # noqa: F401  (isolated: fixture)
from test_script_export import printed, run_script

from engine.savefile import load_run

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", preset="xor")


def export(qtbot, lab, kind, path):
    """Trigger File > Export > ``kind`` with the chooser answering ``path``; the worker's SaveResult."""
    lab.save_paths.append(str(path))
    with qtbot.waitSignal(lab.controller.saved, timeout=20_000) as saved:
        lab.window.file_menu.export_actions[kind].trigger()
    return saved.args[0]


def test_the_export_menu_offers_the_network_exports_with_their_filters(lab):
    fm = lab.window.file_menu
    names = [a.text().replace("&", "") for a in fm.export_menu.actions() if not a.isSeparator()]
    assert names[-4:] == ["ONNX...", "NumPy script...", "NumPy training script...", "PNG resolution"]
    filters = []
    fm.get_save_file_name = lambda parent, caption, start, file_filter: filters.append((caption, start,
                                                                                       file_filter)) or ("", "")
    for kind in ("onnx", "numpy_script"):
        fm.export_actions[kind].trigger()
    assert filters == [("Export ONNX", "model.onnx", "ONNX models (*.onnx)"),
                       ("Export NumPy script", "model.py", "Python scripts (*.py)")]


def saved_trainer(qtbot, lab, tmp_path):
    """The worker's trainer as a run file holds it now (paused: the exports below see the same state)."""
    save(qtbot, lab, tmp_path / "run.npz")
    return load_run(tmp_path / "run.npz")


def test_onnx_export_runs_in_onnxruntime_as_the_trained_network(qtbot, lab, tmp_path):
    step(qtbot, lab, 3)
    trainer = saved_trainer(qtbot, lab, tmp_path)
    result = export(qtbot, lab, "onnx", tmp_path / "xor")  # the suffix is added
    assert result.error == "" and result.path.endswith("xor.onnx")
    assert "Saved the network as ONNX to" in lab.window.banner.text()
    X = trainer.data.X_train  # (inputs, n)
    session = ort.InferenceSession(str(tmp_path / "xor.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"x": np.ascontiguousarray(X.T, np.float32)})[0].T
    engine32 = trainer.network.astype("float32").forward(X.astype(np.float32))
    np.testing.assert_allclose(got, engine32, rtol=1e-6, atol=1e-6)


def test_numpy_scripts_print_the_engines_loss_bit_for_bit(qtbot, lab, tmp_path):
    step(qtbot, lab, 2)
    trainer = saved_trainer(qtbot, lab, tmp_path)
    result = export(qtbot, lab, "numpy_script", tmp_path / "model.py")
    assert result.error == "" and (tmp_path / "model_weights.npz").is_file()
    assert "model_weights.npz" in lab.window.banner.text()
    out = run_script(tmp_path / "model.py")
    assert printed(out, r"loss on the \d+ training samples") == trainer.evaluate()["train_loss"]

    result = export(qtbot, lab, "numpy_training_script", tmp_path / "again")
    assert result.error == "" and result.path.endswith("again.py")
    out = run_script(tmp_path / "again.py")
    assert printed(out, "loss after training") == trainer.evaluate()["train_loss"]
    assert "final weights equal the engine's: True" in out


def test_an_export_that_cannot_be_written_says_why_and_training_goes_on(qtbot, lab, tmp_path):
    result = export(qtbot, lab, "onnx", tmp_path / "no such folder" / "model.onnx")
    assert result.error
    text = lab.window.banner.text()
    assert "Could not save the network as ONNX to" in text and "no such folder" in text
    assert not (tmp_path / "no such folder").exists()
    step(qtbot, lab, 1)  # the worker still trains


def test_the_training_script_of_a_run_with_a_weight_set_by_hand_says_it_will_differ(qtbot, lab, tmp_path):
    step(qtbot, lab, 2)
    assert lab.controller.set_parameter("w", 1, 0, 0, 2.5)
    wait_snapshot(qtbot, lab.controller, lambda s: s.weights[0][0, 0] == 2.5)
    result = export(qtbot, lab, "numpy_training_script", tmp_path / "again")
    assert result.error == "" and "a parameter was set by hand" in result.note
    assert "Note: this run departs from its configuration" in lab.window.banner.text()
    assert "final weights equal the engine's: False" in run_script(tmp_path / "again.py")
