"""What the controller does with time: the moment shown, one step taken apart, the inspector's requests, a rewind,
the recovery after divergence. Mixed into ``app.controller.Controller``, the run model's only writer."""
from __future__ import annotations

from app import commands as cmd
from engine.epochs import EpochClock


class TimeControllerMixin:
    # -- the moment shown ------------------------------------------------------------------------------
    def show_moment(self, step: int | None) -> None:
        """Look at step ``step`` of the run in every view (None: live again); training goes on meanwhile."""
        m = self.model
        if step is not None and (m.snapshot is None or m.steps == 0):
            return
        if m.phases is not None:
            m.set_phases(None)
        if step is not None and step < m.history_from:
            self.window.show_info(f"This run keeps its history from step {m.history_from:,} on (epoch "
                                  f"{m.clock.split(m.history_from)[0]:,}; a run file keeps it from its last data "
                                  "change): that is as far back as it goes.")
        m.set_moment(step)
        if m.moment is not None:
            self._host.post(cmd.ShowMoment(m.moment, m.generation))

    def step_moment(self, steps: int) -> None:
        """Move the moment shown by ``steps`` (negative: back); from live, start at the newest step."""
        m = self.model
        here = m.steps if m.moment is None else m.moment
        self.show_moment(max(0, min(here + steps, m.steps)))

    def take_apart(self) -> None:
        """One training step taken apart phase by phase: the step after the moment shown (from the newest
        step, the next one, taken now). While a step is taken apart, the next phase."""
        m = self.model
        if m.config is None:
            return
        if m.phases is not None:
            self.next_phase()
            return
        if m.moment is None and m.running:
            self.pause()
        self._host.post(cmd.TakeApart(m.moment, m.generation))

    def next_phase(self) -> None:
        """The next phase; after the last, the step is done: the views show the moment it led to."""
        m = self.model
        if m.phases is None:
            return
        if m.phase < len(m.phases) - 1:
            m.set_phase(m.phase + 1)
            return
        step, live = m.phases.step, m.moment is None
        m.set_phases(None)
        if not live:
            self.show_moment(step)

    def back_phase(self) -> None:
        m = self.model
        if m.phases is not None and m.phase > 0:
            m.set_phase(m.phase - 1)

    def leave_phases(self) -> None:
        self.model.set_phases(None)

    def _on_phases(self, phases) -> None:
        if getattr(phases, "generation", self.model.generation) == self.model.generation:
            self.model.set_phases(phases)

    def inspect(self, request) -> None:
        """The Jumping Back numbers for ``request`` (``ui.inspector.InspectRequest``), computed by the worker."""
        if self.model.config is not None and request.generation == self.model.generation:
            self._host.post(cmd.Inspect(request))

    def select(self, selection: tuple) -> None:
        self.model.set_selection(selection)

    def select_weight(self, layer: int, i: int, j: int) -> None:
        self.model.set_selection(("w", layer, i, j))

    def select_bias(self, layer: int, i: int) -> None:
        self.model.set_selection(("b", layer, i))

    def show_epoch(self, epoch: float) -> None:
        """A click on the loss curve: the end of that epoch."""
        self.show_moment(self.model.clock.step_of(epoch))

    def rewind(self, step: int) -> None:
        """Go back to ``step`` for good: the weights, optimizer and history after it are dropped."""
        m = self.model
        generation = m.generation + 1
        kept = self._marks_up_to(step)  # (by the clock of the run gone back in: the new network resets it)
        self._control(cmd.Rewind(step, m.generation, generation))
        self._set_running(False)
        m.set_network(m.config, m.data, generation)
        for epoch, text in kept:
            m.add_mark(epoch, text)

    def recover(self, factor: float = 10.0) -> None:
        """A diverged run: go back to before the loss began to blow up, divide the learning rate by ``factor``
        and train on (the worker says which epoch it went back to)."""
        m = self.model
        if m.config is None:
            return
        rate = m.config.learning_rate / factor
        generation = m.generation + 1
        self._control(cmd.Recover(rate, m.generation, generation))
        config = m.config.replace(learning_rate=rate)
        clock = EpochClock()
        clock.set(m.clock.stretches)  # the run's, which the new network resets: its marks are found by it
        self._marks_before_recovery = [(clock.step_of(epoch), epoch, text) for epoch, text in m.marks]
        self._clock_before_recovery = clock
        m.set_network(config, m.data, generation)
        self._set_running(True)

    def _marks_up_to(self, step: int) -> list:
        """The loss curve's marks of changes made up to ``step`` (still the run's history after going back to
        it; those after it are gone with it). By step, not epoch: a data change starts a fresh epoch, so its
        mark's epoch can be below a later step's."""
        return [(epoch, text) for epoch, text in self.model.marks if self.model.clock.step_of(epoch) <= step]

    def _on_recovered(self, epoch: int, rate: float) -> None:
        marks, self._marks_before_recovery = self._marks_before_recovery, []
        back_to = self._clock_before_recovery.step_of(epoch) if epoch >= 0 else float("inf")  # (-1: went on)
        for step, mark_epoch, text in marks:
            if step <= back_to:
                self.model.add_mark(mark_epoch, text)
        if epoch < 0:
            self.window.show_problem(f"This run keeps no state from before the loss began to blow up (it was "
                                     f"saved without its history), so it continues from its last finite weights "
                                     f"with the learning rate {rate:g}; if it diverges again, reset the weights.")
            return
        self.window.show_info(f"Went back to epoch {epoch:,}, before the loss began to blow up, and continued "
                              f"with the learning rate {rate:g}.")
