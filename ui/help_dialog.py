"""Help > Guide, Help > Jumping Back rules and Help > About: non-modal windows that render Markdown.

The guide and the rules are pages of one help window: a link between them opens in place, and Back /
Forward go through the pages seen (the window does not stack a second copy of itself).

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


def page_name(url: QtCore.QUrl) -> str:
    return url.path().rsplit("/", 1)[-1]


class HelpBrowser(QtWidgets.QTextBrowser):
    """A QTextBrowser over named Markdown pages (``pages``: "guide.md" -> text): a link to one of them
    opens it in place, with the browser's own history behind Back and Forward; web links go to the
    system browser."""

    def __init__(self, pages: dict[str, str], parent=None):
        super().__init__(parent)
        self.pages = pages
        self.setOpenExternalLinks(True)

    def loadResource(self, kind, url: QtCore.QUrl):
        page = page_name(url)
        if page in self.pages:
            return self.pages[page]
        return super().loadResource(kind, url)

    def page(self) -> str:
        """The name of the page shown ("guide.md")."""
        return page_name(self.source())


class HelpDialog(QtWidgets.QDialog):
    """A non-modal window with one ``browser`` showing one of ``pages`` ({name: (title, markdown)}) at a
    time, and Back / Forward (Alt+Left / Alt+Right) between the pages visited. The window's title is the
    page's."""

    def __init__(self, pages: dict[str, tuple[str, str]], start: str, parent=None,
                 icon: QtGui.QIcon | None = None, size: tuple[int, int] = (720, 640)):
        super().__init__(parent)
        self.setModal(False)
        self.setWindowIcon(app_icon())
        self.titles = {name: title for name, (title, _) in pages.items()}
        self.browser = HelpBrowser({name: text for name, (_, text) in pages.items()})
        self.browser.sourceChanged.connect(self._page_changed)
        layout = QtWidgets.QVBoxLayout(self)
        if len(pages) > 1:
            layout.addLayout(self._navigation())
        if icon is not None:
            picture = QtWidgets.QLabel()
            picture.setPixmap(icon.pixmap(96, 96))
            picture.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(picture)
        layout.addWidget(self.browser, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(*size)
        self.open_page(start)

    def _navigation(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        style = self.style()
        self.back_button, self.forward_button = QtWidgets.QToolButton(), QtWidgets.QToolButton()
        for button, text, icon, key, go, available in (
                (self.back_button, "Back", QtWidgets.QStyle.StandardPixmap.SP_ArrowBack, "Alt+Left",
                 self.browser.backward, self.browser.backwardAvailable),
                (self.forward_button, "Forward", QtWidgets.QStyle.StandardPixmap.SP_ArrowForward, "Alt+Right",
                 self.browser.forward, self.browser.forwardAvailable)):
            button.setText(text)
            button.setIcon(style.standardIcon(icon))
            button.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setToolTip(f"{text} to the page seen {'before' if text == 'Back' else 'after'} this one ({key})")
            button.setShortcut(QtGui.QKeySequence(key))
            button.setEnabled(False)
            button.clicked.connect(go)
            available.connect(button.setEnabled)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def open_page(self, name: str) -> None:
        """Show page ``name``; the page before it stays one Back away."""
        if self.browser.page() != name:
            self.browser.setSource(QtCore.QUrl(name), QtGui.QTextDocument.ResourceType.MarkdownResource)

    def _page_changed(self, url: QtCore.QUrl) -> None:
        # the signal comes before source() says the new page: read the page from the url it carries
        self.setWindowTitle(self.titles.get(page_name(url), self.windowTitle()))


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


def help_pages(parent) -> dict[str, tuple[str, str]]:
    """The pages of the help window: the guide (with ``parent``'s shortcuts) and the Jumping Back rules."""
    return {"guide.md": ("Backprop Lab guide", read_help("guide") + shortcut_table(parent)),
            "jumping_back.md": ("The Jumping Back rules", read_help("jumping_back"))}


def show_help(page: str, parent=None) -> HelpDialog:
    """The one help window of ``parent``, showing ``page`` ("guide.md", "jumping_back.md")."""
    dialog = _show("pages", parent, lambda: HelpDialog(help_pages(parent), page, parent))
    dialog.open_page(page)
    return dialog


def show_guide(parent=None) -> HelpDialog:
    """Help > Guide: the tour of the app, plus the shortcuts of ``parent``'s actions."""
    return show_help("guide.md", parent)


def show_jumping_back(parent=None) -> HelpDialog:
    """Help > Jumping Back rules: the tutorial's game in the app's notation."""
    return show_help("jumping_back.md", parent)


def show_about(parent=None) -> HelpDialog:
    """Help > About: version, licence, and the Python / Qt / NumPy versions."""
    return _show("about", parent, lambda: HelpDialog({"about.md": ("About Backprop Lab", about_markdown())},
                                                     "about.md", parent, app_icon(), (480, 520)))
