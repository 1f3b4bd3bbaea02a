"""The ``backprop-lab`` console script: ``train``, ``gradcheck``, ``inspect``, ``export`` and ``compare`` run
headless, anything else opens the window. Qt is imported only on the window's path (and by ``compare`` to draw
its plot offscreen), so the headless commands work without a display.
"""
from __future__ import annotations

import os
import sys
import textwrap

HELP = """\
usage: backprop-lab [FILE.npz] [--preset NAME] [--train] [--screenshot FILE --quit-after SECONDS]
       backprop-lab train [options]      (see: backprop-lab train --help)
       backprop-lab gradcheck [options]  (see: backprop-lab gradcheck --help)
       backprop-lab inspect RUN.npz --step N [--json] [--weights]
       backprop-lab export RUN.npz OUT.onnx|OUT.py [--training]
       backprop-lab compare A.npz B.npz ... --plot OUT.png [--csv OUT.csv]
       backprop-lab record RUN.npz OUT.gif|OUT.mp4 [--views loss,heatmaps,output] [--fps 20] [--seconds 10]

Build a small fully-connected network, train it with backprop in NumPy and watch it learn.

commands:
  train          train headless and print a summary, or one JSON object with --json
                 (exit 0 done, 1 diverged, 2 bad input)
  gradcheck      check backprop against central differences (exit 1 if an error exceeds 1e-6)
  inspect        a saved run's state at one step: epoch, loss, the norms of every W and dW
  export         a saved run's network as an ONNX graph (.onnx) or a NumPy script (.py; with
                 --training, one that retrains it from the seed, bit for bit)
  compare        overlay the loss curves of saved runs, each labelled by what differs from the first
  record         a saved run as an animated GIF or MP4 of its views over its timeline (--size 1280x720)
  (none)         open the window

window options:
  FILE.npz       open a run saved with --save or from the window
  --preset NAME  start from a preset (default: the file or preset open when the window was last
                 closed; at first, tutorial):
{presets}
  --train        start training at once
  --screenshot FILE
                 save a screenshot (.png, .jpg or .bmp) of the window, then quit
                 (after 3 seconds unless --quit-after says otherwise)
  --quit-after SECONDS
                 close the window after SECONDS (default: stay open)
  --presenter    start in presenter mode (larger fonts, thicker lines, fewer controls)
  --show-view NAME
                 bring a view to the front: output, graph, health or inspector (for screenshots)
  --select-weight L,I,J
                 select the weight wL[I, J] in the network graph, the heatmaps and the inspector
                 (for screenshots; e.g. 2,0,1)
  -h, --help     show this help and exit

Set BACKPROP_LAB_DEBUG=1 to see the traceback of an internal error, and
BACKPROP_LAB_SETTINGS=FILE.ini to keep the window's settings (layout, recent files...) in that file.
"""


def print_help(stream=None) -> None:
    try:
        import resources
        presets = ", ".join(resources.preset_names())
    except Exception:  # the help must print even from a damaged install
        presets = "see the resources/presets folder"
    presets = textwrap.fill(presets, 100, initial_indent=" " * 17, subsequent_indent=" " * 17)
    print(HELP.format(presets=presets), end="", file=stream or sys.stdout)


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in ("train", "gradcheck"):
        from app.cli import run
        return run(argv[0], argv[1:])
    if argv and argv[0] == "inspect":
        from app.cli_inspect import run as inspect
        return inspect(argv[1:])
    if argv and argv[0] == "export":
        from app.cli_export import run
        return run(argv[1:])
    if argv and argv[0] == "compare":
        from app.cli_compare import run
        return run(argv[1:])
    if argv and argv[0] == "record":
        from app.cli_record import run
        return run(argv[1:])
    if "-h" in argv or "--help" in argv:
        print_help()
        return 0
    # One BLAS thread for the window's process: the trainer's small products gain little from a second
    # thread, which spins on the other core against the GUI thread (bench/README.md, "The window").
    # Set before NumPy is first imported (app.gui imports it); an explicit setting wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        from app.gui import run_gui
    except ModuleNotFoundError as e:
        if e.name in ("app.gui", "app"):  # a checkout without the window: the help says what there is
            print_help()
            return 0
        raise
    try:
        return run_gui(argv)
    except ModuleNotFoundError as e:
        missing = (e.name or "").split(".")[0]
        if missing not in ("PySide6", "pyqtgraph", "shiboken6"):
            raise
        print(f"backprop-lab: the window needs {missing}, which is not installed "
              f"(`backprop-lab train` works without it)", file=sys.stderr)
        return 1


SIGPIPE_STATUS = 128 + 13  # what a shell reports for a tool that SIGPIPE ended, as `yes | head -1` does


def broken_pipe() -> int:
    """The reader of our output went away (``... --json | head -c 10``, ``| true``): end quietly, as Unix
    tools do. stdout is pointed at /dev/null first, so the interpreter's own flush at exit cannot raise
    a second BrokenPipeError and print "Exception ignored ..." on stderr."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file: nothing will flush into it
        pass
    return SIGPIPE_STATUS


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        status = _dispatch(argv)
        sys.stdout.flush()  # a reader that went away is found here, not in the interpreter's exit
        return status
    except SystemExit as e:  # argparse's --help exits 0
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BrokenPipeError:
        return broken_pipe()
    except KeyboardInterrupt:
        print("backprop-lab: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if os.environ.get("BACKPROP_LAB_DEBUG"):
            raise
        message = " ".join(f"{type(e).__name__}: {e}".split())
        print(f"backprop-lab: internal error: {message} (set BACKPROP_LAB_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
