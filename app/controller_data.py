"""Data that changes under a trained network (issue #11), the controller's half: one path for every data edit
(the noise and test-fraction sliders, the config panel's data fields, points drawn and removed, Regenerate,
Clear). The new dataset is built here, in the GUI thread, so a refused value is reported where it was asked
for; the model shows it at once (even when paused) and the worker trains on it from its next step
(``app.commands.SetData`` -> ``Trainer.set_data``), with the weights, optimizer and history kept. Each edit
is undoable (app/undo.py). Mixed into ``app.controller.Controller``, the run model's only writer."""
from __future__ import annotations

import secrets

from app import commands as cmd
from app.undo import ClearUndo, DataUndo
from engine.config import data_of
from engine.generators import RECIPES
from engine.validation import ConfigError

# the config fields a data edit may change; "dataset" only to "drawn" (drawing over the data on screen)
DATA_EDIT_KEYS = {"noise", "test_fraction", "n_samples", "n_classes", "data_seed", "drawn", "dataset"}
EMPTY_DRAWING = ("The drawing is empty: with Draw on, click in the Output view to add points; training waits "
                 "for the first one (Edit > Undo brings the points back).")
WORDS = {"noise": "noise", "test_fraction": "test fraction", "n_samples": "samples"}  # in marks and Undo's text


def _shown(config, key: str) -> str:
    """The value of ``key`` in force, a default (None) as the generated dataset's own value."""
    value = getattr(config, key)
    recipe = RECIPES.get(config.dataset)
    if value is None and recipe is not None and key in ("noise", "n_samples"):
        value = getattr(recipe, key)
    return "default" if value is None else f"{value:g}"


def describe_data_change(old, new) -> tuple[str, str]:
    """(the loss curve's mark, the undo menu's text) for a data change from config ``old`` to ``new``:
    ("noise 0.1 -> 0.3", "Undo changing the noise"); a drawing has no mark ("", "Undo changing the data")."""
    marks = [f"{WORDS[k]} {_shown(old, k)} -> {_shown(new, k)}" for k in WORDS
             if getattr(old, k) != getattr(new, k)]
    if old.data_seed != new.data_seed:
        return "new data", "Undo regenerating the data"  # (the seed is in the config panel and the run file)
    if marks:
        changed = [WORDS[k] for k in WORDS if getattr(old, k) != getattr(new, k)]
        return ", ".join(marks), "Undo changing the " + " and ".join(changed)
    return "", "Undo changing the data"


class DataControllerMixin:
    def change_data(self, changes: dict, undo: str | None = None, ask: bool = True) -> bool | None:
        """Train the same network on the data ``changes`` (config data fields) describe, from the next step on.
        True when done; False when refused (said in one line, nothing changed); None when the new data does not
        fit the network (other inputs, outputs or task): the caller builds a new network instead, or, with
        ``ask``, ``apply`` is asked to (it asks the user first when there is training to lose)."""
        m = self.model
        config, data = m.config, m.data
        if config is None or data is None:
            return False
        changes = {k: v for k, v in changes.items() if getattr(config, k) != v}
        if not changes:
            return True
        if set(changes) - DATA_EDIT_KEYS or changes.get("dataset", "drawn") != "drawn":
            return self.apply(changes) if ask else None
        try:
            new = config.replace(**changes).validated()
            fresh = data_of(new)
        except (ConfigError, OSError) as err:
            field = getattr(err, "field", next(iter(changes)))
            self.window.show_config_error(f"{err} (the data in force is kept)", field)
            m.set_config(config)  # the fields and sliders show what is in force
            return False
        if (fresh.n_features, fresh.n_outputs, fresh.task) != (data.n_features, data.n_outputs, data.task):
            return self.apply(changes) if ask else None
        mark, text = describe_data_change(config, new)
        self.post_data(new, fresh, mark, undo or text)
        return True

    def post_data(self, config, data, mark: str, undo: str | None) -> None:
        """The model shows ``data`` now and the worker trains on it from its next step; ``undo``: Edit > Undo's
        text for bringing back the data in force (None: this is an undo, nothing is pushed)."""
        m = self.model
        if undo is not None:
            back = describe_data_change(config, m.config)[0]
            self.push_undo(DataUndo(undo, m.generation, m.config, m.data, f"{back} (undone)" if back else ""))
        self._data_posted = getattr(self, "_data_posted", 0) + 1
        self._host.post(cmd.SetData(m.generation, config, data, mark, self._data_posted))
        m.set_data(config, data)

    def _on_data_set(self, result: cmd.DataSet) -> None:
        m = self.model
        if result.generation != m.generation:
            return
        # a rewind restored the data of then; news older than a data edit still on its way is not news
        current = result.seq == getattr(self, "_data_posted", 0)
        if result.data is not None and result.data is not m.data and current:
            m.set_data(result.config, result.data)
        if result.clock and (current or result.data is None):
            m.set_epoch_clock(result.clock)
        if not result.mark:
            return
        text = f"{result.mark} at epoch {result.epoch}"
        self.model.add_mark(result.epoch, text)
        self.window.show_info(text)

    # -- Regenerate and Clear --------------------------------------------------------------------------------
    def can_regenerate(self) -> bool:
        """Whether the dataset is generated (new data can be drawn from a new data seed)."""
        config = self.model.config
        return config is not None and config.dataset in RECIPES

    def regenerate(self) -> bool:
        """New data from a new data seed, the weights kept (TensorFlow Playground's Regenerate)."""
        if not self.can_regenerate():
            return False
        return bool(self.change_data({"data_seed": secrets.randbelow(2**32)}, ask=False))

    def clear_drawing(self) -> bool:
        """Every point gone from the plane, to draw from scratch. A dataset needs a training point, so the
        network keeps its data, paused, until the first point is drawn (Train says so); Undo brings them back."""
        if self.model.cleared or self._drawn() is None:
            return False
        self.pause()
        self.model.set_cleared(True)
        self.push_undo(ClearUndo("Undo clearing the points", self.model.generation))
        return True
