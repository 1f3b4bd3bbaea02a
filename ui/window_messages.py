"""What the main window says and asks: the banner's problems and notes, the settings' errors, the Undo item's
text, the offer to raise a reached epoch limit, and the question before a change draws new weights. Mixed into
``ui.main_window.MainWindow`` (its banner, config panel, undo action and signals)."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


class WindowMessages:
    def set_undo(self, text: str | None) -> None:
        """What Edit > Undo would bring back ("Undo changing the layers"), or None: nothing."""
        self.undo.setText(f"&{text}" if text else "&Undo")
        self.undo.setEnabled(bool(text))

    def offer_more_epochs(self, limit: int) -> None:
        """Train or Step at the epoch limit: say so, and offer to raise it in one click."""
        extra = max(int(limit or 0), 100)
        self.banner.show_message(f"The epoch limit ({limit:,}) is reached.", "info",
                                 [(f"+{extra:,} epochs", lambda: self.more_epochs_requested.emit(extra)),
                                  ("Reset weights", self.reset_requested.emit)])

    # -- messages and questions -----------------------------------------------------------------------
    def show_config_error(self, text: str, field: str | None = None) -> None:
        self.config_panel.show_error(text, field)

    def show_note(self, text: str) -> None:
        self.config_panel.show_note(text)

    def show_problem(self, text: str) -> None:
        """Something went wrong outside the settings (a failed save, an error in a step)."""
        self.banner.show_message(text, "error")

    def show_info(self, text: str) -> None:
        self.banner.show_message(text, "info")
        self.statusBar().showMessage(text, 5000)

    def _ask_apply_dialog(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Apply the change?",
                          f"{text}\n\nApplying it builds a new network: the weights are drawn afresh and the loss "
                          "history starts over.", parent=self)
        apply = box.addButton("Apply and reset weights", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep training", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is apply
