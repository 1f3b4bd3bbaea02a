"""What the window asks the training thread to do: one small dataclass per command.

Commands cross threads through the worker's queue, so they hold plain values or objects handed over whole
(a new Trainer, which only the worker touches from then on), never a callable of the window. ``CONTROL``
commands change what the worker does; the window trusts a snapshot's status for its buttons only once the
worker has handled every control command it posted (``TrainingWorker.snapshot_ready``'s second argument).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Train:
    """Train until paused, the epoch limit or divergence."""


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Step:
    """Exactly one more epoch (finishing a partly done one), then pause."""


@dataclass(frozen=True)
class SetTrainer:
    """From now on train ``trainer`` (built in the GUI thread, never touched there again)."""

    trainer: object
    generation: int
    run: bool


@dataclass(frozen=True)
class SetEpochLimit:
    limit: int | None


@dataclass(frozen=True)
class SetHyperparameters:
    """Live changes between two steps: learning rate, momentum, betas, epsilon, weight decay."""

    values: dict


@dataclass(frozen=True)
class SetPace:
    """Steps per second; None trains at full speed."""

    steps_per_second: float | None


@dataclass(frozen=True)
class SetFrameInterval:
    """Seconds between the window's frames (``ui.frame_clock``, adapted to what drawing costs): while training
    at full speed, live snapshots come no more often, so none is copied and handled only to be drawn over."""

    seconds: float


@dataclass(frozen=True)
class ShowMoment:
    """Reconstruct step ``step`` of the run (None: back to live) and send it as a frame."""

    step: int | None
    generation: int


@dataclass(frozen=True)
class TakeApart:
    """One training step taken apart phase by phase: the step after ``step`` (None: after the live state)."""

    step: int | None
    generation: int


@dataclass(frozen=True)
class Inspect:
    """The Jumping Back numbers for ``request`` (a ``ui.inspector.InspectRequest``: parameter, samples, step)."""

    request: object


@dataclass(frozen=True)
class Inspected:
    """What Inspect computed: the request and its ``engine.inspect.Inspection``."""

    request: object
    inspection: object


@dataclass(frozen=True)
class HealthHistory:
    """Frames at up to ``count`` evenly spaced steps of the run so far (a reopened run's health history)."""

    generation: int
    count: int = 200


@dataclass(frozen=True)
class Rewind:
    """Go back to the state at ``step`` for good (the records after it are dropped), e.g. before a divergence."""

    step: int
    generation: int
    new_generation: int  # the records start over under this generation, as for a new network


@dataclass(frozen=True)
class Recover:
    """A diverged run: rewind to before the loss began to blow up, set ``learning_rate``, train on."""

    learning_rate: float
    generation: int
    new_generation: int


@dataclass(frozen=True)
class Undo:
    """Bring back the trainer the last SetTrainer replaced (weights, optimizer and history), as ``generation``."""

    generation: int


@dataclass(frozen=True)
class SetReplayBudget:
    """The memory the keyframes of the run may take (bytes); thinned at once if they take more."""

    budget_bytes: int


@dataclass(frozen=True)
class Save:
    """Write with ``writer(path, trainer)`` between two slices; ``token`` comes back in the SaveResult."""

    path: str
    writer: object
    what: str
    token: int


@dataclass(frozen=True)
class Ack:
    """The window drew the last snapshot: the worker may take the next one (latest wins)."""


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the trainer's steps and config at the moment it was written (None when it failed)."""

    token: int
    path: str
    what: str
    error: str = ""
    generation: int = -1
    steps: int | None = None
    config: object = field(default=None, compare=False)
    note: str = ""  # what the writer wants the user to know about what it wrote


@dataclass(frozen=True)
class SetUnitMaps:
    """Compute every unit's map over the plane with each snapshot and replayed moment (2-D datasets), or stop."""

    enabled: bool


@dataclass(frozen=True)
class SetParameter:
    """Set one weight (kind "w": w_layer[i, j]) or bias ("b": b_layer[i]) between two steps; 1-based layer."""

    generation: int
    kind: str
    layer: int
    i: int
    j: int | None
    value: float
    undoable: bool = True  # False for Undo's own setting back: it is not put on the undo stack again


@dataclass(frozen=True)
class ParameterSet:
    """What a SetParameter did: the parameter's name, old and new value, where in the run, the train loss
    before and after (None when there are no training samples to measure it on)."""

    generation: int
    name: str
    old: float
    value: float
    step: int
    epoch: float
    loss_before: float | None
    loss_after: float | None
    command: object = field(default=None, compare=False)  # the SetParameter done (Undo sets ``old`` back with it)


CONTROL = (Train, Pause, Step, SetTrainer, SetEpochLimit, Rewind, Recover, Undo)


# -- compare runs (issue 12) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pin:
    """Copy the current run (engine.pinned.pin) for comparison; the worker answers with ``pinned``."""

    generation: int


# -- loss landscape (issue 12) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LandscapeInputs:
    """Hand out what a landscape of the moment ``step`` needs: a scratch trainer (the run's architecture,
    loss and training set) holding ``weights`` / ``biases`` (copies: the frame shown), and the trajectory of
    the keyframes up to ``step``. The worker answers with ``landscape_inputs(LandscapeStart)``."""

    generation: int
    step: int
    weights: tuple
    biases: tuple
    method: str


@dataclass(frozen=True)
class LandscapeStart:
    """``trainer``: a scratch Trainer nobody else uses; ``trajectory`` (T, n_params) params along the run."""

    trainer: object
    trajectory: object
    step: int
    method: str


# -- data that changes under a trained network (issue #11) ---------------------------------------------------
@dataclass(frozen=True)
class SetData:
    """Between two steps, train on ``data`` (an engine.datasets.Dataset built from ``config``'s data fields,
    never written) with the network, optimizer and history kept (``Trainer.set_data``: a keyframe "data").
    ``mark``: what the loss curve says of the change ("noise 0.1 -> 0.3"), "" for none."""

    generation: int
    config: object = field(compare=False)
    data: object = field(compare=False)
    mark: str = ""
    seq: int = 0  # the controller's count of SetData posted: a DataSet says which it has seen


@dataclass(frozen=True)
class DataSet:
    """The data the trainer trains on is new: what a SetData did (where in the run: the epoch the new data
    starts at, and its mark), or a rewind that went back to before a data change (mark "")."""

    generation: int
    epoch: int
    step: int
    mark: str
    config: object = field(compare=False)
    data: object = field(default=None, compare=False)  # None: the SetData's own (the window has it already)
    seq: int = 0  # the last SetData the worker had seen: a report of older news than the window's is stale
    clock: tuple = ()  # engine.epochs.epoch_clock of the run: its stretches of one epoch length
