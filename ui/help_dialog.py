"""Help > Guide, Help > Jumping Back rules and Help > About: non-modal windows that render Markdown.

The texts live in ``resources/help/*.md`` so they can be read (and reviewed) without the app. The guide
ends with a table of the shortcuts the calling window really has, read from its QActions, so it cannot
drift from the menus.
"""
from __future__ import annotations

import importlib.metadata
import platform

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6 import QtCore, QtGui, QtWidgets

import resources

DISTRIBUTION = "backprop-lab"
TUTORIAL = "Backpropagation — Made super easy for you, Part 1 (neuralthreads)"


def app_icon() -> QtGui.QIcon:
    """The application icon (scalable SVG, with the 256 px PNG for platforms that want a bitmap)."""
    icon = QtGui.QIcon(str(resources.path("icons", "app.svg")))
    icon.addFile(str(resources.path("icons", "app.png")), QtCore.QSize(256, 256))
    return icon


def read_help(name: str) -> str:
    """The Markdown text of ``resources/help/<name>.md``."""
    return resources.path("help", f"{name}.md").read_text(encoding="utf-8")


def shortcut_table(widget: QtWidgets.QWidget | None) -> str:
    """A Markdown table of every QAction under ``widget`` that has a shortcut, in menu order, or ""."""
    if widget is None:
        return ""
    rows, seen = [], set()
    for action in widget.findChildren(QtGui.QAction):
        keys = ", ".join(k.toString(QtGui.QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")
        if keys and name and (name, keys) not in seen:
            seen.add((name, keys))
            rows.append(f"| {name} | {keys} |")
    if not rows:
        return ""
    return "\n\n## Keyboard shortcuts of this window\n\n| Action | Shortcut |\n|---|---|\n" + "\n".join(rows) + "\n"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def about_markdown() -> str:
    """Name, version, licence and the versions of everything the numbers depend on."""
    try:
        meta = importlib.metadata.metadata(DISTRIBUTION)
        licence = meta.get("License-Expression") or meta.get("License") or "see the project files"
        summary = meta.get("Summary") or ""
    except importlib.metadata.PackageNotFoundError:
        licence, summary = "MIT", ""
    return (f"# Backprop Lab\n\nVersion {_version(DISTRIBUTION)}\n\n{summary}\n\n"
            f"Licence: {licence}\n\n"
            "## Built with\n\n| Component | Version |\n|---|---|\n"
            f"| Python | {platform.python_version()} |\n"
            f"| Qt | {QtCore.qVersion()} |\n"
            f"| PySide6 | {PySide6.__version__} |\n"
            f"| NumPy | {np.__version__} |\n"
            f"| pyqtgraph | {pg.__version__} |\n\n"
            f"The *Jumping Back* game is retold from the tutorial \"{TUTORIAL}\".\n")


class HelpDialog(QtWidgets.QDialog):
    """A non-modal window with one QTextBrowser (``browser``) showing ``markdown``."""

    def __init__(self, title: str, markdown: str, parent=None, icon: QtGui.QIcon | None = None,
                 size: tuple[int, int] = (720, 640)):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.setWindowIcon(app_icon())
        self.browser = QtWidgets.QTextBrowser()
        # Links are routed by hand: the help pages open as their own windows, web links in the browser.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        self.browser.setMarkdown(markdown)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QtWidgets.QVBoxLayout(self)
        if icon is not None:
            picture = QtWidgets.QLabel()
            picture.setPixmap(icon.pixmap(96, 96))
            picture.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(picture)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(*size)

    def _follow(self, url: QtCore.QUrl) -> None:
        page = url.path().rsplit("/", 1)[-1]
        owner = self.parentWidget()
        if page == "jumping_back.md":
            show_jumping_back(owner)
        elif page == "guide.md":
            show_guide(owner)
        elif url.scheme() in ("http", "https", "mailto"):
            QtGui.QDesktopServices.openUrl(url)
        elif url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())


def _show(key: str, parent, make) -> HelpDialog:
    """One dialog per kind per parent: asking again raises the open one instead of stacking copies.
    With no parent, the caller must keep the returned dialog alive."""
    name = f"help-{key}"
    dialog = None
    if parent is not None:
        dialog = parent.findChild(HelpDialog, name, QtCore.Qt.FindChildOption.FindDirectChildrenOnly)
    if dialog is None:
        dialog = make()
        dialog.setObjectName(name)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def show_guide(parent=None) -> HelpDialog:
    """Help > Guide: the tour of the app, plus the shortcuts of ``parent``'s actions."""
    return _show("guide", parent, lambda: HelpDialog("Backprop Lab guide",
                                                     read_help("guide") + shortcut_table(parent), parent))


def show_jumping_back(parent=None) -> HelpDialog:
    """Help > Jumping Back rules: the tutorial's game in the app's notation."""
    return _show("jumping_back", parent,
                 lambda: HelpDialog("The Jumping Back rules", read_help("jumping_back"), parent))


def show_about(parent=None) -> HelpDialog:
    """Help > About: version, licence, and the Python / Qt / NumPy versions."""
    return _show("about", parent, lambda: HelpDialog("About Backprop Lab", about_markdown(), parent,
                                                              app_icon(), (480, 520)))
