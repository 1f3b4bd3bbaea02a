"""Marks of changes made by hand on the loss curve: a short label beside the line, on the side with room, so a
mark at the newest epoch is not cut at the plot's right edge; the tooltip says the whole."""
from qt_helpers import shown
from ui.loss_marks import LossMarks
from ui.loss_plot import LossPlot


def label_inside(plot, line) -> bool:
    vb = plot.plot_item.getViewBox()
    box = vb.mapRectToScene(vb.boundingRect())
    label = line.label.mapRectToScene(line.label.boundingRect())
    return box.left() - 1 <= label.left() and label.right() <= box.right() + 1


def test_a_mark_at_either_end_keeps_its_label_inside_the_plot(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.plot_item.setXRange(0, 100, padding=0)
    marks = LossMarks(plot)
    texts = ["w2[3, 1] set to 0.9 at epoch 99 (loss 0.003427 -> 0.004258)",
             "noise 0.1 -> 0.3 at epoch 1 (loss 0.2 -> 0.25)"]
    marks.show_marks([(99.0, texts[0]), (1.0, texts[1])])
    qtbot.waitUntil(lambda: all(label_inside(plot, line) for line in marks.lines[:2]))
    assert marks.labels() == ["w2[3, 1] set to 0.9", "noise 0.1 -> 0.3"]
    assert marks.texts() == texts and marks.lines[0].toolTip() == texts[0]
    plot.plot_item.setXRange(90, 200, padding=0)  # the first mark now on the left: its label goes right
    qtbot.waitUntil(lambda: label_inside(plot, marks.lines[0]))
