"""Issue #11's weights set from every view that shows one (app/gui.py calls ``wire_weight_views`` once)."""
from __future__ import annotations


def wire_weight_views(parts) -> None:
    """Issue #11's weights set from every view that shows one: a double-click on a cell of a w or b heatmap (or its
    menu's "Set ..."), the inspector's value field; any edit shown while looking back goes back to live."""
    w, c = parts.window, parts.controller
    w.heatmaps.parameter_edit_requested.connect(c.edit_parameter)
    c.follow_edits_live()
    if parts.views is not None:
        parts.views.inspector.value_entered.connect(c.set_parameter_value)
