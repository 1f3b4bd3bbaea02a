"""Removing a layer while the window asks whether to apply it: the removed row is gone at once, not left over
"Add hidden layer" behind the question (ui/layer_editor.py)."""
import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget
from session_helpers import isolated, open_lab, step  # noqa: F401  (isolated: fixture)

pytestmark = pytest.mark.usefixtures("isolated")


def test_no_ghost_row_while_the_removal_is_asked_about(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", preset="circles")
    step(qtbot, lab)  # a network already trained: a new layer list asks first
    editor = lab.window.config_panel.layer_editor
    n_rows = len(editor.sizes())
    seen = []

    def ask(text):
        rows = [editor.row(i) for i in range(len(editor.sizes()))]
        current = {id(w) for row in rows for w in row.widgets}
        seen.append([w for w in editor.findChildren(QWidget) if isinstance(w, (QLineEdit, QComboBox))
                     and w.isVisible() and id(w) not in current and not isinstance(w.parentWidget(), QComboBox)])
        return False  # keep training: the old layers come back
    lab.window.ask_apply = ask
    editor.row(1).remove.click()
    assert seen == [[]]  # asked, with no widget of the removed row still on screen
    qtbot.waitUntil(lambda: len(editor.sizes()) == n_rows)
