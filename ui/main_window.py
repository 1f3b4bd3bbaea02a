"""The main window: settings on the left, the loss curve and every W / dW heatmap in the middle, the
transport in the toolbar and what the app is doing in the status bar.

It is a view of the run model (``app.run_model``): it emits what the user asked for (``train_requested``,
``config_edited(dict)`` ...) and its slots draw what the model says (``new_network(config)``,
``show_snapshot(snapshot)`` for the records and counters, ``show_frame(frame)`` for the heatmaps of the moment
shown); ``app.gui.assemble`` connects them. Drawing is paced by time and cost (``ui.frame_clock``: at most FRAME_FPS frames a second,
fewer when frames are expensive; each frame draws only what changed and is visible): the window shares the
GIL with the trainer, and every millisecond spent here is one the trainer loses.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter, QVBoxLayout, QWidget

from ui import theme
from ui.config_panel import ConfigPanel
from ui.copy_numpy import CopyAsNumpy
from ui.data_docks import DataDocks
from ui.dock_titles import DockTitles
from ui.fields import FocusReturn
from ui.file_menu import FileMenu
from ui.frame_clock import FrameClock
from ui.heatmaps import HeatmapGrid
from ui.help_menu import install_help_menu
from ui.loss_plot import LossPlot
from ui.pace import PaceControl
from ui.presenter import Presenter
from ui.status_bar import MessageBanner, TrainingStatusBar
from ui.timeline import Timeline
from ui.transport import SteadyWidth, Transport
from ui.view_throttle import on_screen
from ui.window_messages import WindowMessages

FRAME_FPS = 20  # at most; each plot takes every other frame, and ui.frame_clock slows them to what they cost
DRAW_CPU_BUDGET = 0.12  # of the GUI thread's time: the trainer keeps the GIL for the rest (bench/gui_bench.py)
# Bump when the set of docks changes: a layout saved without a dock would be applied with the new dock
# stacked wherever Qt puts it; a layout of another version is ignored instead (the defaults apply).
REPLAY_BUDGETS_MB = (64, 256, 1024, 4096)
LAYOUT_VERSION = 3  # 1: the see-inside views (app/views.py); 2: One step, tabbed with Jumping Back; 3: a narrower
# settings column (a layout saved before keeps the old ~385 px one, which squeezed the plots at 1024 px)


class MainWindow(WindowMessages, QMainWindow):
    """Signals: ``train_requested``, ``pause_requested``, ``step_requested``, ``reset_requested``,
    ``config_edited(dict)`` (TrainConfig fields), ``preset_chosen(str)``, ``about_to_close`` (emitted first in closeEvent; stop the training there).

    ``ask_apply(text) -> bool`` asks whether a change that rebuilds the network may interrupt training;
    replace it (e.g. ``window.ask_apply = lambda text: True``) to answer without a dialog.
    """

    train_requested = Signal()
    pause_requested = Signal()
    step_requested = Signal()
    reset_requested = Signal()
    take_apart_requested = Signal()
    phase_back_requested = Signal()
    undo_requested = Signal()
    replay_budget_chosen = Signal(int)  # megabytes
    more_epochs_requested = Signal(int)
    recover_requested = Signal()
    config_edited = Signal(dict)
    preset_chosen = Signal(str)
    about_to_close = Signal()
    views_rebuilt = Signal()  # the loss plot and heatmaps were cleared for a new network (outlines too)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Backprop Lab")
        theme.apply_tooltip_style()  # one tooltip style for the whole application
        # An explicit minimum: otherwise every label whose text changes width moves the layout's minimum,
        # and each change is a round trip to the window system (a warning on the offscreen platform).
        self.setMinimumSize(800, 560)
        self.ask_apply: Callable[[str], bool] = self._ask_apply_dialog
        self.settings: QSettings | None = None  # where closeEvent saves geometry and dock state
        self.layout_restored = False  # restore_settings found a dock layout of this LAYOUT_VERSION
        self._config = None
        self._views: list[tuple[QDockWidget, QWidget]] = []
        self.data_docks = DataDocks()  # docks only some data needs: the data, not a restored layout, shows them
        self.dock_titles = DockTitles(self)  # short tab titles where the full ones do not fit
        # (first epoch, train loss, test loss, train accuracy, test accuracy) of each snapshot not drawn yet
        self._pending_losses: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._accuracy: tuple[float | None, float | None] = (None, None)  # the newest train, test accuracy
        self._latest = None  # the newest snapshot: its counters
        self._steps_per_epoch = 1
        self._heatmaps_first = False  # the next frame draws the heatmaps before the losses
        self._frame_shown = None  # the frame of the moment shown, its heatmaps drawn by the next frame
        self._heatmaps_stale = False  # _frame_shown has matrices not yet drawn
        self._losses_last = False  # which plot the last frame drew
        self._last_loss: float | None = None

        self.transport = Transport(self)
        self.config_panel = ConfigPanel()
        self.loss_plot = LossPlot()
        self.timeline = Timeline()
        self.pace = PaceControl(self)
        self.heatmaps = HeatmapGrid()
        self.banner = MessageBanner()
        self.status = TrainingStatusBar()
        self.setStatusBar(self.status)
        self._build_central()
        self._build_docks()
        self._build_toolbar_and_menus()

        for signal, target in ((self.transport.train_requested, self.train_requested),
                               (self.transport.pause_requested, self.pause_requested),
                               (self.transport.step_requested, self.step_requested),
                               (self.transport.reset_requested, self.reset_requested),
                               (self.config_panel.edited, self.config_edited),
                               (self.config_panel.preset_chosen, self.preset_chosen)):
            signal.connect(target)
        self.heatmaps.cell_clicked.connect(self.heatmaps.highlight)  # a clicked weight stays outlined in W and dW
        self.frame_clock = FrameClock(self._draw_frame, max_fps=FRAME_FPS, cpu_budget=DRAW_CPU_BUDGET, parent=self)
        self._views_stale = False
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.timeout.connect(self._rebuild_views)

    # -- layout ---------------------------------------------------------------------------------------
    def _build_central(self) -> None:
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(4, 4, 4, 0)
        column.addWidget(self.banner)
        column.addWidget(self.loss_plot, 1)
        column.addWidget(self.timeline)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("centralSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.heatmaps)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([400, 600])  # the grid needs the room: one row per layer
        self.setCentralWidget(self.splitter)
        # The plots, not a text field, start with the focus: Space then trains at once.
        self.splitter.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.splitter.setFocus()
        FocusReturn(self, self.splitter)  # and get it back after Enter in a field, or a click on no widget

    def _build_docks(self) -> None:
        self.settings_dock = QDockWidget("Settings")
        self.settings_dock.setObjectName("settingsDock")
        self.settings_dock.setWidget(self.config_panel)
        self.settings_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.settings_dock)

    def _build_toolbar_and_menus(self) -> None:
        toolbar = self.addToolBar("Training")
        toolbar.setObjectName("trainingToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for action in self.transport.actions():
            toolbar.addAction(action)
        self._steady_train = SteadyWidth(toolbar.widgetForAction(self.transport.train_pause))  # Train / Pause
        self.take_apart = QAction("One step, &phase by phase", self)
        self.take_apart.setShortcut("F9")
        self.take_apart.setToolTip("Take the next training step apart: forward layer by layer, the loss, backward "
                                   "layer by layer, the update (F9)")
        self.take_apart.triggered.connect(self.take_apart_requested)
        self.phase_back = QAction("Phase &back", self)
        self.phase_back.setShortcut("Shift+F9")
        self.phase_back.setToolTip("Back one phase of the step taken apart (Shift+F9)")
        self.phase_back.triggered.connect(self.phase_back_requested)
        toolbar.insertAction(self.transport.reset, self.take_apart)
        toolbar.addSeparator()
        toolbar.addWidget(self.pace.combo)

        self.file_menu = FileMenu(self)  # its commands are the session's (app.session)
        menu = self.menuBar().addMenu("&Train")
        for action in self.transport.actions():
            menu.addAction(action)
        menu.insertAction(self.transport.reset, self.take_apart)
        menu.insertAction(self.transport.reset, self.phase_back)
        menu.addMenu(self.pace.menu)
        self.replay_menu = menu.addMenu("Replay &memory")
        self.replay_menu.setToolTipsVisible(True)
        group = QActionGroup(self)
        self.replay_actions = {}
        for mb in REPLAY_BUDGETS_MB:
            action = QAction(f"{mb:,} MB" if mb < 1024 else f"{mb // 1024} GB", self, checkable=True)
            action.setToolTip("Memory for looking back at any step of a run: more keeps scrubbing a long run fast")
            action.setData(mb)
            group.addAction(action)
            self.replay_menu.addAction(action)
            self.replay_actions[mb] = action
        self.replay_actions[256].setChecked(True)
        # a bound method, not a lambda holding the window: a connection of its own child would keep it alive
        group.triggered.connect(self._on_replay_action)
        menu.addSeparator()
        self.timeline_actions = self.timeline.key_actions(self)
        for action in self.timeline_actions:
            menu.addAction(action)
        self.copy_numpy = CopyAsNumpy(self, self.heatmaps, before=menu.menuAction())  # the Edit menu
        self.undo = QAction("&Undo", self)
        self.undo.setShortcut("Ctrl+Z")
        self.undo.setEnabled(False)
        self.undo.setToolTip("Bring back the network and history that the last change of the network replaced")
        self.undo.triggered.connect(self.undo_requested)
        edit = self.copy_numpy.menu
        edit.insertAction(edit.actions()[0] if edit.actions() else None, self.undo)
        edit.insertSeparator(edit.actions()[1] if len(edit.actions()) > 1 else None)
        self.view_menu = self.menuBar().addMenu("&View")
        self.view_menu.addAction(self.settings_dock.toggleViewAction())
        log = QAction("&Log scale", self, checkable=True, checked=True)
        log.toggled.connect(self.loss_plot.set_log_scale)
        self.loss_plot.log_checkbox.toggled.connect(log.setChecked)
        self.view_menu.addAction(log)
        self.presenter = Presenter(self)  # View > Presenter mode, Lesson controls
        install_help_menu(self)

    def fit_settings_dock(self) -> None:
        """The settings column as narrow as its rows allow: the plots in the middle take the rest (on a
        1024 px screen the dock's own preferred width left them ~260 px)."""
        self.resizeDocks([self.settings_dock], [self.config_panel.minimumWidth()], Qt.Orientation.Horizontal)

    def add_view(self, title: str, widget: QWidget) -> QDockWidget:
        """Put ``widget`` in a dock on the right, tabified with the other views (which listen to the run model
        themselves)."""
        dock = QDockWidget(title, self)
        dock.setObjectName("view-" + "".join(c if c.isalnum() else "-" for c in title.lower()))
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if self._views:
            self.tabifyDockWidget(self._views[0][0], dock)
        self._views.append((dock, widget))
        self.view_menu.addAction(dock.toggleViewAction())
        self.dock_titles.add(dock)
        return dock

    def views(self) -> list[QWidget]:
        return [w for _, w in self._views]

    # -- model -> view --------------------------------------------------------------------------------
    def set_presets(self, entries) -> None:
        """(name, title, description) in picker order."""
        self.config_panel.set_presets(entries)

    def select_preset(self, name: str | None, based_on: str | None = None) -> None:
        self.config_panel.select_preset(name, based_on)

    def set_document(self, name: str | None) -> None:
        """What is open (a preset's title, a run file's name), shown in the title bar."""
        self.setWindowTitle(f"{name} \u2014 Backprop Lab" if name else "Backprop Lab")

    def config(self):
        return self._config

    def new_network(self, config) -> None:
        """A new network (build, reset, preset, opened run): the views start over.

        The plots are rebuilt on the next turn of the event loop, not here: a burst of resets (Ctrl+R held
        down) then costs one rebuild, and a rebuild always happens before the new network's first drawing."""
        self._config = config
        self._pending_losses.clear()
        self._latest, self._frame_shown, self._last_loss = None, None, None
        self._accuracy = (None, None)
        self.status.show_counters(0, None, 0.0, 0.0)  # the new network's, until its first snapshot
        self._heatmaps_stale = False
        self._views_stale = True
        self._rebuild_timer.start(0)
        self.set_config(config)
        self.timeline.set_run(0, 1, config.epochs)
        self.timeline.set_moment(None)
        self.status.set_replay(None)
        if self.status.status() == "diverged":
            self.banner.dismiss()
        self.status.set_state("ready")  # until the new network's first snapshot says more

    def _rebuild_views(self) -> None:
        if self._views_stale:
            self._views_stale = False
            self.loss_plot.reset()
            self.heatmaps.set_network(self._config.layers)
            self.views_rebuilt.emit()

    def set_config(self, config) -> None:
        """The settings in force (after a live change, or to undo a refused edit in the fields)."""
        self._config = config
        self.config_panel.set_config(config)
        self.status.set_epoch_limit(config.epochs)

    def set_running(self, running: bool) -> None:
        self.transport.set_running(running)

    def set_steps_per_epoch(self, steps: int) -> None:
        self._steps_per_epoch = max(int(steps), 1)

    def show_snapshot(self, snapshot) -> None:
        """Take in one live ``engine.snapshot.Snapshot``: its records and counters; cheap bookkeeping now,
        drawing in the next frame."""
        if len(snapshot.new_train_losses):
            self._pending_losses.append((snapshot.first_epoch, snapshot.new_train_losses, snapshot.new_test_losses,
                                         snapshot.new_train_accuracy, snapshot.new_test_accuracy))
            self._last_loss = float(snapshot.new_train_losses[-1])
            if len(snapshot.new_train_accuracy):
                test = snapshot.new_test_accuracy
                self._accuracy = (float(snapshot.new_train_accuracy[-1]), float(test[-1]) if len(test) else None)
        self._latest = snapshot
        self.frame_clock.request()
        self._show_state(snapshot)

    def show_frame(self, frame) -> None:
        """The moment every view shows (``engine.frame.Frame``): its W, dW, b, db in the heatmaps."""
        self._frame_shown = frame
        self._heatmaps_stale = bool(frame.weights)
        # a moment the user chose (the timeline, a phase) is drawn at once, before any pending losses
        self._heatmaps_first = not frame.live
        self.frame_clock.request(urgent=not frame.live)

    def show_moment(self, step) -> None:
        """The moment chosen on the timeline (None: live): the slider, the loss plot's marker, the status line."""
        self.timeline.set_moment(step)
        clock = getattr(self, "epoch_clock", None)  # the run's (data changes alter the epochs' length)
        self.loss_plot.set_marker(None if step is None else clock.epoch_of(step) if clock else step / self._steps_per_epoch)
        self.status.set_replay(None if step is None else self.timeline.describe(step))

    def _show_state(self, snapshot) -> None:
        previous = self.status.status()
        self.status.set_state(snapshot.status)
        if snapshot.status == previous:
            return
        self._draw_counters()  # a state change shows its epoch at once (e.g. after Pause or Step)
        if snapshot.status == "diverged":
            text = snapshot.message or "Training diverged: lower the learning rate and continue, or reset."
            self.banner.show_message(
                f"{text} (The learning rate is {snapshot.learning_rate:g}.)", "error",
                [("Lower learning rate \u00f710 and continue", self.recover_requested.emit),
                 ("Reset weights", self.reset_requested.emit)])
        elif previous == "diverged":
            self.banner.dismiss()

    def _on_replay_action(self, action) -> None:
        self.replay_budget_chosen.emit(int(action.data()))

    def set_replay_budget(self, megabytes: int) -> None:
        action = self.replay_actions.get(int(megabytes))
        if action is not None:
            action.setChecked(True)

    def _draw_frame(self) -> bool:
        """One frame: the counters, and one of the two plots, taking turns when both have something new (each
        repaint is then one plot's: a shorter stall for the event loop). True if something is left for a later
        frame: the other plot, or a hidden plot that should catch up once shown."""
        self._rebuild_views()
        self._draw_counters()
        losses = bool(self._pending_losses) and on_screen(self.loss_plot)
        heatmaps = self._heatmaps_stale and on_screen(self.heatmaps)
        if heatmaps and self._heatmaps_first:
            self._losses_last = True  # (so the branch below draws the heatmaps now)
        if losses and (not heatmaps or not self._losses_last):
            self._draw_losses()
            self._losses_last = True
        elif heatmaps:
            self._heatmaps_stale = self._heatmaps_first = False
            f = self._frame_shown
            self.heatmaps.update_matrices(f.weights, f.biases, f.grad_w, f.grad_b,
                                          settle=not f.live or f.status != "running")
            self._losses_last = False
        return bool(self._pending_losses) or self._heatmaps_stale

    def _draw_losses(self) -> None:
        chunks, self._pending_losses = self._pending_losses, []
        first = chunks[0][0]
        series = []
        for k in range(1, 5):  # a series missing from some chunk (no test set, a regression) is left out
            parts = [c[k] for c in chunks if len(c[k])]
            series.append(np.concatenate(parts) if parts and len(parts) == len(chunks) else np.empty(0))
        self.loss_plot.append(first, *series)

    def _draw_counters(self) -> None:
        snap = self._latest
        if snap is not None:
            self.status.show_counters(snap.epoch, self._last_loss, snap.steps_per_second, snap.elapsed,
                                      *self._accuracy)
            self.timeline.set_run(snap.steps, self._steps_per_epoch, self._config.epochs if self._config else None)

    # -- settings and closing -------------------------------------------------------------------------
    def restore_settings(self, settings: QSettings) -> bool:
        """Geometry and dock layout from an earlier session; True if there was a geometry to restore."""
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        self.layout_restored = isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)
        self.data_docks.reapply()  # the last session's layout does not decide what this session's data needs
        return isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        settings.sync()

    def closeEvent(self, event) -> None:
        self.about_to_close.emit()  # the owner stops the training thread here, before anything is saved
        if self.settings is not None:
            self.save_settings(self.settings)
        self.frame_clock.cancel()
        event.accept()
