"""``backprop-lab [FILE.npz] [--preset NAME] [--train] [--screenshot FILE.png] [--quit-after SECONDS]``:
open the window.

Arguments are checked before Qt is even imported: a bad one prints one line and exits with status 2.
``assemble`` builds a window's run model, controller, views and session and is the one place their signals
are connected (the tests build their windows with it too).
Runs that save a screenshot or quit by themselves neither read nor write the user's settings (window layout,
last session, recent files, presenter mode: app/settings.py) and close without asking about unsaved changes.
``--presenter`` starts in presenter mode.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import resources
from app import preflight, view_options
from app.cli_options import CliError, Parser
from app.lab_wiring import (wire_compare, wire_data_changes, wire_issue11, wire_landscape, wire_record,
                             wire_weight_views)
from engine.atomic import atomic_write
from engine.safe_io import PathError, save_target

ORGANIZATION = APPLICATION = "Backprop Lab"
DEFAULT_SHOT_DELAY = 3.0  # seconds before --screenshot without --quit-after
DEFAULT_SIZE = (1280, 800)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = Parser(prog="backprop-lab", add_help=False)
    parser.add_argument("file", nargs="?")
    parser.add_argument("--preset")
    parser.add_argument("--train", action="store_true")
    parser.add_argument("--screenshot")
    parser.add_argument("--quit-after", type=float)
    parser.add_argument("--report-startup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--presenter", action="store_true")
    view_options.add_arguments(parser)
    args = parser.parse_args(argv)
    names = resources.preset_names()
    if args.preset is not None and args.preset not in names:
        raise CliError(f"--preset {args.preset!r} is not allowed; expected one of {', '.join(names)}")
    if args.file is not None and args.preset is not None:
        raise CliError(f"give a run file or --preset, not both (got {args.file!r} and --preset {args.preset})")
    if args.file is not None and not Path(args.file).is_file():
        raise CliError(f"{args.file!r}: no such file (expected a run saved from the window or with --save)")
    if args.quit_after is not None and not args.quit_after > 0:
        raise CliError(f"--quit-after {args.quit_after!r} is not allowed; expected a number of seconds > 0")
    if args.screenshot is not None:
        shot = Path(args.screenshot)
        if shot.suffix.lower() not in (".png", ".jpg", ".jpeg", ".bmp"):
            raise CliError(f"--screenshot {args.screenshot!r} is not allowed; expected a .png, .jpg or .bmp file")
        try:  # the check every save makes: a regular file (or a link to one) in a folder we may write into
            save_target(shot, "image file")
        except PathError as e:
            raise CliError(f"--screenshot {args.screenshot!r}: {e}") from None
        if args.quit_after is None:
            args.quit_after = DEFAULT_SHOT_DELAY
    # against the preset's network; the network of a file or of the last session is known only once open
    view_options.check_arguments(args, resources.load_preset(args.preset)["config"]["layers"] if args.preset else None)
    return args


@dataclass
class Assembly:
    window: object
    model: object
    controller: object
    views: object = None
    session: object = None
    compare: object = None  # app.compare_wiring.CompareWiring
    landscape: object = None  # app.landscape_wiring.LandscapeWiring
    record: object = None  # app.record_wiring.RecordWiring
    data_wiring: object = None  # app.data_wiring.DataWiring


def assemble(window, settings=None, confirm_close: bool = True, views: bool = True, session: bool = True) -> Assembly:
    """Model, controller, views and (with ``session``) the File menu's session for ``window``, connected."""
    from app.controller import Controller
    from app.run_model import RunModel
    from app.session import Session
    from app.views import Views

    model = RunModel(window)
    controller = Controller(window, model)
    parts = Assembly(window, model, controller)
    w, m, c = window, model, controller
    # the user asks -> the controller
    w.train_requested.connect(c.train)
    w.pause_requested.connect(c.pause)
    w.step_requested.connect(c.step)
    w.reset_requested.connect(c.reset)
    w.take_apart_requested.connect(c.take_apart)
    w.undo_requested.connect(c.undo)
    w.replay_budget_chosen.connect(c.set_replay_budget)
    w.phase_back_requested.connect(c.back_phase)
    w.more_epochs_requested.connect(c.more_epochs)
    w.recover_requested.connect(c.recover)
    w.config_edited.connect(c.apply)
    w.about_to_close.connect(c.shutdown)
    w.timeline.moment_chosen.connect(c.show_moment)
    w.timeline.moved.connect(c.step_moment)
    w.loss_plot.epoch_clicked.connect(c.show_epoch)
    w.pace.pace_chosen.connect(c.set_pace)
    w.frame_clock.interval_changed.connect(c.set_frame_interval)  # one clock: snapshots come as frames are drawn
    w.heatmaps.cell_clicked.connect(c.select_weight)
    w.heatmaps.bias_clicked.connect(c.select_bias)
    # bound methods only, here and below: a lambda holding the controller or the model would hold the window
    # through a connection of its own child, a cycle through C++ that is never freed
    # the model -> the window
    m.network_changed.connect(w.new_network)
    m.config_changed.connect(w.set_config)
    m.running_changed.connect(w.set_running)
    m.preset_changed.connect(w.select_preset)
    m.steps_per_epoch_changed.connect(w.set_steps_per_epoch)
    m.snapshot_changed.connect(w.show_snapshot)
    m.frame_changed.connect(w.show_frame)
    m.moment_changed.connect(w.show_moment)
    m.pace_changed.connect(w.pace.set_pace)
    w.set_presets([(n, p["title"], p.get("description", "")) for n, p in
                   ((n, resources.load_preset(n)) for n in resources.preset_names())])
    if views:
        v = parts.views = Views(window, model)
        window.see_inside = v  # referenced by the window: lives as long as it
        m.network_changed.connect(v.on_network)
        m.frame_changed.connect(v.on_frame)
        m.health_changed.connect(v.on_health)
        m.selection_changed.connect(v.on_selection)
        w.views_rebuilt.connect(v.outline_in_heatmaps)
        v.graph.weight_selected.connect(c.select_weight)
        v.graph.bias_selected.connect(c.select_bias)
        v.inspector.parameter_chosen.connect(c.select)
        v.inspector.layer_crossed.connect(v.graph.highlight_layer)
        v.inspector.requested.connect(c.inspect)
        m.inspection_changed.connect(v.on_inspection)
        m.phases_changed.connect(v.on_phases)
        m.phase_changed.connect(v.on_phase)
        v.step.next_requested.connect(c.next_phase)
        v.step.back_requested.connect(c.back_phase)
        v.step.done_requested.connect(c.leave_phases)
        v.on_selection(m.selection)
    if session:
        s = parts.session = Session(window, controller, settings, confirm_close)
        menu = window.file_menu
        menu.new_requested.connect(s.new)
        menu.open_requested.connect(s.open)
        menu.recent_chosen.connect(s.open_recent)
        menu.clear_recent_requested.connect(s.clear_recent)  # bound methods only: a lambda holding the session
        # would hold the window: a cycle through C++ that never gets freed
        menu.save_requested.connect(s.save)
        menu.save_as_requested.connect(s.save_as)
        menu.import_csv_requested.connect(s.import_csv)
        menu.export_requested.connect(s.export)
        w.preset_chosen.connect(s.choose_preset)  # it asks about unsaved changes first
        c.snapshot_shown.connect(s.refresh)
        c.network_built.connect(s.refresh)
        w.config_edited.connect(s.refresh)  # after the controller applied (or refused) the edit
        c.saved.connect(s.on_saved)
        w.pace.pace_chosen.connect(s.remember_pace)
        w.replay_budget_chosen.connect(s.remember_replay_budget)
        presenter = getattr(window, "presenter", None)
        if presenter is not None:
            presenter.toggled.connect(s.remember_presenter)
            presenter.sections_changed.connect(s.remember_lesson_sections)
    else:
        w.preset_chosen.connect(c.load_preset)
    wire_issue11(parts)
    parts.data_wiring = wire_data_changes(parts)
    wire_weight_views(parts)
    if views:
        parts.compare = wire_compare(parts)
        parts.landscape = wire_landscape(parts)
        parts.record = wire_record(parts)
    return parts


def run_gui(argv) -> int:
    """Open the main window; returns the exit status (2 for bad arguments)."""
    argv = list(argv)
    if argv and sys.argv and argv[0] == sys.argv[0]:  # accept sys.argv as well as sys.argv[1:]
        argv = argv[1:]
    try:
        args = parse_args(argv)
        trainer = _load(args.file) if args.file else None
    except CliError as err:
        print(f"backprop-lab: {err}", file=sys.stderr)
        return 2

    if (status := preflight.check()) is not None:  # Qt's platform plugin cannot load: say why, not abort
        return status
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.settings import open_settings
    from ui.help_dialog import app_icon
    from app.views import apply_arguments
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "backprop-lab"])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(app_icon())
    QGuiApplication.setDesktopFileName("backprop-lab")  # the desktop entry: its icon and name in the dock
    window = MainWindow()
    interactive = args.quit_after is None and not args.report_startup
    window.settings = open_settings() if interactive else None  # app/settings.py: every key
    parts = assemble(window, window.settings, confirm_close=interactive)
    controller, views, session = parts.controller, parts.views, parts.session
    # the file given, else the preset given, else the last session's file, else the last preset
    session.start(path=args.file, trainer=trainer, preset=args.preset)
    if args.presenter:
        window.presenter.set_enabled(True)
    restored = False
    if interactive:
        restored = window.restore_settings(window.settings)
    if args.report_startup:
        _report_first_paint(window)
    if restored or not _size(window, app):
        window.show()
    else:
        window.showMaximized()  # a screen no larger than the default size: use all of it
    if not window.layout_restored:
        views.size_docks()  # the views' default column, now that the window has its size
    apply_arguments(views, args)
    if args.train:
        controller.train()
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), lambda: _finish(window, args.screenshot))
    _close_on_signals(window)
    status = app.exec()
    controller.shutdown()
    return status if not getattr(window, "shot_failed", False) else 1


def _load(path: str):
    try:
        from engine.savefile import load_run
    except ImportError:
        raise CliError(f"{path!r}: opening a saved run needs engine.savefile, which is not installed") from None
    from engine.validation import ConfigError
    try:
        return load_run(path)
    except (ConfigError, OSError) as err:
        raise CliError(" ".join(str(err).split())) from None


def _size(window, app) -> bool:
    """Give a first-time window the default size, centred; True if the screen is too small for it."""
    screen = app.primaryScreen()
    w, h = DEFAULT_SIZE
    if screen is None:
        window.resize(w, h)
        return False
    area = screen.availableGeometry()
    window.resize(min(w, area.width()), min(h, area.height()))
    window.move(area.x() + max(area.width() - w, 0) // 2, area.y() + max(area.height() - h, 0) // 2)
    return area.width() <= w + 80 or area.height() <= h + 80


def _finish(window, screenshot: str | None) -> None:
    if screenshot:
        try:
            save_screenshot(window, screenshot)
            print(f"backprop-lab: saved a screenshot to {screenshot}", file=sys.stderr)
        except OSError as e:
            print(f"backprop-lab: could not save a screenshot to {screenshot} ({e})", file=sys.stderr)
            window.shot_failed = True
    window.close()


def save_screenshot(window, path: str) -> None:
    """The window as an image in ``path`` (format from its suffix), written like every other file
    (engine.atomic: a regular file or a link's target replaced whole, never a FIFO or a device)."""
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    fmt = {".jpg": "JPG", ".jpeg": "JPG", ".bmp": "BMP"}.get(Path(path).suffix.lower(), "PNG")
    if not window.grab().save(buffer, fmt):
        raise OSError(f"the window could not be encoded as {fmt}")
    atomic_write(path, bytes(buffer.data()))


def _report_first_paint(window) -> None:
    """Print 'painted <ms since this module was imported>' after the first paint, then quit (for the bench)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not self.property("done"):
                self.setProperty("done", True)
                QTimer.singleShot(0, report)
            return False

    def report():
        print(f"painted {1000 * (time.perf_counter() - _IMPORTED):.0f}", flush=True)
        window.close()

    window._first_paint = FirstPaint(window)
    window.installEventFilter(window._first_paint)


def _close_on_signals(window) -> None:
    """Ctrl+C and SIGTERM close the window the normal way (training stopped, layout saved)."""
    from PySide6.QtCore import QTimer

    def close(*_):
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGINT, close)
    signal.signal(signal.SIGTERM, close)
    # Python runs signal handlers only between bytecodes; a slow no-op timer lets it in while Qt waits.
    window._signal_timer = QTimer(window)
    window._signal_timer.timeout.connect(lambda: None)
    window._signal_timer.start(250)


_IMPORTED = time.perf_counter()
