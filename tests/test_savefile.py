"""Run files: a saved and loaded run continues bit for bit; saving is atomic; a damaged or hostile file
is refused with a message naming it, before anything it declares is allocated or unpickled."""
from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

import resources
from engine.config import TrainConfig, build
from engine.savefile import FORMAT_VERSION, SaveFileError, load_run, save_run
from engine.validation import ConfigError

# preset, changes: regression without a test set, binary classification, regression with a test set and
# weight decay under Adam, three classes under momentum in float32
CASES = {
    "tutorial": ("tutorial", {}),
    "xor": ("xor", {}),
    "adam": ("sine", {"optimizer": "adam", "weight_decay": 1e-3}),
    "momentum-float32": ("blobs", {"optimizer": "momentum", "dtype": "float32"}),
}
RECORDS = ("step_losses", "train_losses", "test_losses", "train_accuracy", "test_accuracy")


def _trainer(case: str):
    preset, changes = CASES[case]
    return build(TrainConfig.from_dict(resources.load_preset(preset)["config"]).replace(**changes))


def _steps(trainer, k: int) -> None:
    for _ in range(k):
        assert trainer.train_step() is not None


def _assert_same(a, b) -> None:
    assert a.config == b.config and a.batch_size == b.batch_size
    assert np.array_equal(a.network.params, b.network.params) and a.network.params.dtype == b.network.params.dtype
    sa, sb = a.optimizer.state(), b.optimizer.state()
    assert sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)
    assert a.optimizer.hyper() == b.optimizer.hyper()
    for name in RECORDS:
        assert np.array_equal(getattr(a, name).view(), getattr(b, name).view()), name
    ea, eb = a.epoch_state(), b.epoch_state()
    for key in ("epoch", "step_in_epoch", "steps", "epoch_loss", "epoch_correct"):
        assert ea[key] == eb[key], key
    assert (ea["perm"] is None) == (eb["perm"] is None)
    assert ea["perm"] is None or np.array_equal(ea["perm"], eb["perm"])
    ra, rb = ea["rng_state"], eb["rng_state"]
    assert ra[0] == rb[0] and np.array_equal(ra[1], rb[1]) and ra[2:] == rb[2:]
    for name in ("X_train", "Y_train", "X_test", "Y_test", "labels_train", "labels_test"):
        x, y = getattr(a.data, name), getattr(b.data, name)
        assert (x is None and y is None) or np.array_equal(x, y), name
    for name in ("name", "task", "n_classes", "feature_names", "target_names"):
        assert getattr(a.data, name) == getattr(b.data, name), name
    assert (a.status, a.message) == (b.status, b.message)


# -- round trip and continuation ----------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_round_trip_keeps_everything(case, tmp_path):
    trainer = _trainer(case)
    _steps(trainer, 23)
    trainer.optimizer.set_hyperparameters(learning_rate=trainer.optimizer.learning_rate / 3)  # changed live
    save_run(tmp_path / "run.npz", trainer)
    loaded = load_run(tmp_path / "run.npz")
    _assert_same(trainer, loaded)
    assert loaded.steps == 23 and loaded.status == "running"


@pytest.mark.parametrize("case", CASES)
def test_saved_and_loaded_run_continues_bit_for_bit(case, tmp_path):
    n = 46
    straight, resumed = _trainer(case), _trainer(case)
    for t in (straight, resumed):
        _steps(t, n // 2)
        t.optimizer.set_hyperparameters(learning_rate=t.optimizer.learning_rate * 0.5)
    if case != "tutorial":  # one sample per epoch there; elsewhere 23 steps stop inside an epoch
        assert resumed.step_in_epoch != 0
    _steps(straight, n - n // 2)
    save_run(tmp_path / "run.npz", resumed)
    resumed = load_run(tmp_path / "run.npz")
    _steps(resumed, n - n // 2)
    _assert_same(straight, resumed)
    assert len(straight.train_losses) >= 2  # epochs ended after the reload, so their records were compared


@pytest.mark.parametrize("chunk", [7, 10], ids=["mid-epoch", "epoch-boundary"])
def test_xor_saved_every_few_steps_matches_a_run_that_never_stopped(chunk, tmp_path):
    straight, resumed = _trainer("xor"), _trainer("xor")
    assert resumed.batch_size == 32 and resumed.n == 320  # 10 steps per epoch
    _steps(straight, 5 * chunk)
    for _ in range(5):
        _steps(resumed, chunk)
        assert (resumed.step_in_epoch == 0) == (chunk == 10)
        save_run(tmp_path / "run.npz", resumed)
        resumed = load_run(tmp_path / "run.npz")
    _assert_same(straight, resumed)


def test_diverged_run_with_non_finite_optimizer_state_saves_loads_and_resumes_alike(tmp_path):
    trainer = _trainer("momentum-float32")
    _steps(trainer, 5)
    trainer.optimizer.velocity[:3] = [np.inf, -np.inf, np.nan]  # what an overflowing step leaves behind
    trainer.status, trainer.message = "diverged", "Training diverged: test"
    save_run(tmp_path / "run.npz", trainer)
    loaded = load_run(tmp_path / "run.npz")
    assert loaded.status == "diverged" and loaded.message == "Training diverged: test"
    assert loaded.train_step() is None
    for t in (trainer, loaded):
        t.resume_after_divergence()
        _steps(t, 4)
    _assert_same(trainer, loaded)


def test_csv_run_loads_without_its_csv_file(tmp_path):
    rng = np.random.RandomState(3)
    X = rng.uniform(-1, 1, size=(40, 2))
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n" + "".join(f"{x:.6f},{y:.6f},{int(x * y > 0)}\n" for x, y in X))
    config = TrainConfig(layers=(2, 4, 1), activations=("tanh", "sigmoid"), loss="bce", dataset="csv",
                         csv_path=str(csv), csv_target="label", batch_size=8, learning_rate=0.1)
    straight, resumed = build(config, fit_io=True), build(config, fit_io=True)
    _steps(straight, 10)
    _steps(resumed, 5)
    save_run(tmp_path / "run.npz", resumed)
    csv.unlink()  # the dataset travels inside the run file
    resumed = load_run(tmp_path / "run.npz")
    _steps(resumed, 5)
    _assert_same(straight, resumed)
    assert resumed.data.feature_names == ["a", "b"]


def test_file_is_a_plain_npz_at_the_path_as_given(tmp_path):
    trainer = _trainer("xor")
    _steps(trainer, 3)
    save_run(tmp_path / "run", trainer)  # no suffix: none is added
    assert os.listdir(tmp_path) == ["run"]
    with np.load(tmp_path / "run", allow_pickle=False) as z:
        header = json.loads(z["header"].tobytes().decode("utf-8"))
        members = set(z.files)
        assert np.array_equal(z["params"], trainer.network.params)
    assert header["format"] == "backprop-lab-run" and header["version"] == FORMAT_VERSION == 2
    assert members == {"header", *header["arrays"]}
    assert header["arrays"]["X_train"] == {"shape": [2, 320], "dtype": "float64"}
    assert {"opt_m", "opt_v", "perm", "rng_keys", "labels_train"} <= members
    assert header["config"] == trainer.config.to_dict() and header["optimizer"]["t"] == 3


# -- atomic save ---------------------------------------------------------------------------------------

def _half_write_then_fail(file, *args, **kwargs):
    file.write(b"PK\x03\x04 half a zip")
    raise OSError(28, "No space left on device")


def _fail(*args, **kwargs):
    raise OSError(5, "Input/output error")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("target, replacement", [
    (np, ("savez", _half_write_then_fail)), (os, ("fsync", _fail)), (os, ("replace", _fail)),
    (np, ("savez", _interrupt)),
], ids=["savez", "fsync", "replace", "interrupted"])
def test_failed_save_leaves_previous_file_and_no_temp_file(target, replacement, tmp_path, monkeypatch):
    path = tmp_path / "run.npz"
    first = _trainer("tutorial")
    save_run(path, first)
    before = path.read_bytes()
    later = _trainer("tutorial")
    _steps(later, 3)
    monkeypatch.setattr(target, *replacement)
    with pytest.raises((OSError, KeyboardInterrupt)):
        save_run(path, later)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.npz"]
    assert load_run(path).steps == 0


def test_failed_first_save_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", _fail)
    with pytest.raises(OSError):
        save_run(tmp_path / "run.npz", _trainer("tutorial"))
    assert os.listdir(tmp_path) == []


# -- damaged and hostile files -------------------------------------------------------------------------

DETONATED = []


def _detonate():
    DETONATED.append(True)
    return 0.0


class _Bomb:
    def __reduce__(self):  # unpickling one calls _detonate
        return (_detonate, ())


def _npy(array, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _header_only(shape, dtype="float64") -> bytes:
    """A .npy header declaring ``shape`` with no data after it."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(  # writes the magic string too
        buf, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": shape})
    return buf.getvalue()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """{"tutorial"/"xor": (file bytes, {member: bytes})} of two valid run files (xor saved mid-epoch)."""
    out = {}
    for case, k in (("tutorial", 4), ("xor", 13)):
        path = tmp_path_factory.mktemp(case) / "run.npz"
        trainer = _trainer(case)
        _steps(trainer, k)
        save_run(path, trainer)
        with zipfile.ZipFile(path) as z:
            out[case] = path.read_bytes(), {n: z.read(n) for n in z.namelist()}
    return out


def _zip(path, members: dict) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _edit(base, change):
    """A maker that writes ``base``'s members after ``change(members, header)``, header re-encoded."""
    def make(good, path):
        members = dict(good[base][1])
        header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
        change(members, header)
        if "header.npy" in members:
            members["header.npy"] = _npy(np.frombuffer(json.dumps(header).encode(), np.uint8))
        _zip(path, members)
    return make


def _raw(data):
    def make(good, path):
        path.write_bytes(data(good) if callable(data) else data)
    return make


def _set(*keys_value):
    *keys, value = keys_value

    def change(members, header):
        d = header
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return change


def _member(name, data):
    def change(members, header):
        members[name + ".npy"] = data
    return change


def _listed_member(name, array):
    def change(members, header):
        members[name + ".npy"] = _npy(array)
        header["arrays"][name] = {"shape": list(array.shape), "dtype": array.dtype.name}
    return change


def _flip_params_byte(good):
    data, members = good["tutorial"]
    at = data.find(members["params.npy"]) + len(members["params.npy"]) - 3  # inside the weights, not the header
    return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1:]


nan_params = np.zeros(62)
nan_params[7] = np.nan
inf_x = np.full((2, 320), 0.5)
inf_x[1, 5] = np.inf

CORRUPT = {
    "missing file": (None, "no such file"),
    "directory": (lambda good, path: path.mkdir(), "this is a directory; expected a regular run file"),
    "empty": (_raw(b""), "truncated or not a Backprop Lab run file"),
    "random bytes": (_raw(np.random.RandomState(0).bytes(4096)), "truncated or not a Backprop Lab run file"),
    **{f"truncated to {f:.1%}": (_raw(lambda good, f=f: good["tutorial"][0][:int(len(good["tutorial"][0]) * f)]),
                                 "") for f in (0.001, 0.1, 0.5, 0.9, 0.998)},
    "truncated by one byte": (_raw(lambda good: good["tutorial"][0][:-1]), ""),
    "flipped bit": (_raw(_flip_params_byte), "params is damaged"),
    "zip without header": (_edit("tutorial", lambda m, h: m.pop("header.npy")), "member header is missing"),
    "header not JSON": (lambda good, path: _zip(path, {"header.npy": _npy(np.frombuffer(b"{no json", np.uint8))}),
                        "not readable JSON"),
    "header a JSON list": (lambda good, path: _zip(path, {"header.npy": _npy(np.frombuffer(b"[1]", np.uint8))}),
                           "not a Backprop Lab run file"),
    "header not bytes": (lambda good, path: _zip(path, {"header.npy": _npy(np.zeros(3))}), "1-D uint8"),
    "header over 1 MB": (lambda good, path: _zip(path, {"header.npy": _npy(np.full(1_000_001, 32, np.uint8))}),
                         "1-D uint8 array under 1,000,000 bytes"),
    "wrong format": (_edit("tutorial", _set("format", "other-app")), "not a Backprop Lab run file"),
    "future version": (_edit("tutorial", _set("version", 7)), "version 7 is newer than this app reads (2)"),
    "version a string": (_edit("tutorial", _set("version", "1")), "not a version"),
    "bad config value": (_edit("tutorial", _set("config", "learning_rate", -1.0)), "learning_rate: -1.0"),
    "unknown config key": (_edit("tutorial", _set("config", "colour", "red")), "config: 'colour'"),
    "bad hyperparameter": (_edit("tutorial", _set("optimizer", "hyperparameters", "learning_rate", 1e9)),
                           "learning_rate: 1000000000.0"),
    "missing hyperparameter": (_edit("tutorial", lambda m, h: h["optimizer"]["hyperparameters"].pop("learning_rate")),
                               "optimizer.hyperparameters"),
    "optimizer not the config's": (_edit("tutorial", _set("optimizer", "name", "adam")), "optimizer.name"),
    "bad status": (_edit("tutorial", _set("status", "flying")), "status: 'flying'"),
    "marks not a list": (_edit("tutorial", _set("marks", "w1 set")), "header field 'marks' is 'w1 set'"),
    "a mark without its text": (_edit("tutorial", _set("marks", [[3.0]])), "marks[0] is [3.0]; expected [epoch >= 0, text]"),
    "a mark at a negative epoch": (_edit("tutorial", _set("marks", [[1, "a"], [-2, "b"]])), "marks[1] is [-2, 'b']"),
    "too many marks": (_edit("tutorial", _set("marks", [[1, "a"]] * 1001)), "at most 1000 [epoch, text] pairs"),
    "rng position": (_edit("tutorial", _set("epoch_state", "rng_pos", 999)), "epoch_state.rng_pos: 999"),
    "step past the epoch": (_edit("xor", _set("epoch_state", "step_in_epoch", 10)), "epoch_state.step_in_epoch"),
    "params of the wrong shape": (_edit("tutorial", _listed_member("params", np.zeros(12))),
                                  "params has shape (12,) but network 5-3-5-4 needs (62,)"),
    "params shape unlike its listing": (_edit("tutorial", _member("params", _npy(np.zeros(12)))),
                                        "params has shape (12,) but the header lists (62,)"),
    "params in float32": (_edit("tutorial", _listed_member("params", np.zeros(62, np.float32))), "dtype float32"),
    "params data cut short": (_edit("tutorial", lambda m, h: m.update({"params.npy": m["params.npy"][:-8]})),
                              "params is truncated"),
    "NaN in params": (_edit("tutorial", _listed_member("params", nan_params)), "params contains NaN or inf"),
    "inf in X_train": (_edit("xor", _listed_member("X_train", inf_x)), "X_train contains NaN or inf"),
    "labels out of range": (_edit("xor", _listed_member("labels_train", np.full(320, 2, np.int64))),
                            "labels_train holds classes outside [0, 1]"),
    "perm not a permutation": (_edit("xor", _listed_member("perm", np.zeros(320, np.int64))),
                               "perm is not a permutation"),
    "feature names short": (_edit("xor", _set("dataset", "feature_names", ["x1"])), "dataset.feature_names"),
    "record 2-D": (_edit("xor", _listed_member("train_losses", np.zeros((1, 1)))), "a record is 1-D"),
    "missing member": (_edit("tutorial", lambda m, h: m.pop("Y_train.npy")), "member Y_train is missing"),
    "member missing from the list": (_edit("tutorial", lambda m, h: h["arrays"].pop("rng_keys")),
                                     "member rng_keys is missing from the header's arrays"),
    "unexpected member": (_edit("tutorial", lambda m, h: h["arrays"].update(evil={"shape": [1], "dtype": "int8"})),
                          "unexpected member 'evil'"),
}
# declared sizes that must be refused from the headers alone: allocating them would need up to 8e18 bytes
HUGE = {
    "listed (1e9, 1e9) params": (_edit("tutorial", lambda m, h: (
        m.update({"params.npy": _header_only((10**9, 10**9))}),
        h["arrays"]["params"].update(shape=[10**9, 10**9]))), "params has shape (1000000000, 1000000000)"),
    "npy header (1e9, 1e9) params": (_edit("tutorial", _member("params", _header_only((10**9, 10**9)))),
                                     "but the header lists (62,)"),
    "record of 1e9 values, no data": (_edit("tutorial", lambda m, h: (
        m.update({"step_losses.npy": _header_only((10**9,), "float32")}),
        h["arrays"]["step_losses"].update(shape=[10**9]))), "step_losses holds 1,000,000,000 values but the "
                                                            "header's counters (epoch 4, steps 4) need 4"),
    "record over 1e9 values": (_edit("tutorial", lambda m, h: h["arrays"]["step_losses"].update(shape=[10**9 + 1])),
                               "at most 1,000,000,000 values"),
}


def _refused(good, tmp_path, make, fragment) -> SaveFileError:
    path = tmp_path / "run.npz"
    if make is not None:
        make(good, path)
    with pytest.raises(SaveFileError) as info:
        load_run(path)
    err = info.value
    assert str(err) == f"{path}: {err.problem}" and fragment in err.problem
    assert isinstance(err, ConfigError) and err.field == "file"
    return err


@pytest.mark.parametrize("case", CORRUPT)
def test_damaged_file_is_refused_naming_the_file(case, good, tmp_path):
    err = _refused(good, tmp_path, *CORRUPT[case])
    if case in ("missing file", "directory", "empty", "random bytes"):
        assert err.problem == CORRUPT[case][1]


def test_pickled_member_is_refused_and_never_unpickled(good, tmp_path):
    bomb = _npy(np.array([_Bomb()] * 62), allow_pickle=True)
    np.load(io.BytesIO(bomb), allow_pickle=True)  # the bomb is live: unpickling it calls _detonate
    assert DETONATED
    DETONATED.clear()
    _refused(good, tmp_path, _edit("tutorial", _member("params", bomb)), "params holds Python objects")
    assert not DETONATED


@pytest.mark.parametrize("case", HUGE)
def test_huge_declared_array_is_refused_without_allocating_it(case, good, tmp_path):
    make, fragment = HUGE[case]
    make(good, tmp_path / "run.npz")
    tracemalloc.start()
    try:
        _refused(good, tmp_path, None, fragment)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_good_files_of_the_battery_load(good, tmp_path):
    # the battery's edits are the only thing wrong with its files
    for case in good:
        _edit(case, lambda m, h: None)(good, tmp_path / f"{case}.npz")
        assert load_run(tmp_path / f"{case}.npz").steps in (4, 13)


def test_a_new_run_file_follows_the_umask_and_a_replaced_one_keeps_its_mode(tmp_path):
    trainer = build(TrainConfig.from_dict(resources.load_preset("tutorial")["config"]))
    path = tmp_path / "run.npz"
    old = os.umask(0o022)
    try:
        save_run(path, trainer)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # not private, as a plain open() would make it
    path.chmod(0o600)
    save_run(path, trainer)
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]


def test_the_loss_curves_marks_are_kept_and_an_older_file_without_them_has_none(good, tmp_path):
    trainer = _trainer("xor")
    _steps(trainer, 13)
    marks = [(1.0, "w2[0, 1] set to 0.5 at epoch 1"), (1.3, "noise 0.1 -> 0.3 at epoch 1")]
    save_run(tmp_path / "a.npz", trainer, marks=marks)
    loaded = load_run(tmp_path / "a.npz")
    assert loaded.marks == marks
    save_run(tmp_path / "b.npz", loaded)  # saved again from the command line: the marks it was loaded with
    assert load_run(tmp_path / "b.npz").marks == marks
    _edit("xor", lambda m, h: h.pop("marks"))(good, tmp_path / "old.npz")  # as files written before marks
    assert load_run(tmp_path / "old.npz").marks == []
    _edit("xor", _set("marks", [[2, "x" * 5000]]))(good, tmp_path / "long.npz")
    (epoch, text), = load_run(tmp_path / "long.npz").marks
    assert epoch == 2.0 and len(text) <= 300  # a text that would stall the plot is cut
