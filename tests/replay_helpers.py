"""Runs to compare replays against: a trainer built from a preset, trained to a step, with the same
outside changes made at the same steps."""
from __future__ import annotations

import numpy as np

import resources
from engine.config import TrainConfig, build


def config_of(preset: str, **changes) -> TrainConfig:
    return TrainConfig.from_dict(resources.load_preset(preset)["config"]).replace(**changes)


def trained(config: TrainConfig, steps: int, changes: dict | None = None, **build_kw):
    """A trainer built from ``config`` after ``steps`` steps; ``changes`` {step: {hyperparameter: value}}
    are applied when the trainer has taken that many steps."""
    trainer = build(config, **build_kw)
    changes = changes or {}
    while True:
        if trainer.steps in changes:
            trainer.set_hyperparameters(**changes[trainer.steps])
        if trainer.steps >= steps:
            return trainer
        assert trainer.train_step() is not None, trainer.message


def assert_same_state(moment, trainer) -> None:
    """A replayed Moment against a trainer stopped after the same step: bit for bit."""
    assert moment.step == trainer.steps
    assert (moment.epoch, moment.step_in_epoch) == (trainer.epoch, trainer.step_in_epoch)
    assert np.array_equal(moment.params, trainer.network.params)
    assert moment.params.dtype == trainer.network.params.dtype
    assert np.array_equal(moment.grads, trainer.backprop.grads)
    state = trainer.optimizer.state()
    assert set(moment.optimizer) == set(state)
    for key, value in state.items():
        assert np.array_equal(moment.optimizer[key], value), key
    if trainer.steps:
        assert np.float32(moment.loss) == trainer.step_losses.view()[-1]
