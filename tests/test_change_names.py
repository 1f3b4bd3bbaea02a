"""How the window names a change in words (app/controller.py names_of): Edit > Undo's text and the question
before a change that rebuilds the network."""
import dataclasses

from app.controller import describe, names_of
from engine.config import TrainConfig


def test_every_setting_has_a_name_a_sentence_can_use():
    for field in dataclasses.fields(TrainConfig):
        name = names_of({field.name: None})
        assert name.startswith(("the ", "Adam's ")) and "_" not in name, (field.name, name)


def test_several_changes_read_as_a_list():
    assert names_of({"dataset": "drawn", "drawn": {}}) == "the dataset and the drawn points"
    assert names_of({"loss": "mse", "optimizer": "sgd", "seed": 2}) == "the loss, the optimizer and the seed"
    assert names_of({"layers": (2, 3, 1), "activations": ("tanh", "sigmoid")}) == "the layers"
    assert describe({"noise": 0.2}, running=False) == "You changed the noise of a network already trained."
