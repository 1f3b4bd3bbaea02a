"""Record a run as an animated GIF or an MP4: the chosen views (loss, heatmaps, output, graph) drawn at evenly
spaced moments of the run's timeline, each moment replayed exactly from the keyframes
(``engine.replay.Replayer``), one video frame each.

The views are new widgets of their own, laid out side by side at the size asked for and never shown on
screen (``WA_DontShowOnScreen``), so a recording neither disturbs the window nor needs one: the same code runs
headless for ``backprop-lab record`` (offscreen Qt). imageio writes the frames: Pillow encodes the GIF,
imageio-ffmpeg's own ffmpeg binary the MP4 (H.264, yuv420p, so sizes are rounded to even numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VIEWS = ("loss", "heatmaps", "output", "graph")
FORMATS = (".gif", ".mp4")
MAX_FRAMES = 3000  # 150 s at 20 fps: a recording is a clip, and each frame costs a replay and a paint
RECORD_CELL_MIN = 0.5  # px a matrix row may shrink to in a recording's heatmaps, so that every layer is in the frame


@dataclass(frozen=True)
class RecordOptions:
    """What to record: ``views`` (a subset of VIEWS, in that order), ``fps``, ``seconds``, the frame's
    ``width`` x ``height`` in pixels."""

    views: tuple = ("loss", "heatmaps", "output")
    fps: int = 20
    seconds: float = 10.0
    width: int = 1280
    height: int = 720

    @property
    def n_frames(self) -> int:
        return max(1, int(round(self.fps * self.seconds)))

    def checked(self) -> "RecordOptions":
        """Itself, or a ConfigError naming the option, the value and what is allowed."""
        from engine.validation import ConfigError
        if not self.views or any(v not in VIEWS for v in self.views):
            raise ConfigError("views", ",".join(self.views), "one or more of " + ", ".join(VIEWS))
        if not 1 <= self.fps <= 60:
            raise ConfigError("fps", self.fps, "a whole number of frames a second from 1 to 60")
        if not 0 < self.seconds or self.n_frames > MAX_FRAMES:
            raise ConfigError("seconds", self.seconds, f"more than 0, at most {MAX_FRAMES} frames in all")
        if not (160 <= self.width <= 3840 and 120 <= self.height <= 2160):
            raise ConfigError("size", f"{self.width}x{self.height}", "from 160x120 to 3840x2160 pixels")
        return self


def moment_steps(total_steps: int, n_frames: int) -> np.ndarray:
    """(n_frames,) steps evenly spaced from the first state (0) to the last (``total_steps``)."""
    return np.round(np.linspace(0, total_steps, n_frames)).astype(np.int64)


def quiet(view) -> None:
    """A view as a clip shows it: no controls (its buttons and check boxes go, a spin box keeps its text without
    arrows or frame) and no "click ..." hints, since nobody can click a video."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLabel
    for button in view.findChildren(QAbstractButton):
        button.hide()
    for spin in view.findChildren(QAbstractSpinBox):
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        spin.setFrame(False)
        spin.setReadOnly(True)
    for label in view.findChildren(QLabel):
        if label.text().lower().startswith("click"):
            label.hide()


def whole_run(trainer):
    """The run's train and test losses over all its epochs as one ``GrowingCurve``: a loss plot that follows it
    spans the whole run from the first frame, so a clip's curve grows into fixed axes instead of the axes
    rescaling with every frame."""
    from ui.growing_curve import GrowingCurve
    n = len(trainer.train_losses)
    epochs = np.arange(1, n + 1, dtype=np.int64)
    curve = GrowingCurve(2 * n)
    curve.extend(epochs, np.asarray(trainer.train_losses.view()[:n], dtype=np.float64))
    tests = np.asarray(trainer.test_losses.view()[:n], dtype=np.float64)
    if len(tests) == n and np.isfinite(tests).any():
        curve.extend(epochs, tests)
    return curve


class ViewStrip:
    """The views of a recording, side by side in one off-screen widget of the frame's size."""

    def __init__(self, trainer, options: RecordOptions):
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QHBoxLayout, QWidget

        self.trainer, self.options = trainer, options
        self.widget = QWidget()
        self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.widget.setStyleSheet("background: black; color: white")
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(4, 4, 4, 4)
        self.views = {}
        for name in options.views:
            view = self._make(name)
            quiet(view)
            self.views[name] = view
            layout.addWidget(view, 1)
        # fixed: the views' minimum sizes must not grow the frame (four views in 480 px squeeze them instead)
        self.widget.setFixedSize(options.width, options.height)
        self.widget.show()
        self._epochs_drawn = 0

    def _make(self, name: str):
        trainer = self.trainer
        if name == "loss":
            from ui.loss_plot import LossPlot
            view = LossPlot()
            view.extra_curves.append(whole_run(trainer))  # followed, never drawn: the axes hold still
            return view
        if name == "heatmaps":
            from PySide6.QtCore import Qt
            from ui.heatmaps import HeatmapGrid
            grid = HeatmapGrid()
            # a frame cannot be scrolled: every row in view however small its cells (the window's grid scrolls
            # past 4 px a row instead), and the grid asks the strip for all the width its columns need
            grid.CELL_MIN = RECORD_CELL_MIN
            grid.OWN_MIN_MAX = self.options.width
            for policy in (grid.scroll.setVerticalScrollBarPolicy, grid.scroll.setHorizontalScrollBarPolicy):
                policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            grid.set_network(tuple(trainer.network.sizes))
            return grid
        if name == "output":
            from ui.output_view import OutputView
            view = OutputView()
            view.set_data(trainer.data)
            return view
        from ui.network_graph import NetworkGraph
        graph = NetworkGraph()
        graph.set_data(trainer.data)
        return graph

    def draw(self, frame) -> np.ndarray:
        """The strip at ``frame`` (engine.frame.Frame) as an (height, width, 3) uint8 RGB image."""
        from PySide6.QtGui import QImage
        from PySide6.QtWidgets import QApplication

        t = self.trainer
        for name, view in self.views.items():
            if name == "loss":
                epochs = min(frame.epoch, len(t.train_losses))
                if epochs < self._epochs_drawn:
                    view.reset()
                    self._epochs_drawn = 0
                if epochs > self._epochs_drawn:  # only what is new since the last frame: O(1) per frame
                    lo = self._epochs_drawn
                    view.append(lo + 1, t.train_losses.view()[lo:epochs], t.test_losses.view()[lo:epochs])
                    self._epochs_drawn = epochs
                view.set_marker(frame.epoch if frame.epoch else None)
            elif name == "heatmaps":
                view.build_pending(float("inf"))
                view.update_matrices(frame.weights, frame.biases, frame.grad_w, frame.grad_b, settle=True)
            else:
                view.show_frame(frame, t.config)
                view.throttle.flush()
        QApplication.processEvents()  # layouts and deferred paints before the grab
        image = self.widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
        if (image.width(), image.height()) != (self.options.width, self.options.height):  # a high-DPI screen
            image = image.scaled(self.options.width, self.options.height)
        w, h = image.width(), image.height()
        rgb = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
        return rgb.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()

    def close(self) -> None:
        self.widget.close()
        self.widget.deleteLater()


def frame_at(replayer, trainer, step: int):
    """The engine.frame.Frame of ``step`` replayed from the keyframes."""
    from engine.frame import Frame
    return Frame.from_moment(replayer.moment(int(step)), trainer.network, 0, "paused")


def record(trainer, path, options: RecordOptions, should_stop=None, on_progress=None) -> int:
    """Write the recording of ``trainer``'s run to ``path`` (.gif or .mp4); returns the frames written (fewer
    when ``should_stop()`` said stop: the file then holds what was recorded so far). Runs in the GUI thread
    (it draws widgets); ``on_progress(done, total)`` after each frame may process events (a progress dialog)."""
    import os

    import imageio.v2 as imageio

    from engine.replay import Replayer

    options = options.checked()
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix not in FORMATS:
        from engine.validation import ConfigError
        raise ConfigError("file", str(path), "a name ending in .gif or .mp4")
    if suffix == ".mp4":  # H.264 in yuv420p needs even sides
        options = RecordOptions(options.views, options.fps, options.seconds, options.width // 2 * 2,
                                options.height // 2 * 2)
        writer = imageio.get_writer(str(path), format="FFMPEG", fps=options.fps, codec="libx264",
                                    pixelformat="yuv420p", macro_block_size=1, quality=7,
                                    output_params=["-preset", "veryfast"])  # encodes faster; plots stay sharp
    else:
        writer = imageio.get_writer(str(path), format="GIF", mode="I", duration=1000 / options.fps, loop=0)
    replayer = Replayer(trainer)
    strip = ViewStrip(trainer, options)
    steps = moment_steps(trainer.steps, options.n_frames)
    written = 0
    try:
        for step in steps:
            if should_stop is not None and should_stop():
                break
            writer.append_data(strip.draw(frame_at(replayer, trainer, step)))
            written += 1
            if on_progress is not None:
                on_progress(written, len(steps))
    finally:
        writer.close()
        strip.close()
    return written
