"""Where the file dialogs start (ui/start_folder.py): the folder last chosen in any of them, remembered between
launches, else the user's Documents or home folder; never the folder the app was started in. Every dialog
uses it: Open, Save As, Export, Record and the CSV import's Browse."""
import os

import pytest
from PySide6.QtCore import QSettings
from session_helpers import isolated, open_lab  # noqa: F401  (isolated: fixture)

from ui.start_folder import LAST_FOLDER, StartFolder, default_folder

pytestmark = pytest.mark.usefixtures("isolated")


def test_nothing_chosen_yet_starts_in_documents_or_home_with_the_name_suggested(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the app's own folder is never where a dialog starts
    folders = StartFolder(lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert folders.start("run.mp4") == os.path.join(default_folder(), "run.mp4")
    assert folders.start("") == default_folder() != str(tmp_path)
    assert os.path.isdir(default_folder())


def test_the_last_folder_chosen_wins_and_is_remembered(tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    here, there = tmp_path / "runs", tmp_path / "exports"
    here.mkdir()
    there.mkdir()
    folders = StartFolder(lambda: settings)
    assert folders.start(str(here)) == str(here)  # nothing chosen yet: the caller's folder (the run's)
    folders.remember(str(there / "loss.csv"))
    assert folders.start(str(here / "run.npz")) == str(there / "run.npz")
    assert settings.value(LAST_FOLDER) == str(there)
    again = StartFolder(lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.start("weights.npz") == str(there / "weights.npz")
    there.rmdir()  # a remembered folder that is gone: back to the defaults
    assert again.start("weights.npz") == os.path.join(default_folder(), "weights.npz")


class Dialogs:
    """The Qt file dialogs, answered: each records where it started and returns the next path (or "")."""

    def __init__(self, menu):
        self.starts, self.answers = [], []
        menu.open_dialog = menu.save_dialog = self.ask
        menu.get_open_file_name = menu._open_in_start_folder  # (open_lab answers above these: undo that)
        menu.get_save_file_name = menu._save_in_start_folder

    def ask(self, parent, caption, start, file_filter):
        self.starts.append((caption, start))
        return (self.answers.pop(0) if self.answers else "", "")


def test_every_dialog_of_the_window_starts_where_the_last_one_chose(qtbot, tmp_path, monkeypatch):
    from app.record_wiring import RecordWiring
    from ui.record_dialog import RecordDialog
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    settings_file = tmp_path / "settings.ini"
    lab = open_lab(qtbot, settings_file, views=True, preset="xor")
    dialogs = Dialogs(lab.window.file_menu)
    lab.session.export("loss_csv")  # answered "" (cancel)
    caption, start = dialogs.starts[-1]
    assert caption.startswith("Export") and start == os.path.join(default_folder(), "loss.csv")
    dialogs.answers.append(str(exports / "loss.csv"))
    lab.session.export("loss_csv")
    qtbot.waitUntil(lambda: (exports / "loss.csv").exists(), timeout=5000)

    wiring = lab.window.findChild(RecordWiring)

    def make(parent):
        dialog = RecordDialog(parent)
        dialog.exec = lambda: True
        return dialog
    wiring.make_dialog = make
    wiring.ask()  # File > Record...: answered "" (cancel) at the file dialog
    assert dialogs.starts[-1] == ("Record the run", str(exports / "run.mp4"))
    lab.session.save_as()
    assert dialogs.starts[-1] == ("Save run as", str(exports / "xor.npz"))
    lab.session.open()
    assert dialogs.starts[-1] == ("Open run", str(exports))

    class Browse:
        def __init__(self, parent, **kw):
            self.kw = kw

        def exec(self):
            from ui.csv_dialog import CsvImportDialog
            dialog = CsvImportDialog(None, get_open_file_name=self.kw["get_open_file_name"])
            dialog.browse()  # its Browse... button
            dialog.deleteLater()
            return 0
    lab.session.make_csv_dialog = Browse
    lab.session.import_csv()
    assert dialogs.starts[-1][0] == "Import CSV dataset" and dialogs.starts[-1][1] == str(exports)

    assert lab.window.close()  # and after a restart
    again = open_lab(qtbot, settings_file, views=True, preset="xor")
    dialogs = Dialogs(again.window.file_menu)
    again.session.export("weights_npz")
    assert dialogs.starts[-1][1] == str(exports / "weights.npz")
