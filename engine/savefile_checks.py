"""What a run file's header must say before any array is read (engine/savefile.py loads it): each field of the
dataset, the mid-epoch counters, the optimizer and the status checked against the config, with the one error
every problem becomes, ``SaveFileError`` ("<path>: <what is wrong>")."""
from __future__ import annotations

import math

import numpy as np

from .config import TrainConfig
from .optimizers import make_optimizer
from .status import Status
from .validation import ConfigError, Interval, OneOf, shorten, shown

STATUS = OneOf((Status.READY.value, Status.RUNNING.value, Status.DIVERGED.value))  # what a trainer can be
COUNT = Interval(int, 0, 10**15)
# the scalars of Trainer.epoch_state(); rng_* are the legacy generator's state beside its 624 keys
EPOCH_STATE = {"epoch": COUNT, "steps": COUNT, "epoch_correct": COUNT, "epoch_loss": Interval(float, None, None),
               "rng_pos": Interval(int, 0, 624), "rng_has_gauss": Interval(int, 0, 1),
               "rng_cached_gaussian": Interval(float, None, None)}


class SaveFileError(ConfigError):
    """A run file that cannot be saved or loaded; ``str(err)`` is "<path>: <what is wrong>"."""

    def __init__(self, path, problem: str):
        super().__init__("file", str(path), "a Backprop Lab run file this app can read")
        self.path, self.problem = str(path), problem
        self.args = (f"{path}: {problem}",)


def _check(path, field: str, value, constraint):
    try:
        return constraint.check(field, value)
    except ConfigError as e:
        raise SaveFileError(path, str(e)) from None


def _field(path, d: dict, key: str, kind: type, where: str = ""):
    if key not in d:
        raise SaveFileError(path, f"the header has no '{where}{key}'")
    if not isinstance(d[key], kind):
        raise SaveFileError(path, f"header field '{where}{key}' is {shown(d[key])}; expected a {kind.__name__}")
    return d[key]


def _check_dataset(path, header: dict, sizes: tuple, n_train: int, n_test: int) -> dict:
    """The label members a classification dataset adds; checks the dataset's names."""
    data = _field(path, header, "dataset", dict)
    _field(path, data, "name", str, "dataset.")
    task = _check(path, "dataset.task", data.get("task"), OneOf(("classification", "regression")))
    if task == "classification":
        n_classes = _check(path, "dataset.n_classes", data.get("n_classes"), Interval(int, 2, 4096))
    elif data.get("n_classes") is not None:
        raise SaveFileError(path, f"dataset.n_classes is {shown(data.get('n_classes'))}; expected null for regression")
    n_targets = n_classes if task == "classification" else sizes[-1]
    for key, length in (("feature_names", sizes[0]), ("target_names", n_targets)):
        names = _field(path, data, key, list, "dataset.")
        if len(names) != length or not all(isinstance(s, str) for s in names):
            raise SaveFileError(path, f"dataset.{key} must be a list of {length} strings")
    shape = data.get("image_shape")  # absent from files written before shipped image datasets
    if shape is not None and not (isinstance(shape, list) and len(shape) == 2 and math.prod(shape) == sizes[0]
                                  and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape)):
        raise SaveFileError(path, f"dataset.image_shape is {shape!r}; expected null or [rows, cols] of the "
                                  f"{sizes[0]} inputs")
    return {} if task == "regression" else {"labels_train": ((n_train,), "int64"), "labels_test": ((n_test,), "int64")}


def _check_state(path, header: dict, config: TrainConfig, n_train: int, has_perm: bool) -> dict:
    """The perm member the mid-epoch state needs (if any); checks counters, optimizer and status."""
    batch = config.batch_size or n_train
    if n_train == 0 or batch > n_train:
        raise SaveFileError(path, f"batch_size {batch} needs at least that many training samples, not {n_train}")
    es = _field(path, header, "epoch_state", dict)
    for key, constraint in EPOCH_STATE.items():
        _check(path, f"epoch_state.{key}", es.get(key), constraint)
    step = _check(path, "epoch_state.step_in_epoch", es.get("step_in_epoch"),
                  Interval(int, 0, math.ceil(n_train / batch) - 1))

    opt = _field(path, header, "optimizer", dict)
    if opt.get("name") != config.optimizer:
        raise SaveFileError(path, f"optimizer.name is {shown(opt.get('name'))} but the config says {config.optimizer!r}")
    _check(path, "optimizer.t", opt.get("t"), COUNT)
    hyper = _field(path, opt, "hyperparameters", dict, "optimizer.")
    probe = make_optimizer(config.optimizer, 1, np.ones(1))
    if set(hyper) != set(probe.hyperparameters):
        raise SaveFileError(path, f"optimizer.hyperparameters has {sorted(hyper)}; "
                                  f"{config.optimizer} needs {sorted(probe.hyperparameters)}")
    try:
        probe.set_hyperparameters(**hyper)
    except ConfigError as e:
        raise SaveFileError(path, str(e)) from None
    _check(path, "status", header.get("status"), STATUS)
    _field(path, header, "message", str)
    # a shuffled epoch under way needs its permutation; the trainer also keeps the last one after an epoch
    return {"perm": ((n_train,), "int64")} if batch < n_train and (has_perm or step > 0) else {}


MAX_MARKS, MAX_MARK_TEXT = 1000, 300  # the loss curve's marks a file may hold; characters of one


def check_marks(path, header: dict) -> list[tuple[float, str]]:
    """[(epoch, text)]: the marks of changes made by hand (a weight set, the data changed) that the window drew
    on the loss curve; none in a file written before they were saved."""
    marks = header.get("marks", [])
    if not isinstance(marks, list) or len(marks) > MAX_MARKS:
        raise SaveFileError(path, f"header field 'marks' is {shown(marks)}; expected a list of at most "
                                  f"{MAX_MARKS} [epoch, text] pairs")
    out = []
    for k, mark in enumerate(marks):
        epoch = mark[0] if isinstance(mark, list) and len(mark) == 2 else None
        if not (isinstance(epoch, (int, float)) and not isinstance(epoch, bool) and math.isfinite(epoch)
                and epoch >= 0 and isinstance(mark[1], str)):
            raise SaveFileError(path, f"marks[{k}] is {shown(mark)}; expected [epoch >= 0, text]")
        out.append((float(epoch), shorten(mark[1], MAX_MARK_TEXT)))
    return out
