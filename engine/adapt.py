"""What must follow an edit: the output layer and loss that fit each other and the problem the data poses.

A person changes one thing at a time, in any order: a loss, an output activation, a dataset, a CSV file.
``adapt(config, changes)`` applies the changes and then fixes what no longer fits, saying what it chose:

* a loss that needs a particular output (bce: sigmoid, cce: softmax) sets that output;
* an output activation the loss refuses sets the loss made for it (softmax: cce, sigmoid: bce, any other:
  mse); softmax on class labels also leaves mse for cce, the loss it is made for;
* new data (dataset, CSV file or target, number of classes) sets the output layer, loss and sizes that
  fit the problem it poses, unless the current ones already do, and a batch larger than its training
  set becomes the whole set:

  ==========================  ======================  ===================================
  problem                     output, loss            fits already
  ==========================  ======================  ===================================
  classification, > 2 classes softmax, cce            softmax with cce
  classification, 2 classes   sigmoid, bce (1 unit)   sigmoid with bce or mse; softmax with cce
  regression                  linear, mse             mse on an output whose range covers the
                                                      targets; sigmoid with bce on [0, 1]
  ==========================  ======================  ===================================

The problem is read from the data itself (``problem_of``): a CSV's task is only known once it is read.
Nothing here builds a network; the caller builds the config returned, and the engine's checks still
refuse what cannot work (cce on real-valued targets) with their own message.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import TrainConfig, data_of
from .datasets import make_dataset
from .losses import LOSS_LABELS, LOSSES

# Fields that change the data, and so the problem the network must solve.
DATA_KEYS = ("dataset", "csv_path", "csv_target", "csv_header", "csv_task", "n_classes")
LOSS_FOR_OUTPUT = {"softmax": "cce", "sigmoid": "bce"}  # any other output: mse
# The values each output activation can take; absent: the whole real line.
OUTPUT_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, np.inf), "softmax": (0.0, 1.0)}


@dataclass(frozen=True)
class Problem:
    """What the data asks of the network: ``task`` "classification" or "regression"; ``n_classes`` (None
    for regression); ``n_inputs``; ``n_targets`` (regression: rows of Y); ``n_train`` samples to train on;
    ``low``, ``high``: the targets' range (regression)."""

    task: str
    n_classes: int | None
    n_inputs: int
    n_targets: int
    n_train: int
    low: float = 0.0
    high: float = 1.0

    def describe(self) -> str:
        if self.task == "classification":
            return f"{self.n_classes}-class classification"
        return "regression" + (f" of {self.n_targets} targets" if self.n_targets > 1 else "")


def problem_of(dataset) -> Problem:
    """The problem an ``engine.datasets.Dataset`` poses (any loss's encoding of it)."""
    if dataset.task == "classification":
        return Problem("classification", int(dataset.n_classes), dataset.n_features, 1, dataset.n_train)
    Y = np.concatenate([dataset.Y_train, dataset.Y_test], axis=1)
    low, high = (float(Y.min()), float(Y.max())) if Y.size else (0.0, 1.0)
    return Problem("regression", None, dataset.n_features, dataset.n_outputs, dataset.n_train, low, high)


def draw_problem(config: TrainConfig) -> Problem:
    """The problem ``config``'s data poses, drawn with the loss every target accepts (mse). The tutorial's
    sample takes its shape from the layers, so a switch to it starts from the tutorial's own 5 -> 4."""
    if config.dataset == "tutorial":
        return problem_of(make_dataset("tutorial", rng=np.random.RandomState(config.seed)))
    return problem_of(data_of(config.replace(loss="mse")))  # (from its data seed, if it has one)


def fits(output: str, loss: str, problem: Problem) -> bool:
    """Whether an output activation ``output`` with ``loss`` suits ``problem`` (the module's table)."""
    if problem.task == "classification":
        if problem.n_classes > 2:
            return output == "softmax" and loss == "cce"
        return (output == "sigmoid" and loss in ("bce", "mse")) or (output == "softmax" and loss == "cce")
    if loss == "bce":
        return output == "sigmoid" and problem.low >= 0.0 and problem.high <= 1.0
    low, high = OUTPUT_RANGE.get(output, (-np.inf, np.inf))
    return loss == "mse" and low <= problem.low and problem.high <= high


def _choice(problem: Problem) -> tuple[str, str, int]:
    """(output activation, loss, output units) for a problem the current choice does not fit."""
    if problem.task == "regression":
        return "linear", "mse", problem.n_targets
    if problem.n_classes > 2:
        return "softmax", "cce", problem.n_classes
    return "sigmoid", "bce", 1


def _outputs(loss: str, problem: Problem) -> int:
    """Output units the data has for ``loss`` (one-hot for cce or many classes; ``encode_targets``)."""
    if problem.task == "regression":
        return problem.n_targets
    return problem.n_classes if loss == "cce" or problem.n_classes > 2 else 1


def _with_output(config: TrainConfig, output: str) -> TrainConfig:
    return config.replace(activations=tuple(config.activations[:-1]) + (output,))


def _name(spec: str) -> str:
    return spec.split(":")[0]


def adapt(config: TrainConfig, changes: dict, dataset=None) -> tuple[TrainConfig, str]:
    """``config`` with ``changes`` (TrainConfig fields -> values) and what must follow them, and a note
    saying what was changed on the user's behalf ("" when nothing was). ``dataset``: the new data, if the
    caller has it (else it is drawn when the data changed, or softmax meets mse and the task matters)."""
    new = config.replace(**changes)
    notes = []
    problem = problem_of(dataset) if dataset is not None else None

    def known_problem() -> Problem:
        nonlocal problem
        if problem is None:
            problem = draw_problem(new)
        return problem

    output, loss = _name(new.activations[-1]), new.loss
    required = LOSSES[loss].output_activations if loss in LOSSES else None
    if "loss" in changes and required and output not in required:
        new, output = _with_output(new, required[0]), required[0]
        notes.append(f"The output activation is now {output}, which the loss '{loss}' needs.")
    elif "activations" in changes and output != _name(config.activations[-1]):
        wanted = LOSS_FOR_OUTPUT.get(output, "mse")
        refused = required is not None and output not in required
        made_for = output == "softmax" and loss == "mse" and known_problem().task == "classification"
        if refused or made_for:
            new, loss = new.replace(loss=wanted), wanted
            notes.append(f"The loss is now {LOSS_LABELS[wanted].lower()}, the loss a {output} output is made for.")

    if any(getattr(config, k) != v for k, v in changes.items() if k in DATA_KEYS):
        p = known_problem()
        if new.dataset == "tutorial" and config.dataset != "tutorial":
            # the tutorial's sample takes the network's shape: arriving there, give it the tutorial's
            new = new.replace(layers=(p.n_inputs,) + tuple(new.layers[1:-1]) + (_outputs(loss, p),))
        if not fits(output, loss, p):
            output, loss, units = _choice(p)
            hidden = tuple(new.layers[1:-1])
            new = _with_output(new, output).replace(loss=loss, layers=(p.n_inputs,) + hidden + (units,))
            sizes = "-".join(map(str, new.layers))
            notes = [f"The data is {p.describe()}: the output layer is now {units} {output} "
                     f"unit{'s' if units > 1 else ''} with {LOSS_LABELS[loss].lower()} ({sizes})."]
        if new.batch_size is not None and new.batch_size > p.n_train and "batch_size" not in changes:
            new = new.replace(batch_size=None)
            notes.append(f"A batch is now the whole training set: it has {p.n_train} sample"
                         f"{'s' if p.n_train > 1 else ''}.")
    return new, " ".join(notes)
