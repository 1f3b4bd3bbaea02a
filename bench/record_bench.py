"""How long a recording of 10 s at 20 fps (200 frames, 1280x720, loss + heatmaps + output) takes, and where the
time goes, against the replay of the same 200 moments timed in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/record_bench.py [--json] [--epochs 200] [--preset spiral]

Stages, each timed once over the 200 moments of a preset trained ``--epochs`` epochs: ``replay`` (each moment
replayed from the keyframes, ``engine.replay.Replayer.moment``: the baseline), ``replay+draw`` (and the views
drawn off screen and grabbed, app/recording.py ``ViewStrip``), and the whole ``record`` to a GIF and to an MP4
(app/recording.py ``record``). Ratios are each stage's time over the replay's.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

import resources  # noqa: E402
from app.recording import RecordOptions, ViewStrip, frame_at, moment_steps, record  # noqa: E402
from engine.config import TrainConfig, build  # noqa: E402
from engine.replay import Replayer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--preset", default="spiral")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])  # noqa: F841
    config = TrainConfig.from_dict(resources.load_preset(args.preset)["config"]).replace(epochs=args.epochs)
    trainer = build(config)
    trainer.run_epochs(args.epochs)
    options = RecordOptions(("loss", "heatmaps", "output"), fps=20, seconds=10, width=1280, height=720)
    steps = moment_steps(trainer.steps, options.n_frames)

    t0 = time.perf_counter()
    replayer = Replayer(trainer)
    for s in steps:
        frame_at(replayer, trainer, s)
    replay = time.perf_counter() - t0

    t0 = time.perf_counter()
    replayer, strip = Replayer(trainer), ViewStrip(trainer, options)
    for s in steps:
        strip.draw(frame_at(replayer, trainer, s))
    strip.close()
    draw = time.perf_counter() - t0

    times = {"replay": replay, "replay+draw": draw}
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".gif", ".mp4"):
            t0 = time.perf_counter()
            record(trainer, os.path.join(folder, "clip" + suffix), options)
            times[f"record_{suffix[1:]}"] = time.perf_counter() - t0
    result = {"preset": args.preset, "epochs": args.epochs, "steps": trainer.steps, "frames": options.n_frames,
              "size": f"{options.width}x{options.height}",
              "seconds": {k: round(v, 3) for k, v in times.items()},
              "ratio_to_replay": {k: round(v / replay, 2) for k, v in times.items()}}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.preset}, {args.epochs} epochs ({trainer.steps} steps): {options.n_frames} frames of "
          f"{result['size']} (10 s at 20 fps: loss, heatmaps, output)")
    for k, v in times.items():
        print(f"  {k:12s} {v:7.2f} s   x{v / replay:6.2f} the replay")


if __name__ == "__main__":
    main()
