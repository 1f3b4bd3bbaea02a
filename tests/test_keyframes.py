"""Keyframes: taken evenly as training runs, thinned evenly within the budget, pinned ones kept, the
generator's state and permutation stored once per shuffle; set_hyperparameters keeps config and
optimizer in step."""
from __future__ import annotations

import numpy as np
import pytest

from engine.config import build
from engine.keyframes import Keyframe, KeyframeStore, ShuffleState
from engine.replay import Replayer
from engine.trainer import Trainer
from engine.validation import ConfigError
from tests.replay_helpers import assert_same_state, config_of, trained


def _frame(step: int, shuffle: ShuffleState, pinned: bool = False, n_params: int = 100) -> Keyframe:
    return Keyframe(step=step, epoch=0, step_in_epoch=step, epoch_loss=0.0, epoch_correct=0,
                    params=np.zeros(n_params), optimizer={"t": np.array(step)}, hyper={},
                    shuffle=shuffle, pinned=pinned, reason="edit" if pinned else "")


def test_a_million_step_history_stays_within_the_budget_and_evenly_spaced():
    budget = 200_000
    store = KeyframeStore(budget_bytes=budget, spacing=8)
    shuffle = ShuffleState(np.random.RandomState(0).get_state(), None)
    pins = {123_457, 600_001}
    peak = 0
    for step in range(1_000_001):  # what the trainer does: a keyframe whenever the step reaches next_step
        if step in pins:
            store.add(_frame(step, shuffle, pinned=True))
        elif step >= store.next_step:
            store.add(_frame(step, shuffle))
            peak = max(peak, store.nbytes)
    assert peak <= budget and store.nbytes <= budget
    steps = [kf.step for kf in store.frames()]
    regular = [kf.step for kf in store.frames() if not kf.pinned]
    assert steps[0] == 0 and pins <= set(steps)
    assert set(np.diff(regular)) == {store.spacing}  # evenly spread
    assert max(np.diff(steps + [1_000_000])) <= store.spacing  # replaying any step costs <= spacing steps
    assert len(store) > budget // (2 * _frame(0, shuffle).nbytes)  # thinning halves, it does not empty


def test_a_real_run_under_a_small_budget_keeps_it_and_still_replays_exactly():
    config = config_of("tutorial")
    store = KeyframeStore(budget_bytes=15_000)
    run = build(config, keyframes=store)
    run.run_for(60, max_steps=20_000)
    assert store.nbytes <= 15_000 and store.spacing >= 1024
    for step in (19_999, 11_337):
        stopped = build(config, keyframes=False)
        stopped.run_for(60, max_steps=step)
        assert_same_state(Replayer(run).moment(step), stopped)


def test_pinned_keyframes_are_never_thinned():
    store = KeyframeStore(budget_bytes=30_000, spacing=1)
    shuffle = ShuffleState(np.random.RandomState(0).get_state(), None)
    for step in range(2000):
        if step in (3, 777) or step >= store.next_step:
            store.add(_frame(step, shuffle, pinned=step in (3, 777)))
    assert {3, 777} <= {kf.step for kf in store.frames()}
    assert all(kf.pinned or kf.step % store.spacing == 0 for kf in store.frames())


def test_a_keyframe_at_the_same_step_replaces_the_last_and_keeps_its_pin():
    store = KeyframeStore()
    shuffle = ShuffleState(np.random.RandomState(0).get_state(), None)
    store.add(_frame(5, shuffle, pinned=True))
    store.add(_frame(5, shuffle))
    assert len(store) == 1 and store.at(5).pinned
    with pytest.raises(ValueError, match="step 4 after one at step 5"):
        store.add(_frame(4, shuffle))


def test_the_generator_state_and_permutation_are_stored_once_per_shuffle():
    full = trained(config_of("tutorial"), 500)  # full batch: never shuffled, one state for the whole run
    assert len({id(kf.shuffle) for kf in full.keyframes.frames()}) == 1
    config = config_of("moons", batch_size=16)  # 256 training samples: 16 steps an epoch, keyframes every 4
    store = KeyframeStore(spacing=4)
    mini = build(config, keyframes=store)
    mini.run_for(60, max_steps=160)
    frames = store.frames()
    by_epoch = {}
    for kf in frames:
        by_epoch.setdefault(kf.epoch if kf.step_in_epoch else kf.epoch - 1, set()).add(id(kf.shuffle))
    assert all(len(ids) == 1 for e, ids in by_epoch.items() if e >= 0)
    shared = {id(kf.shuffle): kf.shuffle for kf in frames}
    assert store.nbytes == sum(kf.nbytes for kf in frames) + sum(s.nbytes for s in shared.values())
    assert frames[-1].shuffle.perm.dtype == np.uint16  # 256 indices need no int64


def test_keyframe_overhead_is_one_comparison_per_step_between_keyframes():
    run = trained(config_of("tutorial"), 100)
    spacing = run.keyframes.spacing
    assert run._next_keyframe == run.keyframes.next_step == (100 // spacing + 1) * spacing
    assert [kf.step for kf in run.keyframes.frames()] == list(range(0, 101, spacing))
    none = build(config_of("tutorial"), keyframes=False)
    none.run_for(10, max_steps=100)
    assert none.keyframes is None
    with pytest.raises(ConfigError, match="keyframes"):
        Replayer(none)


def test_set_hyperparameters_keeps_config_and_optimizer_in_step():
    run = trained(config_of("moons", optimizer="momentum"), 10)
    run.set_hyperparameters(learning_rate=0.2, momentum=0.5, beta1=0.8)  # beta1: config only, not momentum's
    assert (run.optimizer.learning_rate, run.optimizer.momentum) == (0.2, 0.5)
    assert (run.config.learning_rate, run.config.momentum, run.config.beta1) == (0.2, 0.5, 0.8)
    assert run.keyframes.at(10).pinned and run.keyframes.at(10).hyper["learning_rate"] == 0.2
    with pytest.raises(ConfigError, match=r"learning_rate: -1.* not allowed"):
        run.set_hyperparameters(momentum=0.1, learning_rate=-1)
    assert run.optimizer.momentum == 0.5  # nothing changed: every value is checked first
    with pytest.raises(ConfigError, match="batch_size"):
        run.set_hyperparameters(batch_size=3)


def test_an_unchanged_hyperparameter_pins_nothing():
    run = trained(config_of("xor"), 10)
    revision = run.keyframes.revision
    run.set_hyperparameters(learning_rate=run.config.learning_rate)
    assert run.keyframes.revision == revision and run.keyframes.at(10) is None


def test_trainer_declares_its_config():
    config = config_of("xor").validated()
    run = build(config)
    assert run.config == config
    by_hand = Trainer(run.network.copy(), "bce", run.optimizer, run.data)
    assert by_hand.config is None
    by_hand.set_hyperparameters(learning_rate=0.5)  # no config to keep in step: the optimizer alone
    assert by_hand.optimizer.learning_rate == 0.5


def test_the_bytes_kept_are_the_sum_of_what_is_held_as_frames_come_and_go():
    """The store keeps its byte count as keyframes are added, replaced, thinned and truncated (it summed every
    epoch's shuffle state on each add before: a cost growing with the run)."""
    from engine.config import TrainConfig
    from engine.keyframes import capture
    from resources import load_preset
    trainer = build(TrainConfig.from_dict(load_preset("xor")["config"]).replace(epochs=None), keyframes=False)
    store = KeyframeStore(budget_bytes=40_000, spacing=1)

    def summed():
        frames = store.frames()
        shared = {id(kf.shuffle): kf.shuffle for kf in frames}
        return sum(kf.nbytes for kf in frames) + sum(s.nbytes for s in shared.values())

    for k in range(300):
        trainer.run_for(1.0, max_steps=1)
        store.add(capture(trainer, pinned=k % 50 == 0, reason="edit" if k % 50 == 0 else ""))
        assert store.nbytes == summed()
    store.truncate_after(store.frames()[len(store) // 2].step)
    assert store.nbytes == summed()
