"""Issue 9, walked through in the real window as a new user would: choices in either order, a 3-class CSV
import, one help window, fields that fit, focus after Enter, errors that do not move the layout, readable
tooltips."""
import numpy as np
import pytest
from session_helpers import accept_csv, isolated, open_lab  # noqa: F401  (isolated: fixture)

pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def lab(qtbot, tmp_path):
    return open_lab(qtbot, tmp_path / "settings.ini", preset="xor")


def pick(combo, text):
    """Choose ``text`` in ``combo`` as a click would (``activated``, not a programmatic change)."""
    combo.setCurrentText(text)
    combo.activated.emit(combo.currentIndex())


# -- 12: softmax before cross-entropy -------------------------------------------------------------------

def test_choosing_softmax_first_switches_the_loss_and_says_so(lab):
    panel = lab.window.config_panel
    editor = panel.layer_editor
    pick(editor.row(editor.n_hidden() + 1).activation, "softmax")  # xor's loss is bce
    config = lab.controller.config
    assert config.activations[-1] == "softmax" and config.loss == "cce"
    assert panel.error_text() == "" and "categorical cross-entropy" in panel.note_label.text()
    assert panel.field("loss").currentData() == "cce"
    assert lab.controller.data.Y_train.shape[0] == 2  # one-hot targets for the two classes


# -- 13: a 3-class CSV ------------------------------------------------------------------------------------

def test_importing_a_three_class_csv_picks_softmax_cce_and_three_outputs(qtbot, lab, tmp_path):
    data = tmp_path / "three.csv"
    rng = np.random.RandomState(0)
    x = rng.normal(size=(60, 2))
    data.write_text("a,b,label\n" + "".join(f"{r[0]:.4f},{r[1]:.4f},{i % 3}\n" for i, r in enumerate(x)))

    accept_csv(lab, data)
    lab.window.file_menu.import_csv_action.trigger()
    config = lab.controller.config
    assert config.dataset == "csv" and config.activations[-1] == "softmax" and config.loss == "cce"
    assert config.layers == (2, 8, 3)
    note = lab.window.config_panel.note_label.text()
    assert "3-class classification" in note and "softmax" in note and "categorical cross-entropy" in note
