"""The runs kept for comparison as a part of the session's document (issue 12): written beside the run file in
its sidecar (``engine.pinned``: ``run.npz`` -> ``run.pinned.npz``) each time the run is saved, read back when
it is opened, and an unsaved change whenever they differ from what was last saved or opened (a run kept,
removed, ticked or unticked, a variant that finished).

Given to ``Session.add_part`` (app/compare_wiring.py does it): the session decides when to save, load and ask.
"""
from __future__ import annotations


class PinnedState:
    """What the runs kept are, for comparing: the same runs (the very arrays: a pinned run is never changed in
    place) in the same order with the same shown flags. Holds the runs, so no id is reused while compared."""

    def __init__(self, runs):
        self.runs = tuple(runs)

    def __eq__(self, other) -> bool:
        if not isinstance(other, PinnedState) or len(self.runs) != len(other.runs):
            return False
        return all(a.train_losses is b.train_losses and a.shown == b.shown for a, b in zip(self.runs, other.runs))

    __hash__ = None  # (mutable-looking: compared, never hashed)


class PinnedPart:
    """``model``: the run model (``pinned``, ``pinned_changed``); ``controller.set_pinned_runs`` takes the runs
    read; ``window.show_problem`` says what went wrong."""

    def __init__(self, window, model, controller):
        self.window, self.model, self.controller = window, model, controller
        self.changed = model.pinned_changed

    def state(self) -> PinnedState:
        return PinnedState(self.model.pinned)

    def blank(self) -> PinnedState:
        return PinnedState(())

    def save(self, path: str) -> bool:
        """After the run was saved to ``path``: its pinned runs beside it (an old sidecar goes when none)."""
        from engine.pinned import save_pinned, sidecar_path
        try:
            save_pinned(path, self.model.pinned)
        except OSError as err:
            self.window.show_problem(f"Saved the run, but not the runs kept for comparison to "
                                     f"{sidecar_path(path)}: {err.strerror or err}")
            return False
        return True

    def load(self, path: str) -> None:
        """After the run in ``path`` was opened: the runs kept with it (none when it has no sidecar)."""
        from engine.pinned import load_pinned
        from engine.validation import ConfigError
        try:
            runs = load_pinned(path)
        except ConfigError as err:
            self.window.show_problem(f"Opened the run, but not the runs kept for comparison: {err}")
            runs = []
        self.controller.set_pinned_runs(runs)
