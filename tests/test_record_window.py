"""File > Record... in the real window: the dialog's choices and the chooser's file give a recording of the run
with those frames and that size, made from a copy the worker saved (the run trains on untouched); Cancel in the
progress dialog keeps what was recorded; a cancelled dialog records nothing."""
import pytest
from PySide6.QtWidgets import QProgressDialog
from session_helpers import isolated, open_lab, step  # noqa: F401  (isolated: fixture)
from test_record import frames_of

from app.record_wiring import RecordWiring
from ui.record_dialog import RecordDialog

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")


def answer(lab, accept=True, **changes):
    """The real dialog, set as the user would, answering exec() at once."""
    wiring = lab.window.findChild(RecordWiring)

    def make(parent):
        dialog = RecordDialog(parent)
        values = {"fps": dialog.fps_spin, "seconds": dialog.seconds_spin, "width": dialog.width_spin,
                  "height": dialog.height_spin}
        for key, value in changes.items():
            if key == "views":
                for name, box in dialog.view_boxes.items():
                    box.setChecked(name in value)
            else:
                values[key].setValue(value)
        dialog.exec = lambda: accept
        return dialog
    wiring.make_dialog = make
    return wiring


def test_file_record_writes_the_clip_asked_for(qtbot, lab, tmp_path):
    step(qtbot, lab, 6)
    wiring = answer(lab, views=("loss", "output"), fps=5, seconds=2, width=400, height=240)
    lab.save_paths.append(str(tmp_path / "clip.gif"))
    assert wiring.action in lab.window.file_menu.menu.actions()
    wiring.action.trigger()
    qtbot.waitUntil(lambda: "Recorded" in lab.window.banner.text(), timeout=30_000)
    assert f"Recorded 10 frames of 400x240 to {tmp_path / 'clip.gif'}" in lab.window.banner.text()
    frames = frames_of(tmp_path / "clip.gif")
    assert len(frames) == 10 and frames[0].shape == (240, 400, 3)
    assert not list(tmp_path.glob("backprop-lab-record-*"))
    step(qtbot, lab, 1)  # the run itself goes on


def test_cancel_in_the_progress_dialog_keeps_the_frames_so_far(qtbot, lab, tmp_path, monkeypatch):
    step(qtbot, lab, 3)
    wiring = answer(lab, views=("loss",), fps=10, seconds=3, width=200, height=150)
    values, shown = [], []
    real = QProgressDialog.setValue

    def set_value(self, v):  # the user clicks Cancel once 4 frames are in
        real(self, v)
        values.append(v)
        shown.append(lab.window.banner.text())
        if v == 4:
            self.cancel()
    monkeypatch.setattr(QProgressDialog, "setValue", set_value)
    lab.save_paths.append(str(tmp_path / "short"))  # ".mp4" added
    wiring.action.trigger()
    qtbot.waitUntil(lambda: "Recorded" in lab.window.banner.text(), timeout=30_000)
    assert "Recorded 4 frames" in lab.window.banner.text() and "cancelled" in lab.window.banner.text()
    assert len(frames_of(tmp_path / "short.mp4")) == 4
    # while it records, the banner says so, not that the run was saved to a temporary file about to go
    assert shown[0] == f"Recording 30 frames of the run to {tmp_path / 'short.mp4'}..."


def test_a_dialog_cancelled_records_nothing(qtbot, lab, tmp_path):
    wiring = answer(lab, accept=False)
    lab.save_paths.append(str(tmp_path / "never.gif"))
    wiring.action.trigger()
    assert not (tmp_path / "never.gif").exists() and lab.chooser_calls == []
