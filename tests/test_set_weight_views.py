"""A weight or bias set from every view that shows one (issue #11 section 5), through the real window and worker:
a double-click on a cell of a w or b heatmap, the heatmap's right-click menu, the inspector's value field; bad
text refused with the controller's line; an edit made while looking back goes live; the effect shows at once
while paused."""
from PySide6 import QtCore
from PySide6.QtCore import Qt

from engine.losses import LOSSES
from engine.parameter_edit import parameter_problem
from qt_helpers import settle, wait_snapshot
from test_heatmaps import cell_scene_pos, double_click
from test_time import isolated_settings, lab, train_until, wait_frame  # noqa: F401 (fixtures)


def asking(controller, answer):
    """Replace the value dialog: record (name, current) and answer ``answer``."""
    asked = []
    controller.ask_value = lambda parent, name, current: asked.append((name, current)) or answer
    return asked


def test_double_click_on_a_w2_cell_sets_that_weight_and_the_heatmap_shows_it(qtbot, lab):
    parts = lab("tutorial")
    model, controller, heatmaps = parts.model, parts.controller, parts.window.heatmaps
    train_until(qtbot, parts, 5)
    asked = asking(controller, 0.875)
    double_click(qtbot, heatmaps, 2, "w", 3, 1)  # w2 (5x3): row 3 (unit 3 of layer 2), column 1
    assert asked == [("w2[3, 1]", model.live_frame.weights[1][3, 1])]
    snap = wait_snapshot(qtbot, controller, lambda s: s.weights[1][3, 1] == 0.875)
    assert snap.status == "paused" and snap.weights[1][3, 0] != 0.875
    qtbot.waitUntil(lambda: heatmaps.image(2, "w")[3, 1] == 0.875)
    assert (2, "w") not in heatmaps.popouts()  # it edited; it did not pop the heatmap out
    assert model.marks[-1][1].startswith("w2[3, 1] set to 0.875 at epoch ")
    settle(qtbot, parts)


def test_double_click_on_a_b_cell_sets_that_bias(qtbot, lab):
    parts = lab("tutorial")
    model, controller, heatmaps = parts.model, parts.controller, parts.window.heatmaps
    train_until(qtbot, parts, 5)
    asked = asking(controller, -0.5)
    double_click(qtbot, heatmaps, 2, "b", 4, 0)
    assert asked == [("b2[4]", model.live_frame.biases[1][4, 0])]
    wait_snapshot(qtbot, controller, lambda s: s.biases[1][4, 0] == -0.5)
    qtbot.waitUntil(lambda: heatmaps.image(2, "b")[4, 0] == -0.5)
    assert model.marks[-1][1].startswith("b2[4] set to -0.5")
    settle(qtbot, parts)


def test_double_click_on_a_gradient_or_a_title_enlarges_and_sets_nothing(qtbot, lab):
    parts = lab("tutorial")
    controller, heatmaps = parts.controller, parts.window.heatmaps
    train_until(qtbot, parts, 5)
    asked = asking(controller, 1.0)
    double_click(qtbot, heatmaps, 2, "grad_w", 3, 1)
    qtbot.waitUntil(lambda: (2, "grad_w") in heatmaps.popouts())
    double_click(qtbot, heatmaps, 2, "grad_b", 4, 0)
    qtbot.waitUntil(lambda: (2, "grad_b") in heatmaps.popouts())
    # the title of w2: above its cells, in its plot (a double-click there still enlarges w2)
    plot = heatmaps.panel_plot(2, "w")
    title = plot.titleLabel.sceneBoundingRect().center()
    assert heatmaps._panels[(2, "w")].cell_at(title) is None
    view = heatmaps.graphics
    heatmaps.scroll.ensureVisible(0, int(title.y()))
    point = view.mapFromScene(title)
    left = Qt.MouseButton.LeftButton
    qtbot.mouseClick(view.viewport(), left, pos=point)
    qtbot.mouseDClick(view.viewport(), left, pos=point)
    qtbot.mouseRelease(view.viewport(), left, pos=point)
    qtbot.waitUntil(lambda: (2, "w") in heatmaps.popouts())
    assert asked == [] and parts.model.marks == []
    heatmaps._on_mouse_moved((title,))  # hovering the title says how
    assert heatmaps.hover_text() == "w2 (5x3): double-click to enlarge, right-click for more"
    for popout in heatmaps.popouts().values():
        popout.close()
    settle(qtbot, parts)


def test_the_right_click_menu_sets_the_cell_and_enlarges(qtbot, lab):
    parts = lab("tutorial")
    window, controller, heatmaps = parts.window, parts.controller, parts.window.heatmaps
    train_until(qtbot, parts, 5)
    asked = asking(controller, 0.25)
    view = heatmaps.graphics
    point = view.mapFromScene(cell_scene_pos(heatmaps, 1, "w", 2, 4))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
    menu = window.copy_numpy.context_menu
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[0] == "Copy w1 as NumPy"  # what it copied before comes first, as before
    assert texts[-2:] == ["Set w1[2, 4]...", "Enlarge w1 (3x5) in its own window"]
    [a for a in menu.actions() if a.text() == "Set w1[2, 4]..."][0].trigger()
    assert asked and asked[0][0] == "w1[2, 4]"
    wait_snapshot(qtbot, controller, lambda s: s.weights[0][2, 4] == 0.25)
    [a for a in menu.actions() if a.text().startswith("Enlarge")][0].trigger()
    assert (1, "w") in heatmaps.popouts()
    menu.close()
    heatmaps.popouts()[(1, "w")].close()
    # on a gradient: no "Set", only "Enlarge"
    point = view.mapFromScene(cell_scene_pos(heatmaps, 1, "grad_w", 2, 4))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
    texts = [a.text() for a in window.copy_numpy.context_menu.actions()]
    assert not any(t.startswith("Set") for t in texts) and texts[-1] == "Enlarge grad w1 in its own window"
    window.copy_numpy.context_menu.close()
    settle(qtbot, parts)


def test_a_double_click_on_a_cell_of_an_enlarged_w_sets_it_too(qtbot, lab):
    parts = lab("tutorial")
    controller, heatmaps = parts.controller, parts.window.heatmaps
    train_until(qtbot, parts, 5)
    asked = asking(controller, -0.75)
    popout = heatmaps.pop_out(3, "w")
    qtbot.waitExposed(popout)
    popout.graphics.grab()  # laid out: the mapping is the one on screen
    view = popout.graphics
    point = view.mapFromScene(popout.panel.plot.vb.mapViewToScene(QtCore.QPointF(4, 2)))  # w3 (4x5): row 2, col 4
    for send in (qtbot.mouseClick, qtbot.mouseDClick, qtbot.mouseRelease):
        send(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert asked and asked[0][0] == "w3[2, 4]"
    wait_snapshot(qtbot, controller, lambda s: s.weights[2][2, 4] == -0.75)
    qtbot.waitUntil(lambda: popout.panel.image.image[2, 4] == -0.75)  # the enlarged one follows too
    gradient = heatmaps.pop_out(3, "grad_w")  # a gradient's: nothing to set
    qtbot.waitExposed(gradient)
    gradient.graphics.grab()
    point = gradient.graphics.mapFromScene(gradient.panel.plot.vb.mapViewToScene(QtCore.QPointF(4, 2)))
    for send in (qtbot.mouseClick, qtbot.mouseDClick, qtbot.mouseRelease):
        send(gradient.graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert len(asked) == 1
    popout.close()
    gradient.close()
    settle(qtbot, parts)


def inspector_field(qtbot, parts, layer, i, j):
    """Select w_layer[i, j]; the inspector's value field once it shows that weight's value."""
    parts.controller.select_weight(layer, i, j)
    field = parts.views.inspector.value
    frame = parts.model.frame
    qtbot.waitUntil(lambda: field.isEnabled() and field.field.text() == f"{frame.weights[layer - 1][i, j]:.6g}")
    assert field.parameter_name() == f"w{layer}[{i}, {j}]" and field.name.text() == "="  # the title names it
    assert field.field.toolTip().startswith(f"A new value for w{layer}[{i}, {j}] ")
    return field


def type_into(qtbot, field, text):
    field.field.selectAll()
    qtbot.keyClick(field.field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field.field, text)
    qtbot.keyClick(field.field, Qt.Key.Key_Return)


def test_the_inspector_field_sets_the_inspected_weight_and_then_shows_it(qtbot, lab):
    parts = lab("tutorial")
    controller = parts.controller
    train_until(qtbot, parts, 5)
    field = inspector_field(qtbot, parts, 2, 1, 2)
    type_into(qtbot, field, "-0.625")
    wait_snapshot(qtbot, controller, lambda s: s.weights[1][1, 2] == -0.625)
    qtbot.waitUntil(lambda: field.field.text() == "-0.625")  # the field follows the value in force
    assert parts.model.marks[-1][1].startswith("w2[1, 2] set to -0.625")
    # the bias box: the same field, for b2[1]
    parts.views.inspector.bias.setChecked(True)
    qtbot.waitUntil(lambda: field.parameter_name() == "b2[1]" and field.isEnabled())
    type_into(qtbot, field, "1.5")
    wait_snapshot(qtbot, controller, lambda s: s.biases[1][1, 0] == 1.5)
    settle(qtbot, parts)


def test_bad_text_in_the_inspector_is_refused_with_the_controllers_line_and_nothing_changes(qtbot, lab):
    parts = lab("tutorial")
    model, controller = parts.model, parts.controller
    train_until(qtbot, parts, 5)
    problems = []
    parts.window.show_problem = problems.append
    field = inspector_field(qtbot, parts, 2, 1, 2)
    before = model.live_frame.weights[1][1, 2]
    for text in ("abc", "1e9", "nan", "inf", ""):
        type_into(qtbot, field, text)
        assert not controller.set_parameter("w", 2, 1, 2, text)  # what the controller says about it
        assert field.problem_text() == problems[-1] == parameter_problem((5, 3, 5, 4), "w", 2, 1, 2, text)
        assert field.field.text() == text  # kept as typed, to be corrected
        assert "\n" not in field.problem_text()
    qtbot.keyClicks(field.field, "0")
    assert field.problem_text() == ""  # typing again hides it
    assert model.marks == [] and model.live_frame.weights[1][1, 2] == before
    type_into(qtbot, field, "0.5")  # then a good one: the only edit that reaches the network
    wait_snapshot(qtbot, controller, lambda s: s.weights[1][1, 2] == 0.5)
    qtbot.waitUntil(lambda: len(model.marks) == 1)
    assert model.marks[0][1].startswith("w2[1, 2] set to 0.5 ")
    settle(qtbot, parts)


def test_an_edit_while_looking_back_applies_live_and_the_views_go_live(qtbot, lab):
    parts = lab("tutorial")
    model, controller, window = parts.model, parts.controller, parts.window
    train_until(qtbot, parts, 30)
    live = model.live_frame.weights[1][0, 0]
    controller.show_moment(10)
    past = wait_frame(qtbot, model, 10)
    assert past.weights[1][0, 0] != live
    asked = asking(controller, 0.3125)
    double_click(qtbot, window.heatmaps, 2, "w", 0, 0)
    assert asked == [("w2[0, 0]", live)]  # the dialog offers the value in force, not the past one
    qtbot.waitUntil(lambda: model.moment is None and model.frame.live and model.frame.weights[1][0, 0] == 0.3125)
    assert "back to live from step 10" in window.banner.text() and "w2[0, 0] set to 0.3125" in window.banner.text()
    qtbot.waitUntil(lambda: window.heatmaps.image(2, "w")[0, 0] == 0.3125)
    controller.show_moment(10)  # the past is as it was: the edit is a keyframe replay never crosses
    assert wait_frame(qtbot, model, 10).weights[1][0, 0] == past.weights[1][0, 0]
    settle(qtbot, parts)


def test_any_edit_while_a_past_step_is_taken_apart_goes_live_and_says_so(qtbot, lab):
    parts = lab("tutorial")
    model, controller, window = parts.model, parts.controller, parts.window
    train_until(qtbot, parts, 30)
    controller.show_moment(12)
    wait_frame(qtbot, model, 12)
    controller.take_apart()  # step 13, phase by phase
    qtbot.waitUntil(lambda: model.phases is not None, timeout=5000)
    assert controller.set_parameter("w", 1, 0, 0, 0.75)  # the one path every view's edit takes
    qtbot.waitUntil(lambda: model.phases is None and model.moment is None and model.frame.live
                    and model.frame.weights[0][0, 0] == 0.75)
    assert window.banner.text().endswith("back to live from step 13 taken apart")
    settle(qtbot, parts)


def test_the_inspector_while_looking_back_shows_the_past_value_and_can_put_it_back_live(qtbot, lab):
    parts = lab("tutorial")
    model, controller = parts.model, parts.controller
    train_until(qtbot, parts, 30)
    controller.show_moment(10)
    past = wait_frame(qtbot, model, 10)
    steps = model.steps
    field = inspector_field(qtbot, parts, 3, 2, 4)  # shows the value at step 10
    assert past.weights[2][2, 4] != model.live_frame.weights[2][2, 4]
    qtbot.keyClick(field.field, Qt.Key.Key_Return)  # unchanged: exactly the past value, set on the live network
    snap = wait_snapshot(qtbot, controller, lambda s: s.weights[2][2, 4] == past.weights[2][2, 4])
    assert snap.steps == steps
    qtbot.waitUntil(lambda: model.moment is None and model.frame.live)
    settle(qtbot, parts)


def test_an_edit_while_paused_shows_in_the_output_the_loss_and_the_heatmap_at_once(qtbot, lab):
    parts = lab("tutorial")
    model, controller, window = parts.model, parts.controller, parts.window
    train_until(qtbot, parts, 20)
    steps = model.steps
    asked = asking(controller, 2.0)
    double_click(qtbot, window.heatmaps, 3, "w", 1, 2)
    assert asked
    snap = wait_snapshot(qtbot, controller, lambda s: s.weights[2][1, 2] == 2.0)  # the worker's next snapshot
    assert snap.steps == steps and snap.status == "paused"
    qtbot.waitUntil(lambda: window.heatmaps.image(3, "w")[1, 2] == 2.0)
    # the loss: the mark says the train loss after the edit, which is the edited network's
    qtbot.waitUntil(lambda: len(model.marks) == 1)
    net, data = model.frame.network, model.data
    after = LOSSES[model.config.loss]().value(net.forward(data.X_train), data.Y_train)
    assert model.marks[0][1].endswith(f" -> {after:.4g})")
    assert window.loss_marks.texts() == [model.marks[0][1]]
    settle(qtbot, parts)


def test_the_weight_dialog_names_the_value_accepts_enter_and_refuses_bad_text_inside(qtbot):
    from ui.weight_dialog import ValueDialog
    dialog = ValueDialog(None, ("w", 2, 1, 3), 0.41230045)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Set a weight" and "w2[1, 3]" in dialog.prompt.text()
    assert "now 0.4123" in dialog.prompt.text() and dialog.entry.field.text() == "0.4123"
    assert dialog.entry.field.selectedText() == "0.4123"  # typing replaces it
    qtbot.keyClicks(dialog.entry.field, "big")
    qtbot.keyClick(dialog.entry.field, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.value is None
    assert dialog.problem_text() == "w2[1, 3]: 'big' is not allowed; expected a finite number within +-1e+06"
    dialog.entry.field.selectAll()
    qtbot.keyClicks(dialog.entry.field, "-1.5e-2")
    assert dialog.problem_text() == ""
    qtbot.keyClick(dialog.entry.field, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result() == ValueDialog.DialogCode.Accepted and dialog.value == -0.015
    # unchanged text: exactly the value it stands for, not its 6-digit reading
    again = ValueDialog(None, ("b", 1, 0), 0.41230045)
    qtbot.addWidget(again)
    again.show()
    assert again.windowTitle() == "Set a bias"
    qtbot.keyClick(again.entry.field, Qt.Key.Key_Return)
    assert again.value == 0.41230045
    cancelled = ValueDialog(None, ("w", 1, 0, 0), 1.0)
    qtbot.addWidget(cancelled)
    cancelled.show()
    qtbot.keyClick(cancelled, Qt.Key.Key_Escape)
    assert cancelled.value is None and cancelled.result() == ValueDialog.DialogCode.Rejected
