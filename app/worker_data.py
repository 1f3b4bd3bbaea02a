"""The training thread's half of data that changes under a trained network (issue #11): noise and test fraction
moved, points drawn or removed, new data drawn. Mixed into ``app.worker.TrainingWorker``: it runs in the training
thread, between two slices, so the trainer is never written while it steps."""
from __future__ import annotations

from app import commands as cmd
from engine.epochs import epoch_clock


class DataWorkerMixin:
    def _on_SetData(self, c: cmd.SetData) -> None:
        """The trainer trains on ``c.data`` from the next step (``Trainer.set_data``: weights, optimizer and
        history kept, a keyframe "data" pinned); a snapshot follows at once, so the views show the new data's
        loss and output even when paused. A dataset that does not fit is refused by set_data (ConfigError):
        ``_handle`` pauses and says so, the data in force stays."""
        trainer = self._trainer
        self._data_seq = c.seq
        if trainer is None or c.generation != self._generation:
            return
        trainer.set_data(c.data, c.config)
        self._data_reported = trainer.data
        self.data_set.emit(cmd.DataSet(self._generation, trainer.epoch, trainer.steps, c.mark, c.config,
                                       seq=c.seq, clock=tuple(epoch_clock(trainer))))
        self._changed(urgent=True)

    def _report_data(self) -> None:
        """Before a snapshot: if the trainer's data is not the one last reported (a rewind went back across a
        data change, restoring the data of then), or the network is new (a run opened, an undo), say which
        data it trains on and how long its epochs were, so the window draws the data and counts epochs right."""
        trainer = self._trainer
        reported = getattr(self, "_data_reported", None)
        if trainer is None or (trainer.data is reported and getattr(self, "_data_generation", None) == self._generation):
            return
        self._data_reported, self._data_generation = trainer.data, self._generation
        self.data_set.emit(cmd.DataSet(self._generation, trainer.epoch, trainer.steps, "", trainer.config,
                                       trainer.data, getattr(self, "_data_seq", 0), tuple(epoch_clock(trainer))))
