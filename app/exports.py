"""File > Export: what each kind writes, and from where.

Records and weights come from the trainer itself, written by the training thread between two slices (the
same way a run is saved), so an export holds one consistent state even while training; the plots are drawn
by the window, so they are exported in the GUI thread, as shown.
"""
from __future__ import annotations

from engine.exports import write_loss_csv, write_step_losses_csv, write_weights_npz
from ui.export import export_plot


# kind -> (writer(path, trainer) run by the worker, what the message calls it)
WORKER_EXPORTS = {
    "loss_csv": (write_loss_csv, "the loss history"),
    "step_losses_csv": (write_step_losses_csv, "the step losses"),
    "weights_npz": (write_weights_npz, "the weights"),
}
PLOT_EXPORTS = ("loss_plot_png", "loss_plot_svg")


def export(kind: str, path: str, window, controller) -> None:
    """Write export ``kind`` (a key of ui.file_menu.EXPORTS) to ``path``; the window says how it went
    (for the worker's writes once they are done: ``controller.saved`` follows)."""
    if kind in PLOT_EXPORTS:
        try:
            export_plot(path, window.loss_plot, scale=window.file_menu.png_scale)  # as File > Export chose
        except (OSError, ValueError, TypeError) as err:
            window.show_problem(f"Could not export the loss plot to {path}: {err}")
            return
        window.show_info(f"Exported the loss plot to {path}")
        return
    writer, what = WORKER_EXPORTS[kind]
    controller.save_run(path, writer, what)
