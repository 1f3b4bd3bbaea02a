"""Data that changes under a trained network (Trainer.set_data): the weights, optimizer and records stay,
a keyframe "data" is pinned, replay rebuilds every step on the data it was trained on, and a run file keeps
the steps from the last data change on replayable."""
from __future__ import annotations

import numpy as np
import pytest

from engine.config import build, data_of
from engine.replay import Replayer
from engine.savefile import load_run, save_run
from engine.validation import ConfigError
from tests.replay_helpers import assert_same_state, config_of

# (preset, config changes, the data changes at steps A and B): shuffled mini-batches with the training set's
# size changing (test fraction), a full batch with the noise changing, a fixed batch past the new set's size
CASES = {
    "spiral-mini-test-fraction": ("spiral", {"batch_size": 32}, {"test_fraction": 0.5}, {"test_fraction": 0.1}),
    "xor-full-noise": ("xor", {"optimizer": "adam", "learning_rate": 0.01}, {"noise": 0.3}, {"noise": 0.6}),
    "moons-seed-then-no-test": ("moons", {"batch_size": 16}, {"data_seed": 7}, {"test_fraction": 0.0}),
}
A, B, END = 40, 95, 150


def run_with_changes(config, steps: int, changes: dict, final: bool = False):
    """A trainer trained straight to ``steps``, its data changed by ``changes`` {step: {field: value}} (a
    change at ``steps`` itself not yet made: a moment is the step as training computed it)."""
    trainer = build(config)
    while True:
        if trainer.steps in changes and (trainer.steps < steps or final):
            new = trainer.config.replace(**changes[trainer.steps])
            trainer.set_data(data_of(new), new)
        if trainer.steps >= steps:
            return trainer
        assert trainer.train_step() is not None, trainer.message


@pytest.mark.parametrize("case", CASES)
def test_replay_is_exact_across_data_changes(case):
    preset, base, first, second = CASES[case]
    config = config_of(preset, **base)
    changes = {A: first, B: second}
    run = run_with_changes(config, END, changes, final=True)
    kinds = [kf.reason for kf in run.keyframes.frames() if kf.pinned]
    assert kinds.count("data") == 2
    replayer = Replayer(run)
    steps = [1, 17, A - 1, A, A + 1, 70, B, B + 1, 120, END]
    for step in steps + steps[::-1]:  # forwards, then back across both changes
        assert_same_state(replayer.moment(step), run_with_changes(config, step, changes))


def test_data_changes_keep_the_weights_the_optimizer_and_the_records():
    config = config_of("spiral", batch_size=32, optimizer="adam")
    trainer = build(config)
    trainer.run_epochs(3)
    params, state = trainer.network.params.copy(), trainer.optimizer.state()
    losses, steps = trainer.train_losses.view().copy(), trainer.steps
    new = trainer.config.replace(noise=0.5, test_fraction=0.5)
    trainer.set_data(data_of(new), new)
    assert np.array_equal(trainer.network.params, params) and trainer.optimizer.state()["t"] == state["t"]
    assert np.array_equal(trainer.train_losses.view(), losses) and trainer.steps == steps
    assert trainer.n == 200 and trainer.config.noise == 0.5 and trainer.data is not None
    assert trainer.keyframes.latest.reason == "data" and trainer.keyframes.latest.data is trainer.data
    trainer.run_epochs(1)
    assert not np.array_equal(trainer.network.params, params) and len(trainer.train_losses) == 4


def test_data_that_does_not_fit_the_network_is_refused_and_changes_nothing():
    trainer = build(config_of("xor"))
    data = trainer.data
    with pytest.raises(ConfigError, match="layers"):
        trainer.set_data(data_of(config_of("blobs")))  # 3 classes: 3 outputs, not xor's 1
    assert trainer.data is data and trainer.keyframes.latest.reason == ""


def test_a_run_file_keeps_the_steps_from_the_last_data_change_replayable(tmp_path):
    config = config_of("moons", batch_size=16)
    changes = {A: {"noise": 0.3}, B: {"test_fraction": 0.0}}
    run = run_with_changes(config, END, changes)
    save_run(tmp_path / "run.npz", run)
    loaded = load_run(tmp_path / "run.npz")
    assert loaded.config == run.config and loaded.config.test_fraction == 0.0
    assert np.isnan(loaded.test_losses.view()[-1]) and len(loaded.test_losses) == run.epoch  # went on, nan
    replayer = Replayer(loaded)
    assert replayer.span() == (B, END)  # the data before the last change is not in the file
    for step in (B + 1, 120, END):
        assert_same_state(replayer.moment(step), run_with_changes(config, step, changes))
    with pytest.raises(ConfigError, match="was not kept"):
        replayer.moment(A + 1)
    loaded.run_epochs(2)
    run.run_epochs(2)
    assert np.array_equal(loaded.network.params, run.network.params)  # and it continues as if never stopped


def test_a_moment_and_its_phases_carry_the_data_its_step_was_trained_on():
    from engine.phases import step_phases
    config = config_of("spiral", batch_size=32)
    run = run_with_changes(config, 60, {30: {"test_fraction": 0.8}}, final=True)
    old, new = run.keyframes.at(0).data, run.data
    assert old.n_train == 320 and new.n_train == 80
    replayer = Replayer(run)
    early, late = replayer.moment(25), replayer.moment(55)
    assert early.data is old and late.data is new and early.batch.max() >= new.n_train  # indexes the old data
    phases = step_phases(replayer, 25)  # the batch read from the data of step 25, not the trainer's now
    np.testing.assert_array_equal(phases.X, old.X_train[:, early.batch])


def test_the_epoch_clock_follows_the_epochs_lengths_across_data_changes(tmp_path):
    from engine.epochs import EpochClock, epoch_clock
    config = config_of("spiral", batch_size=32)  # 320 training points: 10 steps an epoch
    run = run_with_changes(config, 150, {40: {"test_fraction": 0.5}, 95: {"test_fraction": 0.1}}, final=True)
    clock = EpochClock()
    clock.set(epoch_clock(run))
    # 4 epochs of 10 steps, 200 points: 7 steps an epoch (55 steps: 7 epochs and 6 steps), then 360: 12
    assert clock.stretches == [(0, 0, 10), (40, 4, 7), (95, 11, 12)]
    assert clock.split(run.steps) == (run.epoch, run.step_in_epoch) == (15, 7)
    assert clock.epoch_of(47) == 5 and clock.step_of(5) == 47 and clock.step_of(11.5) == 101
    save_run(tmp_path / "run.npz", run)
    loaded = load_run(tmp_path / "run.npz")
    clock.set(epoch_clock(loaded))  # the file keeps the last stretch, counted from where it began
    assert clock.split(loaded.steps) == (15, 7) and clock.stretches[-1][2] == 12
    assert clock.split(95) == (11, 0)


def test_the_keyframes_count_each_dataset_they_hold_once():
    from engine.keyframes import dataset_bytes
    config = config_of("spiral", batch_size=32)
    run = build(config)
    run.run_epochs(1)
    before, data = run.keyframes.nbytes, run.data
    for noise in (0.3, 0.4, 0.5):
        new = run.config.replace(noise=noise)
        run.set_data(data_of(new), new)
    # each new dataset counted once, however many keyframes share it; the pins' own bytes besides
    grew = run.keyframes.nbytes - before
    assert 3 * dataset_bytes(data) <= grew < 3 * dataset_bytes(data) + 3 * (run.keyframes.latest.nbytes + 20_000)
    run.run_epochs(2)  # more keyframes of the last dataset: it is not counted again
    assert run.keyframes.nbytes - before < grew + 2 * 10 * (run.keyframes.latest.nbytes + 20_000)
