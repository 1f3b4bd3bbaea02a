"""A heatmap cell's tooltip stays while the mouse rests on it, in the grid and in an enlarged heatmap (Qt's
ToolTip event, ~0.7 s after the mouse stops, went to the scene, which found no item tooltip and hid the
widget's: the readout flashed up and was gone, as the network graph's once did; in the grid it did not come up
while the mouse moved either, nor, in the real window, once it rested)."""
from PySide6 import QtCore
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from qt_helpers import layout_passes, shown
from test_heatmaps import TUTORIAL, cell_scene_pos, matrices
from ui.heatmaps import HeatmapGrid


def rest_mouse(qtbot, view, scene_pos):
    """What Qt does once the mouse rests: a ToolTip event to the view's viewport."""
    pos = view.mapFromScene(scene_pos)
    viewport = view.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos)))
    qtbot.wait(600)  # past Qt's 300 ms hide timer, which the scene's answer to the event started (if it did)


def test_a_cells_tooltip_stays_while_the_mouse_rests_in_the_grid_and_enlarged(qtbot):
    grid = shown(qtbot, HeatmapGrid(), 900, 600)
    qtbot.waitActive(grid)  # a focus change hides any tooltip (Qt's rule, not what is tested)
    grid.set_network(TUTORIAL)
    weights, biases, grad_w, grad_b = matrices(TUTORIAL)
    grid.update_matrices(weights, biases, grad_w, grad_b)
    qtbot.waitUntil(lambda: not grid._pending)  # the rows built later re-lay the grid out, hiding any tooltip
    layout_passes()
    cell = cell_scene_pos(grid, 2, "w", 3, 1)
    grid._on_mouse_moved((cell,))  # the scene's sigMouseMoved, through the rate limit
    assert QToolTip.isVisible() and QToolTip.text().startswith(grid.cell_text(2, "w", 3, 1))  # as it moves
    rest_mouse(qtbot, grid.graphics, cell)
    assert QToolTip.isVisible() and QToolTip.text().startswith(grid.cell_text(2, "w", 3, 1))
    popout = grid.pop_out(2, "grad_w")
    qtbot.waitActive(popout)
    popout.graphics.grab()
    layout_passes()
    inside = popout.panel.plot.vb.mapViewToScene(QtCore.QPointF(2, 4))
    popout._on_mouse_moved((inside,))
    rest_mouse(qtbot, popout.graphics, inside)
    assert QToolTip.isVisible() and QToolTip.text() == grid.cell_text(2, "grad_w", 4, 2)
    off = QtCore.QPointF(-1000, -1000)
    popout._on_mouse_moved((off,))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    popout.close()

