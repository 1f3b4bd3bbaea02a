import os
import sys
from pathlib import Path

# Headless by default; `make test` sets it too, this covers a bare `pytest`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
REFERENCE = ROOT / "tests" / "data" / "tutorial_reference.json"  # copy of ../shared/tutorial/reference.json
