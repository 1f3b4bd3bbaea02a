"""Sessions in the real window: CLI -> window -> CLI continues bit for bit, saving is atomic, a bad file changes
nothing, and unsaved changes are asked about before close, New, Open and another preset."""
import gc
import io
import json
import os
import weakref
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from session_helpers import isolated, open_lab, save, step, wait_snapshot  # noqa: F401  (isolated: fixture)

from app.main import main
from engine.savefile import SaveFileError, load_run, save_run

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", preset="xor")


def cli(capsys, *argv) -> dict:
    assert main(["train", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# -- CLI -> window -> CLI -----------------------------------------------------------------------------

def test_cli_run_continues_in_the_window_and_back_with_the_numbers_of_an_unbroken_run(qtbot, tmp_path, capsys):
    """xor: mini-batches of 32, shuffling and Adam state, so every piece of the saved state matters."""
    first, middle, last = 7, 5, 4
    cli(capsys, "--preset", "xor", "--epochs", first, "--save", tmp_path / "cli.npz")
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor")
    assert lab.session.open_path(str(tmp_path / "cli.npz"))
    assert lab.window.windowTitle() == "cli.npz \u2014 Backprop Lab" and not lab.session.is_dirty()
    wait_snapshot(qtbot, lab.controller, lambda s: s.epoch == first and s.status == "done")  # its epoch limit
    lab.window.config_edited.emit({"epochs": first + middle})  # raise the limit, as under Training
    lab.window.transport.train_pause.trigger()
    wait_snapshot(qtbot, lab.controller, lambda s: s.epoch == first + middle and s.status == "done")
    assert lab.session.is_dirty() and lab.window.windowTitle() == "cli.npz* \u2014 Backprop Lab"
    save(qtbot, lab, tmp_path / "window.npz")
    assert lab.window.windowTitle() == "window.npz \u2014 Backprop Lab" and not lab.session.is_dirty()

    resumed = cli(capsys, "--load", tmp_path / "window.npz", "--epochs", last, "--save", tmp_path / "end.npz")
    unbroken = cli(capsys, "--preset", "xor", "--epochs", first + middle + last, "--save", tmp_path / "one.npz")
    assert resumed["epochs"] == unbroken["epochs"] == first + middle + last
    assert resumed["steps"] == unbroken["steps"]
    assert resumed["loss_final"] == unbroken["loss_final"]
    a, b = load_run(tmp_path / "end.npz"), load_run(tmp_path / "one.npz")
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.train_losses.view(), b.train_losses.view())
    assert np.array_equal(a.step_losses.view(), b.step_losses.view())


# -- atomic save --------------------------------------------------------------------------------------

def test_a_save_that_fails_keeps_the_previous_file_and_the_unsaved_changes(qtbot, lab, tmp_path, monkeypatch):
    step(qtbot, lab)
    path = tmp_path / "run.npz"
    save(qtbot, lab, path)
    before = path.read_bytes()
    step(qtbot, lab)
    assert lab.session.is_dirty()

    def replace(src, dst):
        raise OSError(28, "No space left on device (simulated)")

    monkeypatch.setattr(os, "replace", replace)
    with qtbot.waitSignal(lab.controller.saved, timeout=10_000) as saved:
        lab.session.save()
    monkeypatch.undo()
    assert saved.args[0].path == str(path) and "No space left on device" in saved.args[0].error
    assert path.read_bytes() == before
    assert load_run(path).epoch == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    assert f"Could not save the run to {path}" in lab.window.banner.text()
    assert lab.session.is_dirty() and lab.window.windowTitle() == "run.npz* \u2014 Backprop Lab"
    assert lab.session.path == str(path)


# -- the corrupt-file battery -------------------------------------------------------------------------

def _members(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _npy(array, allow_pickle=False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _rezip(good, target, change) -> None:
    members = _members(good)
    header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
    change(members, header)
    members["header.npy"] = _npy(np.frombuffer(json.dumps(header).encode(), np.uint8))
    with zipfile.ZipFile(target, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _huge(members, header):
    header["arrays"]["params"]["shape"] = [10**9, 10**9]
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 10**9)})
    members["params.npy"] = buf.getvalue()  # a header that declares 8e18 bytes, and no data


BAD_FILES = {
    "missing": None,
    "empty": lambda good, p: p.write_bytes(b""),
    "random bytes": lambda good, p: p.write_bytes(np.random.RandomState(0).bytes(5000)),
    "truncated": lambda good, p: p.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
    "truncated by one byte": lambda good, p: p.write_bytes(good.read_bytes()[:-1]),
    "text file": lambda good, p: p.write_text("epoch,loss\n1,0.5\n"),
    "newer version": lambda good, p: _rezip(good, p, lambda m, h: h.update(version=99)),
    "other format": lambda good, p: _rezip(good, p, lambda m, h: h.update(format="something-else")),
    "pickled object": lambda good, p: _rezip(good, p, lambda m, h: m.update(
        {"params.npy": _npy(np.array([{"evil": "__reduce__"}], dtype=object), allow_pickle=True)})),
    "huge declared shape": lambda good, p: _rezip(good, p, _huge),
    "bad config value": lambda good, p: _rezip(good, p, lambda m, h: h["config"].update(learning_rate=-1)),
}


def test_a_corrupt_truncated_wrong_version_or_hostile_file_changes_nothing(qtbot, lab, tmp_path):
    good = tmp_path / "good.npz"
    save(qtbot, lab, good)
    step(qtbot, lab, 2)  # a session with a file, a history and unsaved changes
    qtbot.waitUntil(lambda: lab.window.loss_plot.n_points() == 2)
    window, controller, session = lab.window, lab.controller, lab.session

    def state():
        return (controller.generation, controller.config, controller.last_snapshot.epoch, session.path,
                session.is_dirty(), session.recent, window.windowTitle(), window.loss_plot.n_points())

    before = state()
    assert before[4] and before[6] == "good.npz* \u2014 Backprop Lab"
    for name, make in BAD_FILES.items():
        bad = tmp_path / f"{name.replace(' ', '_')}.npz"
        if make is not None:
            make(good, bad)
        with pytest.raises(SaveFileError) as expected:
            load_run(bad)
        window.banner.dismiss()
        assert not session.open_path(str(bad)), name
        assert window.banner.text() == f"Could not open the run: {expected.value}", name
        assert state() == before, name
    window.transport.step.trigger()  # and the network kept is still the live one
    wait_snapshot(qtbot, controller, lambda s: s.epoch == 3)


# -- unsaved changes ----------------------------------------------------------------------------------

def test_close_without_changes_does_not_ask(qtbot, lab):
    assert lab.window.close() is True and lab.questions == []


def test_close_asks_and_cancel_keeps_the_window(qtbot, lab, tmp_path):
    step(qtbot, lab)
    assert lab.window.windowTitle() == "XOR* \u2014 Backprop Lab"
    lab.answers.append("cancel")
    assert lab.window.close() is False
    assert lab.window.isVisible() and len(lab.questions) == 1 and "Save them before closing" in lab.questions[0]
    # Save, on a session without a file: Save As asks for a name, the window closes once it is written
    lab.answers.append("save")
    lab.save_paths.append(str(tmp_path / "closing"))
    assert lab.window.close() is False  # not yet: the worker is writing
    qtbot.waitUntil(lambda: not lab.window.isVisible(), timeout=10_000)
    assert lab.controller._host.worker is None  # closing stopped the training thread
    assert load_run(tmp_path / "closing.npz").epoch == 1  # ".npz" added to a name without a suffix


def test_close_with_discard_closes_at_once(qtbot, lab):
    step(qtbot, lab)
    lab.answers.append("discard")
    assert lab.window.close() is True and len(lab.questions) == 1


def test_a_failed_save_on_close_keeps_the_window_open(qtbot, lab, tmp_path):
    step(qtbot, lab)
    lab.answers.append("save")
    lab.save_paths.append(str(tmp_path / "no such folder" / "run.npz"))
    with qtbot.waitSignal(lab.controller.saved, timeout=10_000):
        assert lab.window.close() is False
    assert lab.window.isVisible() and "Could not save the run" in lab.window.banner.text()
    assert lab.session.is_dirty()


def test_new_asks_and_cancel_keeps_the_session(qtbot, lab):
    step(qtbot, lab)
    generation = lab.controller.generation
    lab.answers.append("cancel")
    assert lab.session.new() is False
    assert lab.controller.generation == generation and lab.session.is_dirty()
    lab.answers.append("discard")
    assert lab.session.new() is True
    assert lab.controller.generation == generation + 1 and not lab.session.is_dirty()
    assert lab.controller.preset == "xor" and lab.session.path is None  # New starts from the last preset
    assert lab.window.windowTitle() == "XOR \u2014 Backprop Lab"
    assert len(lab.questions) == 2
    lab.session.new()  # nothing to lose: no question
    assert len(lab.questions) == 2


def test_open_asks_before_the_file_chooser_and_cancel_keeps_the_session(qtbot, lab, tmp_path):
    other = tmp_path / "other.npz"
    save(qtbot, lab, other)
    step(qtbot, lab, 2)
    generation = lab.controller.generation
    lab.answers.append("cancel")
    assert lab.session.open() is False
    assert lab.chooser_calls == [] and lab.controller.generation == generation and lab.session.is_dirty()
    lab.answers.append("discard")
    lab.open_paths.append(str(other))
    assert lab.session.open() is True
    assert [c[0] for c in lab.chooser_calls] == ["Open run"]
    snap = wait_snapshot(qtbot, lab.controller, lambda s: True)
    assert snap.epoch == 0 and not lab.session.is_dirty()  # the file as it was saved


def test_the_preset_picker_asks_too(qtbot, lab):
    step(qtbot, lab)
    combo = lab.window.config_panel.preset_combo
    lab.answers.append("cancel")
    combo.activated.emit(combo.findData("moons"))
    assert lab.controller.preset == "xor" and combo.currentData() == "xor" and lab.session.is_dirty()
    lab.answers.append("discard")
    combo.activated.emit(combo.findData("moons"))
    assert lab.controller.preset == "moons" and combo.currentData() == "moons" and not lab.session.is_dirty()


def test_dirty_after_training_or_a_setting_and_clean_after_save_or_open(qtbot, lab, tmp_path):
    assert not lab.session.is_dirty()
    lab.window.config_edited.emit({"learning_rate": 0.01})  # a live change
    assert lab.session.is_dirty()
    save(qtbot, lab, tmp_path / "a.npz")
    assert not lab.session.is_dirty() and load_run(tmp_path / "a.npz").config.learning_rate == 0.01
    lab.window.transport.reset.trigger()  # fresh weights: not what was saved
    assert lab.session.is_dirty()
    assert lab.session.open_path(str(tmp_path / "a.npz")) and not lab.session.is_dirty()
    assert lab.session.recent == [str(tmp_path / "a.npz")]


def test_window_save_opens_with_the_cli(qtbot, lab, tmp_path, capsys):
    step(qtbot, lab, 3)
    save(qtbot, lab, tmp_path / "w.npz")
    trainer = load_run(tmp_path / "w.npz")
    assert trainer.epoch == 3 and trainer.config.dataset == "xor"
    assert cli(capsys, "--load", tmp_path / "w.npz", "--epochs", 1)["epochs"] == 4
    save_run(tmp_path / "direct.npz", trainer)  # what the window wrote is a complete run file


def test_a_closed_window_with_its_session_is_freed(qtbot, tmp_path):
    """No reference cycle through C++ (a lambda connected to a child that holds the window) keeps it alive."""
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor")
    step(qtbot, lab)
    save(qtbot, lab, tmp_path / "run.npz")
    window, host = weakref.ref(lab.window), lab.controller._host
    assert lab.window.close()
    del lab
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert window() is None
    assert host.worker is None  # the training thread was stopped first
