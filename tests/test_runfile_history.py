"""Run files, version 2: the keyframes (bounded, optional) and the last step's gradients, so a reopened
run replays exactly; version-1 files still open; damaged keyframe members are refused naming them."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.replay import Replayer
from engine.runfile_history import FILE_BUDGET
from engine.savefile import SaveFileError, load_run, save_run
from tests.replay_helpers import assert_same_state, config_of, trained

CHANGES = {150: {"learning_rate": 0.02}}


def _members(path) -> tuple[dict, dict]:
    with np.load(path, allow_pickle=False) as z:
        members = {k: z[k] for k in z.files}
    return json.loads(members.pop("header").tobytes()), members


def _write(path, header: dict, members: dict) -> None:
    header["arrays"] = {k: {"shape": list(a.shape), "dtype": a.dtype.name} for k, a in members.items()}
    blob = np.frombuffer(json.dumps(header).encode(), np.uint8)
    with open(path, "wb") as f:
        np.savez(f, header=blob, **members)


def as_version_1(src, dst) -> None:
    """What the version-1 code wrote for the same run: no gradients, no keyframes."""
    header, members = _members(src)
    header["version"] = 1
    header.pop("keyframes")
    _write(dst, header, {k: v for k, v in members.items() if k != "grads" and not k.startswith("kf_")})


@pytest.mark.parametrize("preset, changes", [("moons", {"optimizer": "adam", "dtype": "float32"}),
                                             ("xor", {"optimizer": "momentum"})])
def test_a_reopened_run_replays_every_step_exactly(tmp_path, preset, changes):
    config = config_of(preset, **changes)
    run = trained(config, 300, CHANGES)
    save_run(tmp_path / "run.npz", run)
    loaded = load_run(tmp_path / "run.npz")
    assert [(kf.step, kf.pinned, kf.reason) for kf in loaded.keyframes.frames()] == \
        [(kf.step, kf.pinned, kf.reason if kf.step < 300 else "load") for kf in run.keyframes.frames()] + \
        ([] if run.keyframes.at(300) else [(300, True, "load")])
    replayer = Replayer(loaded)
    for step in (0, 1, 149, 150, 151, 222, 300):
        assert_same_state(replayer.moment(step), trained(config, step, CHANGES))
    assert np.array_equal(loaded.backprop.grads, run.backprop.grads)
    for _ in range(40):  # and it goes on as the unbroken run does
        loaded.train_step(), run.train_step()
    assert np.array_equal(loaded.network.params, run.network.params)


def test_without_keyframes_the_last_gradients_are_still_kept(tmp_path):
    run = trained(config_of("moons"), 77)
    save_run(tmp_path / "run.npz", run, keyframes=False)
    header, members = _members(tmp_path / "run.npz")
    assert header["version"] == 2 and header["keyframes"] is None
    assert not any(k.startswith("kf_") for k in members)
    loaded = load_run(tmp_path / "run.npz")
    replayer = Replayer(loaded)
    assert replayer.span() == (77, 77)
    assert np.array_equal(replayer.moment(77).grads, run.backprop.grads) and run.backprop.grads.any()


def test_a_version_1_file_still_opens_and_continues(tmp_path):
    run = trained(config_of("moons", optimizer="momentum"), 90)
    save_run(tmp_path / "v2.npz", run)
    as_version_1(tmp_path / "v2.npz", tmp_path / "v1.npz")
    assert _members(tmp_path / "v1.npz")[0]["version"] == 1
    loaded = load_run(tmp_path / "v1.npz")
    assert Replayer(loaded).span() == (90, 90)  # its history begins where it was saved
    assert not Replayer(loaded).moment(90).grads.any()  # version 1 kept no gradients
    for _ in range(25):
        loaded.train_step(), run.train_step()
    assert np.array_equal(loaded.network.params, run.network.params)
    assert_same_state(Replayer(loaded).moment(100), trained(config_of("moons", optimizer="momentum"), 100))


def test_the_saved_keyframes_are_bounded_and_thinned_evenly(tmp_path):
    run = trained(config_of("tutorial"), 0)
    run.run_for(60, max_steps=20_000)
    frame_bytes = run.keyframes.latest.nbytes
    save_run(tmp_path / "run.npz", run, keyframes=40 * frame_bytes)
    header, members = _members(tmp_path / "run.npz")
    steps = members["kf_ints"][:, 0]
    assert 10 <= len(steps) <= 40 and header["keyframes"]["spacing"] > run.keyframes.spacing
    assert set(np.diff(steps)) == {header["keyframes"]["spacing"]}
    assert FILE_BUDGET == 64 * 2**20
    loaded = load_run(tmp_path / "run.npz")
    stopped = trained(config_of("tutorial"), 0)
    stopped.run_for(60, max_steps=12_345)
    assert_same_state(Replayer(loaded).moment(12_345), stopped)


def _damaged(tmp_path, change):
    run = trained(config_of("moons"), 200)
    save_run(tmp_path / "good.npz", run)
    header, members = _members(tmp_path / "good.npz")
    change(header, members)
    _write(tmp_path / "bad.npz", header, members)
    with pytest.raises(SaveFileError) as info:
        load_run(tmp_path / "bad.npz")
    return str(info.value)


def _swap_steps(header, members):
    members["kf_ints"][[0, 1]] = members["kf_ints"][[1, 0]]


def _bad_perm(header, members):
    members["kf_perms"][0, :2] = 0


def _missing(header, members):
    del members["kf_rng_gauss"]


def _bad_count(header, members):
    header["keyframes"]["frames"] = -3


def _nan_params(header, members):
    members["kf_params"][0, 0] = np.nan


@pytest.mark.parametrize("change, fragment", [
    (_swap_steps, "kf_ints: the keyframes' steps must increase"),
    (_bad_perm, "kf_perms[0] is not a permutation"),
    (_missing, "member kf_rng_gauss is missing"),
    (_bad_count, "keyframes.frames is -3"),
    (_nan_params, "kf_params contains NaN or inf"),
])
def test_damaged_keyframe_members_are_refused_naming_them(tmp_path, change, fragment):
    message = _damaged(tmp_path, change)
    assert message.startswith(str(tmp_path / "bad.npz") + ": ") and fragment in message
