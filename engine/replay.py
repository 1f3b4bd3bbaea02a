"""Any past step of a run, reconstructed exactly from its keyframes.

Training is deterministic: from the nearest keyframe before a step, the same steps in a scratch trainer
give the same numbers bit for bit (same code, same array layouts). ``Replayer(trainer).moment(step)``
returns a ``Moment``: the parameters after that step, the gradients it computed on its own batch with
the weights before its update, its loss, its batch and the optimizer's state. The cost is bounded by
the keyframe spacing (``trainer.keyframes.spacing``), and stepping forward one step at a time costs one
step: the scratch trainer stays where the last moment left it until history changes.

Threads: a Replayer reads the store under its lock and never touches the live trainer's arrays after
it is built (it only reads ``trainer.steps``), so one can run on the GUI thread while the trainer
trains on another. Build it while the trainer is not stepping (it copies the trainer's shape), and use
each Replayer from one thread. ``Trainer.rewind_to`` keeps its own.

``recovery_step(trainer)`` is where "lower the learning rate and continue" goes back to after a run
diverged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .epochs import steps_per_epoch
from .keyframes import Keyframe, capture
from .network import layer_views
from .trainer import Trainer, _quiet
from .validation import ConfigError


@dataclass
class Moment:
    """The run at one step, as training computed it.

    step: steps taken (0: the initial weights); epoch, step_in_epoch: as a trainer stopped after that
    step reads them (completed epochs; 0 when the step completed an epoch). ``weights[l]`` (n_l, n_{l-1})
    and ``biases[l]`` (n_l, 1): after the step's update; ``weights_before`` / ``biases_before``: before
    it (the weights its gradients were computed with). ``grad_w[l]``, ``grad_b[l]``: the step's dL/dW,
    dL/db of its batch (zeros at step 0). loss: the batch's loss before the update (nan at step 0).
    batch (B,) int64: the columns of X_train the step used, in order (empty at step 0). optimizer:
    ``Optimizer.state()`` after the update ("t", and (n_params,) "velocity" or "m", "v"),
    optimizer_before: before it; hyper: the hyperparameters the step used. ``params``, ``params_before``, ``grads``: the flat (n_params,) vectors
    the lists view. data: the dataset the step was trained on.
    """

    step: int
    epoch: int
    step_in_epoch: int
    params: np.ndarray
    params_before: np.ndarray
    grads: np.ndarray
    loss: float
    batch: np.ndarray
    optimizer: dict
    optimizer_before: dict
    hyper: dict
    sizes: tuple
    weights: list = field(default_factory=list)
    biases: list = field(default_factory=list)
    weights_before: list = field(default_factory=list)
    biases_before: list = field(default_factory=list)
    grad_w: list = field(default_factory=list)
    grad_b: list = field(default_factory=list)
    data: object = None  # the Dataset the step was trained on (``batch`` indexes its X_train): the data in
    # force then, which a data change since (Trainer.set_data) has replaced in the trainer

    def __post_init__(self):
        self.weights, self.biases = layer_views(self.params, self.sizes)
        self.weights_before, self.biases_before = layer_views(self.params_before, self.sizes)
        self.grad_w, self.grad_b = layer_views(self.grads, self.sizes)


class Replayer:
    """Reconstructs past steps of ``trainer`` (which must keep keyframes) in a scratch trainer that
    shares its training arrays."""

    def __init__(self, trainer: Trainer):
        if trainer.keyframes is None:
            raise ConfigError("trainer", "without keyframes", "a trainer that keeps keyframes (keyframes=True)")
        self.trainer = trainer
        self.store = trainer.keyframes
        self._scratch = trainer.scratch()
        self._revision = None  # the store's revision the scratch state belongs to
        self._pos = -1  # steps the scratch has taken, -1: nothing restored
        self._base = 0  # the step of the keyframe the scratch was restored from

    def span(self) -> tuple[int, int]:
        """(first, last) step a moment can be asked for: the earliest keyframe's step and the steps taken."""
        first = self.store.earliest
        return (first.step if first is not None else 0), self.trainer.steps

    def check_step(self, step) -> int:
        """``step`` as an int, or ConfigError naming it and the steps there are."""
        lo, hi = self.span()
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not lo <= step <= hi:
            why = f" (the history before step {lo:,} was not kept)" if lo else ""
            raise ConfigError("step", step, f"a step from {lo:,} to {hi:,}{why}")
        return int(step)

    def moment(self, step: int) -> Moment:
        """The run at ``step`` (``span()`` gives the allowed range)."""
        step = self.check_step(step)
        prev = self.store.latest_at_or_before(step - 1) if step > 0 else None
        if prev is None:  # the first state kept: there is no step before it to replay
            return _first_moment(self.store.at(step) or self.store.earliest, self._scratch)
        self._bring_to(step - 1)
        moment = take_step(self._scratch)
        if moment is None:
            raise RuntimeError(f"replaying step {step} diverged, which training did not: {self._scratch.message}")
        self._pos = step
        return moment

    def state_at(self, step: int) -> tuple[Keyframe, Moment]:
        """The whole state in force after ``step`` (the latest keyframe at that step if there is one:
        it includes outside changes made then) and the step's Moment; for ``Trainer.rewind_to``."""
        moment = self.moment(step)
        kf = self.store.at(step)
        if kf is None:  # the scratch stands just after the step
            kf = capture(self._scratch)
        return kf, moment

    def _bring_to(self, target: int) -> None:
        """Put the scratch trainer in the state after ``target`` steps."""
        kf, pinned, revision = self.store.lookup(target)
        s = self._scratch
        # Going on from where the scratch stands is exact unless history changed (revision) or an outside
        # change was pinned after the keyframe the scratch started from (it would be crossed).
        # It is also cheaper only while it stands nearer the target than the keyframe does (the trainer may
        # have gone on thousands of steps since the last moment asked for).
        if not (revision == self._revision and self._base <= self._pos <= target and pinned <= self._base
                and kf.step <= self._pos):
            s.restore(kf)
            self._pos = self._base = kf.step
            self._revision = revision
        for record in (s.step_losses, s.train_losses, s.train_accuracy):
            record.truncate(0)  # the scratch's own records are never read
        with _quiet():
            while s.steps < target:
                if s._step() is None:
                    raise RuntimeError(f"replaying step {s.steps + 1} diverged, which training did not")
        self._pos = target


def take_step(trainer: Trainer) -> Moment | None:
    """One step of ``trainer``, taken now, and its Moment; None if the step diverged (the trainer says why).

    The replayer takes its scratch's steps with it; the worker takes a live step with it when the
    inspector asks about the run as it trains, which then needs no replay."""
    before = trainer.network.params.copy()
    hyper, state_before = trainer.optimizer.hyper(), trainer.optimizer.state()
    lo = trainer.step_in_epoch * trainer.batch_size
    hi = min(lo + trainer.batch_size, trainer.n)
    with _quiet():
        loss = trainer._step()
    if loss is None:
        return None
    # (the batch is read after the step: a step that starts an epoch shuffles first)
    batch = np.asarray(trainer._perm[lo:hi], np.int64) if trainer.batch_size < trainer.n else np.arange(trainer.n)
    return Moment(step=trainer.steps, epoch=trainer.epoch, step_in_epoch=trainer.step_in_epoch,
                  params=trainer.network.params.copy(), params_before=before, grads=trainer.backprop.grads.copy(),
                  loss=float(loss), batch=batch, optimizer=trainer.optimizer.state(), optimizer_before=state_before,
                  hyper=hyper, sizes=tuple(trainer.network.sizes), data=trainer.data)


def _first_moment(kf: Keyframe, scratch: Trainer) -> Moment:
    """The moment of the first state kept (step 0, or where a loaded run begins): no step to replay, so
    the gradients are the ones the keyframe kept (a loaded run's last step's) or zeros, the loss nan,
    the batch and the weights before unknown (the batch empty, the weights before = after)."""
    grads = np.zeros_like(kf.params) if kf.grads is None else kf.grads.copy()
    return Moment(step=kf.step, epoch=kf.epoch, step_in_epoch=kf.step_in_epoch, params=kf.params.copy(),
                  params_before=kf.params.copy(), grads=grads, loss=math.nan, batch=np.zeros(0, np.int64),
                  optimizer={k: np.copy(v) for k, v in kf.optimizer.items()},
                  optimizer_before={k: np.copy(v) for k, v in kf.optimizer.items()}, hyper=dict(kf.hyper),
                  sizes=tuple(scratch.network.sizes), data=kf.data)


def recovery_step(trainer: Trainer) -> int | None:
    """Where a diverged run should go back to before continuing with a lower learning rate: the last
    step of the last epoch whose training loss was below the first epoch's (0, the initial weights,
    when none was, as when the loss blows up within the first epoch). None when the keyframes kept do
    not reach back that far (a run loaded from a file without them)."""
    losses = trainer.train_losses.view()
    per_epoch = steps_per_epoch(trainer.n, trainer.batch_size)
    below = np.flatnonzero(losses[1:] < losses[0]) if len(losses) > 1 else np.zeros(0, int)
    step = int(below[-1] + 2) * per_epoch if below.size else 0
    step = min(step, trainer.steps)
    first = trainer.keyframes.earliest if trainer.keyframes is not None else None
    if first is None or step < first.step:
        return None
    return step
