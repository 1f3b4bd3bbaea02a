"""One step of each optimizer worked out by hand."""
import numpy as np
import pytest

from engine.optimizers import make_optimizer
from engine.validation import ConfigError

P = np.array([1.0, -2.0, 0.5])  # two weights and a bias
G = np.array([0.5, -1.0, 2.0])
MASK = np.array([1.0, 1.0, 0.0])


def _step(opt, params=P, grad=G):
    out = np.empty(3)
    opt.compute_update(params, grad, out)
    return out


def test_sgd_step():
    opt = make_optimizer("sgd", 3, MASK, learning_rate=0.1)
    np.testing.assert_allclose(_step(opt), [0.05, -0.1, 0.2])


def test_sgd_with_weight_decay_leaves_biases_alone():
    opt = make_optimizer("sgd", 3, MASK, learning_rate=0.1, weight_decay=0.5)
    # g + 0.5 * w for the weights: [0.5 + 0.5, -1 - 1, 2 + 0]
    np.testing.assert_allclose(_step(opt), [0.1, -0.2, 0.2])


def test_momentum_two_steps():
    opt = make_optimizer("momentum", 3, MASK, learning_rate=0.1, momentum=0.9)
    np.testing.assert_allclose(_step(opt), [0.05, -0.1, 0.2])  # v = lr g
    # v = 0.9 * [0.05, -0.1, 0.2] + 0.1 * g
    np.testing.assert_allclose(_step(opt), [0.095, -0.19, 0.38])


def test_adam_first_and_second_step():
    opt = make_optimizer("adam", 3, MASK, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8)
    # step 1: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps) = lr * sign(g) (almost)
    np.testing.assert_allclose(_step(opt), 0.01 * G / (np.abs(G) + 1e-8), rtol=1e-12)
    g2 = np.array([1.0, 1.0, 1.0])
    m = 0.9 * 0.1 * G + 0.1 * g2
    v = 0.999 * 0.001 * G**2 + 0.001 * g2**2
    expected = 0.01 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(_step(opt, grad=g2), expected, rtol=1e-12)
    assert opt.t == 2


def test_learning_rate_changes_between_steps():
    opt = make_optimizer("sgd", 3, MASK, learning_rate=0.1)
    opt.set_hyperparameters(learning_rate=1.0)
    np.testing.assert_allclose(_step(opt), G)


@pytest.mark.parametrize("key,value", [("learning_rate", 0), ("learning_rate", -1), ("learning_rate", float("nan")),
                                       ("momentum", 1.0), ("weight_decay", -0.1), ("beta2", 1.5)])
def test_bad_hyperparameters_name_field_and_value(key, value):
    opt = make_optimizer("adam" if key.startswith("beta") else "momentum", 3, MASK)
    with pytest.raises(ConfigError) as err:
        opt.set_hyperparameters(**{key: value})
    assert err.value.field == key and repr(value) in str(err.value)


def test_state_round_trip_continues_identically():
    a = make_optimizer("adam", 3, MASK, learning_rate=0.01)
    _step(a)
    b = make_optimizer("adam", 3, MASK, learning_rate=0.01)
    b.load_state(a.state())
    np.testing.assert_array_equal(_step(a), _step(b))


def test_momentum_keeps_its_velocity_when_the_learning_rate_changes():
    """The classic v = mu v + lr g: a new learning rate scales new gradients only (PyTorch's form,
    v = mu v + g, w -= lr v, would rescale the whole velocity)."""
    opt = make_optimizer("momentum", 3, MASK, learning_rate=0.1, momentum=0.9)
    first = _step(opt).copy()
    opt.learning_rate = 0.01
    np.testing.assert_array_equal(opt.velocity, first)  # untouched by the change itself
    np.testing.assert_allclose(_step(opt), 0.9 * first + 0.01 * G)


def test_the_momentum_form_is_written_where_the_user_reads():
    from pathlib import Path

    import resources
    from ui.config_panel import TOOLTIPS
    guide = Path(__file__).parent.parent / "docs" / "user-guide.md"
    pages = [TOOLTIPS["optimizer"], resources.path("help", "guide.md").read_text(encoding="utf-8"),
             guide.read_text(encoding="utf-8")]
    for text in pages:
        assert "v = mu v + lr g" in text and "w -= v" in text and "PyTorch" in text
