"""The training loop: epochs over a dataset in mini-batches, with per-step and per-epoch records.

One step = one mini-batch: forward, loss, backward, optimizer update. The loss recorded for a step is
the loss of its batch before the update (the tutorial prints it the same way); an epoch's training
loss is the mean of its steps' losses weighted by batch size, so with one sample it is the tutorial's
"loss before training" for that epoch. A non-finite loss or a non-finite weight after an update stops
training with status ``diverged`` (so does a loss beyond float32's range, ~3.4e38); the weights stay
those of the last finite step.

As it trains, the trainer takes keyframes of its whole state (``engine.keyframes``): one every
``keyframes.spacing`` steps, for one integer comparison per step, and a pinned one whenever its state
is changed from outside training (``set_hyperparameters``, ``resume_after_divergence``,
``pin_keyframe`` after a weight edit, ``rewind_to``). ``engine.replay`` rebuilds any past step from them.
"""
from __future__ import annotations

import math
import sys
import time
from typing import TYPE_CHECKING

import numpy as np

from .backprop import Backprop
from .history import GrowingArray, step_record
from .keyframes import Keyframe, KeyframeStore, capture
from .network import Network
from .optimizers import HYPERPARAMETERS, Optimizer
from .status import Status
from .trainer_data import TrainerDataMixin, _data_fields
from .validation import ConfigError, Interval

if TYPE_CHECKING:  # config.py builds trainers, so it imports this module
    from .config import TrainConfig

NO_KEYFRAMES = sys.maxsize  # next_keyframe of a trainer that takes none: the comparison never holds

# A diverging run overflows on its way to the check that stops it; those warnings are the divergence
# the trainer reports, not news. Entered once per call of the loops, not per step.
def _quiet():
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")

# Past float32's range a loss is diverged in any practical sense, and the float32 step history could not
# hold it; ``not loss <= LOSS_LIMIT`` is also true for nan.
LOSS_LIMIT = float(np.finfo(np.float32).max)


def count_correct(y_hat: np.ndarray, labels: np.ndarray) -> int:
    """Correct predictions of y_hat (n_L, B) against integer labels (B,): argmax, or 0.5 for one output."""
    if y_hat.shape[0] == 1:
        return int(np.count_nonzero((y_hat[0] >= 0.5) == (labels == 1)))
    return int(np.count_nonzero(y_hat.argmax(axis=0) == labels))


def optimizer_like(opt: Optimizer, n_params: int, dtype, **hyper) -> Optimizer:
    """A fresh optimizer of ``opt``'s kind, weight-decay mask and hyperparameters (``hyper`` overrides),
    with zero state: for scratch copies that replay or take a step apart."""
    return type(opt)(n_params, opt._decay_mask, dtype, **{**opt.hyper(), **hyper})


class Trainer(TrainerDataMixin):
    """Trains ``network`` on ``data`` (an ``engine.datasets.Dataset``) with ``loss`` and ``optimizer``.

    Records: ``step_losses`` (float32, one per step), ``train_losses``, ``test_losses`` (nan without a
    test set), ``train_accuracy``, ``test_accuracy`` (nan for regression), one per epoch.

    ``config``: the ``TrainConfig`` the trainer was built from (None for one assembled by hand), kept
    true to the run by ``set_hyperparameters``. ``keyframes``: True for a ``KeyframeStore`` with the
    default budget, False for none (a scratch trainer), or a store to use. The keyframe of step 0 is
    taken here, so the network must hold its initial weights.
    """

    def __init__(self, network: Network, loss, optimizer: Optimizer, data, batch_size: int | None = None,
                 shuffle_seed: int = 0, config: "TrainConfig | None" = None, keyframes: bool | KeyframeStore = True):
        self.config = config
        self.network = network
        self.backprop = Backprop(network, loss)
        self.loss = self.backprop.loss
        self.optimizer = optimizer
        self._check_data(data)
        self.classification = data.task == "classification"
        self._evaluates = True  # a scratch trainer has no test set: no evaluation at the end of its epochs
        self._use_data(data)
        if batch_size is not None:
            Interval(int, 1, self.n).check("batch_size", batch_size)
        self._batch_request = batch_size  # None: the full training set, whatever its size
        self.batch_size = self.n if batch_size is None else int(batch_size)
        self.data_fields = _data_fields(config)
        self.rng = np.random.RandomState(shuffle_seed)

        p = network.params
        self._update = np.empty_like(p)
        self._candidate = np.empty_like(p)
        self._zeros = np.zeros_like(p)  # dot(x, zeros) is nan iff x holds a nan or an inf, and never overflows

        self.epoch = 0  # completed epochs
        self.step_in_epoch = 0
        self.steps = 0
        self.train_losses = GrowingArray(np.float64)
        self.step_losses = step_record(self.train_losses, one_step_per_epoch=self.batch_size == self.n)
        self.test_losses = GrowingArray(np.float64)
        self.train_accuracy = GrowingArray(np.float64)
        self.test_accuracy = GrowingArray(np.float64)
        self.status = Status.READY
        self.message = ""
        self.marks: list = []  # [(epoch, text)] of changes made by hand, for the loss curve; kept by run files
        self._epoch_loss = 0.0
        self._epoch_correct = 0
        self._replayer = None
        if keyframes is True:
            keyframes = KeyframeStore()
        self.keyframes: KeyframeStore | None = keyframes if isinstance(keyframes, KeyframeStore) else None
        self._next_keyframe = NO_KEYFRAMES
        if self.keyframes is not None:
            self.keyframes.clear()
            self._next_keyframe = self.keyframes.add(capture(self))

    @property
    def status(self) -> Status:
        """READY (no step yet), RUNNING or DIVERGED; a plain string assigned is converted (ValueError
        if it is not a status)."""
        return self._status

    @status.setter
    def status(self, value) -> None:
        self._status = Status(value)

    # -- one step ---------------------------------------------------------------------------------
    def train_step(self) -> float | None:
        """One mini-batch step; returns its loss, or None if training has diverged."""
        with _quiet():
            return self._step()

    def _step(self) -> float | None:
        if self._status is Status.DIVERGED:
            return None
        if self.steps >= self._next_keyframe:  # the one comparison keyframes cost a step
            self._next_keyframe = self.keyframes.add(capture(self))
        B, n = self.batch_size, self.n
        lo = self.step_in_epoch * B
        hi = lo + B if lo + B < n else n
        if B < n:
            if self.step_in_epoch == 0:
                self._shuffle()
            X, Y = self._Xs[:, lo:hi], self._Ys[:, lo:hi]
        else:  # the full batch: no slicing
            X, Y = self._Xs, self._Ys
        loss = self.backprop.loss_and_gradients(X, Y)
        if not loss <= LOSS_LIMIT:
            return self._diverge(f"the loss became {loss:.3g} at step {self.steps + 1} (epoch {self.epoch + 1})")
        if self.classification:
            self._epoch_correct += count_correct(self.backprop.output, self._labels_s[lo:hi])
        params = self.network.params
        update = self.optimizer.compute_update(params, self.backprop.grads, self._update)
        cand = self._candidate
        np.subtract(params, update, cand)
        # ndarray.dot and params[...] = are np.dot and np.copyto without their dispatch (half the cost)
        if not math.isfinite(cand.dot(self._zeros)):
            return self._diverge(f"a weight became non-finite at step {self.steps + 1} (epoch {self.epoch + 1})")
        params[...] = cand
        self.step_losses.append(loss)
        self.steps += 1
        self._epoch_loss += loss * (hi - lo)
        if hi == n:
            self._end_epoch()
        else:
            self.step_in_epoch += 1
        return loss

    def _shuffle(self) -> None:
        self._apply_perm(self.rng.permutation(self.n))
        self._shuffle_state = None

    def _apply_perm(self, perm: np.ndarray) -> None:
        # The columns are gathered straight into Fortran-ordered buffers kept from one epoch to the next
        # (as rows of the C-ordered transposes, which np.take copies whole), not into fresh copies.
        if self._shuffle_buffers is None:
            self._shuffle_buffers = (np.empty_like(self._X, order="F"), np.empty_like(self._Y, order="F"))
        Xs, Ys = self._shuffle_buffers
        np.take(self._X.T, perm, axis=0, out=Xs.T, mode="clip")  # perm holds no index to clip
        np.take(self._Y.T, perm, axis=0, out=Ys.T, mode="clip")
        self._perm, self._Xs, self._Ys = perm, Xs, Ys
        if self.classification:
            self._labels_s = self.data.labels_train[perm]

    def _end_epoch(self) -> None:
        self.step_in_epoch = 0
        self.epoch += 1
        self.train_losses.append(self._epoch_loss / self.n)
        self._epoch_loss = 0.0
        if self.classification:
            self.train_accuracy.append(self._epoch_correct / self.n)
            self._epoch_correct = 0
        if self._X_test.shape[1]:
            loss, y_hat = self.backprop.evaluate(self._X_test, self._Y_test)
            self.test_losses.append(loss)
            if self.classification:
                self.test_accuracy.append(count_correct(y_hat, self.data.labels_test) / y_hat.shape[1])
        elif len(self.test_losses):  # the data changed to one without a test set: the record goes on, nan
            self.test_losses.append(math.nan)
            if self.classification:
                self.test_accuracy.append(math.nan)
        if self.status is Status.READY:
            self.status = Status.RUNNING

    def _diverge(self, why: str) -> None:
        self.status = Status.DIVERGED
        self.message = f"Training diverged: {why}. The weights are those of the last finite step; " \
                       f"lower the learning rate and continue or reset."
        return None

    def resume_after_divergence(self) -> None:
        """Allow training to go on (e.g. with a lower learning rate); optimizer state that went
        non-finite is cleared, the weights are kept."""
        if self.status is not Status.DIVERGED:
            return
        state = self.optimizer.state()
        self.optimizer.load_state({k: np.nan_to_num(v, nan=0.0, posinf=0.0, neginf=0.0) for k, v in state.items()})
        self.status = Status.RUNNING
        self.message = ""
        self.pin_keyframe("resume")

    # -- changes from outside training ------------------------------------------------------------
    def set_hyperparameters(self, **values) -> None:
        """Change hyperparameters between two steps: the one place that keeps ``config`` and the
        optimizer in step. Names are those of ``engine.optimizers.HYPERPARAMETERS`` (learning_rate,
        momentum, beta1, beta2, epsilon, weight_decay); each is validated (ConfigError naming it) before
        anything changes. Ones the optimizer does not use go into ``config`` only. A real change pins a
        keyframe, so no replay crosses it."""
        checked = {}
        for key, value in values.items():
            if key not in HYPERPARAMETERS:
                raise ConfigError(key, value, "a hyperparameter: " + ", ".join(HYPERPARAMETERS))
            checked[key] = HYPERPARAMETERS[key].check(key, value)
        opt = self.optimizer
        mine = {k: v for k, v in checked.items() if k in opt.hyperparameters}
        changed = any(getattr(opt, k) != v for k, v in mine.items()) or (
            self.config is not None and any(getattr(self.config, k) != v for k, v in checked.items()))
        opt.set_hyperparameters(**mine)
        if self.config is not None and checked:
            self.config = self.config.replace(**checked)
        if changed:
            self.pin_keyframe("hyperparameters")

    def pin_keyframe(self, reason: str, with_gradients: bool = False) -> None:
        """Take a pinned keyframe of the state as it is now; call it after changing the state from
        outside training (e.g. editing a weight in ``network.params``) so that replays never cross it.
        ``reason`` is one of ``engine.keyframes.REASONS``; ``with_gradients`` keeps a copy of the last
        step's gradients in it (for a loaded run, whose last step no earlier keyframe can replay)."""
        if self.keyframes is not None:
            grads = self.backprop.grads.copy() if with_gradients else None
            self._next_keyframe = self.keyframes.add(capture(self, pinned=True, reason=reason, grads=grads))

    def restore(self, kf: Keyframe) -> None:
        """Put the whole training state of keyframe ``kf`` back, with the hyperparameters in force then
        (in the optimizer and ``config``); records are left as they are."""
        self.network.params[...] = kf.params
        self.optimizer.load_state(kf.optimizer)
        self.optimizer.set_hyperparameters(**kf.hyper)
        if self.config is not None:  # the hyperparameters only: the epoch limit and the rest stay as set
            self.config = self.config.replace(**kf.hyper)
        if kf.data is not None and kf.data is not self.data:  # a step from before (or after) a data change
            self._use_data(kf.data)
            self._set_batch()
            self.data_fields = kf.data_fields
            if self.config is not None and kf.data_fields:
                self.config = self.config.replace(**kf.data_fields)
        self.epoch, self.step_in_epoch, self.steps = kf.epoch, kf.step_in_epoch, kf.step
        self._epoch_loss, self._epoch_correct = kf.epoch_loss, kf.epoch_correct
        shuffle = kf.shuffle
        self.rng.set_state(shuffle.rng_state)
        if shuffle.perm is not None:
            self._apply_perm(shuffle.perm)
        else:
            self._perm, self._Xs, self._Ys, self._labels_s = None, self._X, self._Y, self.data.labels_train
        self._shuffle_state = shuffle
        self.status = Status.RUNNING if kf.step else Status.READY
        self.message = ""

    def rewind_to(self, step: int) -> None:
        """Go back to the exact state after ``step`` steps (0 <= step <= steps, not before the earliest
        keyframe): parameters, optimizer state and hyperparameters in force then, generator, position in
        the epoch, the gradients of that step (zeros at step 0); every record and keyframe after it is
        dropped. Training on from there repeats the original run until its first outside change."""
        from .replay import Replayer  # replay builds scratch trainers from this module

        if self._replayer is None:
            self._replayer = Replayer(self)
        kf, moment = self._replayer.state_at(step)
        self.restore(kf)
        for dst, src in zip(self.backprop.grad_w + self.backprop.grad_b, moment.grad_w + moment.grad_b):
            dst[...] = src
        self.step_losses.truncate(step)
        for record in (self.train_losses, self.test_losses, self.train_accuracy, self.test_accuracy):
            record.truncate(kf.epoch)
        self.keyframes.truncate_after(step)
        self.pin_keyframe("rewind")

    def scratch(self) -> "Trainer":
        """A trainer to replay this one's steps in: the same architecture, loss, optimizer kind and batch
        size, sharing this trainer's training arrays (no copies), with no test set (no evaluation at the
        end of an epoch) and no keyframes. Its state is meant to be set with ``restore``."""
        from .datasets import Dataset

        d = self.data
        data = Dataset(d.name, d.task, self._X, self._Y, self._X[:, :0], self._Y[:, :0], d.labels_train, None,
                       d.n_classes, d.feature_names, d.target_names)
        other = optimizer_like(self.optimizer, self.network.params.size, self.network.dtype)
        net = Network(self.network.sizes, self.network.activations, self.network.dtype)
        scratch = Trainer(net, self.loss, other, data, batch_size=self.batch_size, config=self.config, keyframes=False)
        # the live dataset itself, so restoring a keyframe of it changes nothing; another keyframe's is copied in
        scratch.data, scratch._evaluates, scratch._batch_request = d, False, self._batch_request
        scratch.data_fields = self.data_fields
        return scratch

    def epoch_state(self) -> dict:
        """What a run saved mid-epoch needs besides weights, optimizer and records to continue exactly."""
        return {"epoch": self.epoch, "step_in_epoch": self.step_in_epoch, "steps": self.steps,
                "epoch_loss": self._epoch_loss, "epoch_correct": self._epoch_correct,
                "perm": None if self._perm is None else self._perm.copy(), "rng_state": self.rng.get_state()}

    def restore_epoch_state(self, state: dict) -> None:
        self.epoch, self.step_in_epoch, self.steps = int(state["epoch"]), int(state["step_in_epoch"]), int(state["steps"])
        self._epoch_loss, self._epoch_correct = float(state["epoch_loss"]), int(state["epoch_correct"])
        self.rng.set_state(state["rng_state"])
        if state["perm"] is not None:
            self._apply_perm(np.asarray(state["perm"]))
        self._shuffle_state = None
        if self.epoch or self.steps:
            self.status = Status.RUNNING

    # -- many steps -------------------------------------------------------------------------------
    def run_epochs(self, epochs: int, on_epoch=None, should_stop=None) -> str:
        """Train ``epochs`` more epochs (finishing a partly done one first counts as one).
        ``on_epoch(trainer)`` after each; ``should_stop()`` checked between steps. Returns the status."""
        target = self.epoch + epochs
        step = self._step
        with _quiet():
            while self.epoch < target:
                if step() is None:
                    break
                if self.step_in_epoch == 0 and on_epoch is not None:
                    on_epoch(self)
                if should_stop is not None and should_stop():
                    break
        return self.status

    def run_for(self, seconds: float, max_steps: int | None = None, epoch_limit: int | None = None) -> int:
        """Train until ``seconds`` pass, ``max_steps`` are taken, ``epoch_limit`` epochs are complete,
        or divergence; returns the number of steps taken. The worker thread calls this in slices."""
        deadline = time.perf_counter() + seconds
        taken = 0
        step = self._step
        clock = time.perf_counter
        with _quiet():
            while True:
                if epoch_limit is not None and self.epoch >= epoch_limit:
                    break
                if max_steps is not None and taken >= max_steps:  # (max_steps=0: none, not one)
                    break
                if step() is None:
                    break
                taken += 1
                if (taken & 15) == 0 and clock() >= deadline:  # the clock costs as much as a NumPy call
                    break
        return taken

    # -- inspection -------------------------------------------------------------------------------
    def gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of (dW_l, db_l) from the last step (zeros before the first)."""
        return self.backprop.gradients()

    def evaluate(self) -> dict:
        """Loss and accuracy of the current weights on the whole train and test sets."""
        out = {}
        for split, X, Y, labels in (("train", self._X, self._Y, self.data.labels_train),
                                    ("test", self._X_test, self._Y_test, self.data.labels_test)):
            if X.shape[1] == 0:
                out[f"{split}_loss"], out[f"{split}_accuracy"] = None, None
                continue
            loss, y_hat = self.backprop.evaluate(X, Y)
            out[f"{split}_loss"] = loss
            out[f"{split}_accuracy"] = count_correct(y_hat, labels) / X.shape[1] if self.classification else None
        return out
