"""Icons, styles, presets and help text shipped with Backprop Lab, found next to this file."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a resource file, e.g. ``path("icons", "app.svg")``."""
    return ROOT.joinpath(*parts)


def preset_names() -> list[str]:
    """Preset names in the order the picker shows them (the ``order`` field of each file)."""
    presets = [load_preset(p.stem) for p in (ROOT / "presets").glob("*.json")]
    return [p["name"] for p in sorted(presets, key=lambda p: (p.get("order", 99), p["name"]))]


def load_preset(name: str) -> dict:
    """The preset's JSON object: ``name``, ``title``, ``description`` and ``config`` (TrainConfig fields)."""
    file = ROOT / "presets" / f"{name}.json"
    if not file.is_file():
        known = sorted(p.stem for p in (ROOT / "presets").glob("*.json"))
        raise KeyError(f"preset: {name!r} is not allowed; expected one of {', '.join(known)}")
    return json.loads(file.read_text(encoding="utf-8"))
