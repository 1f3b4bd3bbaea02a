"""The kept runs' legend goes where it hides the fewest points of the curves: at 1024 px its fixed bottom-left
corner covered the start of every run (accuracies rise from the bottom left; a plateau fills a short plot)."""
import numpy as np
import pytest

from engine.config import TrainConfig
from engine.pinned import PinnedRun
from qt_helpers import shown
from resources import load_preset
from ui.loss_plot import LossPlot
from ui.pinned_overlay import CORNERS, PinnedOverlay


def run(values, **changes):
    config = TrainConfig.from_dict(load_preset("xor")["config"]).replace(**changes)
    return PinnedRun(config, np.asarray(values, np.float64), np.zeros(0), (), (), len(values))


@pytest.mark.parametrize("log", [False, True])
def test_the_legend_takes_the_corner_that_hides_the_fewest_points(qtbot, log):
    plot = shown(qtbot, LossPlot(), 420, 190)  # about the loss plot at 1024x768
    plot.set_log_scale(log)
    epochs = np.arange(1, 201)
    rising = 0.05 + 0.9 * (1 - np.exp(-epochs / 40))  # starts at the bottom left, ends at the top right
    plot.append(1, 1.0 - rising + 0.02, np.empty(0))
    overlay = PinnedOverlay(plot)
    runs = [run(rising * f, learning_rate=lr) for f, lr in ((1.0, 0.1), (0.9, 0.2), (0.8, 0.3))]
    overlay.set_runs(runs, ["lr 0.1", "lr 0.2", "lr 0.3"])
    plot.grab()  # laid out at its size: the legend's size in pixels is known
    overlay._place_legend()
    counts = {corner: overlay.hidden_points(corner) for corner in CORNERS}
    assert counts[overlay.corner] == min(counts.values())
    assert counts[overlay.corner] < counts["bottom left"]  # the rising runs' start is where it used to be
    vb = plot.plot_item.vb
    legend = overlay.legend.mapRectToItem(vb, overlay.legend.boundingRect())
    assert vb.boundingRect().contains(legend)  # inside the plot, wherever it went


def test_it_does_not_move_while_no_other_corner_is_better(qtbot):
    plot = shown(qtbot, LossPlot(), 420, 190)
    overlay = PinnedOverlay(plot)
    overlay.set_runs([run(np.full(50, 0.5))], ["lr 0.1"])  # a flat run in the middle: every corner is clear
    plot.grab()
    overlay._place_legend()
    assert overlay.corner == "bottom left"
