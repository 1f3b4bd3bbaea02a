"""The trained network as a standard ONNX graph: one ``Gemm`` per weight layer, then its activation.

The graph is batch-first, as every framework that loads ONNX expects: input ``x`` of shape
(batch, n_0), output ``y_hat`` of shape (batch, n_L), the batch dimension symbolic. Layer l is
``Gemm(a, W_l, b_l, transB=1)`` = a . W_l^T + b_l^T, so W_l keeps the engine's (and the tutorial's)
(n_out, n_in) shape in the file, and b_l is stored as (n_out,).

Activations map one to one: sigmoid -> Sigmoid, tanh -> Tanh, relu -> Relu, leaky_relu:alpha ->
LeakyRelu(alpha), linear -> Identity, softmax -> Softmax(axis=1) (over the units of each sample).

The graph is always float32, whatever the network's dtype: float32 is what ONNX runtimes and PyTorch
run by default, and onnxruntime has no float64 kernel for LeakyRelu. A float64 network is rounded to
float32 once, on export.
"""
from __future__ import annotations

import numpy as np

from .atomic import atomic_write
from .network import Network

OPSET = 17  # Softmax has taken an explicit axis since opset 13; 17 is widely supported (onnxruntime >= 1.11)
INPUT_NAME, OUTPUT_NAME, BATCH = "x", "y_hat", "batch"

_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "leaky_relu": "LeakyRelu", "linear": "Identity",
        "softmax": "Softmax"}


def _activation_node(helper, act, inp: str, out: str, name: str):
    attrs = {}
    if act.name == "leaky_relu":
        attrs["alpha"] = float(act.alpha)
    elif act.name == "softmax":
        attrs["axis"] = 1
    return helper.make_node(_OPS[act.name], [inp], [out], name=name, **attrs)


def to_onnx(network: Network, doc: str = ""):
    """The ``onnx.ModelProto`` of ``network``, checked with ``onnx.checker.check_model``.

    Initializers ``w{l}`` (n_l, n_{l-1}) and ``b{l}`` (n_l,), l = 1..L as in the tutorial; intermediate
    values ``in_hidden_{l}`` / ``out_hidden_{l}`` and ``in_output_layer``, the tutorial's names.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    a = INPUT_NAME
    L = network.n_layers
    for l, (w, b, act) in enumerate(zip(network.weights, network.biases, network.activations), start=1):
        inits.append(numpy_helper.from_array(np.asarray(w, np.float32), f"w{l}"))
        inits.append(numpy_helper.from_array(np.asarray(b, np.float32).reshape(-1), f"b{l}"))
        z = "in_output_layer" if l == L else f"in_hidden_{l}"
        out = OUTPUT_NAME if l == L else f"out_hidden_{l}"
        nodes.append(helper.make_node("Gemm", [a, f"w{l}", f"b{l}"], [z], name=f"gemm{l}", transB=1))
        nodes.append(_activation_node(helper, act, z, out, name=f"{act.name}{l}"))
        a = out
    graph = helper.make_graph(
        nodes, "backprop_lab_network",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [BATCH, network.sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [BATCH, network.sizes[-1]])],
        initializer=inits)
    model = helper.make_model(graph, producer_name="backprop-lab", opset_imports=[helper.make_opsetid("", OPSET)],
                              doc_string=doc or f"Backprop Lab network {network.describe()}")
    # IR version 8 is the one opset 17 shipped with; older runtimes refuse a newer IR than they know.
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def export_onnx(path, network: Network, doc: str = "") -> None:
    """Write ``network`` to ``path`` as an ONNX file (see ``to_onnx``), atomically."""
    atomic_write(path, to_onnx(network, doc).SerializeToString())
