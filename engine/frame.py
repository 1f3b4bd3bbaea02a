"""The moment of a run that the views draw: the live state, or a past step reconstructed exactly.

A ``Frame`` is plain data (copies, nothing a training thread still writes) with the network built from it
once, on first use, and then shared by every view that needs outputs (the output plane, the graph's node
activations): one Network per frame, not one per view.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .chain import network_from
from .network import Network


@dataclass
class Frame:
    generation: int
    step: int  # training steps taken up to this moment
    epoch: int  # completed epochs at this moment
    status: str
    live: bool  # False: a past step the user is looking back at
    sizes: tuple
    activations: tuple  # specs, one per weight layer
    weights: list  # W_l (n_l, n_{l-1})
    biases: list  # b_l (n_l, 1)
    grad_w: list  # dL/dW_l of the step that led here (its own batch, the weights before its update)
    grad_b: list
    loss: float | None = None  # that step's batch loss (None before the first step)
    message: str = ""
    _network: Network | None = field(default=None, repr=False, compare=False)
    # [a_0 (n_0, G), ..., a_L (n_L, G)]: every unit's activation over the plane's grid (engine/unit_maps.py
    # plane_of), or None (not over the plane, or maps off)
    unit_maps: list | None = field(default=None, repr=False, compare=False)

    @property
    def network(self) -> Network:
        """A float64 Network of this frame's weights, built once."""
        if self._network is None:
            self._network = network_from(self.sizes, self.activations, self.weights, self.biases)
        return self._network

    @classmethod
    def from_moment(cls, moment, network: Network, generation: int, status: str) -> "Frame":
        """A past step (an ``engine.replay.Moment``) of a run whose network is shaped like ``network``."""
        return cls(generation=generation, step=moment.step, epoch=moment.epoch, status=status, live=False,
                   sizes=tuple(network.sizes), activations=tuple(a.spec() for a in network.activations),
                   weights=moment.weights, biases=moment.biases, grad_w=moment.grad_w, grad_b=moment.grad_b,
                   loss=moment.loss)

    @classmethod
    def from_snapshot(cls, snapshot) -> "Frame":
        """The live frame of an ``engine.snapshot.Snapshot`` (shares its arrays: they are copies already)."""
        losses = snapshot.new_step_losses
        return cls(generation=snapshot.generation, step=snapshot.steps, epoch=snapshot.epoch,
                   status=str(snapshot.status), live=True, sizes=tuple(snapshot.sizes),
                   activations=tuple(snapshot.activations), weights=snapshot.weights, biases=snapshot.biases,
                   grad_w=snapshot.grad_w, grad_b=snapshot.grad_b,
                   loss=float(losses[-1]) if len(losses) else None, message=snapshot.message,
                   unit_maps=snapshot.unit_maps)

    def with_gradients(self, grad_w, grad_b) -> "Frame":
        """The same moment drawn with other gradients (one step taken apart: layers not yet reached are nan)."""
        return dataclasses.replace(self, grad_w=grad_w, grad_b=grad_b)


def blank_like(arrays) -> list:
    """nan arrays of the same shapes: what a heatmap shows for a gradient not computed yet."""
    return [np.full(np.shape(a), np.nan) for a in arrays]
