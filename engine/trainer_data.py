"""The trainer's data, and data that changes under a trained network (``Trainer.set_data``): mixed into
``engine.trainer.Trainer``, which keeps the training loop; this keeps what it trains on."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .history import EpochSteps, GrowingArray
from .validation import ConfigError

if TYPE_CHECKING:
    from .config import TrainConfig


def _data_fields(config) -> dict | None:
    """{field: value} of ``config``'s data fields (engine.datasets.DATA_FIELDS), or None without a config."""
    from .datasets import DATA_FIELDS
    return None if config is None else {k: getattr(config, k) for k in DATA_FIELDS}


class TrainerDataMixin:
    def set_data(self, data, config: "TrainConfig | None" = None) -> None:
        """Train on ``data`` (an ``engine.datasets.Dataset`` of the same inputs, outputs and task) from the next
        step on, keeping the network, the optimizer's state and every record: the data changed under a
        trained network (noise, the test fraction, points drawn, a new data seed). ``config``: the config with
        the data fields that made ``data`` (kept as ``self.config``). ConfigError (nothing changed) for data
        that does not fit the network or has no training sample.

        An epoch under way ends unrecorded: the next step starts a fresh epoch on the new data (its steps keep
        their step losses); the batch is the config's, at most the new training set. A keyframe "data" is
        pinned with the new dataset, so replay never crosses the change and replays each step on its data."""
        self._check_data(data)
        if (data.task == "classification") != self.classification:
            raise ConfigError("dataset", data.name, f"a {self.data.task} dataset, as the network was trained on")
        if data.X_train.shape[1] == 0:
            raise ConfigError("dataset", data.name, "a dataset with at least one training sample")
        self._use_data(data)
        self._set_batch()
        if config is not None:
            self.config = config
            self.data_fields = _data_fields(config)
        self.step_in_epoch, self._epoch_loss, self._epoch_correct = 0, 0.0, 0
        if isinstance(self.step_losses, EpochSteps) and self.batch_size < self.n:
            self._own_step_record()
        if data.X_test.shape[1] and len(self.test_losses) < self.epoch:  # a test set where there was none
            self.test_losses.extend(np.full(self.epoch - len(self.test_losses), np.nan))
            if self.classification:
                self.test_accuracy.extend(np.full(self.epoch - len(self.test_accuracy), np.nan))
        self.pin_keyframe("data")

    def _check_data(self, data) -> None:
        sizes = self.network.sizes
        if data.X_train.shape[0] != sizes[0] or data.Y_train.shape[0] != sizes[-1]:
            raise ConfigError("layers", list(sizes), f"{data.X_train.shape[0]} inputs and {data.Y_train.shape[0]} "
                                                     f"outputs for dataset '{data.name}'")

    def _use_data(self, data) -> None:
        """The training arrays of ``data`` in the network's dtype; no epoch shuffled yet on them."""
        dt = self.network.dtype
        self.data = data
        self._X = np.asfortranarray(data.X_train, dtype=dt)  # column slices of F-order arrays are contiguous
        self._Y = np.asfortranarray(data.Y_train, dtype=dt)
        test = slice(None) if self._evaluates else slice(0, 0)
        self._X_test = np.asarray(data.X_test[:, test], dtype=dt)
        self._Y_test = np.asarray(data.Y_test[:, test], dtype=dt)
        self.n = self._X.shape[1]
        if self.n == 0:
            raise ConfigError("dataset", data.name, "a dataset with at least one training sample")
        self._Xs, self._Ys, self._labels_s = self._X, self._Y, data.labels_train
        self._perm = None  # this epoch's shuffle, kept so a run saved mid-epoch continues exactly
        self._shuffle_buffers = None
        self._shuffle_state = None  # the keyframes' shared copy of rng state and perm; None after a shuffle

    def _set_batch(self) -> None:
        self.batch_size = self.n if self._batch_request is None else min(self._batch_request, self.n)

    def _own_step_record(self) -> None:
        """A step record of its own (float32 per step) in place of one read from the epochs' record: the
        epochs are no longer one step each (the data grew past a fixed batch)."""
        if isinstance(self.step_losses, EpochSteps):
            record = GrowingArray(np.float32)
            record.extend(self.step_losses.view())
            self.step_losses = record
