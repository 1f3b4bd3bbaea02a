"""ONNX export: the graph passes onnx's checker and runs in onnxruntime with the engine's outputs."""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import resources
from app.main import main
from engine.onnx_export import OPSET, to_onnx
from engine.savefile import save_run
from export_helpers import assert_refused, trained


def run_onnx(model_bytes: bytes, X: np.ndarray) -> np.ndarray:
    """Outputs (n_L, n) of the graph for X (n_0, n), through onnxruntime's batch-first interface."""
    session = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return session.run(None, {"x": np.ascontiguousarray(X.T, np.float32)})[0].T


@pytest.mark.parametrize("name", resources.preset_names())
def test_every_preset_runs_in_onnxruntime_as_in_the_engine(name):
    trainer, _ = trained(name, epochs=3)
    X = np.concatenate([trainer.data.X_train, trainer.data.X_test], axis=1)
    got = run_onnx(to_onnx(trainer.network).SerializeToString(), X)
    engine32 = trainer.network.astype("float32").forward(X.astype(np.float32))
    assert got.shape == engine32.shape == (trainer.network.sizes[-1], X.shape[1])
    # rtol for lr_too_high, whose diverging outputs are huge; 1e-6 absolute for everything else
    np.testing.assert_allclose(got, engine32, rtol=1e-6, atol=1e-6)
    if np.abs(engine32).max() < 1e3:  # the float64 network rounded once to float32
        np.testing.assert_allclose(got, trainer.network.forward(X), rtol=0, atol=1e-5)


def test_graph_names_shapes_opset_and_activation_attributes():
    trainer, _ = trained("tutorial", epochs=1)
    model = to_onnx(trainer.network)
    assert [o.version for o in model.opset_import] == [OPSET]
    (inp,), (out,) = model.graph.input, model.graph.output
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    assert (inp.name, dims(inp)) == ("x", ["batch", 5]) and (out.name, dims(out)) == ("y_hat", ["batch", 4])
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    ops = [n.op_type for n in model.graph.node]
    assert ops == ["Gemm", "LeakyRelu", "Gemm", "Sigmoid", "Gemm", "Sigmoid"]
    leaky = model.graph.node[1]
    assert onnx.helper.get_attribute_value(leaky.attribute[0]) == pytest.approx(0.1)
    w1 = next(i for i in model.graph.initializer if i.name == "w1")
    assert list(w1.dims) == [3, 5]  # (out, in), as in the engine and the tutorial


def test_softmax_is_over_the_units_and_a_batch_of_any_size_runs():
    trainer, _ = trained("spiral", epochs=1)
    model = to_onnx(trainer.network)
    softmax = model.graph.node[-1]
    assert softmax.op_type == "Softmax" and onnx.helper.get_attribute_value(softmax.attribute[0]) == 1
    for n in (1, 7):
        X = trainer.data.X_train[:, :n]
        got = run_onnx(model.SerializeToString(), X)
        np.testing.assert_allclose(got.sum(axis=0), 1.0, atol=1e-6)
        np.testing.assert_allclose(got, trainer.network.forward(X), atol=1e-6)


def test_cli_writes_a_file_onnxruntime_loads(tmp_path, capsys):
    trainer, _ = trained("xor", epochs=5)
    save_run(tmp_path / "run.npz", trainer)
    assert main(["export", str(tmp_path / "run.npz"), str(tmp_path / "model.onnx")]) == 0
    out = capsys.readouterr().out
    assert "opset 17" in out and "input x (batch, 2)" in out
    got = run_onnx((tmp_path / "model.onnx").read_bytes(), trainer.data.X_test)
    np.testing.assert_allclose(got, trainer.network.forward(trainer.data.X_test), atol=1e-6)


@pytest.mark.parametrize("args, says", [
    (["run.npz", "model.txt"], "OUT 'model.txt' is not allowed; expected a file name ending in .onnx or .py"),
    (["run.npz", "model.onnx", "--training"], "--training applies to a .py script"),
    (["missing.npz", "model.onnx"], "RUN 'missing.npz': no such file"),
    (["run.npz", "no/such/folder/model.onnx"], "OUT 'no/such/folder/model.onnx': the folder"),
    (["run.npz"], "the following arguments are required: OUT"),
])
def test_cli_bad_input_is_one_line_and_status_2(tmp_path, capsys, args, says):
    assert_refused("export", args, says, tmp_path, capsys, run_name="run.npz")


def test_a_float32_network_exports_its_own_weights_unchanged():
    trainer, _ = trained("blobs", epochs=3, dtype="float32")
    model = to_onnx(trainer.network)
    w1 = next(i for i in model.graph.initializer if i.name == "w1")
    np.testing.assert_array_equal(onnx.numpy_helper.to_array(w1), trainer.network.weights[0])
    X = trainer.data.X_test.astype(np.float32)
    np.testing.assert_allclose(run_onnx(model.SerializeToString(), X), trainer.network.forward(X), atol=1e-6)
