"""Built-in datasets: shapes, determinism, geometry, target encoding, accuracy and argument checks."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datasets import (RECIPES, Dataset, accuracy, encode_targets, make_dataset,
                             train_test_split)
from engine.validation import ConfigError

GENERATED = list(RECIPES)  # the generators; the shipped datasets have tests of their own
CLASSIFICATION = [n for n in GENERATED if RECIPES[n].task == "classification"]


def rs(seed=0):
    return np.random.RandomState(seed)


def whole(d: Dataset):
    """Train and test put back together: X (n_features, n), labels (n,) or None."""
    labels = None if d.labels_train is None else np.concatenate([d.labels_train, d.labels_test])
    return np.hstack([d.X_train, d.X_test]), labels


# --- the tutorial sample -------------------------------------------------------------------------

def test_tutorial_reproduces_the_tutorial_sample():
    d = make_dataset("tutorial", rng=rs(42))
    np.testing.assert_array_equal(d.X_train, np.array([[0.52, 0.93, 0.15, 0.72, 0.61]]).T)
    np.testing.assert_array_equal(d.Y_train, np.array([[0.21, 0.83, 0.87, 0.75]]).T)
    assert d.task == "regression" and d.labels_train is None and d.n_classes is None
    assert d.X_test.shape == (5, 0) and d.Y_test.shape == (4, 0)
    assert (d.n_features, d.n_outputs, d.n_train, d.n_test) == (5, 4, 1, 0)
    assert d.feature_names == ["x1", "x2", "x3", "x4", "x5"] and d.target_names == ["y1", "y2", "y3", "y4"]


def test_tutorial_draws_only_x_then_y():
    rng, ref = rs(42), rs(42)
    make_dataset("tutorial", rng=rng, n_inputs=3, n_outputs=2)
    ref.randint(1, 100, size=(3, 1))
    ref.randint(1, 100, size=(2, 1))
    assert rng.random_sample() == ref.random_sample()  # the weights that follow see the same stream


def test_tutorial_ignores_test_fraction_and_noise():
    a = make_dataset("tutorial", rng=rs(42))
    b = make_dataset("tutorial", rng=rs(42), test_fraction=0.5, noise=1.0, n_samples=50)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert b.n_test == 0


def test_tutorial_sizes_follow_n_inputs_and_n_outputs():
    d = make_dataset("tutorial", rng=rs(1), n_inputs=7, n_outputs=3)
    assert d.X_train.shape == (7, 1) and d.Y_train.shape == (3, 1) and d.X_test.shape == (7, 0)
    assert np.all((d.X_train >= 0.01) & (d.X_train <= 0.99))


# --- every generated dataset ------------------------------------------------------------------------

@pytest.mark.parametrize("name", GENERATED)
def test_shapes_and_dtypes(name):
    d = make_dataset(name, rng=rs())
    n = RECIPES[name].n_samples
    assert d.name == name and d.task == RECIPES[name].task
    assert d.n_train + d.n_test == n and d.n_train == round(n * 0.8)
    for a in (d.X_train, d.Y_train, d.X_test, d.Y_test):
        assert a.dtype == np.float64 and a.ndim == 2
    assert d.X_test.shape[0] == d.X_train.shape[0] == len(d.feature_names)
    assert d.Y_test.shape[0] == d.Y_train.shape[0]
    assert (d.Y_train.shape[1], d.X_test.shape[1]) == (d.n_train, d.Y_test.shape[1])
    if d.task == "classification":
        assert d.n_features == 2 and len(d.target_names) == d.n_classes
        for labels, n_split in ((d.labels_train, d.n_train), (d.labels_test, d.n_test)):
            assert labels.dtype == np.int64 and labels.shape == (n_split,)
            assert labels.min() >= 0 and labels.max() < d.n_classes
    else:
        assert d.labels_train is None and d.labels_test is None and d.n_classes is None
        assert (d.n_features, d.n_outputs) == (1, 1)


@pytest.mark.parametrize("name", GENERATED)
def test_inputs_lie_roughly_in_the_unit_square(name):
    X, _ = whole(make_dataset(name, rng=rs()))
    assert np.all(np.abs(X) < 1.5)
    assert np.abs(X).max() > 0.7  # spread out, not huddled at the centre


@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_same_arrays_and_same_stream_afterwards(name):
    r1, r2 = rs(7), rs(7)
    a, b = make_dataset(name, rng=r1), make_dataset(name, rng=r2)
    for field in ("X_train", "Y_train", "X_test", "Y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert r1.random_sample() == r2.random_sample()


@pytest.mark.parametrize("name", GENERATED)
def test_different_seed_different_arrays(name):
    a, b = make_dataset(name, rng=rs(1)), make_dataset(name, rng=rs(2))
    assert not np.array_equal(a.X_train, b.X_train)


@pytest.mark.parametrize("name", GENERATED)
def test_noise_does_not_change_how_much_is_drawn(name):
    # The network's weights come next from the same generator; they must not depend on the noise level.
    r1, r2 = rs(3), rs(3)
    make_dataset(name, rng=r1, noise=0.0)
    make_dataset(name, rng=r2, noise=0.7)
    assert r1.random_sample() == r2.random_sample()


@pytest.mark.parametrize("name", GENERATED)
def test_global_numpy_random_state_untouched(name):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make_dataset(name, rng=rs())
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_are_balanced(name):
    for k in ((2, 3, 5) if name in ("spiral", "blobs") else (None,)):
        d = make_dataset(name, rng=rs(), n_samples=101, n_classes=k)
        _, labels = whole(d)
        counts = np.bincount(labels, minlength=d.n_classes)
        assert counts.max() - counts.min() <= 1
        # the shuffled split keeps every class well represented in train
        assert np.bincount(d.labels_train, minlength=d.n_classes).min() >= 0.5 * d.n_train / d.n_classes


# --- geometry with the noise off ---------------------------------------------------------------

def test_xor_labels_are_opposite_signs():
    X, labels = whole(make_dataset("xor", rng=rs(), noise=0.0))
    np.testing.assert_array_equal(labels, (np.sign(X[0]) != np.sign(X[1])).astype(np.int64))
    assert np.all(np.abs(X) <= 1.0)


def test_circles_disk_inside_ring():
    X, labels = whole(make_dataset("circles", rng=rs(), noise=0.0))
    r = np.hypot(X[0], X[1])
    assert r[labels == 0].max() <= 0.5 and r[labels == 1].min() >= 0.7 and r.max() <= 1.0


def test_moons_are_two_half_circles():
    X, labels = whole(make_dataset("moons", rng=rs(), noise=0.0))
    # Undo the scaling: in scikit-learn's frame the upper moon is the unit circle, the lower one is
    # centred at (1, 0.5).
    P = X * 1.5 + np.array([[0.5], [0.25]])
    np.testing.assert_allclose(np.hypot(P[0, labels == 0], P[1, labels == 0]), 1.0)
    np.testing.assert_allclose(np.hypot(P[0, labels == 1] - 1.0, P[1, labels == 1] - 0.5), 1.0)
    assert np.all(P[1, labels == 0] >= -1e-12) and np.all(P[1, labels == 1] <= 0.5 + 1e-12)


@pytest.mark.parametrize("k", [2, 3, 8])
def test_spiral_has_k_arms_within_the_unit_disk(k):
    d = make_dataset("spiral", rng=rs(), n_classes=k, noise=0.0)
    X, labels = whole(d)
    assert d.n_classes == k and d.n_outputs == (k if k > 2 else 1)
    assert np.hypot(X[0], X[1]).max() <= 1.0 + 1e-12
    # Arm c at radius r sits at angle 2 pi (r + c / k): its points are the rotation of arm 0's.
    for c in range(k):
        arm = X[:, labels == c]
        r = np.hypot(arm[0], arm[1])
        np.testing.assert_allclose(np.cos(np.arctan2(arm[1], arm[0]) - 2 * np.pi * (r + c / k)), 1.0)


def test_blobs_cluster_around_distinct_centres():
    X, labels = whole(make_dataset("blobs", rng=rs(), n_samples=3000, n_classes=4, noise=0.1))
    centres = np.array([X[:, labels == c].mean(axis=1) for c in range(4)])
    assert np.allclose(np.hypot(centres[:, 0], centres[:, 1]), 0.6, atol=0.02)
    assert min(np.linalg.norm(a - b) for i, a in enumerate(centres) for b in centres[i + 1:]) > 0.5
    assert np.isclose(X[:, labels == 0].std(axis=1).mean(), 0.1, atol=0.01)


def test_sine_follows_sin_pi_x():
    d = make_dataset("sine", rng=rs(), noise=0.0, n_samples=500)
    np.testing.assert_allclose(d.Y_train, np.sin(np.pi * d.X_train))
    assert d.X_train.min() >= -1.0 and d.X_train.max() <= 1.0
    noisy = make_dataset("sine", rng=rs(), noise=0.3, n_samples=20000, test_fraction=0.0)
    assert np.isclose(np.std(noisy.Y_train - np.sin(np.pi * noisy.X_train)), 0.3, atol=0.01)


def test_n_classes_only_applies_to_spiral_and_blobs():
    assert make_dataset("xor", rng=rs(), n_classes=5).n_classes == 2
    assert make_dataset("blobs", rng=rs()).n_classes == 3
    assert make_dataset("spiral", rng=rs()).n_classes == 2


# --- target encoding --------------------------------------------------------------------------

@pytest.mark.parametrize("loss, rows", [("mse", 1), ("bce", 1), ("cce", 2)])
def test_two_class_encoding_per_loss(loss, rows):
    d = make_dataset("moons", rng=rs(), loss=loss)
    assert d.Y_train.shape == (rows, d.n_train)
    if rows == 1:
        np.testing.assert_array_equal(d.Y_train[0], d.labels_train.astype(float))
    else:
        np.testing.assert_array_equal(d.Y_train.argmax(axis=0), d.labels_train)
        np.testing.assert_array_equal(d.Y_train.sum(axis=0), 1.0)


@pytest.mark.parametrize("loss", ["mse", "bce", "cce"])
def test_more_than_two_classes_are_one_hot_for_every_loss(loss):
    d = make_dataset("blobs", rng=rs(), loss=loss, n_classes=4)
    assert d.Y_test.shape == (4, d.n_test)
    np.testing.assert_array_equal(d.Y_test.argmax(axis=0), d.labels_test)
    assert set(np.unique(d.Y_test)) == {0.0, 1.0}


def test_encode_targets_by_hand():
    labels = np.array([0, 2, 1, 2])
    np.testing.assert_array_equal(encode_targets(labels, 3, "mse"),
                                  [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 1]])
    np.testing.assert_array_equal(encode_targets([1, 0, 1], 2, "bce"), [[1.0, 0.0, 1.0]])
    np.testing.assert_array_equal(encode_targets([1, 0, 1], 2, "cce"), [[0, 1, 0], [1, 0, 1]])
    assert encode_targets(np.zeros(0, dtype=np.int64), 3, "cce").shape == (3, 0)
    assert encode_targets([1, 0], 2, "mse").dtype == np.float64


@given(k=st.integers(2, 12), loss=st.sampled_from(["mse", "bce", "cce"]), data=st.data())
@settings(max_examples=60, deadline=None)
def test_encoding_decodes_back_to_the_labels(k, loss, data):
    labels = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=1, max_size=30)), dtype=np.int64)
    assert accuracy(encode_targets(labels, k, loss), labels) == 1.0


@pytest.mark.parametrize("labels, n_classes, field", [
    ([0, 3], 3, "labels"), ([-1, 0], 2, "labels"), ([[0, 1]], 2, "labels"), ([0.5, 1.0], 2, "labels"),
    ([0, 1], 1, "n_classes"), ([0, 1], 2.5, "n_classes"),
])
def test_encode_targets_refuses(labels, n_classes, field):
    with pytest.raises(ConfigError) as e:
        encode_targets(labels, n_classes, "mse")
    assert e.value.field == field and field in str(e.value)


def test_encode_targets_refuses_unknown_loss():
    with pytest.raises(ConfigError, match="loss: 'hinge'"):
        encode_targets([0, 1], 2, "hinge")


# --- accuracy -----------------------------------------------------------------------------------

def test_accuracy_argmax_and_threshold():
    y_hat = np.array([[0.9, 0.1, 0.3, 0.2], [0.1, 0.8, 0.7, 0.1], [0.0, 0.1, 0.0, 0.7]])
    assert accuracy(y_hat, np.array([0, 1, 2, 2])) == 0.75
    assert accuracy(np.array([[0.2, 0.5, 0.9, 0.49]]), np.array([0, 1, 1, 1])) == 0.75
    assert math.isnan(accuracy(np.zeros((3, 0)), np.zeros(0, dtype=np.int64)))


def test_accuracy_refuses_mismatched_shapes():
    with pytest.raises(ConfigError, match="y_hat"):
        accuracy(np.zeros((2, 3)), np.zeros(4, dtype=np.int64))


# --- the split ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n, fraction, n_train", [(100, 0.2, 80), (100, 0.0, 100), (100, 0.9, 10),
                                                  (10, 0.25, 8), (7, 0.5, 4), (4, 0.9, 1)])
def test_split_sizes(n, fraction, n_train):
    d = make_dataset("xor", rng=rs(), n_samples=n, test_fraction=fraction)
    assert (d.n_train, d.n_test) == (n_train, n - n_train)
    assert d.X_test.shape == (2, n - n_train) and d.labels_test.shape == (n - n_train,)


def test_split_keeps_columns_together_and_shuffles():
    X = np.arange(20.0).reshape(2, 10)
    Y = X[:1] * 10
    Xtr, Ytr, ltr, Xte, Yte, lte = train_test_split(X, Y, np.arange(10), 0.3, rs())
    assert Xtr.shape == (2, 7) and Yte.shape == (1, 3)
    np.testing.assert_array_equal(Ytr, Xtr[:1] * 10)
    np.testing.assert_array_equal(Xtr[0], ltr.astype(float))
    assert sorted(np.concatenate([ltr, lte])) == list(range(10))
    assert not np.array_equal(ltr, np.arange(7))


# --- argument checks ----------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, field, value", [
    ({"name": "mnist"}, "name", "mnist"),
    ({"n_samples": 3}, "n_samples", 3),
    ({"n_samples": 100_001}, "n_samples", 100001),
    ({"n_samples": 2.5}, "n_samples", 2.5),
    ({"n_samples": "100"}, "n_samples", "100"),
    ({"n_samples": True}, "n_samples", True),
    ({"noise": -0.1}, "noise", -0.1),
    ({"noise": 2.5}, "noise", 2.5),
    ({"noise": float("nan")}, "noise", float("nan")),
    ({"test_fraction": 0.95}, "test_fraction", 0.95),
    ({"test_fraction": -0.1}, "test_fraction", -0.1),
    ({"loss": "hinge"}, "loss", "hinge"),
    ({"n_classes": 1}, "n_classes", 1),
    ({"n_classes": 9}, "n_classes", 9),
    ({"n_inputs": 0}, "n_inputs", 0),
    ({"n_inputs": 4097}, "n_inputs", 4097),
    ({"n_outputs": 0}, "n_outputs", 0),
    ({"rng": None}, "rng", None),
    ({"rng": 42}, "rng", 42),
])
def test_bad_arguments_name_field_and_value(kwargs, field, value):
    args = {"name": "spiral", "rng": rs(), **kwargs}
    with pytest.raises(ConfigError) as e:
        make_dataset(args.pop("name"), **args)
    assert e.value.field == field
    assert str(e.value).startswith(f"{field}: {value!r} is not allowed; expected ")


def test_arguments_a_dataset_ignores_are_still_checked():
    with pytest.raises(ConfigError, match="n_samples"):
        make_dataset("tutorial", rng=rs(), n_samples=2)
    with pytest.raises(ConfigError, match="n_inputs"):
        make_dataset("xor", rng=rs(), n_inputs=0)


def test_a_generator_from_the_new_api_is_refused():
    with pytest.raises(ConfigError, match="RandomState"):
        make_dataset("xor", rng=np.random.default_rng(0))


@pytest.mark.parametrize("name, loss, ok", [("sine", "mse", True), ("sine", "bce", False),
                                            ("sine", "cce", False), ("tutorial", "bce", True),
                                            ("tutorial", "cce", False)])
def test_regression_losses(name, loss, ok):
    if ok:
        assert make_dataset(name, rng=rs(), loss=loss).task == "regression"
    else:
        with pytest.raises(ConfigError) as e:
            make_dataset(name, rng=rs(), loss=loss)
        assert e.value.field == "loss" and repr(loss) in str(e.value) and "mse" in str(e.value)
