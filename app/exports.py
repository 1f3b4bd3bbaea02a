"""File > Export: what each kind writes, and from where.

Records and weights come from the trainer itself, written by the training thread between two slices (the
same way a run is saved), so an export holds one consistent state even while training; the plots are drawn
by the window, so they are exported in the GUI thread, as shown.
"""
from __future__ import annotations

from pathlib import Path

from engine.exports import write_loss_csv, write_step_losses_csv, write_weights_npz
from ui.export import export_plot


def write_onnx(path, trainer) -> None:
    """The network as an ONNX graph, written as ``backprop-lab export RUN.npz model.onnx`` writes it."""
    from app.cli_export import export as export_network
    export_network(trainer, Path(path), training=False)


def write_numpy_script(path, trainer) -> None:
    """A script that prints the predictions; its weights in ``<stem>_weights.npz`` beside it."""
    from engine.script_export import write_script
    write_script(path, trainer, training=False)


def write_training_script(path, trainer) -> str:
    """A script that retrains the network from the run's seed, bit for bit (``export --training``). Returns a
    note for the window when the run departed from its configuration (then it cannot be bit for bit)."""
    from engine.departures import departure_note
    from engine.script_export import write_script
    write_script(path, trainer, training=True)
    return departure_note(trainer)


# kind -> (writer(path, trainer) run by the worker, returning None or a note to show, what the message calls it)
WORKER_EXPORTS = {
    "loss_csv": (write_loss_csv, "the loss history"),
    "step_losses_csv": (write_step_losses_csv, "the step losses"),
    "weights_npz": (write_weights_npz, "the weights"),
    "onnx": (write_onnx, "the network as ONNX"),
    "numpy_script": (write_numpy_script, "the NumPy script (its weights beside it, in {stem}_weights.npz)"),
    "numpy_training_script": (write_training_script, "the NumPy training script (its weights beside it, in "
                                                     "{stem}_weights.npz)"),
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
    controller.save_run(path, writer, what.format(stem=Path(path).stem))
