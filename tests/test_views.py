"""The see-inside views driven as real widgets: output grid vs a direct forward pass, clicking edges,
the inspector's numbers vs the engine, the step control, the health warnings, every preset."""
import numpy as np
from engine.health import HealthTracker
import pytest
from PySide6 import QtCore

from engine.backprop import Backprop
from engine.config import TrainConfig, build
from app.run_model import RunModel
from engine.snapshot import SnapshotCursor
from resources import load_preset, preset_names
from ui.health_view import HealthView
from ui.inspector import Inspector
from ui.network_graph import MAX_EDGES, NetworkGraph
from ui.output_view import OutputView

_CACHE = {}


def trained(name, steps=5, **changes):
    """(trainer, snapshot) of a preset after ``steps`` steps (until divergence if sooner)."""
    key = (name, steps, repr(sorted(changes.items())))
    if key not in _CACHE:
        trainer = build(TrainConfig.from_dict(dict(load_preset(name)["config"], **changes)))
        trainer.run_for(60.0, max_steps=steps) if steps else None
        snap = SnapshotCursor().take(trainer, generation=len(_CACHE), status=trainer.status,
                                     steps_per_second=0.0, elapsed=0.0)
        _CACHE[key] = trainer, snap
    return _CACHE[key]


def answer_inspections(insp, trainer):
    """Answer the inspector's requests at once with engine.inspect, as the training thread does in the window."""
    from engine.inspect import inspect_parameter
    from engine.replay import Replayer
    replayer = Replayer(trainer)

    def answer(req):
        moment = replayer.moment(trainer.steps if req.step is None else req.step)
        samples = {"sample": req.sample} if req.mode == "sample" else \
            {"columns": np.arange(trainer.data.n_train)} if req.mode == "set" else {}
        insp.show_inspection(req, inspect_parameter(trainer.network, trainer.loss, trainer.data, moment,
                                                    req.layer - 1, req.i, req.j if req.kind == "w" else None,
                                                    kind=req.kind, **samples))
    if getattr(insp, "_answering", None) is not None:
        insp.requested.disconnect(insp._answering)
    insp._answering = answer
    insp.requested.connect(answer)


def feed(view, name, steps=5):
    """Give ``view`` a preset's data and the frame of its snapshot, as the run model does in the window
    (a HealthView draws the model's health history, recorded from that snapshot)."""
    trainer, snap = trained(name, steps)
    model = getattr(view, "_test_model", None) or RunModel()
    view._test_model = model
    model.set_network(trainer.config, trainer.data, model.generation + 1)
    model.take_snapshot(snap)
    view.set_data(trainer.data)
    if isinstance(view, Inspector):
        answer_inspections(view, trainer)
    if isinstance(view, HealthView):
        view.tracker = model.health
        view.show_frame(model.frame, trainer.config, None)
    else:
        view.show_frame(model.frame, trainer.config)
    return model.frame


@pytest.fixture
def make(qtbot):
    """make(ViewClass, preset=None, steps=5) -> a shown view, fed that preset's data and snapshot.

    The views stay referenced until qtbot has closed them: a shown widget that Python no longer
    references (views hold reference cycles) can be collected by the GC in the middle of its own
    paint event, which crashes Qt ("Cannot destroy paint device that is being painted")."""
    made = []

    def _make(cls, name=None, steps=5):
        view = cls(HealthTracker()) if cls is HealthView else cls()
        qtbot.addWidget(view)
        made.append(view)
        view.resize(640, 480)
        view.show()
        if hasattr(view, "throttle"):
            view.throttle.min_interval = 0.0  # draw every snapshot: the tests check what is drawn
        if name is not None:
            feed(view, name, steps)
        return view

    yield _make


def click(qtbot, plot, x, y):
    """Left click at view coordinates (x, y) of a pyqtgraph PlotWidget."""
    scene = plot.getViewBox().mapViewToScene(QtCore.QPointF(x, y))
    qtbot.mouseClick(plot.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))


# --- output view ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["xor", "blobs", "spiral"])
def test_output_grid_is_a_direct_forward_pass(qtbot, make, name):
    view = make(OutputView, name)
    trainer, _ = trained(name)
    xs, ys = view.grid_axes()
    gx, gy = np.meshgrid(xs, ys)
    expected = trainer.network.forward(np.vstack([gx.ravel(), gy.ravel()]))
    grid = view.grid_values()
    assert view.mode == "plane"
    np.testing.assert_allclose(grid.reshape(expected.shape[0], -1), expected, rtol=1e-12)
    assert grid.shape[-2:] == (view.resolution, view.resolution)
    # the grid spans every data point
    X = np.hstack([trainer.data.X_train, trainer.data.X_test])
    assert xs[0] < X[0].min() and xs[-1] > X[0].max() and ys[0] < X[1].min() and ys[-1] > X[1].max()


def test_output_discretize_leaves_one_colour_per_class(qtbot, make):
    view = make(OutputView, "blobs")
    assert len(np.unique(view.image.image.reshape(-1, 3), axis=0)) > 3  # shades of sureness
    view.discretize.setChecked(True)
    colours = np.unique(view.image.image.reshape(-1, 3), axis=0)
    predicted = np.unique(view.grid_values().argmax(axis=0))
    assert len(colours) == len(predicted)


def test_output_curve_and_bars(qtbot, make):
    sine = make(OutputView, "sine")
    trainer, _ = trained("sine")
    x, y = sine.curve.getData()
    assert sine.mode == "curve"
    np.testing.assert_allclose(y, trainer.network.forward(x.reshape(1, -1))[0], rtol=1e-12)
    bars = make(OutputView, "tutorial")
    trainer, _ = trained("tutorial")
    assert bars.mode == "bars"
    np.testing.assert_allclose(bars.bars_hat.opts["height"], trainer.network.forward(trainer.data.X_train)[:, 0])
    np.testing.assert_allclose(bars.bars_y.opts["height"], trainer.data.Y_train[:, 0])


# --- network graph --------------------------------------------------------------------------------

def test_clicking_an_edge_selects_that_weight(qtbot, make):
    graph = make(NetworkGraph, "tutorial")
    for layer, i, j in ((1, 2, 4), (2, 0, 1), (3, 3, 2)):
        a, b = graph.node_position(layer - 1, j), graph.node_position(layer, i)
        x, y = a[0] + 0.3 * (b[0] - a[0]), a[1] + 0.3 * (b[1] - a[1])  # off the midpoint, where edges cross
        with qtbot.waitSignal(graph.weight_selected) as blocker:
            click(qtbot, graph.plot, x, y)
        assert blocker.args == [layer, i, j]
        assert graph.selected == ("w", layer, i, j)
        assert graph.selected_edge.getData()[0].tolist() == [a[0], b[0]]
    x, y = graph.node_position(2, 3)
    with qtbot.waitSignal(graph.bias_selected) as blocker:
        click(qtbot, graph.plot, x, y)
    assert blocker.args == [2, 3]


def test_select_weight_from_outside_and_highlight_layer(qtbot, make):
    graph = make(NetworkGraph, "spiral")
    with qtbot.assertNotEmitted(graph.weight_selected):
        graph.select_weight(3, 5, 7)
    ex, ey = graph.selected_edge.getData()
    assert (ex[0], ey[0]) == graph.node_position(2, 7) and (ex[1], ey[1]) == graph.node_position(3, 5)
    graph.highlight_layer(2)
    assert graph.band.isVisible() and graph.band.getRegion() == (1, 2)
    graph.highlight_layer(None)
    assert not graph.band.isVisible()
    trainer, _ = trained("spiral")
    assert "w3[5, 7]" in graph.hover_text(("edge", 3, 5, 7))
    assert f"{trainer.network.weights[2][5, 7]:.4g}" in graph.hover_text(("edge", 3, 5, 7))


def test_wide_layers_are_summarised(qtbot, make):
    graph = make(NetworkGraph)
    trainer, snap = trained("moons", 2, layers=[2, 512, 512, 1])
    graph.set_data(trainer.data)
    graph.select_weight(2, 300, 301)  # units the even spacing would not draw
    from engine.frame import Frame
    graph.show_frame(Frame.from_snapshot(snap), trainer.config)
    assert graph.n_edges_drawn() <= 3 * MAX_EDGES
    assert graph.node_position(1, 301) is not None and graph.node_position(2, 300) is not None
    assert len(graph.selected_edge.getData()[0]) == 2
    # the edges drawn between the drawn units of w2 are the largest |w| among them
    W = trainer.network.weights[1]
    ids = graph._edge_ids[graph._edge_ids[:, 0] == 1]
    shown = np.abs(W[np.ix_(graph._shown[2], graph._shown[1])])
    drawn = np.abs(W[ids[:, 1], ids[:, 2]])
    assert len(drawn) == MAX_EDGES and drawn.min() >= np.sort(shown.ravel())[-MAX_EDGES]


# --- inspector ------------------------------------------------------------------------------------

def engine_gradient(trainer, X, Y, layer, i, j=0, kind="w"):
    """Backprop on X, Y with the weights the inspector walks: those before the last step's update."""
    from engine.replay import Replayer
    net = trainer.network.copy()
    net.params[...] = Replayer(trainer).moment(trainer.steps).params_before
    bp = Backprop(net, trainer.config.loss)
    bp.loss_and_gradients(np.asfortranarray(X), Y)
    return bp.grad_w[layer - 1][i, j] if kind == "w" else bp.grad_b[layer - 1][i, 0]


@pytest.mark.parametrize("name,layer,i,j", [("tutorial", 1, 2, 4), ("tutorial", 3, 1, 0), ("spiral", 2, 4, 9),
                                            ("blobs", 1, 3, 1), ("sine", 2, 7, 3)])
def test_inspector_shows_the_engine_gradient(qtbot, make, name, layer, i, j):
    insp = make(Inspector, name)
    trainer, _ = trained(name)
    insp.set_mode("sample")  # one training sample's walk
    insp.sample.setValue(min(2, trainer.data.n_train - 1))
    insp.select_weight(layer, i, j)
    s = insp.sample.value()
    expected = engine_gradient(trainer, trainer.data.X_train[:, s:s + 1], trainer.data.Y_train[:, s:s + 1],
                               layer, i, j)
    assert insp.values["chain"] == pytest.approx(expected, rel=1e-12)
    assert insp.values["error_numeric"] < 1e-5 or abs(expected) < 1e-8
    assert f"product of the walk            = {expected:.10g}" in insp.text()
    assert insp.walk.name == f"w{layer}[{i}, {j}]"
    insp.bias.setChecked(True)  # the same walk for the bias of unit i
    expected_b = engine_gradient(trainer, trainer.data.X_train[:, s:s + 1], trainer.data.Y_train[:, s:s + 1],
                                 layer, i, kind="b")
    assert insp.walk.name == f"b{layer}[{i}]" and insp.values["chain"] == pytest.approx(expected_b, rel=1e-12)
    insp.set_mode("set")  # and over all training samples
    expected_batch = engine_gradient(trainer, trainer.data.X_train, trainer.data.Y_train, layer, i, kind="b")
    assert insp.values["chain"] == pytest.approx(expected_batch, rel=1e-12)


@pytest.mark.parametrize("name", ["spiral", "moons"])
def test_by_default_the_walk_is_the_heatmaps_gradient_exactly(qtbot, make, name):
    """Mini-batch presets: the walk uses the last step's own batch with the weights before its update, so it
    is the number the dW heatmap shows, not a per-sample approximation of it."""
    insp = make(Inspector, name)
    trainer, snap = trained(name)
    for layer, i, j in ((1, 0, 1), (2, 3, 4)):
        insp.select_weight(layer, i, j)
        heat = snap.grad_w[layer - 1][i, j]
        assert insp.values["backprop"] == heat and insp.values["heatmap"] == heat
        assert insp.values["chain"] == pytest.approx(heat, rel=1e-9, abs=1e-15)
        assert "the heatmap's gradient is this very computation" in insp.text()
    insp.set_mode("sample")  # a per-sample walk says how it differs
    assert "differ" in insp.values["note"] and "differ" in insp.text()


def test_a_tiny_gradient_is_said_to_be_below_what_central_differences_resolve(qtbot, make):
    insp = make(Inspector, "vanishing", steps=30)
    insp.select_weight(1, 0, 0)  # the first of nine sigmoid layers: its gradient is ~1e-10 or less
    assert insp.values["below_resolution"]
    assert "below what central differences resolve" in insp.text()
    assert "rel. error" not in insp.text().split("central differences (h")[1].split("\n")[0]


def test_step_control_walks_back_layer_by_layer(qtbot, make):
    insp = make(Inspector, "tutorial")
    insp.select_weight(1, 0, 2)
    crossed = []
    insp.layer_crossed.connect(crossed.append)
    assert insp.cursor == len(insp.walk.steps) - 1  # the whole walk first
    insp.reset.click()
    for _ in range(len(insp.walk.steps) + 2):  # Next is disabled on the last line: extra clicks do nothing
        insp.next.click()
    # reset to the start, then: loss, sigmoid, jump w3, sigmoid, jump w2, leaky relu, reach w1
    assert crossed == [3, 3, 3, 3, 2, 2, 1, 1]
    assert not insp.next.isEnabled() and insp.position.text() == "line 8 of 8"
    with qtbot.waitSignal(insp.layer_crossed) as blocker:
        insp.back.click()
    assert blocker.args == [1] and insp.cursor == 6


def test_inspector_wires_to_the_graph(qtbot, make):
    graph, insp = make(NetworkGraph, "tutorial"), make(Inspector, "tutorial")
    graph.weight_selected.connect(insp.select_weight)
    insp.layer_crossed.connect(graph.highlight_layer)
    a, b = graph.node_position(1, 0), graph.node_position(2, 3)
    click(qtbot, graph.plot, a[0] + 0.3 * (b[0] - a[0]), a[1] + 0.3 * (b[1] - a[1]))
    assert insp.walk.name == "w2[3, 0]"
    insp.step_reset()
    assert graph.highlighted_layer == 3 and graph.band.getRegion() == (2, 3)


def test_edge_and_heatmap_cell_select_each_other(qtbot, make):
    from ui.heatmaps import HeatmapGrid
    graph = make(NetworkGraph, "tutorial")
    heatmaps = make(HeatmapGrid)
    _, snap = trained("tutorial")
    heatmaps.update_matrices(snap.weights, snap.biases, snap.grad_w, snap.grad_b)
    graph.weight_selected.connect(heatmaps.highlight)  # both number layers from 1, as the tutorial does
    heatmaps.cell_clicked.connect(graph.select_weight)
    a, b = graph.node_position(2, 4), graph.node_position(3, 1)
    click(qtbot, graph.plot, a[0] + 0.3 * (b[0] - a[0]), a[1] + 0.3 * (b[1] - a[1]))
    assert heatmaps.highlighted() == (3, 1, 4)
    heatmaps.cell_clicked.emit(1, 2, 3)
    assert graph.selected == ("w", 1, 2, 3)


# --- health view ----------------------------------------------------------------------------------

def test_health_view_warns_on_vanishing_and_not_on_tutorial(qtbot, make):
    bad = make(HealthView, "vanishing", steps=30)
    assert bad.warning_kind == "vanishing" and "Vanishing gradients in w1" in bad.warning_label.text()
    assert (1, "vanishing") in [w[:2] for w in bad.warnings()]
    assert bad.table.item(0, 6).text() == "vanishing"
    good = make(HealthView, "tutorial", steps=30)
    assert good.warning_kind is None and good.warnings() == []
    assert good.warning_label.text() == "All layers healthy"


def test_health_view_flags_divergence_and_dead_units(qtbot, make):
    view = make(HealthView, "lr_too_high", steps=1000)
    assert trained("lr_too_high", 1000)[0].status == "diverged" and view.warning_kind == "exploding"
    dead = make(HealthView, "dead_relu", steps=20)
    assert dead.warning_kind == "dead" and dead.table.item(0, 5).text().endswith("%")


# --- every view, every preset ---------------------------------------------------------------------

def test_every_view_handles_every_preset(qtbot, make):
    views = [make(cls) for cls in (OutputView, NetworkGraph, Inspector, HealthView)]
    cases = [(name, steps) for name in preset_names() for steps in (0, 5)] + [("lr_too_high", 1000)]
    for name, steps in cases:
        for view in views:
            feed(view, name, steps)
            assert view.throttle.pending is None, (type(view).__name__, name)
    assert views[2].walk is not None and views[3].tracker.n >= 1


def test_updates_are_throttled_and_skipped_when_hidden(qtbot, make):
    view = make(OutputView, "xor")
    trainer, _ = trained("xor")
    frame = view.throttle.latest[0]
    view.throttle.min_interval = 0.2
    view.throttle.flush()
    before = view.throttle.renders
    for _ in range(50):
        view.show_frame(frame, trainer.config)
    assert view.throttle.renders - before <= 1
    qtbot.waitUntil(lambda: view.throttle.pending is None, timeout=2000)  # the last one is drawn late
    view.hide()
    drawn = view.throttle.renders
    view.show_frame(frame, trainer.config)
    assert view.throttle.renders == drawn and view.throttle.pending is not None
    view.show()
    assert view.throttle.renders == drawn + 1


def test_a_narrow_inspector_names_its_parameter_rather_than_cutting_the_title(qtbot, make):
    """At 1024 px the title read "Jumping back to ...": which weight was walked to was cut off."""
    insp = make(Inspector, "tutorial")
    qtbot.waitUntil(lambda: insp.walk is not None)
    name = insp.walk.name
    insp.resize(900, 480)
    qtbot.waitUntil(lambda: insp.title.shown_text() == f"Jumping back to {name}")
    insp.resize(200, 480)
    qtbot.waitUntil(lambda: insp.title.shown_text() == name)
