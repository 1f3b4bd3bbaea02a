"""The run model alone: one signal per aspect, each emitted when that aspect changes and only then; the moment
shown decides which frame the views get."""
import numpy as np
import pytest

from app.run_model import RunModel
from engine.config import TrainConfig, build
from engine.frame import Frame
from engine.snapshot import SnapshotCursor
from resources import load_preset


def spy(model):
    seen = []
    for name in ("network_changed", "config_changed", "status_changed", "running_changed", "snapshot_changed",
                 "moment_changed", "frame_changed", "selection_changed", "pace_changed", "health_changed",
                 "steps_per_epoch_changed"):
        getattr(model, name).connect(lambda *args, n=name: seen.append(n))
    return seen


@pytest.fixture
def run(qtbot):
    trainer = build(TrainConfig.from_dict(dict(load_preset("xor")["config"], epochs=None)), fit_io=True)
    model = RunModel()
    model.set_network(trainer.config, trainer.data, 1)
    cursor = SnapshotCursor()

    def snapshot(steps=10, status="running"):
        trainer.run_for(60.0, max_steps=steps)
        return cursor.take(trainer, generation=1, status=status, steps_per_second=0.0, elapsed=0.0)
    return model, trainer, snapshot


def test_each_aspect_has_its_own_signal_emitted_on_change_only(run):
    model, trainer, _ = run
    seen = spy(model)
    model.set_status("running")
    model.set_status("running")
    model.set_running(True)
    model.set_running(True)
    model.set_pace(20.0)
    model.set_pace(20.0)
    model.set_selection(("w", 2, 0, 3))
    model.set_selection(("w", 2, 0, 3))
    assert seen == ["status_changed", "running_changed", "pace_changed", "selection_changed"]


def test_a_new_network_starts_every_aspect_over(run):
    model, trainer, snapshot = run
    model.take_snapshot(snapshot())
    model.set_selection(("w", 2, 0, 7))  # xor's second layer has 8 inputs
    seen = spy(model)
    small = trainer.config.replace(layers=(2, 4, 1), activations=("tanh", "sigmoid"))
    model.set_network(small, trainer.data, 2)
    assert seen[:4] == ["steps_per_epoch_changed", "network_changed", "config_changed", "selection_changed"]
    assert "moment_changed" in seen and model.selection == ("w", 1, 0, 0)  # w2[0, 7] is gone
    assert model.snapshot is None and model.frame is None and model.health.n == 0 and model.steps == 0
    assert model.steps_per_epoch == -(-trainer.data.n_train // trainer.config.batch_size)


def test_live_frames_reach_the_views_until_a_past_moment_is_chosen(run):
    model, trainer, snapshot = run
    frames = []
    model.frame_changed.connect(frames.append)
    model.take_snapshot(snapshot())
    assert frames[-1].live and frames[-1].step == trainer.steps
    model.set_moment(4)
    model.take_snapshot(snapshot())  # training goes on: the records come, the frame shown stays
    assert model.snapshot.steps == trainer.steps and len(frames) == 1
    past = Frame.from_snapshot(model.snapshot)
    past.step, past.live = 4, False
    model.show_replayed(past)
    assert frames[-1] is past
    stale = Frame.from_snapshot(model.snapshot)
    stale.step, stale.live = 3, False
    model.show_replayed(stale)  # the answer to a moment no longer asked for
    assert frames[-1] is past
    model.set_moment(None)
    assert frames[-1].live and frames[-1].step == trainer.steps


def test_health_is_recorded_from_live_frames(run):
    model, _, snapshot = run
    model.take_snapshot(snapshot())
    model.take_snapshot(snapshot(status="paused"))  # a change of state is recorded at once
    assert model.health.n == 2 and np.all(np.diff(model.health.epochs) > 0)
    assert all(h.grad_norm > 0 for h in model.health.latest)
