"""The training thread's half of data that changes under a trained network (issue #11): noise and test fraction
moved, points drawn or removed, new data drawn. Mixed into ``app.worker.TrainingWorker``: it runs in the training
thread, between two slices, so the trainer is never written while it steps."""
from __future__ import annotations

from app import commands as cmd


class DataWorkerMixin:
    def _on_SetData(self, c: cmd.SetData) -> None:
        """The trainer trains on ``c.data`` from the next step (``Trainer.set_data``: weights, optimizer and
        history kept, a keyframe "data" pinned); a snapshot follows at once, so the views show the new data's
        loss and output even when paused. A dataset that does not fit is refused by set_data (ConfigError):
        ``_handle`` pauses and says so, the data in force stays."""
        trainer = self._trainer
        if trainer is None or c.generation != self._generation:
            return
        trainer.set_data(c.data, c.config)
        self.data_set.emit(cmd.DataSet(self._generation, trainer.epoch, trainer.steps, c.mark, c.config))
        self._changed(urgent=True)
