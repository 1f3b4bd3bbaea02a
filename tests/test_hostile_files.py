"""Files that lie and paths that are not files: FIFOs, devices, links, empty paths, zip bombs, killed saves,
closed pipes and run files whose JSON holds the wrong types. Each is refused with one line or handled the
way a Unix tool would, and nothing hangs: whatever could block runs in a subprocess with a timeout."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from run_files import read_run, saved_run, write_run, zeros_member

import app.cli
from engine.atomic import STALE_SECONDS, TEMP_SUFFIX, atomic_open
from engine.csv_data import CsvError, load_csv
from engine.safe_io import PathError, save_target
from engine.savefile import SaveFileError, load_run, save_run
from engine.zip_limits import MAX_ENTRIES

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60  # seconds; a reader that blocks on a FIFO would never return


def python(code: str, *args, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter at the project root; fails (instead of hanging) after TIMEOUT."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "f.csv"
    os.mkfifo(path)
    return path


# --- 1. a FIFO is never opened for reading -----------------------------------------------------------

def test_load_csv_refuses_a_fifo_at_once(fifo):
    r = python("import sys, numpy as np\nfrom engine.csv_data import load_csv\n"
               "try:\n    load_csv(sys.argv[1], target_columns=0, rng=np.random.RandomState(0))\n"
               "except Exception as e:\n    print(type(e).__name__, e)\n", fifo)
    assert r.stdout.strip() == f"CsvError {fifo}: this is a FIFO (named pipe); expected a regular CSV file"


def test_cli_refuses_a_fifo_csv_with_exit_2(fifo):
    r = python("import sys\nfrom app.main import main\nsys.exit(main(sys.argv[1:]))",
               "train", "--csv", fifo, "--target", "0")
    assert r.returncode == 2
    assert r.stderr.strip() == (f"backprop-lab train: --csv '{fifo}': this is a FIFO (named pipe); "
                                "expected a regular CSV file")


def test_csv_dialog_preview_and_load_run_refuse_a_fifo(fifo):
    r = python("import sys\nfrom ui.csv_reading import read_preview\nfrom engine.savefile import load_run\n"
               "print(read_preview(sys.argv[1], 5))\n"
               "try:\n    load_run(sys.argv[1])\nexcept Exception as e:\n    print(type(e).__name__, e)\n", fifo)
    assert r.stdout.splitlines() == ["[]", f"SaveFileError {fifo}: this is a FIFO (named pipe); "
                                           "expected a regular run file"]


def test_readers_name_a_directory_and_a_device(tmp_path):
    with pytest.raises(CsvError, match="this is a directory; expected a regular CSV file"):
        load_csv(tmp_path, target_columns=0, rng=np.random.RandomState(0))
    with pytest.raises(CsvError, match="this is a character device; expected a regular CSV file"):
        load_csv("/dev/null", target_columns=0, rng=np.random.RandomState(0))
    with pytest.raises(SaveFileError, match="this is a character device"):
        load_run("/dev/zero")  # would read forever were it opened as a file


# --- 2. saving replaces only regular files; a link is followed ---------------------------------------

def test_save_refuses_a_fifo_and_a_device_and_leaves_them(tmp_path):
    trainer = saved_run(tmp_path / "run.npz")
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    with pytest.raises(PathError, match="this is a FIFO"):
        save_run(pipe, trainer)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    with pytest.raises(PathError, match="this is a character device; expected a regular file"):
        save_target("/dev/null")  # checked without writing: as root, the old code replaced /dev/null
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.npz", "run.npz"]  # no temporary file left


def test_save_onto_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    first = saved_run(tmp_path / "real.npz", epochs=1)
    link = tmp_path / "link.npz"
    link.symlink_to("real.npz")
    later = saved_run(tmp_path / "other.npz", epochs=5)
    save_run(link, later)
    assert link.is_symlink() and os.readlink(link) == "real.npz"
    assert load_run(tmp_path / "real.npz").epoch == 5 != first.epoch
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to("nowhere.npz")
    with pytest.raises(PathError, match="which does not exist"):
        save_run(dangling, later)
    assert not (tmp_path / "nowhere.npz").exists()


# --- 3. --save is checked before training --------------------------------------------------------------

@pytest.mark.parametrize("save, message", [
    ("", "--save '': the path is empty; expected a path to a run file"),
    ("{tmp}/", "--save '{tmp}/': this names a folder; expected a path to a run file in it"),
    ("{tmp}", "--save '{tmp}': this is a directory; expected a regular run file"),
    ("{tmp}/no/run.npz", "--save '{tmp}/no/run.npz': the folder '{tmp}/no' does not exist; expected a path "
                         "in an existing folder"),
    ("/dev/null", "--save '/dev/null': this is a character device; expected a regular run file"),
])
def test_bad_save_path_exits_2_before_training(save, message, tmp_path, capsys, monkeypatch):
    trained = []
    monkeypatch.setattr("engine.trainer.Trainer.run_epochs", lambda self, *a, **k: trained.append(1))
    save = save.format(tmp=tmp_path)
    assert app.cli.run("train", ["--epochs", "1", "--save", save]) == 2
    assert capsys.readouterr().err == f"backprop-lab train: {message.format(tmp=tmp_path)}\n"
    assert trained == []


# --- 4. a closed stdout ends the CLI quietly -------------------------------------------------------

def test_closed_stdout_ends_quietly_with_sigpipe_status():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", "import sys\nfrom app.main import main\nsys.exit(main())",
                             "train", "--epochs", "1", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| true`: the reader is gone before anything is written
    _, err = proc.communicate(timeout=TIMEOUT)
    assert (proc.returncode, err) == (141, b"")


# --- 5. every field of a loaded config is type-checked ------------------------------------------------

@pytest.mark.parametrize("value", [7, None, True, 1.5, {"a": 1}])
@pytest.mark.parametrize("field", ["activations", "layers", "csv_path", "csv_target", "extra"])
def test_config_field_of_the_wrong_type_is_refused(field, value, tmp_path):
    saved_run(tmp_path / "good.npz")
    header, members = read_run(tmp_path / "good.npz")
    if field in ("csv_path", "csv_target") and value is None:
        value = ["a list"]  # null is allowed there
    if field == "extra" and isinstance(value, dict):
        value = "notes"
    header["config"][field] = value
    write_run(tmp_path / "bad.npz", header, members)
    with pytest.raises(SaveFileError, match=field):
        load_run(tmp_path / "bad.npz")


def test_window_says_cannot_open_for_any_exception(qtbot, tmp_path, monkeypatch):
    from session_helpers import isolate_settings, open_lab
    isolate_settings(tmp_path)
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor")
    generation = lab.controller.generation

    def broken(path):
        raise TypeError("'int' object is not iterable")
    monkeypatch.setattr("engine.savefile.load_run", broken)
    assert lab.controller.open_run(str(tmp_path / "x.npz")) is None
    assert lab.window.banner.text() == (f"Could not open the run: {tmp_path / 'x.npz'}: TypeError: "
                                        "'int' object is not iterable")
    assert lab.controller.generation == generation


# --- 6. small files cannot force large allocations ---------------------------------------------------

def _peak_while_refused(path, fragment: str) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(SaveFileError, match=fragment):
            load_run(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_deflated_record_larger_than_the_counters_need_is_refused_before_inflating(tmp_path):
    saved_run(tmp_path / "good.npz")
    header, members = read_run(tmp_path / "good.npz")
    n = 4_000_000  # 16 MB of float32 zeros in about 16 KB
    header["arrays"]["step_losses"]["shape"] = [n]
    members["step_losses.npy"] = zeros_member("float32", n)
    write_run(tmp_path / "bomb.npz", header, members, deflate={"step_losses.npy"})
    assert (tmp_path / "bomb.npz").stat().st_size < 100_000
    peak = _peak_while_refused(tmp_path / "bomb.npz", r"step_losses holds 4,000,000 values but the header's "
                                                      r"counters \(epoch 3, steps 3\) need 3")
    assert peak < 2_000_000


def test_counters_that_agree_with_a_bomb_are_refused_by_its_ratio(tmp_path):
    saved_run(tmp_path / "good.npz")
    header, members = read_run(tmp_path / "good.npz")
    n = 4_000_000
    header["arrays"]["step_losses"]["shape"] = [n]
    header["epoch_state"]["steps"] = n
    members["step_losses.npy"] = zeros_member("float32", n)
    write_run(tmp_path / "bomb.npz", header, members, deflate={"step_losses.npy"})
    peak = _peak_while_refused(tmp_path / "bomb.npz", "step_losses inflates [0-9,]+ times its")
    assert peak < 2_000_000


def test_zip_with_too_many_entries_is_refused_from_its_end_record(tmp_path):
    saved_run(tmp_path / "good.npz")
    header, members = read_run(tmp_path / "good.npz")
    write_run(tmp_path / "many.npz", header, members, extra_entries=2000)
    listed = 2000 + len(members) + 1  # the members, the header and the empty ones added
    peak = _peak_while_refused(tmp_path / "many.npz", f"the zip lists {listed:,} entries; a run file has at "
                                                      f"most {MAX_ENTRIES}")
    assert peak < 500_000
    # and one whose end record understates the count: the directory's size gives it away
    data = bytearray((tmp_path / "many.npz").read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8:at + 12] = (5).to_bytes(2, "little") * 2
    (tmp_path / "lying.npz").write_bytes(bytes(data))
    _peak_while_refused(tmp_path / "lying.npz", "the zip's directory takes")


def test_counters_that_contradict_the_records_are_refused(tmp_path):
    saved_run(tmp_path / "good.npz", epochs=3)
    header, members = read_run(tmp_path / "good.npz")
    header["epoch_state"]["epoch"] = 7
    write_run(tmp_path / "bad.npz", header, members)
    with pytest.raises(SaveFileError, match=r"train_losses holds 3 values but the header's counters "
                                            r"\(epoch 7, steps 3\) need 7"):
        load_run(tmp_path / "bad.npz")


# --- 7. killed saves leave nothing that piles up --------------------------------------------------------

def test_next_save_removes_stale_temporary_files_of_ours_only(tmp_path):
    old = time.time() - STALE_SECONDS - 60
    stale = [tmp_path / ".run.npz.0123456789ab.tmp", tmp_path / f".run.npz.ba9876543210{TEMP_SUFFIX}"]
    kept = [tmp_path / f".run.npz.00000000000a{TEMP_SUFFIX}",  # fresh: maybe a save under way elsewhere
            tmp_path / ".notes.tmp", tmp_path / "run.0123456789ab.tmp"]  # not our pattern
    for p in stale + kept:
        p.write_bytes(b"x" * 100)
    for p in stale + kept[1:]:
        os.utime(p, (old, old))
    with atomic_open(tmp_path / "out.csv", "w") as f:
        during = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.csv."))
        f.write("a\n")
    assert len(during) == 1 and during[0].endswith(TEMP_SUFFIX)  # the name says what it is
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([p.name for p in kept] + ["out.csv"])


def test_window_refuses_to_save_onto_a_fifo_and_says_why(qtbot, tmp_path):
    from session_helpers import isolate_settings, open_lab
    isolate_settings(tmp_path)
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="xor")
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    lab.controller.save_run(str(pipe))
    qtbot.waitUntil(lambda: "Could not save" in lab.window.banner.text(), timeout=10_000)
    assert lab.window.banner.text() == (f"Could not save the run to {pipe}: this is a FIFO (named pipe); "
                                        "expected a regular file")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_texts_of_a_run_file_are_cut_for_display(tmp_path):
    saved_run(tmp_path / "good.npz")
    header, members = read_run(tmp_path / "good.npz")
    header["status"], header["message"] = "diverged", "Training diverged: " + "x" * 300_000
    header["dataset"]["name"] = "n" * 200_000
    header["dataset"]["feature_names"] = ["f" * 50_000] * len(header["dataset"]["feature_names"])
    write_run(tmp_path / "long.npz", header, members)
    trainer = load_run(tmp_path / "long.npz")
    assert len(trainer.message) == 500 and trainer.message.endswith("…")
    assert len(trainer.data.name) == 120 and all(len(n) == 120 for n in trainer.data.feature_names)


def test_screenshot_onto_a_fifo_is_refused_before_the_window_opens(tmp_path, capsys):
    from app.main import main
    pipe = tmp_path / "shot.png"
    os.mkfifo(pipe)
    assert main(["--screenshot", str(pipe)]) == 2
    assert f"--screenshot '{pipe}': this is a FIFO (named pipe); expected a regular image file" in capsys.readouterr().err
