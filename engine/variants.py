"""Run a variant: the same configuration with one change (or a few), from the same seed, so the curves
differ only by the change.

``build`` seeds one generator and draws the dataset, then the weights: a change that draws the data
differently (``n_samples``, ``dataset``, a tutorial's input size) would therefore also change the initial
weights. ``build_variant`` rules that out: whenever the variant's weights have the same shapes, the same
initialisation method and the same seed as the reference's, it starts from the reference's initial
weights (in the variant's dtype).
"""
from __future__ import annotations

from .config import TrainConfig, build
from .keyframes import capture
from .validation import ConfigError


def shares_initial_weights(reference: TrainConfig, variant: TrainConfig) -> bool:
    """True when a variant starts from the reference's initial weights: same layer sizes, init and seed."""
    return (tuple(reference.layers) == tuple(variant.layers) and reference.init == variant.init
            and reference.seed == variant.seed)


def build_variant(reference: TrainConfig, **changes):
    """A fresh Trainer for ``reference`` with ``changes`` (TrainConfig fields), e.g.
    ``build_variant(config, learning_rate=0.1)``; see the module docstring for its initial weights."""
    if not changes:
        raise ConfigError("changes", changes, "at least one TrainConfig field to change")
    try:
        config = reference.replace(**changes).validated()
    except TypeError:
        known = sorted(f for f in TrainConfig.__dataclass_fields__ if f != "extra")
        bad = sorted(set(changes) - set(known))[0]
        raise ConfigError("changes", bad, "TrainConfig fields: " + ", ".join(known)) from None
    trainer = build(config)
    if shares_initial_weights(reference, config):
        trainer.network.params[...] = build(reference, keyframes=False).network.params
        if trainer.keyframes is not None:  # step 0's keyframe is of the weights drawn above: taken again
            trainer._next_keyframe = trainer.keyframes.add(capture(trainer))
    return trainer


def run_variant(reference: TrainConfig, epochs: int, should_stop=None, **changes):
    """``build_variant`` trained ``epochs`` epochs (``should_stop()`` checked between steps, as in
    ``Trainer.run_epochs``); returns the trainer, whose status says whether it got there."""
    trainer = build_variant(reference, **changes)
    trainer.run_epochs(epochs, should_stop=should_stop)
    return trainer
