"""Replay: any past step rebuilt from keyframes equals, bit for bit, a run stopped there; rewinding
continues as the original run did; a diverged run recovers from where recovery_step sends it."""
from __future__ import annotations

import numpy as np
import pytest

from engine.replay import Replayer, recovery_step
from engine.status import Status
from engine.validation import ConfigError
from tests.replay_helpers import assert_same_state, config_of, trained

# (preset, changes): full batch (tutorial, xor), shuffled mini-batches (moons, spiral), every optimizer,
# both dtypes, weight decay
CASES = {
    "sgd-full-f64": ("tutorial", {}),
    "momentum-full-f32": ("xor", {"optimizer": "momentum", "dtype": "float32"}),
    "adam-mini-f64": ("moons", {"optimizer": "adam", "learning_rate": 0.01, "weight_decay": 1e-3}),
    "sgd-mini-f32": ("spiral", {"optimizer": "sgd", "dtype": "float32"}),
    "momentum-mini-f64": ("sine", {"optimizer": "momentum", "learning_rate": 0.01}),
    "adam-mini-f32": ("blobs", {"optimizer": "adam", "dtype": "float32"}),
}
STEPS = 400


@pytest.mark.parametrize("case", CASES)
def test_replayed_steps_equal_a_run_stopped_there(case):
    preset, changes = CASES[case]
    config = config_of(preset, **changes)
    run = trained(config, STEPS)
    replayer = Replayer(run)
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    steps = [0, 1, STEPS] + sorted(rng.choice(np.arange(2, STEPS), 5, replace=False).tolist())
    for step in steps:  # forwards, then backwards: the scratch state is reused, then restored
        assert_same_state(replayer.moment(step), trained(config, step))
    for step in reversed(steps):
        assert_same_state(replayer.moment(step), trained(config, step))


def test_a_moment_holds_its_batch_and_the_weights_before_its_update():
    config = config_of("moons", optimizer="sgd")
    run = trained(config, 37)
    m = Replayer(run).moment(37)
    before = trained(config, 36)
    assert np.array_equal(m.params_before, before.network.params)
    B = run.batch_size
    lo = (37 - 1) % (run.n // B) * B
    perm = trained(config, 37)._perm
    assert np.array_equal(m.batch, perm[lo:lo + B])
    # the update is exactly SGD's on that step's gradients
    assert np.array_equal(m.params, m.params_before - m.grads * np.array(config.learning_rate))
    assert [w.shape for w in m.weights] == [w.shape for w in run.network.weights]
    assert [b.shape for b in m.grad_b] == [b.shape for b in run.network.biases]


def test_step_zero_is_the_initial_weights_with_zero_gradients():
    config = config_of("xor")
    initial = trained(config, 0).network.params.copy()
    m = Replayer(trained(config, 50)).moment(0)
    assert np.array_equal(m.params, initial)
    assert not m.grads.any() and m.batch.size == 0 and np.isnan(m.loss)


def test_replay_never_crosses_a_learning_rate_change():
    config = config_of("moons", optimizer="momentum")
    changes = {70: {"learning_rate": 0.3}, 71: {"learning_rate": 0.05}, 200: {"momentum": 0.5}}
    run = trained(config, 300, changes)
    assert {kf.step for kf in run.keyframes.frames() if kf.pinned} == set(changes)
    replayer = Replayer(run)
    for step in (69, 70, 71, 72, 150, 199, 200, 201, 300):
        assert_same_state(replayer.moment(step), trained(config, step, changes))
    assert replayer.moment(71).hyper["learning_rate"] == 0.3  # step 71 was taken at the rate set after step 70


def test_a_weight_edit_is_pinned_and_replayed_from():
    config = config_of("xor")

    def edited(steps):
        t = trained(config, min(steps, 40))
        if steps >= 40:
            t.network.weights[0][0, 0] += 0.5
            t.pin_keyframe("edit")
            for _ in range(steps - 40):
                t.train_step()
        return t

    run = edited(120)
    replayer = Replayer(run)
    for step in (39, 41, 80, 120):
        assert_same_state(replayer.moment(step), edited(step))


def test_a_step_outside_the_history_is_refused_naming_it():
    run = trained(config_of("xor"), 10)
    replayer = Replayer(run)
    for bad in (-1, 11, 2.5, "3", True):
        with pytest.raises(ConfigError, match=r"step: .* expected a step from 0 to 10"):
            replayer.moment(bad)


def test_replay_cost_is_bounded_by_the_keyframe_spacing():
    run = trained(config_of("tutorial"), 3000)
    frames = [kf.step for kf in run.keyframes.frames()]
    assert frames[0] == 0 and max(np.diff(frames + [run.steps])) <= run.keyframes.spacing


@pytest.mark.parametrize("case", ["sgd-full-f64", "adam-mini-f64", "momentum-full-f32"])
def test_rewind_then_training_on_repeats_the_original_run(case):
    preset, changes = CASES[case]
    config = config_of(preset, **changes)
    original = trained(config, 300, {100: {"learning_rate": 0.02}})
    run = trained(config, 300, {100: {"learning_rate": 0.02}})
    run.rewind_to(137)
    assert len(run.step_losses) == 137 and len(run.train_losses) == run.epoch
    assert run.keyframes.latest.step == 137 and run.keyframes.latest.reason == "rewind"
    assert_same_state(Replayer(run).moment(137), trained(config, 137, {100: {"learning_rate": 0.02}}))
    assert np.array_equal(run.backprop.grads, trained(config, 137, {100: {"learning_rate": 0.02}}).backprop.grads)
    while run.steps < 300:
        run.train_step()
    assert np.array_equal(run.network.params, original.network.params)
    assert np.array_equal(run.step_losses.view(), original.step_losses.view())
    assert np.array_equal(run.train_losses.view(), original.train_losses.view())
    assert run.config == original.config


def test_rewind_to_zero_is_a_fresh_start():
    config = config_of("xor")
    run = trained(config, 80)
    run.rewind_to(0)
    assert run.status is Status.READY and len(run.step_losses) == 0 and len(run.train_losses) == 0
    assert np.array_equal(run.network.params, trained(config, 0).network.params)
    assert not run.backprop.grads.any()


def test_a_diverged_run_rewinds_to_its_recovery_step_and_trains_on():
    run = trained(config_of("lr_too_high"), 0)
    run.run_epochs(500)
    assert run.status is Status.DIVERGED
    step = recovery_step(run)
    assert step == 0  # the loss blows up within the first epoch: no later epoch was below it
    run.rewind_to(step)
    run.set_hyperparameters(learning_rate=run.config.learning_rate / 10)
    assert run.run_epochs(50) is Status.RUNNING
    assert run.train_losses.view()[-1] < run.train_losses.view()[0]


def test_recovery_step_is_the_end_of_the_last_epoch_below_the_first():
    config = config_of("sine", optimizer="sgd", learning_rate=0.05)
    run = trained(config, 0)
    run.run_epochs(20)
    run.set_hyperparameters(learning_rate=3.0)
    run.run_epochs(100)
    assert run.status is Status.DIVERGED
    losses = run.train_losses.view()
    last_good = max(e for e in range(1, len(losses)) if losses[e] < losses[0])
    per_epoch = run.n // run.batch_size
    assert last_good == 19 and recovery_step(run) == (last_good + 1) * per_epoch
    run.rewind_to(recovery_step(run))
    run.set_hyperparameters(learning_rate=0.05)
    assert run.run_epochs(30) is Status.RUNNING


def test_a_moment_after_the_trainer_went_on_replays_from_its_keyframe_not_from_the_last_moment():
    """The cost of a moment is bounded by the keyframe spacing however far training went since the last one
    asked for (the live inspector asks for the newest step a few times a second while training goes on)."""
    from engine.config import TrainConfig, build
    from engine.replay import Replayer
    from resources import load_preset
    trainer = build(TrainConfig.from_dict(dict(load_preset("tutorial")["config"], epochs=None)), fit_io=True)
    trainer.run_for(60.0, max_steps=200)
    replayer = Replayer(trainer)
    replayer.moment(trainer.steps)
    trainer.run_for(60.0, max_steps=5000)
    scratch = replayer._scratch
    taken = []
    step = scratch._step
    scratch._step = lambda: taken.append(1) or step()
    replayer.moment(trainer.steps)
    assert 1 <= len(taken) <= trainer.keyframes.spacing + 1
