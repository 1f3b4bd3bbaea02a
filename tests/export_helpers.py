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


def assert_refused(command: str, args: list[str], says: str, folder, capsys, run_name: str = "run.npz") -> None:
    """``backprop-lab COMMAND ARGS`` run in ``folder`` beside a saved xor run ``run_name``: status 2, one
    line on stderr naming the problem (``says``), nothing on stdout and no file written."""
    import os

    from app.main import main
    from engine.savefile import save_run

    save_run(os.path.join(folder, run_name), trained("xor", epochs=1)[0])
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert main([command, *args]) == 2
    finally:
        os.chdir(cwd)
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"backprop-lab {command}: ") and says in err
    assert sorted(os.listdir(folder)) == [run_name]  # nothing written
