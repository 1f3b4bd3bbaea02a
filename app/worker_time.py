"""The training thread's commands that look back at the run: a past moment, one step taken apart, the inspector's
numbers, a reopened run's health history, a rewind, the recovery after divergence, the replay memory. Mixed into
``app.worker.TrainingWorker``: they run in the training thread, between two slices."""
from __future__ import annotations

import numpy as np
from app import commands as cmd
from engine.frame import Frame
from engine.status import Status


class TimeWorkerMixin:
    def _frame_of(self, moment) -> Frame:
        return Frame.from_moment(moment, self._trainer.network, self._generation, self._status.value)

    def _on_ShowMoment(self, c: cmd.ShowMoment) -> None:
        if self._trainer is None or c.generation != self._generation or c.step is None:
            return
        replayer = self._replay()
        lo, hi = replayer.span()  # (the window clamps to it too: a moment before the history kept is its first)
        frame = self._frame_of(replayer.moment(min(max(c.step, lo), hi)))
        self._attach_unit_maps(frame, frame.network)
        self.moment_ready.emit(frame)

    def _on_TakeApart(self, c: cmd.TakeApart) -> None:
        """The step after the moment shown, taken apart. From the newest step that is a step not taken yet:
        it is taken now (a Step, in slow motion), unless the epoch limit is reached (then the last one)."""
        trainer = self._trainer
        if trainer is None or c.generation != self._generation:
            return
        from engine.phase_walk import PhaseWalk
        from engine.phases import step_phases
        target = (trainer.steps if c.step is None else c.step) + 1
        if target > trainer.steps:
            if self._limit_reached() or trainer.status == Status.DIVERGED or not trainer.run_for(1.0, max_steps=1):
                target = trainer.steps
            else:
                self._status = Status.DONE if self._limit_reached() else Status.PAUSED
                self._changed(urgent=True)
        if target < 1:
            return
        acts = tuple(a.spec() for a in trainer.network.activations)
        self.phases_ready.emit(PhaseWalk(step_phases(self._replay(), target), acts, self._generation))

    def _on_Inspect(self, c: cmd.Inspect) -> None:
        req = c.request
        if self._trainer is None or req.generation != self._generation:
            return
        if req.step is None and self._busy() and not self._every_step_shown():
            # the run as it trains: the next step is taken apart as it is taken (no replay, which would
            # retrace up to a keyframe spacing of steps four times a second); the latest request wins
            self._live_inspect = req
            return
        moment = self._replay().moment(self._trainer.steps if req.step is None else req.step)
        self._answer_inspect(req, moment)

    def _inspect_next_step(self, limit, step: bool = True) -> int:
        """Take the next step for the pending live Inspect and answer it: 1, or 0 if no step was taken
        (``step`` False: training paused; the limit reached; divergence): then it is answered with the last."""
        from engine.replay import take_step
        req, self._live_inspect, trainer = self._live_inspect, None, self._trainer
        if trainer is None or req.generation != self._generation:
            return 0
        stop = not step or (limit is not None and trainer.epoch >= limit)
        moment = None if stop else take_step(trainer)
        self._answer_inspect(req, moment or self._replay().moment(trainer.steps))
        return 0 if moment is None else 1

    def _answer_inspect(self, req, moment) -> None:
        from engine.health import probe_batch
        from engine.inspect import inspect_parameter
        from ui.inspector import SET_SIZE
        trainer, samples = self._trainer, {}
        data = moment.data if moment.data is not None else trainer.data  # the step's own (a data change since)
        if req.mode == "sample":
            samples["sample"] = min(req.sample, data.n_train - 1)
        elif req.mode == "set":
            n = data.X_train.shape[1]
            samples["columns"] = probe_batch(np.arange(n).reshape(1, -1), SET_SIZE)[0]
        inspection = inspect_parameter(trainer.network, trainer.loss, data, moment, req.layer - 1, req.i,
                                       req.j if req.kind == "w" else None, kind=req.kind, **samples)
        self.inspected.emit(cmd.Inspected(req, inspection))

    def _on_HealthHistory(self, c: cmd.HealthHistory) -> None:
        """One step after each of up to ``count`` evenly spaced keyframes: a step each to replay, whatever the
        length of the run, and each with its own gradients."""
        if self._trainer is None or c.generation != self._generation or self._trainer.keyframes is None:
            return
        replayer, steps = self._replay(), self._trainer.steps
        kept = [kf.step + 1 for kf in self._trainer.keyframes.frames() if kf.step < steps]
        if len(kept) > c.count:
            kept = [kept[k] for k in sorted(set(int(round(x)) for x in
                                                 (i * (len(kept) - 1) / (c.count - 1) for i in range(c.count))))]
        self.history_ready.emit([self._frame_of(replayer.moment(s)) for s in kept])

    def _on_Rewind(self, c: cmd.Rewind) -> None:
        if self._trainer is None or c.generation != self._generation:
            return
        self._trainer.rewind_to(c.step)
        # the window starts the records over, as for a new network: the next snapshot carries them all
        self._restart_records(c.new_generation)
        self._running, self._step_target = False, None
        self._status = Status.PAUSED if self._trainer.steps else Status.READY
        self._changed(urgent=True)

    def _on_SetReplayBudget(self, c: cmd.SetReplayBudget) -> None:
        if self._trainer is not None and self._trainer.keyframes is not None:
            self._trainer.keyframes.set_budget(c.budget_bytes)

    def _on_Recover(self, c: cmd.Recover) -> None:
        if self._trainer is None or c.generation != self._generation:
            return
        from engine.replay import recovery_step
        trainer = self._trainer
        step = recovery_step(trainer)
        if step is not None:  # None: the keyframes do not reach back that far (an old run file)
            trainer.rewind_to(step)
        trainer.set_hyperparameters(learning_rate=c.learning_rate)
        # the records start over in the window, as for a new network (they were cut at the step gone back to)
        self._restart_records(c.new_generation)
        self.recovered.emit(trainer.epoch if step is not None else -1, c.learning_rate)
        self._on_Train(None)
