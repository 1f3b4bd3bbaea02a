"""A one-line progress bar with ETA for headless training, drawn on a terminal only.

The tutorial runs 10,000 epochs in about 0.3 s, so the per-epoch callback must cost almost nothing:
it reads the clock and returns unless a tenth of a second has passed since the last redraw. Throttling
by time, not by epoch count, keeps both a fast run and a slow one (a big dataset) at ~10 redraws a second.
"""
from __future__ import annotations

import time

DRAW_INTERVAL = 0.1  # seconds between redraws: ~10 a second reads as live and costs nothing


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


class ProgressBar:
    """Draws ``[#####.....]  42%  epoch 420/1000  loss 1.2e-03  ETA 0:03`` on ``stream`` with '\\r'
    (``unit`` names what is counted: "epoch", or "entry" for a gradient check, which has no loss)."""

    def __init__(self, total_epochs: int, start_epoch: int, stream, clock=time.perf_counter,
                 interval: float | None = None, width: int = 24, unit: str = "epoch"):
        self.total = max(int(total_epochs), 0)
        self.start_epoch = start_epoch
        self.stream = stream
        self.clock = clock
        self.interval = DRAW_INTERVAL if interval is None else interval
        self.width = width
        self.unit = unit
        self.started = clock()
        self._next_draw = self.started + self.interval  # the first tenth of a second draws nothing: short runs stay silent
        self._drawn = 0  # length of the last line, so close() can wipe it
        self.redraws = 0

    def _due(self) -> float | None:
        """The clock's time when a redraw is due, else None (the cheap check every callback makes)."""
        now = self.clock()
        if now < self._next_draw:
            return None
        self._next_draw = now + self.interval
        return now

    def on_epoch(self, trainer) -> None:
        now = self._due()
        if now is None:
            return
        losses = trainer.train_losses
        loss = losses.view(len(losses) - 1)[0] if len(losses) else float("nan")
        self.draw(trainer.epoch - self.start_epoch, loss, now - self.started)

    def on_count(self, done: int) -> None:
        """``done`` of the total counted so far (no loss to show)."""
        now = self._due()
        if now is not None:
            self.draw(done, None, now - self.started)

    def draw(self, done: int, loss: float | None, elapsed: float) -> None:
        fraction = done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        eta = elapsed / done * (self.total - done) if done else float("nan")
        line = (f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%}  {self.unit} {done}/{self.total}  "
                + (f"loss {loss:.3e}  " if loss is not None else "")
                + f"ETA {format_seconds(eta) if eta == eta else '?'}")
        pad = " " * max(self._drawn - len(line), 0)
        self.stream.write("\r" + line + pad)
        self.stream.flush()
        self._drawn = len(line)
        self.redraws += 1

    def close(self) -> None:
        """Wipe the bar so the summary starts on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0


def progress_for(stream, total_epochs: int, start_epoch: int, quiet: bool, unit: str = "epoch") -> ProgressBar | None:
    """A bar when ``stream`` is a terminal and the run is not quiet; None otherwise, so training runs
    without any per-epoch callback at all."""
    if quiet:
        return None
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        interactive = False
    return ProgressBar(total_epochs, start_epoch, stream, unit=unit) if interactive else None
