"""The whole description of a run, validated against one table, and the builder that makes it real.

``TrainConfig`` is plain data (it round-trips through JSON, the CLI flags and the UI fields);
``build(config)`` seeds one legacy ``RandomState`` and draws, in this order, the dataset, then every W
(the tutorial's order: x, y, w1, w2, w3), then the seed of the shuffling generator.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from .activations import make_activation
from .backprop import LOSS
from .csv_data import load_csv
from .datasets import (DATASET_CONSTRAINTS, DATASETS, DRAWN, dataset_from_points, input_count, make_dataset,
                       with_features)
from .features import FEATURE_LIST, check_plane
from .network import DTYPE, INIT, Network, check_architecture, layer_views
from .optimizers import HYPERPARAMETERS, OPTIMIZER, make_optimizer
from .trainer import Trainer
from .validation import ConfigError, Interval, OneOf, Text

CONSTRAINTS = {
    "loss": LOSS,
    "optimizer": OPTIMIZER,
    **HYPERPARAMETERS,
    "init": INIT,
    "dtype": DTYPE,
    "batch_size": Interval(int, 1, 10_000_000),
    "epochs": Interval(int, 0, 1_000_000_000),
    "dataset": OneOf(DATASETS + ("csv", "drawn")),
    **{k: DATASET_CONSTRAINTS[k] for k in ("n_samples", "noise", "test_fraction", "n_classes")},
    "seed": Interval(int, 0, 2**32 - 1),
    "data_seed": Interval(int, 0, 2**32 - 1),
    "csv_task": OneOf(("auto", "classification", "regression")),
    "features": FEATURE_LIST,
    "drawn": DRAWN,
    "csv_path": Text(), "csv_target": Text(),  # typed like every field: a run file's JSON may hold anything
    "csv_separator": OneOf((None, ",", ";", "\t")),  # None: detected
    "csv_max_mb": Interval(float, 0, 1_000_000, closed="right"),  # files above it are refused, not read
}
OPTIONAL = {"batch_size", "epochs", "n_samples", "noise", "n_classes", "drawn", "data_seed"}  # None means: full batch, no limit, default


@dataclass
class TrainConfig:
    layers: tuple = (5, 3, 5, 4)  # inputs first, outputs last
    activations: tuple = ("leaky_relu:0.1", "sigmoid", "sigmoid")  # one per weight layer
    loss: str = "mse"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    weight_decay: float = 0.0
    init: str = "uniform"
    dtype: str = "float64"
    batch_size: int | None = None  # None: the full training set in one batch
    epochs: int | None = 10_000  # None: no limit
    dataset: str = "tutorial"
    n_samples: int | None = None
    noise: float | None = None
    test_fraction: float = 0.2
    n_classes: int | None = None
    csv_path: str | None = None
    csv_target: str | None = None
    csv_header: bool | None = None  # None: detect
    csv_task: str = "auto"  # auto / classification / regression
    features: tuple = ()  # input features of a 2-D dataset (engine/features.py); () the raw (x1, x2)
    drawn: dict | None = None  # dataset 'drawn': {"points": [[x1, x2], ...], "labels" or "targets": [...]}
    csv_separator: str | None = None  # ",", ";" or "\t"; None: detected
    csv_max_mb: float = 50.0  # the largest CSV file read, in MB (10^6 bytes)
    seed: int = 42
    data_seed: int | None = None  # None: the data is drawn from ``seed`` (before the weights); else from this
    # seed of its own (Regenerate: new data under the same network, weights kept)
    extra: dict = field(default_factory=dict, compare=False)  # presets' notes, ignored by the engine

    def validated(self) -> "TrainConfig":
        """A normalised copy; raises ConfigError naming the first bad field."""
        values = dataclasses.asdict(self)
        for name, constraint in CONSTRAINTS.items():
            if values[name] is None and name in OPTIONAL:
                continue
            values[name] = constraint.check(name, values[name])
        sizes, acts = check_architecture(values["layers"], values["activations"])
        values["layers"], values["activations"] = sizes, tuple(a.spec() for a in acts)
        if not isinstance(values["extra"], dict):
            raise ConfigError("extra", values["extra"], "a JSON object of notes")
        if values["csv_header"] not in (None, True, False):
            raise ConfigError("csv_header", values["csv_header"], "true, false or null (detect)")
        if values["dataset"] == "csv" and not (values["csv_path"] and values["csv_target"]):
            raise ConfigError("csv_path", values["csv_path"], "a CSV file and its target columns with dataset 'csv'")
        if values["dataset"] == "drawn" and values["drawn"] is None:
            raise ConfigError("dataset", "drawn", "a dataset with its data: 'drawn' needs points in the field "
                                                  "'drawn' (the window draws them; its run files keep them)")
        n_inputs = (len(values["drawn"]["points"][0]) if values["dataset"] == "drawn"
                    else input_count(values["dataset"], sizes[0]))
        if n_inputs is not None:  # a CSV file's inputs are counted when it is read (make_data)
            check_plane(values["features"], n_inputs, values["dataset"])
        return TrainConfig(**values)

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["layers"], d["activations"], d["features"] = list(self.layers), list(self.activations), list(self.features)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        if not isinstance(d, dict):
            raise ConfigError("config", type(d).__name__, "a JSON object of settings")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError("config", unknown[0], "one of " + ", ".join(sorted(known)))
        d = dict(d)
        for key in ("layers", "activations"):
            if key in d and isinstance(d[key], list):
                d[key] = tuple(d[key])
        return cls(**d).validated()


def make_data(config: TrainConfig, rng: np.random.RandomState):
    """The dataset a config names, drawn from ``rng``, with the config's input features applied."""
    if config.dataset == "csv":
        data = load_csv(config.csv_path, target_columns=config.csv_target, header=config.csv_header,
                        task=config.csv_task, loss=config.loss, test_fraction=config.test_fraction, rng=rng,
                        separator=config.csv_separator, max_bytes=max(int(config.csv_max_mb * 1e6), 1))
    elif config.dataset == "drawn":
        d = config.drawn
        data = dataset_from_points(d["points"], d.get("labels", d.get("targets")), DRAWN.task(d),
                                   config.test_fraction, rng, loss=config.loss, n_classes=config.n_classes,
                                   class_names=d.get("names"))
    else:
        data = make_dataset(config.dataset, rng=rng, n_samples=config.n_samples, noise=config.noise,
                            test_fraction=config.test_fraction, loss=config.loss, n_classes=config.n_classes,
                            n_inputs=config.layers[0], n_outputs=config.layers[-1])
    return with_features(data, config.features)


def data_of(config: TrainConfig):
    """The dataset ``build(config)`` trains on, drawn alone: from ``data_seed`` when the config has one, else
    from ``seed`` as ``build`` draws it (before the weights). For a data change under a trained network."""
    return make_data(config, np.random.RandomState(config.seed if config.data_seed is None else config.data_seed))


def fit_layers(config: TrainConfig, data) -> TrainConfig:
    """The config with its input and output sizes set to the dataset's (the hidden layers are kept)."""
    layers = (data.X_train.shape[0],) + tuple(config.layers[1:-1]) + (data.Y_train.shape[0],)
    return config.replace(layers=layers)


def build(config: TrainConfig, fit_io: bool = False, data=None, keyframes=True) -> Trainer:
    """A fresh Trainer for ``config``. With ``fit_io`` the input and output sizes follow the dataset;
    otherwise a mismatch is an error naming both. ``data`` skips drawing the dataset (weights are still
    drawn after the same number of draws only when the caller passes the dataset it drew itself).
    ``keyframes``: as ``Trainer``'s (True: a store with the default 256 MB budget; a KeyframeStore
    for another budget; False: none)."""
    config = config.validated()
    rng = np.random.RandomState(config.seed)
    if data is None:
        data = make_data(config, rng)  # drawn from the seed even with a data seed: the weights follow the same draws
        if config.data_seed is not None:
            data = data_of(config)
    else:  # the config's features, whichever were on the dataset passed in (its raw points are kept)
        data = with_features(data, config.features)
    if fit_io:
        config = fit_layers(config, data)
    network = Network(config.layers, [make_activation(a) for a in config.activations], config.dtype)
    network.initialize(config.init, rng)
    decay_mask = np.zeros_like(network.params)
    for w in layer_views(decay_mask, network.sizes)[0]:
        w[...] = 1.0
    optimizer = make_optimizer(config.optimizer, network.params.size, decay_mask, network.dtype,
                               **{k: getattr(config, k) for k in HYPERPARAMETERS})
    return Trainer(network, config.loss, optimizer, data, batch_size=_batch(config, data),
                   shuffle_seed=int(rng.randint(0, 2**31 - 1)), config=config, keyframes=keyframes)


def _batch(config: TrainConfig, data) -> int | None:
    if config.batch_size is None:
        return None
    n = data.X_train.shape[1]
    if config.batch_size > n:
        raise ConfigError("batch_size", config.batch_size, f"at most the {n} training samples of '{data.name}'")
    return config.batch_size

