"""One training step walked through phase by phase, in the tutorial's order, as frames every view can draw.

``PhaseWalk(step_phases, activations, generation)`` lists the phases of an ``engine.phases.StepPhases``:
forward layer by layer (Step 3.1), the loss (its dL/dy_hat, or dL/dz where the loss and the output activation
are crossed at once), backward layer by layer from the output (Step 3.2, the Jumping Back game: the dW and db
of a layer are known once the walk reaches it), the update (Step 3.3). ``frame_at(k)`` is what the weight and
gradient views show at phase k: the weights before the update and the gradients reached so far (nan where the
walk has not been yet: drawn blank), then, at the update, the weights after it with every gradient.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frame import Frame, blank_like


@dataclass(frozen=True)
class Phase:
    kind: str  # "forward", "loss", "backward" or "update"
    layer: int | None  # 0-based weight layer the phase is at (None for the update: every layer)
    title: str


class PhaseWalk:
    def __init__(self, phases, activations, generation: int):
        self.steps = phases  # engine.phases.StepPhases
        self.step = phases.step
        self.generation = generation
        self.activations = tuple(activations)
        L = len(phases.forward)
        self.sizes = (phases.X.shape[0],) + tuple(f.z.shape[0] for f in phases.forward)
        walk = [Phase("forward", l, f"Forward, layer {l + 1}: z{l + 1} = w{l + 1} · a{l} + b{l + 1}, "
                                    f"a{l + 1} = {self.activations[l]}(z{l + 1})".replace("a0", "x"))
                for l in range(L)]
        # fused (sigmoid + bce, softmax + cce): the engine starts at dL/dz, never forming dL/dy_hat
        start = f"dL/dz{L} = (y_hat - y) / N" if phases.fused else "dL/dy_hat"
        walk.append(Phase("loss", L - 1, f"The loss {phases.loss:.6g} and {start}"))
        walk += [Phase("backward", b.layer, f"Backward, layer {b.layer + 1}: delta{b.layer + 1}, then "
                                            f"dW{b.layer + 1} = delta{b.layer + 1} · a{b.layer}^T and db{b.layer + 1}"
                                            .replace("a0^T", "x^T")) for b in phases.backward]
        walk.append(Phase("update", None, f"Update ({phases.update.optimizer}): W after = W before - update; "
                                          f"the loss on this batch goes {phases.loss:.6g} -> {phases.loss_after:.6g}"))
        self.phases = walk

    def __len__(self) -> int:
        return len(self.phases)

    def frame_at(self, index: int, generation: int | None = None) -> Frame:
        """What the views draw at phase ``index``: W, b before the update (after it at the update phase), and
        dW, db of the layers the backward walk has reached (nan elsewhere)."""
        p = self.steps
        phase = self.phases[index]
        L = len(p.forward)
        reached = set()
        if phase.kind == "update":
            reached = set(range(L))
        elif phase.kind == "backward":
            done = [b.layer for b in p.backward[:index - (L + 1) + 1]]
            reached = set(done)
        grad_w, grad_b = blank_like([f.W for f in p.forward]), blank_like([f.b for f in p.forward])
        for b in p.backward:
            if b.layer in reached:
                grad_w[b.layer], grad_b[b.layer] = b.dW, b.db
        after = phase.kind == "update"
        u = p.update
        weights = list(u.W_after) if after else [f.W for f in p.forward]
        biases = list(u.b_after) if after else [f.b for f in p.forward]
        return Frame(generation=self.generation if generation is None else generation,
                     step=p.step if after else p.step - 1, epoch=-1, status="paused", live=False,
                     sizes=self.sizes, activations=self.activations, weights=weights, biases=biases,
                     grad_w=grad_w, grad_b=grad_b, loss=p.loss_after if after else p.loss)
