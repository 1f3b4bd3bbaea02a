"""``backprop-lab record RUN.npz OUT.gif|OUT.mp4 [--views loss,heatmaps,output] [--fps 20] [--seconds 10]
[--size 1280x720]``: a saved run as an animated GIF or an MP4 of the views over its timeline (app/recording.py),
drawn in an offscreen Qt platform when there is no display.

Exit status 0 written, 2 bad input (one line on stderr naming the argument, the value and what is allowed).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app.cli_options import PROG, CliError, Parser, with_message
from engine.validation import ConfigError


def build_parser() -> Parser:
    from app.recording import VIEWS
    parser = Parser(prog=f"{PROG} record", allow_abbrev=False,
                    description="Record a saved run as an animated GIF or an MP4: the views side by side at evenly "
                                "spaced moments of its timeline, each replayed exactly from the run's keyframes.")
    parser.add_argument("run", metavar="RUN.npz", help="a run saved with `backprop-lab train --save` or the window")
    parser.add_argument("out", metavar="OUT", help="the file to write: a name ending in .gif or .mp4")
    parser.add_argument("--views", default="loss,heatmaps,output",
                        help=f"comma-separated, in this order on the frame: any of {','.join(VIEWS)} "
                             "(default: loss,heatmaps,output)")
    parser.add_argument("--fps", default="20", help="frames a second, 1 to 60 (default: 20)")
    parser.add_argument("--seconds", default="10", help="length of the recording (default: 10)")
    parser.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT of a frame in pixels (default: 1280x720)")
    return parser


def options_from(ns):
    from app.recording import RecordOptions
    try:
        fps = int(ns.fps)
    except ValueError:
        raise CliError(f"--fps {ns.fps!r} is not allowed; expected a whole number from 1 to 60") from None
    try:
        seconds = float(ns.seconds)
    except ValueError:
        raise CliError(f"--seconds {ns.seconds!r} is not allowed; expected a number of seconds > 0") from None
    try:
        width, height = (int(v) for v in ns.size.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {ns.size!r} is not allowed; expected WIDTHxHEIGHT, e.g. 1280x720") from None
    views = tuple(v.strip() for v in ns.views.split(",") if v.strip())
    try:
        return RecordOptions(views, fps, seconds, width, height).checked()
    except ConfigError as e:
        flag = {"views": "--views", "fps": "--fps", "seconds": "--seconds", "size": "--size"}[e.field]
        raise CliError(f"{flag} {e.value!r} is not allowed; expected {e.allowed}") from None


def run(argv: list[str], stdout=None, stderr=None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        ns = build_parser().parse_args(argv)
        out = Path(ns.out)
        if out.suffix.lower() not in (".gif", ".mp4"):
            raise CliError(f"OUT {ns.out!r} is not allowed; expected a file name ending in .gif or .mp4")
        if not out.resolve().parent.is_dir():
            raise CliError(f"OUT {ns.out!r}: the folder {str(out.resolve().parent)!r} does not exist")
        options = options_from(ns)
        from engine.savefile import load_run
        try:
            trainer = load_run(ns.run)
        except ConfigError as e:
            raise CliError(with_message("RUN", ns.run, str(e))) from None
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        from app.recording import record
        app = QApplication.instance() or QApplication([])  # noqa: F841 (the widgets need one)
        t0 = time.perf_counter()
        try:
            n = record(trainer, out, options)
        except OSError as e:
            raise CliError(f"OUT {ns.out!r}: cannot be written ({e.strerror or e})") from None
    except CliError as e:
        print(f"{PROG} record: {' '.join(str(e).split())}", file=stderr)
        return 2
    print(f"wrote {out}: {n} frames of {options.width}x{options.height} at {options.fps} fps "
          f"({', '.join(options.views)}) in {time.perf_counter() - t0:.1f} s", file=stdout)
    return 0
