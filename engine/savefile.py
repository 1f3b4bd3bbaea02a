"""Run files: a trainer saved whole, so that a loaded run continues with exactly the numbers of one
that never stopped.

A run file is a plain ``.npz`` (a zip of ``.npy`` members, written by ``np.savez``). The member
``header`` is a 1-D uint8 array holding UTF-8 JSON: format, version, the ``TrainConfig``, the optimizer's
name, step count and hyperparameters, the scalars of the mid-epoch state, the dataset's names, the status
and, under ``arrays``, the shape and dtype of every other member:

    params (n_params,) float32/64   opt_<key> (n_params,)   rng_keys (624,) uint32   perm (n_train,) int64
    X_train (n_0, n_train)  Y_train (n_L, n_train)  X_test (n_0, n_test)  Y_test (n_L, n_test)  float64
    labels_train (n_train,) labels_test (n_test,) int64 (classification only)
    raw_X_train (2, n_train) raw_X_test (2, n_test) float64 (with input features only: the points before them)
    step_losses (steps,) float32   train_losses, test_losses, train_accuracy, test_accuracy (epochs,) float64

Loading trusts nothing: every shape is checked against the config from the ``.npy`` headers alone, before
any array is read, so a hostile file can neither unpickle anything nor make us allocate what it declares.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .atomic import atomic_open
from .config import TrainConfig, build
from .datasets import Dataset
from .history import record_lengths
from .optimizers import make_optimizer
from .runfile_history import HistoryError, history_arrays, history_members, restore_history
from .safe_io import PathError, open_regular
from .status import Status
from .trainer import Trainer
from .validation import ConfigError, shorten, shown
from .savefile_checks import EPOCH_STATE, SaveFileError, _check_dataset, _check_state, _field, check_marks
from .zip_limits import ZipLimitError, check_directory, check_member

FORMAT = "backprop-lab-run"
FORMAT_VERSION = 2  # 2 adds the last step's gradients and the keyframes (engine/runfile_history.py)
MAX_FILE_BYTES = 2 * 1024**3
MAX_HEADER_BYTES = 1_000_000
MAX_RECORD = 10**9
MAX_NAME, MAX_MESSAGE = 120, 500  # characters of a dataset's name or a column's, of the status message
RECORDS = {"step_losses": "float32", "train_losses": "float64", "test_losses": "float64",
           "train_accuracy": "float64", "test_accuracy": "float64"}
TEST_RECORDS = ("test_losses", "test_accuracy")
# What a damaged zip or .npy can raise from zipfile, zlib and numpy's header parser.
_CORRUPT = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, TypeError, KeyError,
            RuntimeError, NotImplementedError)


# -- saving -------------------------------------------------------------------------------------------

def _state_keys(optimizer: str) -> list[str]:
    """Names of the optimizer's state arrays (besides the step count ``t``), from a one-parameter copy."""
    return [k for k in make_optimizer(optimizer, 1, np.ones(1)).state() if k != "t"]


def _collect(trainer: Trainer) -> tuple[dict, dict]:
    """(header without ``arrays``, {member: array}) of a trainer."""
    opt, data, es = trainer.optimizer, trainer.data, trainer.epoch_state()
    state = opt.state()
    arrays = {"params": trainer.network.params.copy()}
    for key in _state_keys(opt.name):
        # A diverged run's optimizer state may hold inf/nan; continuing always passes through
        # resume_after_divergence, which applies this very nan_to_num, so the numbers stay the same.
        v = state[key]
        arrays[f"opt_{key}"] = np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0) if trainer.status is Status.DIVERGED else v
    _, keys, pos, has_gauss, cached = es["rng_state"]
    arrays["rng_keys"] = np.asarray(keys, np.uint32)
    if es["perm"] is not None:
        arrays["perm"] = np.asarray(es["perm"], np.int64)
    for name in ("X_train", "Y_train", "X_test", "Y_test", "raw_X_train", "raw_X_test"):
        if getattr(data, name) is not None:  # raw_X_* only with input features
            arrays[name] = np.ascontiguousarray(getattr(data, name), np.float64)  # float32 -> 64 loses nothing
    for name in ("labels_train", "labels_test"):
        if getattr(data, name) is not None:
            arrays[name] = np.asarray(getattr(data, name), np.int64)
    for name, dtype in RECORDS.items():
        arrays[name] = np.asarray(getattr(trainer, name).view(), dtype)
    header = {
        "format": FORMAT, "version": FORMAT_VERSION, "config": trainer.config.to_dict(),
        "optimizer": {"name": opt.name, "t": int(opt.t), "hyperparameters": opt.hyper()},
        # float(): a float32 network makes the running epoch loss an np.float32, which JSON can't hold
        "epoch_state": {"epoch": int(es["epoch"]), "step_in_epoch": int(es["step_in_epoch"]),
                        "steps": int(es["steps"]), "epoch_loss": float(es["epoch_loss"]),
                        "epoch_correct": int(es["epoch_correct"]), "rng_pos": int(pos),
                        "rng_has_gauss": int(has_gauss), "rng_cached_gaussian": float(cached)},
        "dataset": {"name": data.name, "task": data.task, "n_classes": data.n_classes,
                    "feature_names": list(data.feature_names), "target_names": list(data.target_names),
                    "image_shape": None if data.image_shape is None else list(data.image_shape)},
        "status": trainer.status.value, "message": trainer.message,
    }
    return header, arrays


def save_run(path, trainer: Trainer, keyframes: bool | int = True, marks=None) -> None:
    """Write ``trainer`` (built by ``engine.config.build``; not training meanwhile) to ``path``, atomically:
    a failure leaves whatever was at ``path`` untouched. The path is used as given (no ``.npz`` added).
    ``keyframes``: save the keyframes too (thinned evenly to at most 64 MB, or to this many bytes when
    an int), so the reopened run can be replayed; False saves only the last step's gradients.
    ``marks``: [(epoch, text)] drawn on the loss curve (None: ``trainer.marks``, those it was loaded with)."""
    path = Path(path)
    header, arrays = _collect(trainer)
    header["marks"] = [[float(e), str(t)] for e, t in (trainer.marks if marks is None else marks)]
    header["keyframes"], history = history_arrays(trainer, keyframes)
    arrays.update(history)
    header["arrays"] = {k: {"shape": list(a.shape), "dtype": a.dtype.name} for k, a in arrays.items()}
    blob = np.frombuffer(json.dumps(header, allow_nan=False).encode("utf-8"), np.uint8)
    if blob.size >= MAX_HEADER_BYTES:
        raise SaveFileError(path, f"the header would be {blob.size:,} bytes; a run file's is under {MAX_HEADER_BYTES:,}")
    with atomic_open(path, "wb") as f:
        np.savez(f, header=blob, **arrays)  # a file object: numpy appends no suffix
        f.flush()
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise SaveFileError(path, f"the run takes {size:,} bytes; at most {MAX_FILE_BYTES:,} can be loaded")


# -- loading ------------------------------------------------------------------------------------------

def _npy_header(path, zf: zipfile.ZipFile, name: str):
    """(shape, dtype, data offset, member size) of member ``name`` from its .npy header; no data is read."""
    try:
        info = zf.getinfo(name + ".npy")
    except KeyError:
        raise SaveFileError(path, f"member {name} is missing") from None
    try:
        with zf.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise SaveFileError(path, f"{name} is in .npy format {version}, not 1.0 or 2.0")
            offset = f.tell()
    except _CORRUPT as e:
        raise SaveFileError(path, f"{name} is damaged ({e})") from None
    return tuple(shape), dtype, offset, info.file_size


@contextlib.contextmanager
def _open(path):
    """The file as an open zip, after the checks that need only its kind, size and zip directory."""
    try:
        f = open_regular(path, "run file")
    except PathError as e:
        raise SaveFileError(path, e.strerror) from None
    except FileNotFoundError:
        raise SaveFileError(path, "no such file") from None
    except (OSError, ValueError) as e:  # "permission denied" is said, not "not a run file"
        raise SaveFileError(path, f"the file cannot be read ({getattr(e, 'strerror', None) or e})") from None
    with f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise SaveFileError(path, f"the file is {size:,} bytes; a run file is at most {MAX_FILE_BYTES:,}")
        try:
            check_directory(f, size)
            zf = zipfile.ZipFile(f)
        except ZipLimitError as e:
            raise SaveFileError(path, str(e)) from None
        except _CORRUPT:
            raise SaveFileError(path, "truncated or not a Backprop Lab run file") from None
        with zf:
            yield zf


def _read_header(path, zf: zipfile.ZipFile) -> dict:
    shape, dtype, offset, size = _npy_header(path, zf, "header")
    if dtype != np.uint8 or len(shape) != 1 or shape[0] >= MAX_HEADER_BYTES or size != offset + shape[0]:
        raise SaveFileError(path, f"the header is not a 1-D uint8 array under {MAX_HEADER_BYTES:,} bytes")
    try:
        with zf.open("header.npy") as f:
            text = np.load(f, allow_pickle=False).tobytes().decode("utf-8")
        header = json.loads(text)
    except (*_CORRUPT, RecursionError) as e:
        raise SaveFileError(path, f"the header is not readable JSON ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        what = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise SaveFileError(path, f"not a Backprop Lab run file (format {shown(what)}, expected {FORMAT!r})")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveFileError(path, f"version {shown(version)} is not a version this app reads ({FORMAT_VERSION})")
    if version > FORMAT_VERSION:
        raise SaveFileError(path, f"version {version} is newer than this app reads ({FORMAT_VERSION})")
    return header


def _listed(path, header: dict) -> dict:
    """{member: (shape, dtype name)} as the header lists them."""
    listing = _field(path, header, "arrays", dict)
    out = {}
    for name, entry in listing.items():
        shape = entry.get("shape") if isinstance(entry, dict) else None
        dtype = entry.get("dtype") if isinstance(entry, dict) else None
        if (not isinstance(shape, list) or len(shape) > 2 or not isinstance(dtype, str)
                or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape)):
            raise SaveFileError(path, f"arrays.{name} is {shown(entry)}; expected a shape of up to 2 sizes and a dtype")
        out[name] = (tuple(shape), dtype)
    return out


def _last(listed: dict, name: str) -> int:
    """The last size the listing gives ``name`` (0 if none): n_train, n_test, a record's length."""
    return (listed.get(name, ((), ""))[0] or (0,))[-1]


def _expected(path, header: dict, config: TrainConfig) -> dict:
    """{member: (shape, dtype name)} that the config and the header's scalars require, checked against
    the header's list of arrays."""
    listed = _listed(path, header)
    sizes = config.layers
    n_params = sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:]))
    n_train, n_test = _last(listed, "X_train"), _last(listed, "X_test")
    net = (n_params,), config.dtype
    need = {"params": net, **{f"opt_{k}": net for k in _state_keys(config.optimizer)},
            "rng_keys": ((624,), "uint32"), "X_train": ((sizes[0], n_train), "float64"),
            "Y_train": ((sizes[-1], n_train), "float64"), "X_test": ((sizes[0], n_test), "float64"),
            "Y_test": ((sizes[-1], n_test), "float64")}
    labels = _check_dataset(path, header, sizes, n_train, n_test)
    need.update(labels)
    if config.features:  # the points the features were computed from, so views still draw the plane
        need.update({"raw_X_train": ((2, n_train), "float64"), "raw_X_test": ((2, n_test), "float64")})
    need.update(_check_state(path, header, config, n_train, "perm" in listed))
    for name, length in record_lengths(header["epoch_state"], bool(labels), n_test).items():
        need[name] = ((length,), RECORDS[name])
    try:
        need.update(history_members(header, config, n_params, n_train))
    except HistoryError as e:
        raise SaveFileError(path, str(e)) from None

    arch = "-".join(map(str, sizes))
    for name, (shape, dtype) in need.items():
        if name not in listed:
            raise SaveFileError(path, f"member {name} is missing from the header's arrays")
        got_shape, got_dtype = listed[name]
        if name in RECORDS and (len(got_shape) != 1 or got_shape[0] > MAX_RECORD):
            raise SaveFileError(path, f"{name} has shape {got_shape}; a record is 1-D with at most "
                                      f"{MAX_RECORD:,} values")
        if name in TEST_RECORDS and shape == (0,) and n_test == 0 and (name == "test_losses" or labels) and \
                got_shape == (header["epoch_state"]["epoch"],):
            shape = got_shape  # the test set went with a data change; the record went on (nan) since
            need[name] = (shape, dtype)
        if got_shape != shape and name in RECORDS:
            es = header["epoch_state"]
            raise SaveFileError(path, f"{name} holds {got_shape[0]:,} values but the header's counters "
                                      f"(epoch {es['epoch']}, steps {es['steps']}) need {shape[0]:,}")
        if got_shape != shape:
            raise SaveFileError(path, f"{name} has shape {got_shape} but network {arch} needs {shape}")
        if got_dtype != dtype:
            raise SaveFileError(path, f"{name} has dtype {got_dtype} but a {config.dtype} {arch} run needs {dtype}")
    extra = sorted(set(listed) - set(need))
    if extra:
        raise SaveFileError(path, f"the header lists an unexpected member {shown(extra[0])}")
    return need


def _read_arrays(path, zf: zipfile.ZipFile, need: dict) -> dict:
    """The members, after every .npy header agreed with ``need`` and their total size is bounded."""
    total = 0
    for name, (shape, dtype) in need.items():
        got_shape, got, offset, size = _npy_header(path, zf, name)
        if got.hasobject:
            raise SaveFileError(path, f"{name} holds Python objects (a pickle); a run file holds only numbers")
        if got.fields is not None or got.subdtype is not None or got.newbyteorder("=") != np.dtype(dtype):
            raise SaveFileError(path, f"{name} has dtype {got} but needs {dtype}")
        if got_shape != shape:
            raise SaveFileError(path, f"{name} has shape {got_shape} but the header lists {shape}")
        nbytes = math.prod(shape) * got.itemsize
        try:
            check_member(zf.getinfo(name + ".npy"), offset + nbytes)
        except ZipLimitError as e:
            raise SaveFileError(path, str(e)) from None
        total += nbytes
    if total > MAX_FILE_BYTES:
        raise SaveFileError(path, f"the arrays hold {total:,} bytes; a run file holds at most {MAX_FILE_BYTES:,}")
    arrays = {}
    for name, (_, dtype) in need.items():
        try:
            with zf.open(name + ".npy") as f:
                arrays[name] = np.load(f, allow_pickle=False).astype(dtype, copy=False)
        except _CORRUPT as e:
            raise SaveFileError(path, f"{name} is damaged ({e})") from None
        if name.startswith(("params", "opt_", "X_", "Y_", "raw_X_")) and not np.isfinite(arrays[name]).all():
            raise SaveFileError(path, f"{name} contains NaN or inf")
    return arrays


def load_run(path) -> Trainer:
    """The trainer saved at ``path``, ready to continue exactly where it stopped.
    Every problem with the file is a ``SaveFileError`` naming the file and what is wrong."""
    with _open(path) as zf:
        header = _read_header(path, zf)
        try:
            config = TrainConfig.from_dict(header.get("config"))
        except ConfigError as e:
            raise SaveFileError(path, str(e)) from None
        need = _expected(path, header, config)
        arrays = _read_arrays(path, zf, need)
    d, opt = header["dataset"], header["optimizer"]
    es = {k: c.check(k, header["epoch_state"][k]) for k, c in EPOCH_STATE.items()}  # checked; now normalised
    for split in ("train", "test"):
        labels = arrays.get(f"labels_{split}")
        if labels is not None and labels.size and (labels.min() < 0 or labels.max() >= d["n_classes"]):
            raise SaveFileError(path, f"labels_{split} holds classes outside [0, {d['n_classes'] - 1}]")
    perm = arrays.get("perm")
    if perm is not None and not np.array_equal(np.sort(perm), np.arange(perm.size)):
        raise SaveFileError(path, "perm is not a permutation of the training samples")
    image_shape = None if d.get("image_shape") is None else tuple(d["image_shape"])
    # Texts from the file are shown in the views and the window's banner: a 500 KB one would stall both.
    data = Dataset(shorten(d["name"], MAX_NAME), d["task"], arrays["X_train"], arrays["Y_train"], arrays["X_test"],
                   arrays["Y_test"], arrays.get("labels_train"), arrays.get("labels_test"), d["n_classes"],
                   [shorten(s, MAX_NAME) for s in d["feature_names"]],
                   [shorten(s, MAX_NAME) for s in d["target_names"]], image_shape, config.features,
                   arrays.get("raw_X_train"), arrays.get("raw_X_test"))
    for split in ("train", "test") if config.features else ():
        if not np.allclose(data.inputs(getattr(data, f"raw_X_{split}")), getattr(data, f"X_{split}"),
                           rtol=1e-12, atol=1e-12):
            raise SaveFileError(path, f"X_{split} is not the features {list(config.features)} of raw_X_{split}")
    try:
        trainer = build(config, data=data)
        trainer.network.params[...] = arrays["params"]
        trainer.optimizer.set_hyperparameters(**opt["hyperparameters"])
        trainer.optimizer.load_state({"t": opt["t"], **{k[4:]: v for k, v in arrays.items() if k.startswith("opt_")}})
        if es["steps"] != es["epoch"]:
            trainer._own_step_record()  # its epochs were longer than one step before a data change
        for name in RECORDS:
            getattr(trainer, name).extend(arrays[name])
        if len(trainer.step_losses) != es["steps"]:  # one step per epoch, yet steps and epochs differ
            raise SaveFileError(path, f"epoch_state.steps is {es['steps']:,} but a run of one step per epoch "
                                      f"that ran {es['epoch']:,} epochs took as many steps")
        trainer.restore_epoch_state({
            **es, "step_in_epoch": header["epoch_state"]["step_in_epoch"], "perm": perm,
            "rng_state": ("MT19937", arrays["rng_keys"], es["rng_pos"], es["rng_has_gauss"],
                          es["rng_cached_gaussian"])})
    except ConfigError as e:
        raise SaveFileError(path, str(e)) from None
    except ValueError as e:  # RandomState.set_state refusing the generator's state
        raise SaveFileError(path, f"the random generator's state is not valid ({e})") from None
    trainer.status, trainer.message = header["status"], shorten(header["message"], MAX_MESSAGE)
    trainer.marks = check_marks(path, header)
    try:
        restore_history(trainer, header, arrays)  # replaces the keyframe build() took of fresh weights
    except HistoryError as e:
        raise SaveFileError(path, str(e)) from None
    return trainer
