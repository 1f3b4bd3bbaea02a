"""The members a version-2 run file adds for replaying: the last step's gradients and the keyframes.

``engine.savefile`` calls three functions here: ``history_arrays`` when saving, ``history_members``
for the members a file's header promises (checked against the .npy headers before anything is read),
and ``restore_history`` once the trainer is built. A problem is a ``HistoryError`` with the member
and what is wrong; the loader turns it into its ``SaveFileError``.

Members (K keyframes, S distinct generator states, P permutations, n = n_params, N = n_train):

    grads (n,)  the last step's gradients, in the network's dtype
    kf_params (K, n)  kf_opt_<key> (K, n)  (velocity; m and v)   in the network's dtype
    kf_ints (K, 8) int64: step, epoch, step_in_epoch, epoch_correct, t, shuffle index, pinned, reason
    kf_floats (K, 1 + H) float64: the running epoch loss, then the optimizer's H hyperparameters in order
    kf_rng_keys (S, 624) uint32   kf_rng_ints (S, 3) int64: pos, has_gauss, permutation index (-1: none)
    kf_rng_gauss (S,) float64     kf_perms (P, N) int64

The header's ``keyframes`` (absent when saved without them) gives K, S, P and the store's spacing.
Saved keyframes are thinned evenly (as the store thins) to at most ``FILE_BUDGET`` bytes.
"""
from __future__ import annotations


import numpy as np

from .epochs import steps_per_epoch
from .keyframes import REASONS, Keyframe, KeyframeStore, ShuffleState
from .optimizers import HYPERPARAMETERS, make_optimizer
from .validation import ConfigError

FILE_BUDGET = 64 * 2**20  # keyframes written to one file, at most
MAX_FRAMES = 10**7
INT_FIELDS = ("step", "epoch", "step_in_epoch", "epoch_correct", "t", "shuffle", "pinned", "reason")


class HistoryError(ValueError):
    """A keyframe member that is wrong; ``str(err)`` says which and how."""


def _hyper_names(optimizer: str) -> tuple[str, ...]:
    return make_optimizer(optimizer, 1, np.ones(1)).hyperparameters


def _state_keys(optimizer: str) -> list[str]:
    return [k for k in make_optimizer(optimizer, 1, np.ones(1)).state() if k != "t"]


# -- saving -------------------------------------------------------------------------------------------

def saved_frames(store: KeyframeStore, budget: int = FILE_BUDGET) -> tuple[list[Keyframe], int]:
    """The store's keyframes thinned evenly to ``budget`` bytes (pinned ones kept), and their spacing."""
    thinned = KeyframeStore(budget_bytes=min(budget, store.budget_bytes), spacing=store.spacing)
    for kf in store.frames():  # what the trainer would have kept under that budget
        if kf.pinned or kf.step % thinned.spacing == 0:
            thinned.add(kf)
    return thinned.frames(), thinned.spacing


def since_last_data_change(frames: list[Keyframe]) -> list[Keyframe]:
    """The keyframes from the last data change on (all of them when the data never changed). A run file holds
    one dataset, the last; the steps before it were trained on data the file does not keep, so they are not
    replayable once the run is reopened (the loss records keep them)."""
    # by the dataset each holds, not the reason: a keyframe at the step of a data change replaces it (an edit
    # made while paused), and keeps its data
    last = max((k for k in range(1, len(frames)) if frames[k].data is not frames[k - 1].data), default=0)
    return frames[last:]


def history_arrays(trainer, keyframes: bool | int) -> tuple[dict | None, dict]:
    """(the header's ``keyframes`` entry or None, {member: array}) for ``trainer``; ``keyframes``: True,
    False, or a byte budget for them."""
    arrays = {"grads": trainer.backprop.grads.copy()}
    store = trainer.keyframes
    if not keyframes or store is None:
        return None, arrays
    frames, spacing = saved_frames(store, FILE_BUDGET if keyframes is True else int(keyframes))
    frames = since_last_data_change(frames)
    opt = trainer.optimizer
    names = opt.hyperparameters
    shuffles: dict[int, int] = {}
    rng_keys, rng_ints, rng_gauss, perms = [], [], [], []
    for kf in frames:
        if id(kf.shuffle) not in shuffles:
            shuffles[id(kf.shuffle)] = len(rng_keys)
            _, keys, pos, has_gauss, gauss = kf.shuffle.rng_state
            perm = kf.shuffle.perm
            rng_keys.append(np.asarray(keys, np.uint32))
            rng_ints.append((int(pos), int(has_gauss), -1 if perm is None else len(perms)))
            rng_gauss.append(float(gauss))
            if perm is not None:
                perms.append(np.asarray(perm, np.int64))
    n, N = trainer.network.params.size, trainer.n
    arrays["kf_params"] = np.array([kf.params for kf in frames], trainer.network.dtype).reshape(len(frames), n)
    for key in _state_keys(opt.name):
        arrays[f"kf_opt_{key}"] = np.array([kf.optimizer[key] for kf in frames], trainer.network.dtype).reshape(-1, n)
    arrays["kf_ints"] = np.array([(kf.step, kf.epoch, kf.step_in_epoch, kf.epoch_correct, int(kf.optimizer["t"]),
                                   shuffles[id(kf.shuffle)], int(kf.pinned), REASONS.index(kf.reason))
                                  for kf in frames], np.int64).reshape(-1, len(INT_FIELDS))
    arrays["kf_floats"] = np.array([(float(kf.epoch_loss), *(kf.hyper[k] for k in names)) for kf in frames],
                                   np.float64).reshape(-1, 1 + len(names))
    arrays["kf_rng_keys"] = np.array(rng_keys, np.uint32).reshape(-1, 624)
    arrays["kf_rng_ints"] = np.array(rng_ints, np.int64).reshape(-1, 3)
    arrays["kf_rng_gauss"] = np.array(rng_gauss, np.float64)
    arrays["kf_perms"] = np.array(perms, np.int64).reshape(-1, N)
    entry = {"frames": len(frames), "shuffles": len(rng_keys), "perms": len(perms), "spacing": spacing}
    return entry, arrays


# -- loading ------------------------------------------------------------------------------------------

def _count(header_entry: dict, key: str) -> int:
    value = header_entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FRAMES:
        raise HistoryError(f"keyframes.{key} is {value!r}; expected a count from 0 to {MAX_FRAMES:,}")
    return value


def history_members(header: dict, config, n_params: int, n_train: int) -> dict:
    """{member: (shape, dtype name)} the header promises: none for version 1, ``grads`` from version 2,
    and the keyframe members when the header lists keyframes."""
    if header.get("version", 1) < 2:
        return {}
    net = config.dtype
    need = {"grads": ((n_params,), net)}
    entry = header.get("keyframes")
    if entry is None:
        return need
    if not isinstance(entry, dict):
        raise HistoryError(f"keyframes is {type(entry).__name__}; expected an object or null")
    K, S, P = (_count(entry, k) for k in ("frames", "shuffles", "perms"))
    spacing = entry.get("spacing")
    if isinstance(spacing, bool) or not isinstance(spacing, int) or not 1 <= spacing <= 2**62:
        raise HistoryError(f"keyframes.spacing is {spacing!r}; expected a whole number of steps >= 1")
    need.update({"kf_params": ((K, n_params), net),
                 **{f"kf_opt_{k}": ((K, n_params), net) for k in _state_keys(config.optimizer)},
                 "kf_ints": ((K, len(INT_FIELDS)), "int64"),
                 "kf_floats": ((K, 1 + len(_hyper_names(config.optimizer))), "float64"),
                 "kf_rng_keys": ((S, 624), "uint32"), "kf_rng_ints": ((S, 3), "int64"),
                 "kf_rng_gauss": ((S,), "float64"), "kf_perms": ((P, n_train), "int64")})
    return need


def _check_ints(ints: np.ndarray, steps: int, per_epoch: int, S: int) -> None:
    col = {name: ints[:, k] for k, name in enumerate(INT_FIELDS)}
    step = col["step"]
    if step.size and (step[0] < 0 or step[-1] > steps or (np.diff(step) <= 0).any()):
        raise HistoryError(f"kf_ints: the keyframes' steps must increase from 0 up to the run's {steps:,}")
    # counted from the first keyframe kept: before it (a data change) the epochs may have had another length
    e0, s0, first = (int(col["epoch"][0]), int(col["step_in_epoch"][0]), int(step[0])) if step.size else (0, 0, 0)
    if ((col["epoch"] < 0) | (col["step_in_epoch"] < 0) | (col["step_in_epoch"] >= per_epoch)).any() or \
            ((col["epoch"] - e0) * per_epoch + col["step_in_epoch"] - s0 != step - first).any() or \
            (first == 0 and (e0 or s0)):
        raise HistoryError(f"kf_ints: a keyframe's epoch and step in the epoch disagree with its step "
                           f"({per_epoch} steps an epoch)")
    for name, hi in (("epoch_correct", 2**62), ("t", 2**62), ("shuffle", S - 1), ("pinned", 1),
                     ("reason", len(REASONS) - 1)):
        if ((col[name] < 0) | (col[name] > hi)).any():
            raise HistoryError(f"kf_ints: a keyframe's {name} is outside 0..{hi}")


def _shuffles(arrays: dict, n_train: int) -> list[ShuffleState]:
    ints, perms = arrays["kf_rng_ints"], arrays["kf_perms"]
    if ((ints[:, 0] < 0) | (ints[:, 0] > 624) | (ints[:, 1] < 0) | (ints[:, 1] > 1) | (ints[:, 2] < -1)
            | (ints[:, 2] >= len(perms))).any():
        raise HistoryError("kf_rng_ints: a generator position, gauss flag or permutation index is out of range")
    if not np.isfinite(arrays["kf_rng_gauss"]).all():
        raise HistoryError("kf_rng_gauss contains NaN or inf")
    identity = np.arange(n_train)
    for k, perm in enumerate(perms):
        if not np.array_equal(np.sort(perm), identity):
            raise HistoryError(f"kf_perms[{k}] is not a permutation of the {n_train} training samples")
    small = np.min_scalar_type(max(n_train - 1, 0))
    states = []
    for keys, (pos, has_gauss, p), gauss in zip(arrays["kf_rng_keys"], ints, arrays["kf_rng_gauss"]):
        state = ("MT19937", keys.copy(), int(pos), int(has_gauss), float(gauss))
        try:
            np.random.RandomState().set_state(state)
        except ValueError as e:
            raise HistoryError(f"kf_rng_keys: a generator state is not valid ({e})") from None
        states.append(ShuffleState(state, None if p < 0 else perms[p].astype(small)))
    return states


def restore_history(trainer, header: dict, arrays: dict) -> None:
    """Put a loaded run's gradients and keyframes into ``trainer`` (whose state is the loaded one), then
    pin the loaded state with its gradients."""
    if "grads" in arrays:
        trainer.backprop.grads[...] = arrays["grads"]
    store = trainer.keyframes
    if store is None:
        return
    store.clear()
    if header.get("keyframes") is not None:
        for kf in _frames(trainer, arrays):
            store.add(kf)
        store.spacing = max(store.spacing, header["keyframes"]["spacing"])
    trainer.pin_keyframe("load", with_gradients=True)


def _frames(trainer, arrays: dict) -> list[Keyframe]:
    ints, floats = arrays["kf_ints"], arrays["kf_floats"]
    for name in ("kf_params", *(k for k in arrays if k.startswith("kf_opt_")), "kf_floats"):
        if not np.isfinite(arrays[name]).all():
            raise HistoryError(f"{name} contains NaN or inf")
    per_epoch = steps_per_epoch(trainer.n, trainer.batch_size)
    shuffles = _shuffles(arrays, trainer.n)
    _check_ints(ints, trainer.steps, per_epoch, len(shuffles))
    names = trainer.optimizer.hyperparameters
    checked: dict[tuple, dict] = {}
    frames = []
    for k, row in enumerate(ints):
        step, epoch, in_epoch, correct, t, shuffle, pinned, reason = (int(v) for v in row)
        values = tuple(float(v) for v in floats[k, 1:])
        if values not in checked:  # a run has few distinct settings: each is checked once
            try:
                checked[values] = {key: HYPERPARAMETERS[key].check(key, v) for key, v in zip(names, values)}
            except ConfigError as e:
                raise HistoryError(f"kf_floats: keyframe {k}: {e}") from None
        hyper = checked[values]
        state = {"t": np.array(t), **{key[7:]: arrays[key][k].copy() for key in arrays if key.startswith("kf_opt_")}}
        frames.append(Keyframe(step=step, epoch=epoch, step_in_epoch=in_epoch, epoch_loss=float(floats[k, 0]),
                               epoch_correct=correct, params=arrays["kf_params"][k].copy(), optimizer=state,
                               hyper=dict(hyper), shuffle=shuffles[shuffle], pinned=bool(pinned),
                               reason=REASONS[reason], data=trainer.data, data_fields=trainer.data_fields))
    return frames
