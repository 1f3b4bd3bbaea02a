"""Gradient health after a preset switch that keeps the number of layers: the histogram's layer list, the dead-ReLU
plot and the curves are those of the new network (lr_too_high then dead_relu still offered "w1 (tanh)")."""
from qt_helpers import settle
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once


def choices(health):
    return [health.layer_choice.itemText(k) for k in range(health.layer_choice.count())]


def test_a_network_with_as_many_layers_gets_its_own_labels(qtbot, lab):
    parts = lab("lr_too_high")
    health = parts.views.health
    parts.views.show_view("health")
    step_once(qtbot, parts.window, parts.controller)  # (lr_too_high diverges within a few)
    qtbot.waitUntil(lambda: choices(health) == ["w1 (tanh)", "w2 (tanh)", "w3 (linear)"])
    assert not health.dead_plot.isVisible()
    parts.controller.load_preset("dead_relu")  # three weight layers too
    step_once(qtbot, parts.window, parts.controller)
    qtbot.waitUntil(lambda: choices(health) == ["w1 (relu)", "w2 (relu)", "w3 (sigmoid)"])
    assert health.dead_plot.isVisible()  # the dead-ReLU fraction, for relu layers
    assert [health.table.item(r, 1).text() for r in range(3)] == ["relu", "relu", "sigmoid"]
    settle(qtbot, parts)
