"""Render app.svg to app.png (256 x 256, transparent corners) with Qt's own SVG renderer.

Run after editing the SVG:  QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/make_png.py
The PNG is kept in the repository for desktops and packagers that want a bitmap icon.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import QtCore, QtGui, QtSvg

HERE = Path(__file__).resolve().parent
SIZE = 256


def render(svg: Path = HERE / "app.svg", png: Path = HERE / "app.png", size: int = SIZE) -> Path:
    renderer = QtSvg.QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG Qt can render")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QtCore.QRectF(0, 0, size, size))
    painter.end()
    if not image.save(str(png), "PNG"):
        raise OSError(f"{png}: could not be written")
    return png


if __name__ == "__main__":
    app = QtGui.QGuiApplication(sys.argv)  # QPainter on a QImage needs the GUI application for fonts
    print(render())
