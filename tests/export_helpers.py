"""Trained runs from the presets for the export and comparison tests."""
from __future__ import annotations

import resources
from engine.config import TrainConfig, build


def preset_config(name: str, epochs: int | None = None, **changes) -> TrainConfig:
    config = TrainConfig.from_dict(resources.load_preset(name)["config"])
    if epochs is not None:
        changes["epochs"] = epochs
    return config.replace(**changes)


def trained(name: str, epochs: int | None = None, **changes):
    """(trainer after its epochs, its train loss before training) for a preset with some changes."""
    config = preset_config(name, epochs, **changes)
    trainer = build(config)
    first = trainer.evaluate()["train_loss"]
    trainer.run_epochs(config.epochs)
    return trainer, first
