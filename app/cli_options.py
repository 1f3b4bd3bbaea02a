"""The flags of ``backprop-lab train`` and ``gradcheck``: one table gives each flag its TrainConfig field,
its parser, its help and whether it may change a saved run; errors come out as one line naming the flag.

argparse only collects strings here. Every value is converted and checked by our own code against the
engine's constraint table, so a bad value reads the same whether argparse, the CLI or the engine finds
it: ``--lr 'abc' is not allowed; expected a number in (0, 100]``.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Callable, NamedTuple

from engine.activations import ACTIVATIONS
from engine.config import CONSTRAINTS, TrainConfig
from engine.features import FEATURE_NAMES
from engine.network import WIDTH
from engine.validation import ConfigError, shown

PROG = "backprop-lab"
GRADCHECK_THRESHOLD = 1e-6
GRADCHECK_SAMPLES = 16


class CliError(Exception):
    """Bad input: ``str(err)`` is the one line printed on stderr; the exit status is 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage problem in one line instead of a usage dump and status 2 exit."""

    def error(self, message: str):
        message = re.sub(r"^argument ", "", message)
        raise CliError(f"{message}; see '{self.prog} --help'")

    def parse_known_args(self, args=None, namespace=None):
        return super().parse_known_args(self.join_values(sys.argv[1:] if args is None else list(args)), namespace)

    def join_values(self, args: list[str]) -> list[str]:
        """``--lr -1e-09`` as ``--lr=-1e-09``: argparse takes a value that starts with '-' for an option
        unless it looks like a plain negative integer or decimal, so ``-1e-09``, ``-inf`` and ``-1,4``
        were "expected one argument". A value is joined to its flag unless it is itself a flag, so our
        own check then refuses it with the allowed range, like any other bad value."""
        takes_value = {s for a in self._actions if a.option_strings and a.nargs is None for s in a.option_strings}
        out, i = [], 0
        while i < len(args):
            arg = args[i]
            nxt = args[i + 1] if i + 1 < len(args) else None
            if (arg in takes_value and nxt is not None and nxt.startswith("-") and nxt != "--"
                    and nxt.split("=", 1)[0] not in self._option_string_actions):
                out.append(f"{arg}={nxt}")
                i += 2
            else:
                out.append(arg)
                i += 1
        return out


def not_allowed(flag: str, raw, allowed: str, detail: str = "") -> CliError:
    what = f"{flag} {shown(raw)}" + (f": {detail}" if detail else "")
    return CliError(f"{what} is not allowed; expected {allowed}")


# --- value parsers: (flag, raw text) -> value ----------------------------------------------------

def _number(kind):
    def parse(flag, raw, field):
        constraint = CONSTRAINTS[field]
        try:
            value = kind(raw)
        except ValueError:
            raise not_allowed(flag, raw, constraint.describe()) from None
        try:
            return constraint.check(field, value)
        except ConfigError:
            raise not_allowed(flag, raw, constraint.describe()) from None
    return parse


def _name(flag, raw, field):
    try:
        return CONSTRAINTS[field].check(field, raw)
    except ConfigError as e:
        raise not_allowed(flag, raw, e.allowed) from None


def _layers(flag, raw, field):
    allowed = f"comma-separated layer sizes, inputs first, each {WIDTH.describe()} (e.g. 5,3,5,4)"
    parts = raw.split(",")
    sizes = []
    for i, part in enumerate(parts):
        try:
            size = int(part)
        except ValueError:
            raise not_allowed(flag, raw, allowed, f"size {i + 1} = {shown(part.strip())}") from None
        try:
            size = WIDTH.check(f"layers[{i}]", size)
        except ConfigError:
            raise not_allowed(flag, raw, allowed, f"size {i + 1} = {size}") from None
        sizes.append(size)
    if len(sizes) < 2:
        raise not_allowed(flag, raw, allowed + ", at least an input and an output size")
    return tuple(sizes)


def _activations(flag, raw, field):
    return tuple(part.strip() for part in raw.split(","))  # the engine names a bad one with its index


def _batch_size(flag, raw, field):
    if raw.strip().lower() == "full":
        return None
    return _number(int)(flag, raw, field)


def _features(flag, raw, field):
    try:
        return CONSTRAINTS[field].check(field, "" if raw.strip().lower() == "none" else raw)
    except ConfigError as e:  # name the one feature that is wrong, not only the list typed
        raise not_allowed(flag, raw, e.allowed, f"{e.value!r}" if isinstance(e.value, str) else "") from None


def _text(flag, raw, field):
    if not raw.strip():
        raise not_allowed(flag, raw, "a non-empty value")
    return raw


SEPARATOR_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t"}


def _separator(flag, raw, field):
    """'comma', 'semicolon', 'tab' or the character itself (a tab typed as \\t too)."""
    value = SEPARATOR_NAMES.get(raw.strip().lower(), "\t" if raw == "\\t" else raw)
    if value not in SEPARATOR_NAMES.values():
        raise not_allowed(flag, raw, "one of " + ", ".join(SEPARATOR_NAMES) + " (or , ; and a tab themselves)")
    return value


def _flag(value):
    def parse(flag, raw, field):
        return value
    return parse


class Option(NamedTuple):
    flag: str
    field: str | None  # the TrainConfig field it sets (None: not a config field)
    parse: Callable | None
    metavar: str | None
    help: str
    fixed_by_load: bool = False  # changes shapes, data or optimizer state: refused with --load


def _allowed(field: str) -> str:
    return CONSTRAINTS[field].describe()


ACTIVATION_HELP = ", ".join(n + (":ALPHA" if n == "leaky_relu" else "") for n in ACTIVATIONS)


def options(preset_names: list[str]) -> list[Option]:
    """The table, with allowed values taken from the engine so help and checks never disagree."""
    d = TrainConfig()
    return [
        Option("--preset", None, None, "NAME", f"start from this preset: {', '.join(preset_names)} (default: "
               "tutorial, or the preset named like --dataset)", True),
        Option("--layers", "layers", _layers, "N,N,...", "layer sizes, inputs first, each "
               f"{WIDTH.describe()} (default: the preset's, e.g. tutorial "
               f"{','.join(map(str, d.layers))}); without it the input and output sizes follow the data", True),
        Option("--activations", "activations", _activations, "A,A,...", "one per weight layer: "
               f"{ACTIVATION_HELP} (ALPHA in [0, 1); softmax on the output only) (default: the preset's, e.g. "
               f"{','.join(d.activations)}); if --layers changes the depth, hidden layers repeat the preset's "
               "first activation", True),
        Option("--loss", "loss", _name, "NAME", f"{_allowed('loss')} (default: the preset's, e.g. {d.loss})", True),
        Option("--optimizer", "optimizer", _name, "NAME", f"{_allowed('optimizer')} (default: the preset's, "
               f"e.g. {d.optimizer})", True),
        Option("--lr", "learning_rate", _number(float), "X", f"learning rate, {_allowed('learning_rate')} "
               f"(default: the preset's, e.g. {d.learning_rate:g}); applies to a --load run"),
        Option("--momentum", "momentum", _number(float), "X", f"momentum of the momentum optimizer, "
               f"{_allowed('momentum')} (default: {d.momentum:g})"),
        Option("--beta1", "beta1", _number(float), "X", f"Adam's beta1, {_allowed('beta1')} (default: {d.beta1:g})"),
        Option("--beta2", "beta2", _number(float), "X", f"Adam's beta2, {_allowed('beta2')} (default: {d.beta2:g})"),
        Option("--weight-decay", "weight_decay", _number(float), "X", "L2 penalty on the weights (not the "
               f"biases), {_allowed('weight_decay')} (default: {d.weight_decay:g})"),
        Option("--init", "init", _name, "NAME", f"initial weights: {_allowed('init')} (default: the preset's, "
               f"e.g. {d.init})", True),
        Option("--dtype", "dtype", _name, "NAME", f"{_allowed('dtype')} (default: {d.dtype})", True),
        Option("--batch-size", "batch_size", _batch_size, "N|full", f"samples per step, {_allowed('batch_size')}"
               " and at most the training samples, or 'full' (default: the preset's, e.g. tutorial 1)", True),
        Option("--epochs", "epochs", _number(int), "N", f"epochs to train, {_allowed('epochs')} (default: the "
               "preset's, e.g. tutorial 10000); with --load: N more (default: up to the run's epoch count)"),
        Option("--dataset", "dataset", _name, "NAME", f"{_allowed('dataset')} (default: the preset's)", True),
        Option("--csv", "csv_path", _text, "FILE", "train on a numeric CSV file (sets --dataset csv); needs "
               "--target (default: none, a built-in dataset)", True),
        Option("--target", "csv_target", _text, "COLS", "the CSV file's target column(s): header names or "
               "0-based indices, comma-separated (default: none)", True),
        Option("--features", "features", _features, "F,F,...", "input features of a 2-D dataset, "
               f"comma-separated from {', '.join(FEATURE_NAMES)}, or 'none' for the raw x1, x2; the input "
               "layer's size follows (default: the preset's, e.g. none)", True),
        Option("--task", "csv_task", _name, "NAME", f"what the CSV target is: {_allowed('csv_task')} (default: "
               "auto: text labels or 2 to 20 whole numbers are classes, other numbers regression)", True),
        Option("--header", "csv_header", _flag(True), None, "the CSV file's first row names the columns "
               "(default: detected, a first row with text above numbers)", True),
        Option("--no-header", "csv_header", _flag(False), None, "the CSV file's first row is data (default: "
               "detected)", True),
        Option("--csv-separator", "csv_separator", _separator, "SEP", "the CSV file's separator: "
               f"{', '.join(SEPARATOR_NAMES)} (default: detected from the first lines)", True),
        Option("--max-csv-mb", "csv_max_mb", _number(float), "MB", "refuse CSV files larger than this, "
               f"{_allowed('csv_max_mb')} (default: {d.csv_max_mb:g})", True),
        Option("--noise", "noise", _number(float), "X", f"dataset noise, {_allowed('noise')} (default: the "
               "dataset's)", True),
        Option("--samples", "n_samples", _number(int), "N", f"dataset size, {_allowed('n_samples')} "
               "(default: the dataset's)", True),
        Option("--test-fraction", "test_fraction", _number(float), "X", "share of samples held out for "
               f"testing, {_allowed('test_fraction')} (default: {d.test_fraction:g})", True),
        Option("--seed", "seed", _number(int), "N", f"random seed of data and weights, {_allowed('seed')} "
               "(default: the preset's, e.g. 42)", True),
        Option("--load", None, None, "FILE", "continue a run saved with --save (default: a new run)"),
    ]


TRAIN_ONLY = [
    Option("--save", None, None, "FILE", "write the run (weights, optimizer, records) here at the end "
           "(default: not saved)"),
    Option("--quiet", None, None, None, "no progress bar and no summary (default: off)"),
]
GRADCHECK_ONLY = [
    Option("--all", None, None, None, "check every parameter (default: arrays of more than 256 entries are "
           "checked on a random 256 of them, seed 0)"),
]
JSON = Option("--json", None, None, None, "print one JSON object on stdout instead of the summary (default: off)")

# The flags that only a CSV dataset takes (each needs --csv)
CSV_FLAGS = ("--target", "--task", "--header", "--no-header", "--csv-separator", "--max-csv-mb")
# Engine field names (ConfigError.field, up to the first '[' or space) -> the flag that sets them.
FIELD_FLAGS = {"name": "--dataset", "n_inputs": "--layers", "n_outputs": "--layers", "csv_path": "--csv",
               "task": "--task", "separator": "--csv-separator", "max_bytes": "--max-csv-mb",
               "path": "--csv", "file": "--csv", "target_columns": "--target", "labels": "--target",
               "number of weight layers": "--layers", "alpha": "--activations"}


def build_parser(command: str, preset_names: list[str]) -> tuple[Parser, list[Option]]:
    table = options(preset_names) + (TRAIN_ONLY if command == "train" else GRADCHECK_ONLY) + [JSON]
    if command == "train":
        about = "Train a network headless and report the losses (exit 0 done, 1 diverged, 2 bad input)."
    else:
        about = (f"Check backprop against central differences on up to {GRADCHECK_SAMPLES} training samples; "
                 f"exit 1 if any array's max relative error exceeds {GRADCHECK_THRESHOLD:g}. Optimizer flags "
                 "are accepted so a train command line can be reused.")
    parser = Parser(prog=f"{PROG} {command}", description=about, allow_abbrev=False)
    for opt in table:
        if opt.metavar is None:
            parser.add_argument(opt.flag, action="store_true", help=opt.help)
        else:
            parser.add_argument(opt.flag, metavar=opt.metavar, help=opt.help.replace("%", "%%"))
    return parser, table


def field_flag(field: str) -> str | None:
    """The flag for an engine field name such as ``learning_rate`` or ``activations[0] alpha``."""
    if field in FIELD_FLAGS:
        return FIELD_FLAGS[field]
    base = re.split(r"[\[ ]", field, maxsplit=1)[0]
    if base in FIELD_FLAGS:
        return FIELD_FLAGS[base]
    for opt in options([]):
        if opt.field == base:
            return opt.flag
    return None


def explain(err: ConfigError, given: dict, origin: str) -> str:
    """One line for an engine error, naming the flag and the value the person typed (or where the value
    came from when they did not type it: ``origin`` is e.g. "from preset 'moons'")."""
    flag = field_flag(err.field)
    if flag is None:
        return f"{err} ({origin})"
    raw = given.get(flag)
    if raw is None and flag in CSV_FLAGS:  # presets set no CSV options: the value is the app's default
        origin = "not given"
    what = f"{flag} {shown(raw)}" if raw is not None else f"{flag} ({origin})"
    standard = f"{err.field}: {shown(err.value)} is not allowed; expected {err.allowed}"
    if str(err) != standard:  # a message of its own, e.g. a CSV error with its line and column
        return with_message(flag, raw, str(err)) if raw is not None else f"{what}: {err}"
    if raw is None:
        return f"{flag} {shown(err.value)} ({origin}) is not allowed; expected {err.allowed}"
    opt_field = next((o.field for o in options([]) if o.flag == flag), None)
    if err.field == opt_field:
        return f"{what} is not allowed; expected {err.allowed}"
    return f"{what}: {err.field} = {shown(err.value)} is not allowed; expected {err.allowed}"


def with_message(flag: str, raw: str, message: str) -> str:
    """``--csv 'a.csv', line 3: ...`` rather than ``--csv 'a.csv': a.csv, line 3: ...`` for a message that
    starts with the path the person typed."""
    if message.startswith(raw) and message[len(raw):len(raw) + 1] in (":", ","):
        return f"{flag} {shown(raw)}{message[len(raw):]}"
    return f"{flag} {shown(raw)}: {message}"


def parse_values(ns: argparse.Namespace, table: list[Option]) -> tuple[dict, dict]:
    """(field -> converted value for every config flag given, flag -> raw text of every flag given)."""
    values, given = {}, {}
    for opt in table:
        raw = getattr(ns, opt.flag[2:].replace("-", "_"))
        if raw is None or raw is False:
            continue
        given[opt.flag] = raw
        if opt.parse is not None:
            values[opt.field] = opt.parse(opt.flag, raw, opt.field)
    if "--header" in given and "--no-header" in given:
        raise CliError("--header and --no-header contradict each other; give one of them (or neither: detected)")
    return values, given
