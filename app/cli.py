"""``backprop-lab train`` and ``backprop-lab gradcheck``: the engine without a window.

Exit status: 0 done (gradcheck: passed), 1 diverged (gradcheck: an error above the threshold), 2 bad input
(one line on stderr naming the flag, the value and what is allowed), 130 interrupted. The rest of the
program (app/main.py) turns anything unexpected into one "internal error" line with status 70.
"""
from __future__ import annotations

import json
import math
import re
import sys
import time

import numpy as np

import resources
from app.cli_options import (CSV_FLAGS, GRADCHECK_SAMPLES, GRADCHECK_THRESHOLD, PROG, CliError, build_parser,
                             explain, field_flag, not_allowed, options, parse_values, with_message)
from app.progress import format_seconds, progress_for
from engine.config import TrainConfig, build
from engine.gradcheck import MAX_PER_ARRAY, check_plan, gradient_check, seconds_per_entry
from engine.optimizers import HYPERPARAMETERS
from engine.replay import recovery_step
from engine.safe_io import PathError, save_target
from engine.savefile import load_run, save_run
from engine.validation import SHOWN_CHARS, ConfigError, shown

LONG_CHECK_SECONDS = 3.0  # a gradient check expected to take longer says so before it starts


def run(command: str, argv: list[str], stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        names = resources.preset_names()
        parser, table = build_parser(command, names)
        ns = parser.parse_args(argv)
        values, given = parse_values(ns, table)
        trainer, origin = make_trainer(values, given, names)
        if command == "gradcheck":
            return gradcheck(trainer, given, stdout, stderr)
        return train(trainer, values, given, origin, stdout, stderr)
    except CliError as e:
        print(f"{PROG} {command}: {one_line(str(e))}", file=stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG} {command}: interrupted; nothing saved", file=stderr)
        return 130


LONG_WORD = re.compile(r"\S{%d,}" % (SHOWN_CHARS * 2))


def one_line(text: str) -> str:
    """``text`` on one line, any run of 160+ characters without a space (a path or a value a file or a
    person gave) cut to 80 with an ellipsis, so one error line always fits a terminal screen."""
    text = " ".join(text.split())
    return LONG_WORD.sub(lambda m: m[0][:SHOWN_CHARS - 1] + "…", text)


# --- the trainer: a preset with flags on top, or a saved run ----------------------------------------

def make_trainer(values: dict, given: dict, preset_names: list[str]):
    """(Trainer, where values not given came from) for the flags; raises CliError."""
    if "--load" in given:
        return load_trainer(values, given)
    name = given.get("--preset")
    if name is None:
        name = values["dataset"] if values.get("dataset") in preset_names else "tutorial"
    elif name not in preset_names:
        raise not_allowed("--preset", name, "one of " + ", ".join(preset_names))
    origin = f"from preset {name!r}"
    changes = dict(values)
    if "--csv" in given:
        if changes.get("dataset", "csv") != "csv":
            raise CliError(f"--dataset {shown(given['--dataset'])} conflicts with --csv (a CSV file is dataset 'csv')")
        if "--target" not in given:
            raise CliError(f"--csv {shown(given['--csv'])} needs --target COLS: the target column names or "
                           "0-based indices")
        changes["dataset"] = "csv"
    elif any(f in given for f in CSV_FLAGS):
        flag = next(f for f in CSV_FLAGS if f in given)
        raw = given[flag]
        raise CliError(f"{flag}{'' if raw is True else ' ' + shown(raw)} needs --csv FILE")
    elif changes.get("dataset") == "csv":
        raise CliError("--dataset 'csv' needs --csv FILE and --target COLS")
    try:
        base = TrainConfig.from_dict(resources.load_preset(name)["config"])
        if "layers" in changes and "activations" not in changes:
            changes["activations"] = fill_activations(base.activations, len(changes["layers"]) - 1)
        config = base.replace(**changes)
        # Without --layers the preset's hidden layers are kept and the input and output sizes follow the data.
        trainer = build(config, fit_io="layers" not in changes)
    except ConfigError as e:
        raise CliError(explain(e, given, origin)) from None
    return trainer, origin


def fill_activations(preset: tuple, n: int) -> tuple:
    """Activations for ``n`` weight layers when only --layers changed the depth: the preset's hidden
    ones as far as they go, then its first hidden one repeated, and its output activation last."""
    if len(preset) == n:
        return preset
    hidden = list(preset[:-1]) or ["tanh"]
    hidden = (hidden + [hidden[0]] * n)[:n - 1]
    return tuple(hidden) + (preset[-1],)


def load_trainer(values: dict, given: dict):
    path = given["--load"]
    refused = [o.flag for o in options([]) if o.fixed_by_load and o.flag in given]
    if refused:
        listed = ", ".join(f"{f} {shown(given[f])}" for f in refused)
        raise CliError(f"{listed} cannot be used with --load: a saved run keeps its network, data and "
                       f"optimizer (only --lr, --momentum, --beta1, --beta2, --weight-decay and --epochs apply)")
    try:
        trainer = load_run(path)
    except ConfigError as e:
        raise CliError(with_message("--load", path, str(e))) from None
    except OSError as e:
        raise CliError(f"--load {shown(path)}: cannot be read ({e.strerror or e})") from None
    origin = f"from the run in {shown(path)}"
    hyper = {k: v for k, v in values.items() if k in HYPERPARAMETERS}
    for field in hyper:
        if field not in trainer.optimizer.hyperparameters:
            flag = field_flag(field)
            raise CliError(f"{flag} {shown(given[flag])} does not apply to the saved run's optimizer "
                           f"'{trainer.optimizer.name}'")
    try:
        trainer.set_hyperparameters(**hyper)  # the config too, so the summary and a --save show what was used
    except ConfigError as e:
        raise CliError(explain(e, given, origin)) from None
    return trainer, origin


# --- train ----------------------------------------------------------------------------------------

def epochs_to_train(trainer, values: dict, loaded: bool, origin: str) -> int:
    config = trainer.config
    if "epochs" in values:
        epochs = values["epochs"]
    elif loaded:  # continue up to the run's own epoch count, if it has not got there yet
        epochs = max((config.epochs or trainer.epoch) - trainer.epoch, 0)
    elif config.epochs is None:
        raise CliError(f"--epochs is needed: the configuration ({origin}) sets no epoch limit")
    else:
        epochs = config.epochs
    # The config keeps the run's total, so a saved run continued without --epochs knows where it stops.
    trainer.config = config.replace(epochs=trainer.epoch + epochs if loaded else epochs)
    return epochs


def recover(trainer, values: dict) -> tuple[int, int] | None:
    """A diverged run loaded with a new hyperparameter goes back to its recovery step (the end of the
    last epoch whose loss was below the first's: ``engine.replay.recovery_step``) and continues from
    there with it; the last finite weights of a run that blew up would only diverge again. Returns
    (step, epoch) gone back to, or None (no new hyperparameter, or a file without that history)."""
    hyper = {k: v for k, v in values.items() if k in HYPERPARAMETERS}
    step = recovery_step(trainer) if hyper else None
    if step is None:
        return None
    trainer.rewind_to(step)
    trainer.set_hyperparameters(**hyper)  # the rewind restored the ones in force back then
    return step, trainer.epoch


def train(trainer, values: dict, given: dict, origin: str, stdout, stderr) -> int:
    loaded = "--load" in given
    recovered = recover(trainer, values) if loaded and trainer.status == "diverged" and values.get("epochs", 1) else None
    epochs = epochs_to_train(trainer, values, loaded, origin)
    save = given.get("--save")
    if save is not None:  # before a long run, not after it: the same check the save itself makes
        try:
            save_target(save, "run file")
        except PathError as e:
            raise CliError(f"--save {shown(save)}: {e.strerror}") from None

    quiet = bool(given.get("--quiet"))
    bar = progress_for(stderr, epochs, trainer.epoch, quiet)
    # The trainer detects non-finite losses and weights itself and says so; NumPy's overflow warnings on
    # the way there would only be noise on stderr.
    with np.errstate(all="ignore"):
        first = trainer.evaluate()
        if trainer.status == "diverged" and epochs:
            trainer.resume_after_divergence()  # a saved diverged run continues, e.g. with a lower --lr
        epochs_before, steps_before = trainer.epoch, trainer.steps
        started = time.perf_counter()
        try:
            trainer.run_epochs(epochs, on_epoch=bar.on_epoch if bar else None)
        finally:
            if bar:
                bar.close()
        seconds = time.perf_counter() - started
        final = trainer.evaluate()
    if save is not None:
        try:
            save_run(save, trainer)
        except ConfigError as e:
            raise CliError(with_message("--save", save, str(e))) from None
        except OSError as e:
            raise CliError(f"--save {shown(save)}: cannot be written ({e.strerror or e})") from None

    report = make_report(trainer, first, final, epochs_before, steps_before, seconds, given)
    report["recovered_to_step"], report["recovered_to_epoch"] = recovered or (None, None)
    diverged = report["status"] == "diverged"
    if "--json" in given:
        print(to_json(report), file=stdout)
    elif not quiet:
        print(summary(report, trainer), file=stdout)
    if diverged and ("--json" in given or quiet):
        print(f"{PROG} train: {one_line(trainer.message)}", file=stderr)
    return 1 if diverged else 0


def make_report(trainer, first: dict, final: dict, epochs_before: int, steps_before: int, seconds: float,
                given: dict) -> dict:
    """What --json prints: totals for the whole run, and this invocation's share of it."""
    diverged = trainer.status == "diverged"
    steps_run = trainer.steps - steps_before
    return {
        "status": "diverged" if diverged else "done",
        "message": trainer.message if diverged else f"trained {trainer.epoch - epochs_before} epochs",
        "epochs": trainer.epoch,
        "epochs_run": trainer.epoch - epochs_before,
        "steps": trainer.steps,
        "steps_run": steps_run,
        "seconds": seconds,
        "steps_per_second": steps_run / seconds if seconds > 0 else None,
        "loss_first": first["train_loss"],
        "loss_final": final["train_loss"],
        "test_loss_final": final["test_loss"],
        "accuracy": final["test_accuracy"] if final["test_accuracy"] is not None else final["train_accuracy"],
        "train_accuracy": final["train_accuracy"],
        "test_accuracy": final["test_accuracy"],
        "loaded": given.get("--load"),
        "saved": given.get("--save"),
        "config": trainer.config.to_dict(),
    }


def finite_or_none(value):
    """JSON has no NaN or Infinity: a diverged run's infinite loss becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def to_json(obj) -> str:
    return json.dumps(finite_or_none(obj), allow_nan=False)


def _g(x) -> str:
    return "n/a" if x is None else f"{x:.6g}"


def summary(r: dict, trainer) -> str:
    c = r["config"]
    lines = [f"{c['dataset']}: {'-'.join(map(str, c['layers']))} ({', '.join(c['activations'])}), {c['loss']}, "
             f"{c['optimizer']} lr {c['learning_rate']:g}, batch {c['batch_size'] or 'full'}",
             f"{r['status']}: {r['epochs_run']} epochs ({r['steps_run']} steps) in {r['seconds']:.2f} s"
             + (f", {r['steps_per_second']:,.0f} steps/s" if r["steps_per_second"] else "")
             + (f"; {r['epochs']} epochs in all" if r["loaded"] else ""),
             *([f"went back to step {r['recovered_to_step']:,} (epoch {r['recovered_to_epoch']:,}), before the loss "
                f"blew up, and continued from there"] if r.get("recovered_to_step") is not None else []),
             f"train loss {_g(r['loss_first'])} -> {_g(r['loss_final'])}"
             + (f", test loss {_g(r['test_loss_final'])}" if r["test_loss_final"] is not None else "")]
    if r["train_accuracy"] is not None:
        lines.append(f"accuracy: train {r['train_accuracy']:.1%}"
                     + (f", test {r['test_accuracy']:.1%}" if r["test_accuracy"] is not None else ""))
    if r["status"] == "diverged":
        lines.append(trainer.message)
    if r["saved"]:
        lines.append(f"saved to {r['saved']}")
    return "\n".join(lines)


# --- gradcheck ------------------------------------------------------------------------------------

def gradcheck(trainer, given: dict, stdout, stderr) -> int:
    data = trainer.data
    k = min(GRADCHECK_SAMPLES, data.X_train.shape[1])
    X, Y = data.X_train[:, :k], data.Y_train[:, :k]
    sizes = trainer.network.sizes
    plan = check_plan(sizes, None if "--all" in given else MAX_PER_ARRAY)
    total = sum(idx.size for idx in plan.values())
    array_sizes = {name: a.size for name, a in zip(plan, _arrays(trainer.network))}
    with np.errstate(all="ignore"):
        estimate = seconds_per_entry(trainer.network, trainer.loss, X, Y) * total
        if estimate > LONG_CHECK_SECONDS:  # said before starting, so a long wait is a choice
            print(f"{PROG} gradcheck: {total:,} entries, about {format_seconds(estimate)} (m:ss)", file=stderr)
        bar = progress_for(stderr, total, 0, False, unit="entry")
        try:
            errors = gradient_check(trainer.network, trainer.loss, X, Y, plan=plan,
                                    on_entry=bar.on_count if bar else None)
        finally:
            if bar:
                bar.close()
    worst = max(errors.values())
    passed = worst <= GRADCHECK_THRESHOLD  # a nan error fails too
    if "--json" in given:
        print(to_json({"errors": errors, "max_error": worst, "threshold": GRADCHECK_THRESHOLD,
                       "passed": passed, "samples": k, "all": total == sum(array_sizes.values()),
                       "checked": {name: [int(plan[name].size), int(n)] for name, n in array_sizes.items()},
                       "config": trainer.config.to_dict()}), file=stdout)
    else:
        lines = [f"gradient check of {'-'.join(map(str, sizes))} on {k} '{data.name}' sample(s): "
                 f"max relative error per array", subset_line(plan, array_sizes)]
        lines += [f"  {name:>4}  {err:.2e}  {'ok' if err <= GRADCHECK_THRESHOLD else 'FAIL'}"
                  + (f"  ({plan[name].size:,} of {array_sizes[name]:,} entries)"
                     if plan[name].size < array_sizes[name] else "")
                  for name, err in errors.items()]
        lines.append(f"{'passed' if passed else 'FAILED'}: largest {worst:.2e} "
                     f"{'<=' if passed else '>'} {GRADCHECK_THRESHOLD:g}")
        print("\n".join(lines), file=stdout)
    return 0 if passed else 1


def _arrays(network) -> list:
    """w1, b1, w2, b2, ... in the order of ``check_plan``."""
    return [a for pair in zip(network.weights, network.biases) for a in pair]


def subset_line(plan: dict, array_sizes: dict) -> str:
    """What was checked: every entry, or how many of which arrays (random, seed 0) and how to check all."""
    total, everything = sum(idx.size for idx in plan.values()), sum(array_sizes.values())
    if total == everything:
        return f"every one of the {everything:,} parameters"
    cut = [name for name in plan if plan[name].size < array_sizes[name]]
    return (f"{total:,} of the {everything:,} parameters: a random {MAX_PER_ARRAY} (seed 0) of each of "
            f"{', '.join(cut)}, every entry of the others (--all checks every one)")
