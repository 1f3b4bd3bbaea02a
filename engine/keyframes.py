"""Keyframes: the whole training state at chosen steps, so that any past step can be replayed exactly.

A ``Keyframe`` at step s is the state from which step s + 1 is taken: the parameters, the optimizer's
state, the hyperparameters in force, the shuffling generator's state with the epoch's permutation, the
counters (epoch, step in the epoch, steps) and the running epoch loss and correct count. Training is
deterministic, so restoring a keyframe and taking the same steps gives the same numbers bit for bit
(``engine.replay``).

``KeyframeStore`` keeps them within a memory budget. The trainer takes one every ``spacing`` steps (at
multiples of it, so the hot loop pays one integer comparison per step: ``steps >= store.next_step``);
when the budget is full, every other regular keyframe is dropped and the spacing doubles, so they stay
evenly spread over the run and replaying any step costs at most ``spacing`` steps.

*Pinned* keyframes are never thinned: the trainer takes one whenever something outside training changes
its state (a hyperparameter, a resume after divergence, a weight edit, a rewind, a load, new data), so
replaying from the nearest keyframe before a step never crosses such a change. Every keyframe holds the
dataset in force at its step (``Trainer.set_data`` changes it), and restoring one puts that data back, so
each step is replayed on the data it was trained on. Only the latest state at a step is kept: a keyframe
at the step of the last one replaces it (a change made while paused wins over the state before it).

The generator's state and the permutation change only when an epoch is shuffled, so keyframes of one
epoch share one ``ShuffleState`` object, counted once against the budget.

Thread safety: the training thread adds keyframes while another thread may look them up; every method
takes the store's lock, and a Keyframe, once stored, is never modified.
"""
from __future__ import annotations

import bisect
import dataclasses
import threading
from dataclasses import dataclass, field

import numpy as np

DEFAULT_BUDGET = 256 * 2**20
DEFAULT_SPACING = 64  # a keyframe costs ~8 us (60 more when its epoch was shuffled): under 1% of 64 tutorial steps
OVERHEAD_BYTES = 600  # the Python objects around a keyframe's arrays, roughly
REASONS = ("", "hyperparameters", "resume", "edit", "rewind", "load", "data")  # "": a regular keyframe


@dataclass(frozen=True, eq=False)
class ShuffleState:
    """The shuffling generator's state (``RandomState.get_state()``) and the permutation (n_train,)
    of the epoch under way (None before the first shuffle); shared by the keyframes of one epoch."""

    rng_state: tuple
    perm: np.ndarray | None

    @property
    def nbytes(self) -> int:
        return int(self.rng_state[1].nbytes) + (0 if self.perm is None else int(self.perm.nbytes)) + OVERHEAD_BYTES


@dataclass(frozen=True, eq=False)
class Keyframe:
    """The training state after ``step`` steps (the state step + 1 starts from).

    params (n_params,) in the network's dtype, laid out as ``Network.params``; optimizer: the dict of
    ``Optimizer.state()`` ("t" and (n_params,) arrays: "velocity" for momentum, "m" and "v" for Adam);
    hyper: ``Optimizer.hyper()``, the hyperparameters in force for the next step.
    """

    step: int
    epoch: int  # completed epochs
    step_in_epoch: int
    epoch_loss: float  # running sum of batch loss x batch size over the epoch so far
    epoch_correct: int
    params: np.ndarray
    optimizer: dict
    hyper: dict
    shuffle: ShuffleState
    pinned: bool = False
    reason: str = ""  # why a pinned keyframe was taken: one of REASONS
    grads: np.ndarray | None = None  # (n_params,) the gradients of step ``step``, where no earlier keyframe
    # can replay it (a run loaded without its history); None otherwise
    # The dataset in force (engine.datasets.Dataset, never written once built, shared by every keyframe
    # until the data changes: not counted in nbytes) and the config's data fields that made it ({name:
    # value}, shared too). Replay restores them, so a step is replayed on the data it was trained on.
    data: object = None
    data_fields: dict | None = None

    @property
    def nbytes(self) -> int:
        """Bytes this keyframe holds itself (its ShuffleState is shared and counted by the store)."""
        arrays = self.params.nbytes + sum(np.asarray(v).nbytes for v in self.optimizer.values())
        return int(arrays) + (0 if self.grads is None else int(self.grads.nbytes)) + OVERHEAD_BYTES

    def with_pin(self, reason: str) -> "Keyframe":
        return dataclasses.replace(self, pinned=True, reason=reason)


@dataclass
class _Shared:
    state: ShuffleState
    users: int = 0


class KeyframeStore:
    """Keyframes of one run, sorted by step, within ``budget_bytes`` (pinned ones never dropped).

    ``spacing``: steps between regular keyframes (doubles at each thinning); ``next_step``: the step
    at which the trainer takes the next regular keyframe; ``revision``: bumped whenever history can
    have changed (a pin, a truncation, a clear), so a replayer knows when its scratch state is stale.
    """

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET, spacing: int = DEFAULT_SPACING):
        if int(budget_bytes) < 0 or int(spacing) < 1:
            raise ValueError(f"budget_bytes {budget_bytes} must be >= 0 and spacing {spacing} >= 1")
        self.budget_bytes = int(budget_bytes)
        self.spacing = int(spacing)
        self.next_step = 0
        self.revision = 0
        self._frames: list[Keyframe] = []
        self._steps: list[int] = []
        self._pinned: list[int] = []  # steps of the pinned keyframes
        self._shared: dict[int, _Shared] = {}  # id(ShuffleState) -> the state and how many frames use it
        self._datasets: dict[int, list] = {}  # id(Dataset) -> [its bytes, how many frames hold it]
        self._own_bytes = 0
        self._shared_bytes = 0  # of the distinct ShuffleStates: kept as they come and go, not summed (one an epoch)
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """Bytes held: every keyframe's own arrays plus each distinct ShuffleState once, and each dataset of
        before a data change once."""
        with self._lock:
            return self._bytes()

    def frames(self) -> list[Keyframe]:
        """All keyframes, sorted by step (a copy of the list)."""
        with self._lock:
            return list(self._frames)

    def latest_at_or_before(self, step: int) -> Keyframe | None:
        """The keyframe with the largest step <= ``step`` (the latest state at that step), or None."""
        with self._lock:
            k = bisect.bisect_right(self._steps, step)
            return self._frames[k - 1] if k else None

    def lookup(self, step: int) -> tuple[Keyframe | None, int, int]:
        """(``latest_at_or_before(step)``, the step of the latest pinned keyframe at or before ``step``
        (-1 if none), ``revision``), read together."""
        with self._lock:
            k = bisect.bisect_right(self._steps, step)
            p = bisect.bisect_right(self._pinned, step)
            return (self._frames[k - 1] if k else None), (self._pinned[p - 1] if p else -1), self.revision

    def at(self, step: int) -> Keyframe | None:
        """The keyframe at exactly ``step``, or None."""
        kf = self.latest_at_or_before(step)
        return kf if kf is not None and kf.step == step else None

    @property
    def earliest(self) -> Keyframe | None:
        with self._lock:
            return self._frames[0] if self._frames else None

    @property
    def latest(self) -> Keyframe | None:
        with self._lock:
            return self._frames[-1] if self._frames else None

    # -- writing ------------------------------------------------------------------------------------
    def add(self, kf: Keyframe) -> int:
        """Store ``kf`` (its step at or after the last one's), thin if over budget; returns ``next_step``."""
        with self._lock:
            if self._steps and kf.step < self._steps[-1]:
                raise ValueError(f"keyframe at step {kf.step} after one at step {self._steps[-1]}; "
                                 f"truncate_after({kf.step}) first")
            if self._steps and kf.step == self._steps[-1]:
                old = self._drop(len(self._frames) - 1)
                if old.pinned and not kf.pinned:
                    kf = kf.with_pin(old.reason)
                if old.grads is not None and kf.grads is None:  # the step's gradients stay its gradients
                    kf = dataclasses.replace(kf, grads=old.grads)
                self.revision += 1  # the state at that step changed from outside training
            elif kf.pinned:
                self.revision += 1
            self._frames.append(kf)
            self._steps.append(kf.step)
            if kf.pinned:
                self._pinned.append(kf.step)
            self._own_bytes += kf.nbytes
            shared = self._shared.setdefault(id(kf.shuffle), _Shared(kf.shuffle))
            if not shared.users:
                self._shared_bytes += shared.state.nbytes
            shared.users += 1
            self._datasets.setdefault(id(kf.data), [dataset_bytes(kf.data), 0])[1] += 1
            self._thin()
            self.next_step = self._next_after(kf.step)
            return self.next_step

    def truncate_after(self, step: int) -> None:
        """Drop every keyframe after ``step`` (a rewind: that history will be trained again)."""
        with self._lock:
            while self._steps and self._steps[-1] > step:
                self._drop(len(self._frames) - 1)
            self.revision += 1
            self.next_step = self._next_after(step)

    def clear(self) -> None:
        with self._lock:
            self._frames, self._steps, self._pinned, self._shared, self._own_bytes = [], [], [], {}, 0
            self._shared_bytes = 0
            self._datasets = {}
            self.revision += 1
            self.next_step = 0

    def set_budget(self, budget_bytes: int) -> None:
        """A new budget (e.g. from the settings), thinning at once if the keyframes exceed it."""
        with self._lock:
            self.budget_bytes = int(budget_bytes)
            self._thin()
            if self._steps:
                self.next_step = self._next_after(self._steps[-1])

    # -- inside the lock ----------------------------------------------------------------------------
    def _next_after(self, step: int) -> int:
        return (step // self.spacing + 1) * self.spacing

    def _drop(self, k: int) -> Keyframe:
        kf = self._frames.pop(k)
        self._steps.pop(k)
        if kf.pinned:
            self._pinned.remove(kf.step)
        self._own_bytes -= kf.nbytes
        shared = self._shared[id(kf.shuffle)]
        shared.users -= 1
        if not shared.users:
            del self._shared[id(kf.shuffle)]
            self._shared_bytes -= shared.state.nbytes
        held = self._datasets[id(kf.data)]
        held[1] -= 1
        if not held[1]:
            del self._datasets[id(kf.data)]
        return kf

    def _bytes(self) -> int:
        # the datasets of before a data change, which only the keyframes keep alive (the latest one's is the
        # data the trainer trains on)
        live = id(self._frames[-1].data) if self._frames else None
        return (self._own_bytes + self._shared_bytes
                + sum(size for key, (size, _) in self._datasets.items() if key != live))

    def _thin(self) -> None:
        """While over budget: drop the regular keyframes off the multiples of twice the spacing, and
        double it. Step 0 is a multiple of every spacing and pinned ones stay, so this ends."""
        last = self._steps[-1] if self._steps else 0
        while self._bytes() > self.budget_bytes and self.spacing <= last:
            self.spacing *= 2
            keep = [not (kf.pinned or kf.step % self.spacing == 0) for kf in self._frames]
            for k in range(len(keep) - 1, -1, -1):
                if keep[k]:
                    self._drop(k)


def dataset_bytes(data) -> int:
    """Bytes of a Dataset's arrays (0 for None): what a keyframe holding the data of a change keeps alive."""
    if data is None:
        return 0
    arrays = (data.X_train, data.Y_train, data.X_test, data.Y_test, data.labels_train, data.labels_test,
              data.raw_X_train, data.raw_X_test)
    return sum(int(a.nbytes) for a in arrays if a is not None)


def capture(trainer, pinned: bool = False, reason: str = "", grads: np.ndarray | None = None) -> Keyframe:
    """The trainer's whole training state as a Keyframe (copies; the ShuffleState shared while the
    epoch's shuffle is unchanged: the trainer drops its cached one whenever it shuffles)."""
    shuffle = trainer._shuffle_state
    if shuffle is None:
        perm = trainer._perm
        if perm is not None:  # the smallest integer type that holds the indices: a quarter of int64's bytes
            perm = perm.astype(np.min_scalar_type(max(trainer.n - 1, 0)))
        shuffle = trainer._shuffle_state = ShuffleState(trainer.rng.get_state(), perm)
    opt = trainer.optimizer
    return Keyframe(step=trainer.steps, epoch=trainer.epoch, step_in_epoch=trainer.step_in_epoch,
                    epoch_loss=trainer._epoch_loss, epoch_correct=trainer._epoch_correct,
                    params=trainer.network.params.copy(), optimizer=opt.state(), hyper=opt.hyper(),
                    shuffle=shuffle, pinned=pinned, reason=reason, grads=grads, data=trainer.data,
                    data_fields=trainer.data_fields)
