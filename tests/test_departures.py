"""A run that left the path of its configuration and seed (a weight set by hand, the learning rate changed
while training) cannot be retrained from the seed bit for bit: the training script and ``export --training``
say so, and the script's closing check says it was not expected to match."""
from __future__ import annotations

from engine.config import build
from engine.departures import departures
from engine.script_export import write_script
from export_helpers import preset_config
from test_script_export import run_script


def xor_trainer():
    trainer = build(preset_config("xor", epochs=40))
    return trainer


def test_a_run_that_follows_its_configuration_has_no_departures():
    trainer = xor_trainer()
    trainer.set_hyperparameters(learning_rate=0.2)  # before the first step: part of the configuration
    trainer.run_epochs(20)
    assert departures(trainer) == []


def test_a_weight_set_by_hand_and_a_learning_rate_changed_are_named_with_their_steps():
    trainer = xor_trainer()
    trainer.run_epochs(5)
    edited = trainer.steps
    trainer.network.weights[0][0, 0] = 3.0
    trainer.pin_keyframe("edit")
    trainer.run_epochs(5)
    changed = trainer.steps
    trainer.set_hyperparameters(learning_rate=0.05)
    trainer.run_epochs(5)
    assert departures(trainer) == [(edited, "a parameter was set by hand"), (changed, "the hyperparameters were changed")]


def test_the_training_script_of_an_edited_run_says_it_will_differ(tmp_path):
    trainer = xor_trainer()
    trainer.run_epochs(5)
    trainer.network.weights[0][0, 0] = 3.0
    trainer.pin_keyframe("edit")
    trainer.run_epochs(5)
    script, _ = write_script(tmp_path / "model.py", trainer, training=True)
    head = script.read_text().split('"""')[1]
    assert f"at step {trainer.steps // 2:,} a parameter was set by hand" in head
    out = run_script(script)
    assert "final weights equal the engine's: False" in out
    assert "not expected to" in out


def test_export_training_on_the_command_line_prints_the_note(tmp_path, capsys):
    from app.main import main
    from engine.savefile import save_run
    trainer = xor_trainer()
    trainer.run_epochs(3)
    trainer.set_hyperparameters(learning_rate=0.05)
    trainer.run_epochs(3)
    save_run(tmp_path / "run.npz", trainer)
    assert main(["export", str(tmp_path / "run.npz"), str(tmp_path / "model.py"), "--training"]) == 0
    assert "note: this run departs from its configuration: at step" in capsys.readouterr().out
