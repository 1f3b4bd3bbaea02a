"""``backprop-lab export RUN.npz OUT``: a saved run's network as an ONNX graph (OUT.onnx) or as a
standalone NumPy script (OUT.py, its weights in OUT_weights.npz beside it).

Exit status 0 written, 2 bad input (one line on stderr naming the argument, the value and what is allowed).
"""
from __future__ import annotations

import sys
from pathlib import Path

from app.cli_options import PROG, CliError, Parser, with_message
from engine.savefile import load_run
from engine.validation import ConfigError

KINDS = (".onnx", ".py")


def build_parser() -> Parser:
    parser = Parser(prog=f"{PROG} export", allow_abbrev=False,
                    description="Export the network of a saved run: OUT.onnx writes an ONNX graph (opset 17, "
                                "float32, batch-first: input x (batch, inputs), output y_hat (batch, outputs)); "
                                "OUT.py writes a NumPy script in the tutorial's style and its weights in "
                                "OUT_weights.npz beside it.")
    parser.add_argument("run", metavar="RUN.npz", help="a run saved with `backprop-lab train --save` or the window")
    parser.add_argument("out", metavar="OUT", help="the file to write: a name ending in .onnx or .py")
    parser.add_argument("--training", action="store_true",
                        help="with OUT.py: a script that trains the network again from the run's seed and prints "
                             "the same final loss as the engine, bit for bit (default: a script that prints the "
                             "trained network's predictions)")
    return parser


def run(argv: list[str], stdout=None, stderr=None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        ns = build_parser().parse_args(argv)
        out = Path(ns.out)
        kind = out.suffix.lower()
        if kind not in KINDS:
            raise CliError(f"OUT {ns.out!r} is not allowed; expected a file name ending in .onnx or .py")
        if ns.training and kind != ".py":
            raise CliError(f"--training applies to a .py script, not to OUT {ns.out!r}")
        if not out.resolve().parent.is_dir():
            raise CliError(f"OUT {ns.out!r}: the folder {str(out.resolve().parent)!r} does not exist")
        try:
            trainer = load_run(ns.run)
        except ConfigError as e:
            raise CliError(with_message("RUN", ns.run, str(e))) from None
        try:
            written = export(trainer, out, ns.training)
        except OSError as e:
            raise CliError(f"OUT {ns.out!r}: cannot be written ({e.strerror or e})") from None
    except CliError as e:
        print(f"{PROG} export: {' '.join(str(e).split())}", file=stderr)
        return 2
    print(written, file=stdout)
    return 0


def export(trainer, out: Path, training: bool) -> str:
    """Write the export; returns the line that says what was written."""
    net = trainer.network
    if out.suffix.lower() == ".onnx":
        from engine.onnx_export import BATCH, INPUT_NAME, OPSET, OUTPUT_NAME, export_onnx
        export_onnx(out, net, doc=f"Backprop Lab network {net.describe()}, trained on '{trainer.data.name}' "
                                  f"for {trainer.epoch} epochs")
        return (f"wrote {out}: ONNX opset {OPSET}, float32, input {INPUT_NAME} ({BATCH}, {net.sizes[0]}), "
                f"output {OUTPUT_NAME} ({BATCH}, {net.sizes[-1]})")
    from engine.script_export import write_script
    script, weights = write_script(out, trainer, training)
    what = "retrains the run from its seed" if training else "prints the network's predictions"
    from engine.departures import departure_note
    note = departure_note(trainer) if training else ""
    return f"wrote {script} ({what}; run it with python) and {weights}" + (f"\nnote: {note}" if note else "")
