"""The status bar's replay readout and a temporary message never draw over each other: the readout waits under
the message and comes back when it goes ("noise 0.05 -> 0.26 at epoch 300" and "epoch 188 of 300, ... replay"
were both drawn in the bottom left corner)."""
from PySide6.QtWidgets import QMainWindow

from qt_helpers import layout_passes, shown
from ui.status_bar import TrainingStatusBar


def test_the_replay_readout_waits_under_a_temporary_message_and_comes_back(qtbot):
    window = shown(qtbot, QMainWindow(), 800, 200)
    bar = TrainingStatusBar()
    window.setStatusBar(bar)
    layout_passes()
    bar.showMessage("noise 0.05 -> 0.26 at epoch 300", 0)
    bar.set_replay("epoch 188 of 300, step 9 of the next, replay")
    assert not bar.replay_label.isVisible()  # not drawn over the message
    bar.clearMessage()
    qtbot.waitUntil(bar.replay_label.isVisible)
    assert bar.replay_label.text().startswith("epoch 188 of 300")
    bar.set_replay(None)  # live again: gone, and a later message does not bring it back
    bar.showMessage("saved", 0)
    bar.clearMessage()
    layout_passes()
    assert not bar.replay_label.isVisible()
