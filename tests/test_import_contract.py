"""engine/ never imports Qt, pyqtgraph, ui or app; ui/ never imports app (checked in a clean interpreter)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules_after_import(package: str) -> set[str]:
    code = ("import importlib, pkgutil, sys\n"
            f"import {package}\n"
            f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
            "    importlib.import_module(m.name)\n"
            "print('\\n'.join(sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert out.returncode == 0, out.stderr
    return {m.split(".")[0] for m in out.stdout.split()}


def test_engine_imports_no_qt_and_no_ui_or_app():
    loaded = _modules_after_import("engine")
    assert "engine" in loaded
    assert not loaded & {"PySide6", "shiboken6", "pyqtgraph", "ui", "app"}


def test_ui_does_not_import_app():
    if not any((ROOT / "ui").glob("*.py")):
        pytest.fail("ui/ has no modules")
    loaded = _modules_after_import("ui")
    assert "ui" in loaded and "PySide6" in loaded
    assert "app" not in loaded
