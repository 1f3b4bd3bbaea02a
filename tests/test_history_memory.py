"""A run whose every epoch is one step keeps its loss once: the per-step record reads the per-epoch one.
A 10,000,000-step tutorial run held 40 MB of float32 step losses plus 80 MB of float64 epoch losses."""
from __future__ import annotations

import numpy as np

import resources
from engine.config import TrainConfig, build
from engine.history import EpochSteps, GrowingArray
from engine.savefile import load_run, save_run

RECORDS = ("step_losses", "train_losses", "test_losses", "train_accuracy", "test_accuracy")


def _preset(name: str, **changes):
    return build(TrainConfig.from_dict(resources.load_preset(name)["config"]).replace(**changes))


def _used_bytes(trainer) -> int:
    """What the records hold (values appended, not spare capacity)."""
    return sum(len(getattr(trainer, n)) * getattr(trainer, n).dtype.itemsize
               for n in RECORDS if not isinstance(getattr(trainer, n), EpochSteps))


def test_ten_million_one_step_epochs_hold_80_mb_of_losses():
    trainer = _preset("tutorial")
    assert trainer.batch_size == trainer.n  # the tutorial: one sample, so one step per epoch
    trainer.run_epochs(3)
    assert np.array_equal(trainer.step_losses.view(), trainer.train_losses.view().astype(np.float32))
    # what 10,000,000 more epochs append, without waiting for them
    trainer.train_losses.extend(np.linspace(1.0, 0.0, 10_000_000))
    assert len(trainer.step_losses) == 10_000_003 and trainer.step_losses.view(10_000_002)[0] == 0.0
    assert trainer.step_losses.nbytes == 0
    assert _used_bytes(trainer) == 8 * 10_000_003 < 100_000_000


def test_mini_batch_runs_keep_their_own_step_record():
    trainer = _preset("xor")
    assert trainer.batch_size < trainer.n and isinstance(trainer.step_losses, GrowingArray)
    trainer.run_epochs(2)
    assert len(trainer.step_losses) == trainer.steps > len(trainer.train_losses) == 2


def test_a_one_step_run_saved_and_loaded_keeps_its_step_losses(tmp_path):
    trainer = _preset("tutorial")
    trainer.run_epochs(5)
    save_run(tmp_path / "run.npz", trainer)
    loaded = load_run(tmp_path / "run.npz")
    assert np.array_equal(loaded.step_losses.view(), trainer.step_losses.view()) and len(loaded.step_losses) == 5
    loaded.run_epochs(2)
    trainer.run_epochs(2)
    assert np.array_equal(loaded.step_losses.view(), trainer.step_losses.view())
