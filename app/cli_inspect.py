"""``backprop-lab inspect RUN.npz [--step N] [--json] [--weights]``: a saved run at one step, headless.

The step is rebuilt from the run file's keyframes (``engine.replay``), so its numbers are bit for bit
those training computed then: the epoch, the batch's loss, and the norm of every W, b and of the step's
dW, db (with ``--weights`` the arrays themselves). Exit 0, or 2 with one line on stderr naming the
argument, the value and what is allowed.
"""
from __future__ import annotations

import sys

import numpy as np

from app.cli_options import PROG, CliError, Parser, not_allowed, with_message
from engine.replay import Moment, Replayer
from engine.savefile import load_run
from engine.validation import ConfigError

COMMAND = f"{PROG} inspect"


def build_parser() -> Parser:
    parser = Parser(prog=COMMAND, allow_abbrev=False,
                    description="Print a saved run's state at one step: epoch, loss, the norms of every W and "
                                "of that step's dW (exit 0, or 2 on bad input).")
    parser.add_argument("run", metavar="RUN.npz", help="a run saved with --save or from the window")
    parser.add_argument("--step", metavar="N", help="the step to show, 0 (the initial weights) up to the run's "
                                                    "last step (default: the last)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--weights", action="store_true", help="also print every W, b, dW and db")
    return parser


def run(argv: list[str], stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        ns = build_parser().parse_args(argv)
        try:
            trainer = load_run(ns.run)
        except ConfigError as e:
            raise CliError(with_message("RUN.npz", ns.run, str(e))) from None
        replayer = Replayer(trainer)
        moment = replayer.moment(parse_step(ns.step, replayer))
        report = make_report(ns.run, trainer, moment, replayer.span(), ns.weights)
    except CliError as e:
        print(f"{COMMAND}: {' '.join(str(e).split())}", file=stderr)
        return 2
    from app.cli import to_json  # the train command's JSON: non-finite numbers become null

    print(to_json(report) if ns.json else table(report), file=stdout)
    return 0


def parse_step(raw: str | None, replayer: Replayer) -> int:
    first, last = replayer.span()
    if raw is None:
        return last
    kept = f" (the run file keeps no history before step {first:,})" if first else ""
    allowed = f"a step from {first:,} to {last:,}{kept}"
    try:
        step = int(raw)
    except ValueError:
        raise not_allowed("--step", raw, allowed) from None
    try:
        return replayer.check_step(step)
    except ConfigError:
        raise not_allowed("--step", raw, allowed) from None


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, np.float64)))


def make_report(path: str, trainer, moment: Moment, span: tuple[int, int], weights: bool) -> dict:
    """What --json prints; layers are named w1, b1, ... as the tutorial does (layer l is w{l+1})."""
    layers = []
    for l, (w, b, gw, gb) in enumerate(zip(moment.weights, moment.biases, moment.grad_w, moment.grad_b)):
        layer = {"name": f"w{l + 1}", "shape": list(w.shape), "norm_w": _norm(w), "norm_dw": _norm(gw),
                 "norm_b": _norm(b), "norm_db": _norm(gb)}
        if weights:
            layer.update(w=w.tolist(), b=b.tolist(), dw=gw.tolist(), db=gb.tolist())
        layers.append(layer)
    epochs = trainer.train_losses.view()
    return {
        "run": path, "step": moment.step, "first_step": span[0], "last_step": span[1],
        "epoch": moment.epoch, "step_in_epoch": moment.step_in_epoch,
        "loss": None if moment.step == span[0] else moment.loss,  # the batch's, before its update
        "epoch_loss": float(epochs[moment.epoch - 1]) if moment.epoch else None,  # of the last completed epoch
        "batch_size": int(moment.batch.size), "hyperparameters": moment.hyper,
        "optimizer": trainer.optimizer.name, "layers": layers,
    }


def _g(x) -> str:
    return "n/a" if x is None else f"{x:.6g}"


def table(r: dict) -> str:
    lines = [f"{r['run']}: step {r['step']:,} of {r['last_step']:,}, epoch {r['epoch']:,} completed"
             + (f" + {r['step_in_epoch']} steps" if r["step_in_epoch"] else ""),
             f"batch loss {_g(r['loss'])} ({r['batch_size']} samples), last epoch's loss {_g(r['epoch_loss'])}, "
             f"{r['optimizer']} " + ", ".join(f"{k} {v:g}" for k, v in r["hyperparameters"].items()),
             f"  {'':4} {'shape':>10} {'||W||':>12} {'||dW||':>12} {'||b||':>12} {'||db||':>12}"]
    for layer in r["layers"]:
        shape = "x".join(map(str, layer["shape"]))
        lines.append(f"  {layer['name']:4} {shape:>10} {layer['norm_w']:12.6g} {layer['norm_dw']:12.6g} "
                     f"{layer['norm_b']:12.6g} {layer['norm_db']:12.6g}")
        if "w" in layer:
            for key in ("w", "b", "dw", "db"):
                lines.append(f"    {key} = {np.array2string(np.array(layer[key]), precision=6, prefix='    ')}")
    return "\n".join(lines)
