"""Steps and epochs of a run whose epochs change length: a data change (``Trainer.set_data``) that alters the
training set's size alters how many steps make an epoch from then on, so ``step / steps_per_epoch`` is no
longer the epoch. ``EpochClock`` converts both ways over the stretches of one length.

A stretch begins where an epoch begins (a data change starts a fresh epoch): (step, epoch, steps an epoch).
``epoch_clock(trainer)`` reads the stretches off the trainer's keyframes (each holds its dataset), so it is
right after a rewind or for a reopened run too (whose file keeps the stretch it was saved in).
"""
from __future__ import annotations

import bisect
import math


class EpochClock:
    """``epoch_of(step)`` (float: 12.5 is half-way through epoch 13) and ``step_of(epoch)``; ``split(step)``
    (completed epochs, steps into the next). Stretches: (first step, epochs completed there, steps an epoch)."""

    def __init__(self, per_epoch: int = 1):
        self.stretches: list[tuple[int, int, int]] = [(0, 0, max(int(per_epoch), 1))]

    def set(self, stretches) -> None:
        self.stretches = sorted((int(s), int(e), max(int(p), 1)) for s, e, p in stretches) or [(0, 0, 1)]

    @property
    def per_epoch(self) -> int:
        """Steps an epoch now (the last stretch's)."""
        return self.stretches[-1][2]

    def _at(self, k: int) -> tuple[int, int, int]:
        return self.stretches[max(k - 1, 0)]

    def split(self, step: int) -> tuple[int, int]:
        s0, e0, per = self._at(bisect.bisect_right([s for s, _, _ in self.stretches], step))
        epochs, within = divmod(int(step) - s0, per)
        return e0 + epochs, within

    def epoch_of(self, step: int) -> float:
        s0, e0, per = self._at(bisect.bisect_right([s for s, _, _ in self.stretches], step))
        return e0 + (step - s0) / per

    def step_of(self, epoch: float) -> int:
        s0, e0, per = self._at(bisect.bisect_right([e for _, e, _ in self.stretches], epoch))
        return int(round(s0 + (epoch - e0) * per))


def steps_per_epoch(n_train: int, batch_request: int | None) -> int:
    batch = n_train if batch_request is None else min(batch_request, n_train)
    return math.ceil(n_train / max(batch, 1))


def epoch_clock(trainer) -> list[tuple[int, int, int]]:
    """The stretches of ``trainer``'s run, from its keyframes: one per dataset trained on (a keyframe whose
    dataset is not its predecessor's begins one); a run without keyframes has one stretch."""
    per = lambda data: steps_per_epoch(data.n_train, trainer._batch_request)  # noqa: E731
    frames = trainer.keyframes.frames() if trainer.keyframes is not None else []
    if not frames:
        return [(trainer.steps - trainer.step_in_epoch - trainer.epoch * per(trainer.data), 0, per(trainer.data))]
    first = frames[0]
    data = first.data if first.data is not None else trainer.data
    stretches = [(first.step - first.step_in_epoch - first.epoch * per(data), 0, per(data))]
    for prev, kf in zip(frames, frames[1:]):
        if kf.data is not prev.data and kf.data is not None:
            stretches.append((kf.step, kf.epoch, per(kf.data)))
    return stretches
