"""What the training thread hands to the window: plain copies, nothing shared.

The worker takes a snapshot only after the window consumed the previous one ("latest wins"); the
records in it are everything new since the last snapshot taken, so skipping frames loses no history.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Snapshot:
    generation: int  # bumped whenever the network is rebuilt (reset, new config): the views start over
    epoch: int  # completed epochs
    steps: int
    status: str  # ready / running / paused / done / diverged
    message: str
    learning_rate: float
    steps_per_second: float
    elapsed: float  # seconds of training so far
    sizes: tuple
    activations: tuple  # specs, one per weight layer
    first_step: int  # index of new_step_losses[0] in the whole history
    new_step_losses: np.ndarray  # (k,) float32
    first_epoch: int  # 1-based epoch number of new_train_losses[0]
    new_train_losses: np.ndarray  # (e,) float64
    new_test_losses: np.ndarray  # (e,) or (0,) without a test set
    new_train_accuracy: np.ndarray  # (e,) or (0,) for regression
    new_test_accuracy: np.ndarray
    weights: list = field(default_factory=list)  # W_l (n_l, n_{l-1}) copies
    biases: list = field(default_factory=list)  # b_l (n_l, 1)
    grad_w: list = field(default_factory=list)
    grad_b: list = field(default_factory=list)
    history_from: int = 0  # the earliest step a past moment can be shown for (a run file keeps its history from
    # its last data change; a trainer without keyframes keeps none: its steps)
    # every unit's activation over the input plane, [a_0 (n_0, G), ..., a_L (n_L, G)] float32 (2-D datasets
    # with unit maps on; engine/unit_maps.py), else None
    unit_maps: list | None = None


class SnapshotCursor:
    """Remembers how much of a trainer's records earlier snapshots carried."""

    def __init__(self):
        self.steps = 0
        self.epochs = 0

    def take(self, trainer, *, generation: int, status: str, steps_per_second: float, elapsed: float) -> Snapshot:
        s0, e0 = self.steps, self.epochs
        self.steps, self.epochs = len(trainer.step_losses), len(trainer.train_losses)
        net, bp = trainer.network, trainer.backprop
        first_kept = trainer.keyframes.earliest if trainer.keyframes is not None else None
        return Snapshot(
            generation=generation, epoch=trainer.epoch, steps=trainer.steps, status=status,
            message=trainer.message, learning_rate=trainer.optimizer.learning_rate,
            steps_per_second=steps_per_second, elapsed=elapsed,
            sizes=tuple(net.sizes), activations=tuple(a.spec() for a in net.activations),
            first_step=s0, new_step_losses=trainer.step_losses.view(s0).copy(),
            first_epoch=e0 + 1, new_train_losses=trainer.train_losses.view(e0).copy(),
            new_test_losses=trainer.test_losses.view(min(e0, len(trainer.test_losses))).copy(),
            new_train_accuracy=trainer.train_accuracy.view(min(e0, len(trainer.train_accuracy))).copy(),
            new_test_accuracy=trainer.test_accuracy.view(min(e0, len(trainer.test_accuracy))).copy(),
            weights=[w.copy() for w in net.weights], biases=[b.copy() for b in net.biases],
            grad_w=[g.copy() for g in bp.grad_w], grad_b=[g.copy() for g in bp.grad_b],
            history_from=first_kept.step if first_kept is not None else trainer.steps,
        )
