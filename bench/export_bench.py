"""How closely the network exports agree with the engine, on every preset, against the engine itself.

    .venv/bin/python bench/export_bench.py [--json] [--epochs 3] [--presets spiral,xor]

For each preset, trained ``--epochs`` epochs from its seed (tests/test_onnx_export.py does the same):

- ``onnx_vs_f32``: max |y_hat| difference between onnxruntime running ``engine.onnx_export.to_onnx`` and the
  engine's own forward pass in float32 (the graph is float32), over the training and test inputs; ``onnx_vs_f64``
  the same against the engine's float64 network (the rounding of the weights to float32 included);
  ``onnx_rel`` the first over the largest |y_hat| (lr_too_high diverges to huge outputs).
- ``script_vs_engine``: the NumPy prediction script (``backprop-lab export RUN model.py``) run in a subprocess
  of its own; max |y_hat| difference from the engine's forward pass on the same training inputs.
- ``training_loss_diff``: the NumPy training script (``--training``) retrains the run from the seed in a
  subprocess; |its final loss - the engine's| (0 when bit for bit), and whether its final weights equal the
  engine's (``weights_equal``: it checks that itself).

The baseline is the engine's forward pass, computed in the same run; nothing here is timed.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import resources  # noqa: E402
from engine.config import TrainConfig, build  # noqa: E402
from engine.onnx_export import to_onnx  # noqa: E402
from engine.script_export import write_script  # noqa: E402

# runs the prediction script and keeps its y_hat (the script's own name for the outputs), bit for bit
READ_Y_HAT = "import runpy, sys, numpy as np; g = runpy.run_path(sys.argv[1]); np.save(sys.argv[2], g['y_hat'])"


def trained(name: str, epochs: int):
    config = TrainConfig.from_dict(resources.load_preset(name)["config"]).replace(epochs=epochs)
    trainer = build(config)
    trainer.run_epochs(epochs)
    return trainer


def onnx_figures(trainer) -> dict:
    import onnxruntime as ort
    X = np.concatenate([trainer.data.X_train, trainer.data.X_test], axis=1)
    session = ort.InferenceSession(to_onnx(trainer.network).SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {"x": np.ascontiguousarray(X.T, np.float32)})[0].T.astype(np.float64)
    f32 = trainer.network.astype("float32").forward(X.astype(np.float32)).astype(np.float64)
    f64 = trainer.network.forward(X)
    diff = float(np.abs(got - f32).max())
    return {"onnx_vs_f32": diff, "onnx_vs_f64": float(np.abs(got - f64).max()),
            "onnx_rel": diff / max(float(np.abs(f32).max()), 1e-300)}


def script_figures(trainer, folder: Path) -> dict:
    script, weights = write_script(folder / "model.py", trainer, training=False)
    out = folder / "y_hat.npy"
    subprocess.run([sys.executable, "-c", READ_Y_HAT, str(script), str(out)], check=True, capture_output=True,
                   timeout=300)
    with np.load(weights) as npz:
        engine = trainer.network.forward(npz["x"])
    figures = {"script_vs_engine": float(np.abs(np.load(out) - engine).max())}
    script, _ = write_script(folder / "train.py", trainer, training=True)
    text = subprocess.run([sys.executable, str(script)], check=True, capture_output=True, text=True,
                          timeout=600).stdout
    loss = float(re.search(r"loss after training is (\S+)", text).group(1))
    figures["training_loss_diff"] = abs(loss - trainer.evaluate()["train_loss"])
    figures["weights_equal"] = "final weights equal the engine's: True" in text
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--presets", default=",".join(resources.preset_names()))
    args = parser.parse_args()
    rows = {}
    for name in args.presets.split(","):
        trainer = trained(name, args.epochs)
        with tempfile.TemporaryDirectory(prefix="export-bench-") as folder:
            rows[name] = {**onnx_figures(trainer), **script_figures(trainer, Path(folder))}
    if args.json:
        print(json.dumps({"epochs": args.epochs, "presets": rows}, indent=1))
        return
    print(f"exports against the engine, every preset trained {args.epochs} epochs (max abs differences)")
    print(f"  {'preset':18} {'onnx-f32':>10} {'onnx-f64':>10} {'onnx rel':>10} {'script':>10} {'train loss':>10}  weights")
    for name, r in rows.items():
        print(f"  {name:18} {r['onnx_vs_f32']:10.2e} {r['onnx_vs_f64']:10.2e} {r['onnx_rel']:10.2e} "
              f"{r['script_vs_engine']:10.2e} {r['training_loss_diff']:10.2e}  "
              f"{'equal' if r['weights_equal'] else 'DIFFER'}")
    worst = {k: max(r[k] for r in rows.values()) for k in ("onnx_vs_f32", "onnx_rel", "script_vs_engine",
                                                           "training_loss_diff")}
    print("  worst: " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items())
          + f"; training scripts' weights equal on {sum(r['weights_equal'] for r in rows.values())} of {len(rows)}")


if __name__ == "__main__":
    main()
