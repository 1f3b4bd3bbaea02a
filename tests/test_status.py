"""One status enum: a str, so files, JSON and string comparisons keep working; the trainer and run
files hold its members, never bare strings."""
from __future__ import annotations

import json

import pytest

from engine.savefile import load_run, save_run
from engine.status import Status
from tests.replay_helpers import config_of, trained


def test_status_is_a_string_enum_with_the_run_files_values():
    assert [s.value for s in Status] == ["ready", "running", "paused", "done", "diverged"]
    assert Status.RUNNING == "running" and Status("diverged") is Status.DIVERGED
    assert str(Status.PAUSED) == f"{Status.PAUSED}" == "paused"
    assert json.dumps({"status": Status.DONE}) == '{"status": "done"}'


def test_the_trainer_holds_members_and_converts_strings(tmp_path):
    run = trained(config_of("xor"), 0)
    assert run.status is Status.READY
    run.run_epochs(1)
    assert run.status is Status.RUNNING
    run.status = "diverged"
    assert run.status is Status.DIVERGED
    with pytest.raises(ValueError, match="'stalled' is not a valid Status"):
        run.status = "stalled"
    save_run(tmp_path / "run.npz", run)
    assert load_run(tmp_path / "run.npz").status is Status.DIVERGED


def test_a_diverged_run_says_so_with_the_enum():
    run = trained(config_of("lr_too_high"), 0)
    assert run.run_epochs(100) is Status.DIVERGED
