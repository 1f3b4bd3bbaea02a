"""File > Export: CSV, PNG, SVG, NPZ and NumPy text whose contents match what went in; atomic writes."""
import csv
import math
import os
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtGui

from ui import export
from engine.exports import export_loss_csv, export_step_losses_csv, export_weights_npz
from ui.export import (copy_matrix_to_clipboard, export_plot,
                       matrix_as_numpy_text)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def as_float(cell):
    return math.nan if cell == "" else float(cell)


# --- CSV ---------------------------------------------------------------------------------------------

def test_loss_csv_round_trips_with_empty_cells_for_missing_values(tmp_path):
    rng = np.random.RandomState(1)
    train, test = rng.random_sample(5), rng.random_sample(5)
    test[2] = np.nan
    acc = np.array([0.5, 0.625, 0.75])  # shorter: missing at the end
    path = tmp_path / "loss.csv"
    export_loss_csv(path, np.arange(1, 6), train, test, train_acc=acc, test_acc=None)
    rows = read_csv(path)
    assert rows[0] == ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    back = np.array([[as_float(c) for c in r[1:]] for r in rows[1:]])
    np.testing.assert_array_equal(back[:, 0], train)  # exact: shortest round-trip text
    np.testing.assert_array_equal(back[:, 1], test)
    assert rows[3][2] == "" and rows[4][3] == "" and rows[1][4] == ""
    np.testing.assert_array_equal(back[:3, 2], acc)


def test_loss_csv_without_test_set_or_accuracy(tmp_path):
    path = tmp_path / "loss.csv"
    export_loss_csv(path, [1, 2], [0.25, 0.125], [])
    assert read_csv(path) == [["epoch", "train_loss", "test_loss"], ["1", "0.25", ""], ["2", "0.125", ""]]
    with pytest.raises(ValueError, match="at most 2"):
        export_loss_csv(path, [1, 2], [0.1, 0.2, 0.3], [])


def test_step_losses_float32_round_trip(tmp_path):
    losses = (np.random.RandomState(2).random_sample(1000) * 1e-3).astype(np.float32)
    path = tmp_path / "steps.csv"
    export_step_losses_csv(path, losses)
    rows = read_csv(path)
    assert rows[0] == ["step", "loss"] and rows[1][0] == "1" and rows[-1][0] == "1000" and len(rows) == 1001
    np.testing.assert_array_equal(np.array([r[1] for r in rows[1:]], dtype=np.float32), losses)


# --- plots -------------------------------------------------------------------------------------------

@pytest.fixture
def plot_widget(qtbot):
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    w.resize(320, 240)
    w.getPlotItem().plot(np.arange(50.0), np.sqrt(np.arange(50.0)), pen="y")
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("which", ["widget", "item"])
def test_png_is_a_real_png(plot_widget, tmp_path, which):
    target = plot_widget if which == "widget" else plot_widget.getPlotItem()
    path = tmp_path / "loss.PNG"  # the suffix is case-insensitive
    assert export_plot(path, target) == path
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QtGui.QImage(str(path))
    assert not image.isNull() and image.width() > 100 and image.height() > 100


@pytest.fixture
def layout(qtbot):
    """A shown 300x200 GraphicsLayoutWidget with one plot."""
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    layout.resize(300, 200)
    layout.addPlot().plot([1, 3, 2])
    layout.show()
    qtbot.waitExposed(layout)
    return layout


def test_png_width_and_graphics_layout_scene(layout, tmp_path):
    export_plot(tmp_path / "wide.png", layout.getItem(0, 0), width=600)
    assert QtGui.QImage(str(tmp_path / "wide.png")).width() == 600
    export_plot(tmp_path / "scene.svg", layout)  # the whole layout: its scene
    assert ET.parse(tmp_path / "scene.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_png_defaults_to_twice_the_screen_size_and_refuses_a_bad_scale(layout, tmp_path):
    item = layout.getItem(0, 0)
    width = round(item.sceneBoundingRect().width())
    export_plot(tmp_path / "twice.png", item)
    assert QtGui.QImage(str(tmp_path / "twice.png")).width() == 2 * width
    export_plot(tmp_path / "four.png", item, scale=4)
    assert QtGui.QImage(str(tmp_path / "four.png")).width() == 4 * width
    for bad in (0, -1, float("nan"), "2"):
        with pytest.raises(ValueError, match="scale: .* expected a number > 0"):
            export_plot(tmp_path / "bad.png", item, scale=bad)
    assert not (tmp_path / "bad.png").exists()


def test_svg_is_valid_xml_with_an_svg_root(plot_widget, tmp_path):
    path = tmp_path / "loss.svg"
    export_plot(path, plot_widget)
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    paths = [p.get("d") for p in root.iter("{http://www.w3.org/2000/svg}path")]
    # the view's closed background rectangle keeps its "Z" (pyqtgraph 0.14 chokes on it unless helped)
    assert any(d.rstrip().endswith("Z") for d in paths)
    assert max(len(d.split()) for d in paths) >= 50  # the 50-point curve is in the drawing


@pytest.mark.parametrize("name", ["loss.jpg", "loss", "loss.svgz"])
def test_other_suffixes_are_refused_before_writing(plot_widget, tmp_path, name):
    with pytest.raises(ValueError, match=r"\.png, \.svg") as e:
        export_plot(tmp_path / name, plot_widget)
    assert (os.path.splitext(name)[1] or "(none)") in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_a_plot_without_size_is_refused_with_a_reason(qtbot, tmp_path):
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plot = layout.addPlot()
    plot.setFixedWidth(0)  # e.g. squeezed out of its layout
    plot.setFixedHeight(0)
    layout.show()
    qtbot.waitExposed(layout)
    with pytest.raises(ValueError, match="no size on screen"):
        export_plot(tmp_path / "x.png", plot)
    assert list(tmp_path.iterdir()) == []


def test_a_widget_holding_a_plot(qtbot, tmp_path):
    from ui.loss_plot import LossPlot
    w = LossPlot()
    qtbot.addWidget(w)
    w.resize(400, 300)
    w.append(1, np.array([1.0, 0.5, 0.25]), np.array([1.1, 0.6, 0.3]))
    w.show()
    qtbot.waitExposed(w)
    export_plot(tmp_path / "loss.png", w)
    assert not QtGui.QImage(str(tmp_path / "loss.png")).isNull()
    with pytest.raises(TypeError, match="expected a PlotItem"):
        export_plot(tmp_path / "x.png", object())


# --- weights -----------------------------------------------------------------------------------------

def test_npz_loads_without_pickle_and_matches(tmp_path):
    rng = np.random.RandomState(3)
    weights = [rng.random_sample((3, 5)), rng.random_sample((4, 3)).astype(np.float32)]
    biases = [rng.random_sample((3, 1)), np.zeros((4, 1), np.float32)]
    path = tmp_path / "weights"  # no suffix added behind the user's back
    export_weights_npz(path, weights, biases)
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["b1", "b2", "w1", "w2"]
        for k, (w, b) in enumerate(zip(weights, biases), start=1):
            assert f[f"w{k}"].dtype == w.dtype
            np.testing.assert_array_equal(f[f"w{k}"], w)
            np.testing.assert_array_equal(f[f"b{k}"], b)
    with pytest.raises(ValueError, match="b1"):
        export_weights_npz(path, weights, [biases[0].ravel(), biases[1]])


# --- NumPy text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.random.RandomState(4).standard_normal((5, 3)) * 10.0 ** np.arange(-150, 150, 20).reshape(5, 3),
    np.random.RandomState(5).standard_normal((4, 1)).astype(np.float32),
    np.array([1e-320, -0.0, np.inf, -np.inf, 0.1]),  # subnormal, signed zero, infinities
    np.arange(6).reshape(2, 3),
    np.zeros((0, 3)),
    np.array(2.5),
])
def test_numpy_text_round_trips_exactly(array):
    text = matrix_as_numpy_text("w2", array)
    assert text.startswith("w2 = np.array(") or text.startswith("w2 = np.zeros(")
    scope = {"np": np}
    exec(text, scope)
    back = scope["w2"]
    assert back.shape == array.shape and back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)
    assert np.array_equal(np.signbit(back), np.signbit(array))


def test_numpy_text_nan_and_layout():
    text = matrix_as_numpy_text("b1", np.array([[0.5], [np.nan]]))
    assert text == "b1 = np.array([\n    [0.5],\n    [np.nan],\n])\n"
    scope = {"np": np}
    exec(text, scope)
    assert np.isnan(scope["b1"][1, 0])
    with pytest.raises(ValueError, match="identifier"):
        matrix_as_numpy_text("grad w2", np.zeros((1, 1)))


def test_copy_to_clipboard(qapp):
    w = np.array([[0.1, 0.2], [0.3, 0.4]])
    text = copy_matrix_to_clipboard("w1", w)
    assert QtGui.QGuiApplication.clipboard().text() == text == matrix_as_numpy_text("w1", w)


# --- atomic writes -----------------------------------------------------------------------------------

def test_failed_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "loss.csv"
    export_loss_csv(path, [1], [0.5], [])
    before = path.read_bytes()

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError, match="disk full"):
        export_loss_csv(path, [1, 2], [0.25, 0.125], [])
    monkeypatch.undo()
    npz = tmp_path / "w.npz"
    npz.write_bytes(b"previous")
    monkeypatch.setattr(export.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        export_weights_npz(npz, [np.zeros((1, 1))], [np.zeros((1, 1))])
    assert path.read_bytes() == before and npz.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loss.csv", "w.npz"]  # no temporary left behind


def test_new_file_gets_ordinary_permissions_and_a_replaced_one_keeps_its_own(tmp_path):
    path = tmp_path / "loss.csv"
    export_loss_csv(path, [1], [0.5], [])
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    path.chmod(0o640)
    export_loss_csv(path, [1, 2], [0.5, 0.25], [])
    assert path.stat().st_mode & 0o777 == 0o640 and len(read_csv(path)) == 3
