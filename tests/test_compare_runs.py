"""Compare runs in the window: Keep for comparison pins the run, its curves join the loss plot labelled by what
differs from the current config, toggled and removed from the Compare dock, at most 8; a variant trains in a
thread of its own from the same initial weights without touching the main run; pinned runs travel in the
run's sidecar. And the Qt-free half (engine.pinned) on its own."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from compare_helpers import keep, panel
from session_helpers import isolated, open_lab, save, step, wait_snapshot  # noqa: F401  (isolated: fixture)

from app.compare_wiring import CompareWiring
from engine.pinned import (MAX_PINNED, PinnedRun, label, load_pinned, parse_change, pin, save_pinned,
                           sidecar_path)
from engine.validation import ConfigError
from engine.variants import run_variant
from export_helpers import preset_config, trained

pytestmark = pytest.mark.usefixtures("isolated")


# -- engine.pinned ------------------------------------------------------------------------------------------

def test_pin_copies_and_the_sidecar_round_trips(tmp_path):
    trainer, _ = trained("xor", epochs=4)
    run = pin(trainer)
    assert run.epoch == 4 and len(run.train_losses) == 4
    np.testing.assert_array_equal(run.train_losses, trainer.train_losses.view())
    trainer.run_epochs(1)
    assert len(run.train_losses) == 4 and not np.array_equal(run.weights[0], trainer.network.weights[0])
    other = PinnedRun(trainer.config.replace(learning_rate=0.5), np.array([1.0, 0.5]), np.array([]),
                      run.weights, run.biases, 2, shown=False)
    assert save_pinned(tmp_path / "run.npz", [run, other]) == tmp_path / "run.pinned.npz"
    back = load_pinned(tmp_path / "run.npz")
    assert [r.config for r in back] == [run.config, other.config] and [r.shown for r in back] == [True, False]
    np.testing.assert_array_equal(back[0].train_losses, run.train_losses)
    np.testing.assert_array_equal(back[0].weights[1], run.weights[1])
    assert back[1].test_losses.shape == (0,) and back[1].epoch == 2
    save_pinned(tmp_path / "run.npz", [])  # none left: the old sidecar goes
    assert not sidecar_path(tmp_path / "run.npz").exists() and load_pinned(tmp_path / "run.npz") == []


def test_a_pinned_run_keeps_its_path_thinned_and_the_sidecar_keeps_it(tmp_path, monkeypatch):
    import engine.pinned as pinned
    trainer, _ = trained("xor", epochs=0)
    first = trainer.network.params.copy()
    trainer.run_epochs(40)
    run = pin(trainer)
    assert run.path.dtype == np.float64 and run.path.shape[1] == trainer.network.params.size
    assert 2 <= len(run.path) <= pinned.PATH_POINTS
    np.testing.assert_array_equal(run.path[0], first)  # from the initial weights (the first keyframe)...
    np.testing.assert_array_equal(run.path[-1], trainer.network.params)  # ...to the weights it was kept with
    monkeypatch.setattr(pinned, "PATH_BYTES", 3 * 8 * trainer.network.params.size)  # a wide network: fewer points
    assert len(pin(trainer).path) == 3
    save_pinned(tmp_path / "run.npz", [run, run.with_shown(False)])
    back = load_pinned(tmp_path / "run.npz")
    np.testing.assert_array_equal(back[0].path, run.path)
    # a sidecar written before paths were kept: its runs have none
    legacy = PinnedRun(run.config, run.train_losses, run.test_losses, run.weights, run.biases, run.epoch)
    save_pinned(tmp_path / "old.npz", [legacy])
    assert load_pinned(tmp_path / "old.npz")[0].path is None


def test_a_damaged_sidecar_is_a_clear_error(tmp_path):
    (tmp_path / "run.pinned.npz").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="pinned runs"):
        load_pinned(tmp_path / "run.npz")


def test_labels_say_what_differs_from_the_current_config():
    config = preset_config("xor")
    run = PinnedRun(config.replace(learning_rate=0.5), np.ones(3), np.ones(0), (), (), 3)
    assert label(config, run) == "lr 0.5 (3 epochs)"
    assert label(config.replace(learning_rate=0.5), run) == "same config (3 epochs)"


def test_parse_change_checks_the_value_against_the_whole_config():
    config = preset_config("xor")
    assert parse_change(config, "learning_rate", " 0.5 ") == {"learning_rate": 0.5}
    assert parse_change(config.replace(batch_size=2), "batch_size", "full") == {"batch_size": None}
    hidden = parse_change(config, "activations", "relu")["activations"]
    assert hidden[:-1] == ("relu",) * (len(config.activations) - 1) and hidden[-1] == config.activations[-1]
    for field, text, says in (("learning_rate", "fast", "learning_rate: 'fast' is not allowed; expected a number"),
                              ("learning_rate", "-1", "learning_rate"), ("optimizer", "rmsprop", "optimizer"),
                              ("learning_rate", str(config.learning_rate), "other than the current"),
                              ("colour", "red", "change"),
                              ("batch_size", " ", "batch_size: '' is not allowed; expected a value for the variant"),
                              ("activations", "", "activations: '' is not allowed; expected a value")):
        with pytest.raises(ConfigError) as err:
            parse_change(config, field, text)
        assert says in str(err.value)


# -- the window --------------------------------------------------------------------------------------------

@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="xor")


def overlay_names(lab):
    wiring = lab.window.findChild(CompareWiring)
    return [name for name, *_ in wiring.overlay.curves()]


def test_keep_for_comparison_overlays_the_run_labelled_against_the_current_config(qtbot, lab):
    step(qtbot, lab, 3)
    keep(qtbot, lab)
    run = lab.controller.model.pinned[0]
    assert run.epoch == 3 and len(run.train_losses) == 3 and len(run.test_losses) == 3
    assert panel(lab).labels() == ["same config (3 epochs)"]
    assert overlay_names(lab) == ["same config (3 epochs) train", "same config (3 epochs) test"]
    old_lr = lab.controller.config.learning_rate
    with qtbot.waitSignal(lab.controller.model.config_changed, timeout=5_000):
        assert lab.controller.apply({"learning_rate": old_lr * 2})
    assert panel(lab).labels() == [f"lr {old_lr:g} (3 epochs)"]  # what the pinned run has that this one has not
    curves = lab.window.findChild(CompareWiring).overlay.curves()
    np.testing.assert_array_equal(curves[0][3], run.train_losses)

    item = panel(lab).list.item(0)
    item.setCheckState(Qt.CheckState.Unchecked)  # the user unticks it
    assert lab.controller.model.pinned[0].shown is False and overlay_names(lab) == []
    item = panel(lab).list.item(0)
    item.setCheckState(Qt.CheckState.Checked)
    assert len(overlay_names(lab)) == 2
    panel(lab).list.setCurrentRow(0)
    panel(lab).remove_button.click()
    assert lab.controller.model.pinned == [] and overlay_names(lab) == [] and panel(lab).labels() == []


def test_at_most_eight_runs_are_kept(qtbot, lab):
    step(qtbot, lab, 1)
    for _ in range(MAX_PINNED):
        keep(qtbot, lab)
    assert len(panel(lab).labels()) == MAX_PINNED
    panel(lab).keep_button.click()
    assert "At most 8 runs" in lab.window.banner.text()
    assert len(lab.controller.model.pinned) == MAX_PINNED


def test_a_variant_trains_in_its_own_thread_from_the_same_initial_weights(qtbot, lab):
    before = step(qtbot, lab, 4)
    p = panel(lab)
    p.field_combo.setCurrentIndex(p.field_combo.findData("learning_rate"))
    p.value_edit.setText("0.5")
    with qtbot.waitSignal(lab.controller.model.pinned_changed, timeout=30_000):
        p.variant_button.click()
        assert p.cancel_button.isEnabled() and not p.variant_button.isEnabled()
    qtbot.waitUntil(lambda: p.variant_button.isEnabled())  # the thread ended
    run = lab.controller.model.pinned[0]
    config = lab.controller.config
    assert run.config.learning_rate == 0.5 and run.epoch == 4
    expected = run_variant(config, 4, learning_rate=0.5)  # the engine's variant, the same initial weights
    for got, want in zip(run.weights, expected.network.weights):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(run.train_losses, expected.train_losses.view())
    assert p.labels() == ["lr 0.5 (4 epochs)"]
    # the main run was not touched: still paused at epoch 4 with the weights it had
    now = wait_snapshot(qtbot, lab.controller, lambda s: True)
    assert now.epoch == before.epoch == 4
    for a, b in zip(now.weights, before.weights):
        np.testing.assert_array_equal(a, b)


def test_a_bad_variant_value_is_one_clear_line_and_nothing_runs(qtbot, lab):
    step(qtbot, lab, 1)
    p = panel(lab)
    p.field_combo.setCurrentIndex(p.field_combo.findData("learning_rate"))
    p.value_edit.setText("fast")
    p.variant_button.click()
    text = lab.window.banner.text()
    assert "Cannot run the variant: learning_rate: 'fast' is not allowed; expected a number" in text
    assert p.variant_button.isEnabled() and lab.controller.model.pinned == []


def test_a_variant_can_be_cancelled(qtbot, tmp_path):
    lab = open_lab(qtbot, tmp_path / "settings.ini", views=True, preset="spiral")
    step(qtbot, lab, 1)
    lab.controller.model.epochs = 100_000  # (as if the run were long: the variant would take minutes)
    p = panel(lab)
    p.field_combo.setCurrentIndex(p.field_combo.findData("learning_rate"))
    p.value_edit.setText("0.5")
    p.variant_button.click()
    qtbot.waitUntil(lambda: "epoch" in p.variant_label.text())
    p.cancel_button.click()
    qtbot.waitUntil(lambda: p.variant_button.isEnabled(), timeout=10_000)
    assert lab.controller.model.pinned == [] and p.variant_label.text() == ""


def test_pinned_runs_are_saved_beside_the_run_and_come_back_when_it_is_opened(qtbot, lab, tmp_path):
    step(qtbot, lab, 2)
    keep(qtbot, lab)
    save(qtbot, lab, tmp_path / "run.npz")
    assert (tmp_path / "run.pinned.npz").is_file()
    kept = lab.controller.model.pinned[0]
    lab.window.close()
    other = open_lab(qtbot, tmp_path / "settings2.ini", views=True, preset="tutorial")
    assert other.controller.model.pinned == []
    other.open_paths.append(str(tmp_path / "run.npz"))
    other.window.file_menu.open_action.trigger()
    assert len(other.controller.model.pinned) == 1
    back = other.controller.model.pinned[0]
    assert back.config == kept.config and back.epoch == 2
    np.testing.assert_array_equal(back.train_losses, kept.train_losses)
    assert panel(other).labels() == ["same config (2 epochs)"]
    other.open_paths.append(str(tmp_path / "run.npz"))
    (tmp_path / "run.pinned.npz").unlink()  # a run without a sidecar keeps nothing from the one before
    other.window.file_menu.open_action.trigger()
    assert other.controller.model.pinned == [] and panel(other).labels() == []


def test_the_first_kept_runs_are_coloured_far_from_the_live_curves():
    """Hue distance from the live run's orange and sky blue: the first three kept runs stay clear of both."""
    from PySide6.QtGui import QColor

    from ui.pinned_overlay import pinned_color
    from ui.theme import TEST_COLOR, TRAIN_COLOR

    def hue_gap(a, b):
        ca, cb = QColor(a), QColor(b)
        if ca.hsvSaturation() < 40 or cb.hsvSaturation() < 40:  # white or grey: apart from any hue
            return 180
        d = abs(ca.hsvHue() - cb.hsvHue()) % 360
        return min(d, 360 - d)

    for i in range(3):
        assert min(hue_gap(pinned_color(i), live) for live in (TRAIN_COLOR, TEST_COLOR)) >= 30, pinned_color(i)
