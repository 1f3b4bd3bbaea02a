"""The Help menu: the guide (F1), the tutorial's Jumping Back rules, and About."""
from __future__ import annotations

import weakref

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.help_dialog import show_about, show_guide, show_jumping_back


def install_help_menu(window: QMainWindow) -> QMenu:
    """Add Help as the last menu of ``window`` (or fill the one already there) and return it."""
    menu = next((a.menu() for a in window.menuBar().actions()
                 if a.menu() is not None and a.text().replace("&", "") == "Help"), None)
    if menu is None:
        menu = window.menuBar().addMenu("&Help")
    menu.setToolTipsVisible(True)
    for text, tip, slot, key in (
            ("&Guide", "A short tour of the app, with this window's shortcuts", show_guide, "F1"),
            ("&Jumping Back rules", "The tutorial's rules for the backward pass, in the app's notation",
             show_jumping_back, None),
            ("&About Backprop Lab", "Version, licence and the versions of Python, Qt and NumPy", show_about, None)):
        action = QAction(text, window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.setToolTip(tip)
        # a weak reference: a lambda holding the window, connected to its own action, would keep it alive
        action.triggered.connect(lambda _=False, show=slot, ref=weakref.ref(window): show(ref()))
        menu.addAction(action)
    return menu
