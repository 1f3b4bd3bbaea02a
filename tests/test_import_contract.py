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


# What a widget may take from the engine: types and pure functions, never the hot path of training
# (engine.backprop) nor the computations whose results the run model or the training thread hands over.
COMPUTATIONS = ("Backprop", "walk_back", "gradient_check", "numeric_gradient_of", "central_difference",
                "HealthTracker", "inspect_parameter", "step_phases", "Replayer")


def test_widgets_draw_and_the_engine_computes():
    import ast
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and (
                    node.module == "engine.backprop" or node.module.startswith("app")):
                offenders.append(f"{path.name}: from {node.module} import ...")
            elif isinstance(node, ast.Import) and any(a.name.startswith(("app", "engine.backprop")) for a in node.names):
                offenders.append(f"{path.name}: import {', '.join(a.name for a in node.names)}")
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in COMPUTATIONS:
                    offenders.append(f"{path.name}:{node.lineno}: calls {name}")
    assert offenders == []
