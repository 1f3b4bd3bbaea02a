"""The inspector's numbers for the run as it trains come from the next step, taken apart as it is taken
(``engine.replay.take_step``), not from a replay: they must be the numbers a replay of that step gives."""
import re

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal

from app import commands as cmd
from app.worker_thread import WorkerThread
from engine.config import TrainConfig, build
from engine.inspect import inspect_parameter
from engine.replay import Replayer, take_step
from resources import load_preset
from ui.inspector import InspectRequest

FIELDS = ("params", "params_before", "grads", "batch")


def spiral(**changes):
    return build(TrainConfig.from_dict(load_preset("spiral")["config"]).replace(**changes), fit_io=True)


def test_a_step_taken_apart_live_equals_its_replay_bit_for_bit():
    trainer = spiral(epochs=None)
    per_epoch = -(-trainer.n // trainer.batch_size)
    trainer.run_for(10.0, max_steps=3 * per_epoch - 1)  # the next step ends an epoch, the one after shuffles first
    taken = [take_step(trainer) for _ in range(3)]
    replayer = Replayer(trainer)
    for live in taken:
        again = replayer.moment(live.step)
        for name in FIELDS:
            assert np.array_equal(getattr(live, name), getattr(again, name)), (live.step, name)
        assert (live.loss, live.epoch, live.step_in_epoch) == (again.loss, again.epoch, again.step_in_epoch)
        for key in again.optimizer:
            assert np.array_equal(live.optimizer[key], again.optimizer[key])
            assert np.array_equal(live.optimizer_before[key], again.optimizer_before[key])
    assert taken[0].step_in_epoch == 0 and taken[1].step_in_epoch == 1  # an epoch ended, the next shuffled
    assert trainer.steps == taken[-1].step  # the live trainer went on: these were its own steps


class Relay(QObject):
    """In the GUI thread: acknowledges snapshots and re-emits the worker's answers here."""

    snapshot = Signal(object)
    inspected = Signal(object)

    def __init__(self, host):
        super().__init__()
        self.host, self.last, self.ack = host, None, True
        host.worker.snapshot_ready.connect(self._snap)
        host.worker.inspected.connect(self.inspected.emit)

    def _snap(self, snapshot, _seq):
        self.last = snapshot
        if self.ack:
            self.host.post(cmd.Ack())
        self.snapshot.emit(snapshot)


@pytest.fixture
def live(qtbot):
    host = WorkerThread()
    relay = Relay(host)
    host.start()
    trainer = spiral(epochs=None)
    host.post(cmd.SetTrainer(trainer, 1, True))
    qtbot.waitUntil(lambda: relay.last is not None and relay.last.steps > 500, timeout=10000)
    yield host, relay, trainer
    assert host.stop(3000)


def step_of(inspection) -> int:
    return int(re.search(r"step ([\d,]+)", inspection.where).group(1).replace(",", ""))


def paused(qtbot, host, relay):
    host.post(cmd.Pause())
    qtbot.waitUntil(lambda: relay.last.status != "running", timeout=5000)


@pytest.mark.parametrize("mode, kind", [("step", "w"), ("sample", "b"), ("set", "w")])
def test_the_live_numbers_are_those_of_the_step_they_name(qtbot, live, mode, kind):
    host, relay, trainer = live
    request = InspectRequest(kind, 2, 3, 1, mode=mode, sample=7, step=None, generation=1)
    with qtbot.waitSignal(relay.inspected, timeout=5000) as answer:
        host.post(cmd.Inspect(request))
    got = answer.args[0]
    assert got.request == request
    step = step_of(got.inspection) if mode == "step" else None
    paused(qtbot, host, relay)
    assert relay.last.steps > 500  # it trained on: the answer did not stop the run
    if step is None:  # "sample" and "set" name their samples, not the step: that is in the heatmap's value
        return _same_as_some_replayed_step(trainer, got)
    moment = Replayer(trainer).moment(step)
    again = inspect_parameter(trainer.network, trainer.loss, trainer.data, moment, 1, 3, 1, kind=kind)
    for name in ("chain", "backprop", "numeric", "heatmap"):
        assert getattr(got.inspection, name) == getattr(again, name), name
    assert np.array_equal(got.inspection.columns, again.columns)


def _same_as_some_replayed_step(trainer, got):
    """The heatmap value is the step's own gradient: some step near the end of the run has exactly it."""
    replayer, req = Replayer(trainer), got.request
    values = []
    for s in range(max(1, trainer.steps - 3000), trainer.steps + 1):
        m = replayer.moment(s)
        values.append(float(m.grad_w[req.layer - 1][req.i, req.j] if req.kind == "w" else m.grad_b[req.layer - 1][req.i, 0]))
    assert got.inspection.heatmap in values


def test_a_live_request_still_pending_when_training_pauses_is_answered(qtbot, live):
    host, relay, trainer = live
    request = InspectRequest("w", 1, 0, 0, step=None, generation=1)
    with qtbot.waitSignal(relay.inspected, timeout=5000) as answer:
        host.post(cmd.Inspect(request))
        host.post(cmd.Pause())  # often handled with the Inspect, before the step it waits for
    qtbot.waitUntil(lambda: relay.last.status != "running", timeout=5000)
    assert answer.args[0].request == request
    assert step_of(answer.args[0].inspection) <= relay.last.steps


def test_at_a_pace_the_eye_follows_the_numbers_are_the_step_shown(qtbot, live):
    host, relay, trainer = live
    host.post(cmd.SetPace(5.0))  # every step its own frame, and the next waits until the window drew it
    with qtbot.waitSignal(relay.snapshot, timeout=5000):
        pass
    relay.ack = False  # the window is still drawing: no step is taken until it says so
    with qtbot.waitSignal(relay.snapshot, timeout=5000):
        host.post(cmd.Ack())
    shown = relay.last.steps
    with qtbot.waitSignal(relay.inspected, timeout=5000) as answer:
        host.post(cmd.Inspect(InspectRequest("w", 1, 0, 0, step=None, generation=1)))
    assert step_of(answer.args[0].inspection) == shown  # not a step ahead of the frame on screen
