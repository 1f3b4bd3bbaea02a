"""The wiring of the lab's tools, called from ``app.gui.assemble`` with one line each: compare runs, the loss
landscape, recording, setting a weight from the views, data changes, the unit maps, drawing, the digits view and
the sample whose forward pass the graph shows. Each imports its pieces when called, so the window opens as fast
without them."""
from __future__ import annotations


def wire_compare(parts):
    """Compare runs (issue 12): app/compare_wiring.py."""
    from app.compare_wiring import wire_compare as wire
    return wire(parts)


def wire_landscape(parts):
    """The loss landscape dock (issue 12): app/landscape_wiring.py."""
    from app.landscape_wiring import wire_landscape as wire
    return wire(parts)


def wire_record(parts):
    """File > Record... (issue 12): app/record_wiring.py."""
    from app.record_wiring import wire_record as wire
    return wire(parts)


def wire_weight_views(parts):
    """Issue #11's weights set from the heatmaps and the inspector: app/weight_wiring.py."""
    from app.weight_wiring import wire_weight_views as wire
    return wire(parts)


def wire_data_changes(parts):
    """Issue #11's data changed under the network: app/data_wiring.py."""
    from app.data_wiring import wire_data_changes as wire
    return wire(parts)


def wire_issue11(parts) -> None:
    """Issue #11's window half: unit maps, one sample's forward pass, digits, weights set by hand, drawing."""
    for wire in (wire_unit_maps, wire_sample, wire_digits, wire_set_weight, wire_drawing):
        wire(parts)


def wire_unit_maps(parts) -> None:
    """Issue #11's unit maps: a click on a unit shows its map in the Output view, "Show output" goes back."""
    v, m, c = parts.views, parts.model, parts.controller
    m.network_changed.connect(c.show_output)
    if v is None:
        return
    v.graph.unit_chosen.connect(c.show_unit)
    v.output.output_requested.connect(c.show_output)
    m.unit_shown_changed.connect(v.on_unit_shown)


def wire_drawing(parts) -> None:
    """Issue #11's own data: points clicked into (and right-clicked out of) the Output view."""
    if parts.views is None:
        return
    out, c = parts.views.output, parts.controller
    out.point_added.connect(c.add_point)
    out.point_removed.connect(c.remove_point)


def wire_set_weight(parts) -> None:
    """Issue #11's weights set by hand: double-click a graph edge; the change is marked on the loss curve."""
    from ui.loss_marks import LossMarks
    v, m, c, w = parts.views, parts.model, parts.controller, parts.window
    w.loss_marks = LossMarks(w.loss_plot)
    m.marks_changed.connect(w.loss_marks.show_marks)
    m.network_changed.connect(c.forget_marks)
    if v is not None:
        v.graph.weight_edit_requested.connect(c.edit_weight)


def wire_digits(parts) -> None:
    """Issue #11's digits view: a dock beside the Output view, shown for image-shaped inputs only."""
    from ui.digits_view import DigitsView
    v, m, w = parts.views, parts.model, parts.window
    if v is None:
        return
    view = v.digits = DigitsView(model=m)
    view.dock = v.docks["digits"] = w.add_view("Digits", view)
    view.docks = w.data_docks  # the data shows or hides it, whatever layout is restored
    view.dock.hide()
    view.neighbour = v.docks["output"]  # in front again when the digits dock goes
    view.neighbour.raise_()  # a dock tabified in front, then hidden, leaves its neighbour behind
    m.network_changed.connect(view.on_network)  # bound methods: a lambda holding the model holds the window
    m.frame_changed.connect(view.show_frame)
    view.dock.visibilityChanged.connect(view.on_dock_shown)


def wire_sample(parts) -> None:
    """Issue #11's forward pass for one sample: one sample everywhere, picked on the plane or in a spin box."""
    v, m, c = parts.views, parts.model, parts.controller
    if v is None:
        return
    v.output.sample_chosen.connect(c.choose_sample)
    v.output.sample.valueChanged.connect(c.choose_sample)
    v.graph.sample.valueChanged.connect(c.choose_sample)
    m.sample_changed.connect(v.graph.sample.setValue)
    m.sample_changed.connect(v.output.show_sample)
    m.network_changed.connect(c.forget_sample)  # before clear_sample: a new dataset starts at sample 0, unringed
    m.network_changed.connect(v.output.clear_sample)
