"""Recording a run (app/recording.py, `backprop-lab record`): the file holds the requested number of frames at the
requested size, the moments are the run's own (replayed), bad options are one clear line, and a stop keeps what
was recorded."""
import re
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageSequence

from app.main import main
from app.recording import RecordOptions, moment_steps, record
from engine.savefile import save_run
from engine.validation import ConfigError
from export_helpers import trained


def frames_of(path) -> list[np.ndarray]:
    """Every frame of a GIF (through Pillow) or an MP4 (decoded by imageio-ffmpeg's ffmpeg), (h, w, 3)."""
    if str(path).endswith(".gif"):
        with Image.open(path) as gif:
            return [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]
    # ffmpeg run to its end here (imageio-ffmpeg's read_frames leaves its pipes open)
    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24",
                          "-"], capture_output=True, timeout=60, check=True)
    w, h = map(int, re.search(rb"Video: .*?, (\d+)x(\d+)", out.stderr).groups())
    raw = np.frombuffer(out.stdout, np.uint8)
    return list(raw.reshape(-1, h, w, 3))


@pytest.fixture(scope="module")
def run():
    return trained("xor", epochs=40)[0]


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_a_recording_has_the_frames_and_size_asked_for(qtbot, run, tmp_path, suffix):
    path = tmp_path / f"clip{suffix}"
    options = RecordOptions(("loss", "heatmaps", "output", "graph"), fps=10, seconds=1.2, width=480, height=270)
    seen = []
    assert record(run, path, options, on_progress=lambda done, total: seen.append((done, total))) == 12
    frames = frames_of(path)
    assert len(frames) == 12
    assert frames[0].shape == (270, 480, 3)
    assert seen[-1] == (12, 12) and len(seen) == 12
    # the run moves: the first and last frames differ (the loss curve grew, the weights changed)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1


def test_mp4_sides_are_made_even(qtbot, run, tmp_path):
    path = tmp_path / "odd.mp4"
    record(run, path, RecordOptions(("loss",), fps=5, seconds=1, width=321, height=181))
    frames = frames_of(path)
    assert len(frames) == 5 and frames[0].shape[:2] == (180, 320)


def test_moments_span_the_whole_timeline():
    steps = moment_steps(40, 5)
    assert steps.tolist() == [0, 10, 20, 30, 40]


def test_a_stopped_recording_keeps_what_it_recorded(qtbot, run, tmp_path):
    path = tmp_path / "short.gif"
    calls = []
    n = record(run, path, RecordOptions(("loss",), fps=10, seconds=2, width=200, height=150),
               should_stop=lambda: len(calls) >= 3, on_progress=lambda d, t: calls.append(d))
    assert n == 3 and len(frames_of(path)) == 3


@pytest.mark.parametrize("options, field", [
    (RecordOptions(("loss", "bars")), "views"), (RecordOptions(fps=0), "fps"), (RecordOptions(seconds=0), "seconds"),
    (RecordOptions(width=100), "size"), (RecordOptions(fps=60, seconds=60), "seconds")])
def test_bad_options_name_the_option(options, field):
    with pytest.raises(ConfigError) as err:
        options.checked()
    assert err.value.field == field


def test_cli_records_a_saved_run(qtbot, run, tmp_path, capsys):
    save_run(tmp_path / "run.npz", run)
    out = tmp_path / "clip.mp4"
    assert main(["record", str(tmp_path / "run.npz"), str(out), "--views", "loss,output", "--fps", "8",
                 "--seconds", "1", "--size", "320x200"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}: 8 frames of 320x200 at 8 fps (loss, output)")
    frames = frames_of(out)
    assert len(frames) == 8 and frames[0].shape[:2] == (200, 320)


@pytest.mark.parametrize("args, says", [
    (["clip.avi"], "OUT 'clip.avi' is not allowed; expected a file name ending in .gif or .mp4"),
    (["clip.gif", "--fps", "fast"], "--fps 'fast' is not allowed"),
    (["clip.gif", "--size", "big"], "--size 'big' is not allowed; expected WIDTHxHEIGHT"),
    (["clip.gif", "--views", "loss,bars"], "--views 'loss,bars' is not allowed; expected one or more of loss"),
])
def test_cli_bad_input_is_one_line_and_status_2(tmp_path, capsys, args, says):
    from export_helpers import assert_refused
    assert_refused("record", ["run.npz", *args], says, tmp_path, capsys)


def test_a_frame_shows_every_layer_and_none_of_the_controls(qtbot):
    """Spiral's five rows of heatmaps do not fit 720 px at the window's 4 px a row: a frame cannot scroll, so they
    shrink to fit, and the views' buttons, arrows and "click ..." hints, useless in a clip, are not drawn."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLabel

    from app.recording import ViewStrip, frame_at
    from engine.replay import Replayer
    trainer = trained("spiral", epochs=1)[0]
    strip = ViewStrip(trainer, RecordOptions(("loss", "heatmaps", "output", "graph"), width=1280, height=720))
    try:
        strip.draw(frame_at(Replayer(trainer), trainer, trainer.steps))
        grid = strip.views["heatmaps"]
        assert grid.n_layers() == 5 and not grid.pending_rows()
        bars = (grid.scroll.verticalScrollBar(), grid.scroll.horizontalScrollBar())
        assert [bar.maximum() for bar in bars] == [0, 0]  # nothing out of view to scroll to
        assert not [b.text() for b in strip.widget.findChildren(QAbstractButton) if b.isVisible()]
        assert all(s.buttonSymbols() == QAbstractSpinBox.ButtonSymbols.NoButtons
                   for s in strip.widget.findChildren(QAbstractSpinBox))
        assert not [x.text() for x in strip.widget.findChildren(QLabel)
                    if x.isVisible() and x.text().lower().startswith("click")]
    finally:
        strip.close()


def test_the_loss_plot_of_a_clip_spans_the_whole_run_from_the_first_frame(qtbot, run):
    """A clip's axes hold still while its curve grows into them (they rescaled with every frame before)."""
    from app.recording import ViewStrip, frame_at
    from engine.replay import Replayer
    strip = ViewStrip(run, RecordOptions(("loss",), width=640, height=360))
    try:
        replayer, view = Replayer(run), strip.views["loss"]
        ranges = []
        for step in (run.steps // 8, run.steps // 2, run.steps):
            strip.draw(frame_at(replayer, run, step))
            ranges.append(view.plot_item.vb.viewRange()[0])
        assert ranges[0] == ranges[1] == ranges[2]
        assert ranges[0][0] <= 1 and ranges[0][1] >= len(run.train_losses)
    finally:
        strip.close()
