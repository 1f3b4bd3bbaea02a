"""Edit > Undo: one stack of the edits a learner made, each entry knowing how to take itself back.

An entry is made where its edit is carried out and holds what undoing it needs: the network a rebuild
replaced (the worker keeps that trainer, one level), the data in force before a data change, the SetParameter
of a weight set by hand (whose result says the old value). ``run(controller)`` undoes it; Undo pushes nothing
itself (there is no Redo). ``generation`` is the network the edit was made to: an entry of another network
cannot be undone and is dropped.

What an undo keeps, as TensorFlow Playground does: undoing a data change brings the previous data back under
the weights as they are now (training since is kept); undoing a weight set by hand sets its old value back
(marked on the loss curve), the other weights as they are; undoing a rebuild brings the old network back with
its optimizer and history, paused.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from app import commands as cmd

DEPTH = 20  # levels of Undo: what a user expects of Ctrl+Z on clicks, at a few KB each (a Dataset is shared)


@dataclass
class UndoEntry:
    """text: the menu's words ("Undo adding a point"); generation: the network the edit was made to."""

    text: str
    generation: int

    def run(self, controller) -> None:
        raise NotImplementedError


@dataclass
class NetworkUndo(UndoEntry):
    """A change that built a new network: the one it replaced comes back (Undo command), history and all."""

    config: object = None
    data: object = None
    preset: str | None = None
    based_on: str | None = None
    replaced: int = -1  # the generation of the network replaced: the edits made to it apply again after undo

    def run(self, controller) -> None:
        m = controller.model
        generation = m.generation + 1
        controller._control(cmd.Undo(generation))
        controller._set_running(False)
        m.set_preset(self.preset, self.based_on)
        m.set_network(self.config, self.data, generation)
        controller.undo_stack.adopt(self.replaced, generation)
        controller.network_built.emit(self.config)


@dataclass
class DataUndo(UndoEntry):
    """A data change: the previous data (and its config fields) back under the network as it is now."""

    config: object = None
    data: object = None
    mark: str = ""  # what the loss curve says ("noise 0.3 -> 0.1, undone"); "" for none

    def run(self, controller) -> None:
        controller.post_data(self.config, self.data, self.mark, undo=None)


@dataclass
class ClearUndo(UndoEntry):
    """Clear emptied the drawing (the trainer kept its data, paused): the points come back on the plane."""

    def run(self, controller) -> None:
        controller.model.set_cleared(False)


@dataclass
class ParameterUndo(UndoEntry):
    """A weight or bias set by hand: its old value set back, between two steps, with a mark."""

    command: object = None  # the app.commands.SetParameter with the old value, not undoable again

    def run(self, controller) -> None:
        controller._host.post(self.command)


def parameter_undo(result) -> ParameterUndo | None:
    """The entry that undoes what ``result`` (app.commands.ParameterSet) did, or None for Undo's own."""
    done = result.command
    if done is None or not done.undoable:
        return None
    back = dataclasses.replace(done, value=result.old, undoable=False)
    return ParameterUndo(f"Undo setting {result.name}", result.generation, back)


class UndoStack:
    """The entries, newest last, at most DEPTH; ``top`` is what Edit > Undo would take back."""

    def __init__(self):
        self.entries: list[UndoEntry] = []

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def top(self) -> UndoEntry | None:
        return self.entries[-1] if self.entries else None

    def push(self, entry: UndoEntry | None) -> None:
        if entry is not None:
            self.entries = (self.entries + [entry])[-DEPTH:]

    def pop(self, generation: int) -> UndoEntry | None:
        """The newest entry that can be undone on network ``generation`` (others above it are dropped)."""
        while self.entries:
            entry = self.entries.pop()
            if entry.generation == generation:
                return entry
        return None

    def replaced_by(self, entry: NetworkUndo | None) -> None:
        """A new network: the old network's edits stay below ``entry`` (they apply again once it is undone);
        an older rebuild's cannot (the worker keeps one replaced trainer). None: nothing can be undone."""
        if entry is None:
            self.entries = []
            return
        kept = [e for e in self.entries if e.generation == entry.replaced and not isinstance(e, NetworkUndo)]
        self.entries = (kept + [entry])[-DEPTH:]

    def adopt(self, old: int, new: int) -> None:
        """The network ``old`` came back as generation ``new``: its edits can be undone again."""
        for e in self.entries:
            if e.generation == old:
                e.generation = new
