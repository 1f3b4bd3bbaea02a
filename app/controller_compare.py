"""What the controller does to compare runs and look deeper: runs kept for comparison, a variant trained in the
background, the loss landscape computed in a thread of its own. Mixed into ``app.controller.Controller``."""
from __future__ import annotations

from app import commands as cmd


class CompareControllerMixin:
    # -- compare runs (issue 12) -------------------------------------------------------------------------
    def _room_to_pin(self) -> bool:
        """False (and the banner says why) when MAX_PINNED runs are kept already."""
        from engine.pinned import MAX_PINNED
        if len(self.model.pinned) >= MAX_PINNED:
            self.window.show_problem(f"At most {MAX_PINNED} runs can be kept for comparison: remove one first")
            return False
        return True

    def keep_for_comparison(self) -> None:
        """Pin the current run (the worker copies it between two steps); refused past MAX_PINNED."""
        if self._room_to_pin():
            self._host.post(cmd.Pin(self.model.generation))

    def _on_pinned(self, run) -> None:
        from engine.pinned import label
        if not self._room_to_pin():
            return
        self.model.set_pinned([*self.model.pinned, run])
        self.window.show_info(f"Kept for comparison: {label(self.model.config, run)}")

    def set_pinned_shown(self, index: int, shown: bool) -> None:
        runs = list(self.model.pinned)
        if 0 <= index < len(runs) and runs[index].shown != bool(shown):
            runs[index] = runs[index].with_shown(shown)
            self.model.set_pinned(runs)

    def set_pinned_runs(self, runs: list) -> None:
        """The runs kept with a run file just opened (engine.pinned.load_pinned)."""
        self.model.set_pinned(runs)

    def remove_pinned(self, index: int) -> None:
        if 0 <= index < len(self.model.pinned):
            self.model.set_pinned([r for i, r in enumerate(self.model.pinned) if i != index])

    def run_variant(self, field: str, text: str) -> bool:
        """Train the current config with ``field`` set to ``text`` to the current epoch, from the same initial
        weights, in a thread of its own; pinned when done. One variant at a time. False if refused."""
        from app.background import start_job, variant_work
        from engine.pinned import parse_change
        from engine.validation import ConfigError
        if getattr(self, "_variant", None) is not None:
            self.window.show_problem("A variant is already training: wait for it or cancel it first")
            return False
        if not self._room_to_pin():
            return False
        config, epochs = self.model.config, self.model.epochs
        if config is None or epochs < 1:
            self.window.show_problem("Train the run for at least one epoch first: the variant trains to its epoch")
            return False
        try:
            changes = parse_change(config, field, text)
        except ConfigError as err:
            self.window.show_problem(f"Cannot run the variant: {err}")
            return False
        job, thread = start_job(variant_work(config, epochs, changes), "variant")
        job.progress.connect(self._on_variant_progress)
        job.done.connect(self._on_variant_done)
        job.failed.connect(self._on_variant_failed)
        thread.finished.connect(self._on_variant_ended)
        self._variant = (job, thread)
        self.model.set_variant(f"training the variant: epoch 0 of {epochs}")
        thread.start()
        return True

    def cancel_variant(self, timeout_ms: int = 3000) -> None:
        """Stop the variant in the background (bounded wait); nothing is pinned."""
        from app.background import cancel_and_wait
        cancel_and_wait(getattr(self, "_variant", None), timeout_ms)

    def _on_variant_progress(self, epoch: int, epochs: int) -> None:
        if getattr(self, "_variant", None) is not None:
            self.model.set_variant(f"training the variant: epoch {epoch} of {epochs}")

    def _on_variant_done(self, run) -> None:
        if run is not None:
            self._on_pinned(run)

    def _on_variant_failed(self, text: str) -> None:
        self.window.show_problem(f"The variant could not be trained: {text}")

    def _on_variant_ended(self) -> None:
        self._variant = None
        self.model.set_variant("")

    # -- loss landscape (issue 12) -----------------------------------------------------------------------
    LANDSCAPE_GRID = 41  # points a side: 41 x 41 on spiral in about a second (bench/landscape_bench.py)

    def compute_landscape(self, method: str = "random") -> bool:
        """The loss on a slice through the weights of the moment shown (method "random": filter-normalised
        directions; "pca": the trajectory's principal directions), in a thread of its own. A landscape still
        being computed is cancelled first. False if there is nothing to compute it for."""
        frame = self.model.frame
        if frame is None or frame.generation != self.model.generation:
            self.window.show_problem("There is no network to compute a landscape for yet")
            return False
        self.cancel_landscape()
        self._host.post(cmd.LandscapeInputs(self.model.generation, frame.step, tuple(frame.weights),
                                            tuple(frame.biases), method))
        self._landscape_wanted = (self.model.generation, frame.step, method)
        return True

    def cancel_landscape(self, timeout_ms: int = 3000) -> None:
        """Stop the landscape being computed, and drop one asked for whose inputs are still on their way."""
        self._landscape_wanted = None
        self._stop_landscape_job(timeout_ms)

    def _stop_landscape_job(self, timeout_ms: int = 3000) -> None:
        from app.background import cancel_and_wait
        if cancel_and_wait(getattr(self, "_landscape", None), timeout_ms):
            self._landscape = None

    def _landscape_is_wanted(self, step: int, method: str | None = None) -> bool:
        """Whether a landscape of ``step`` is the one last asked for and not cancelled since (inputs or a result
        that arrive after a cancel, or after a newer request, are of a moment no longer wanted)."""
        wanted = getattr(self, "_landscape_wanted", None)
        return (wanted is not None and wanted[:2] == (self.model.generation, step)
                and (method is None or wanted[2] == method))

    def _on_landscape_inputs(self, start) -> None:
        from app.background import start_job
        from engine.landscape import landscape
        if not self._landscape_is_wanted(start.step, start.method):
            return
        if start.method == "pca" and start.trajectory is None:
            self.window.show_problem("The PCA directions need the run's path: train for a while first (at least "
                                     "two keyframes), or use random directions")
            return
        self._stop_landscape_job()  # (a second request overtook the first)

        def work(should_stop, on_progress):
            result = landscape(start.trainer, start.method, start.trajectory, n=self.LANDSCAPE_GRID,
                               should_stop=should_stop, on_progress=on_progress)
            result.step = start.step  # (the views place other moments against it)
            return result
        job, thread = start_job(work, "landscape")
        job.progress.connect(self.model.landscape_progress)
        job.done.connect(self._on_landscape_done)
        job.failed.connect(self._on_landscape_failed)
        thread.finished.connect(self._on_landscape_ended)
        self._landscape = (job, thread)
        self._landscapes_started = getattr(self, "_landscapes_started", 0) + 1
        self.model.landscape_progress.emit(0, self.LANDSCAPE_GRID ** 2)
        thread.start()

    def _on_landscape_done(self, result) -> None:
        if result is not None and self._landscape_is_wanted(result.step):
            self.model.set_landscape(result)

    def _on_landscape_failed(self, text: str) -> None:
        self.window.show_problem(f"The loss landscape could not be computed: {text}")

    def _on_landscape_ended(self) -> None:
        # every thread started says it ended, a cancelled one too, possibly after a newer one started
        self._landscapes_ended = getattr(self, "_landscapes_ended", 0) + 1
        if self._landscapes_ended == self._landscapes_started:
            self._landscape = None
            self.model.landscape_progress.emit(0, 0)
