"""Where a run left the path its configuration and seed describe: what retraining from the seed (the NumPy
training script, ``export --training``) cannot reproduce.

The trainer pins a keyframe with a reason at each such moment (engine/keyframes.py REASONS). A change made
before the first step is part of the configuration and reproducible; a weight set by hand, hyperparameters
changed, the data changed or training resumed after divergence at a later step are not.
"""
from __future__ import annotations

# reason of a pinned keyframe -> what it says happened
DEPARTURES = {"edit": "a parameter was set by hand", "hyperparameters": "the hyperparameters were changed",
              "data": "the data was changed", "resume": "training went on after divergence"}


def departures(trainer) -> list[tuple[int, str]]:
    """[(step, what happened)] in step order, for each departure after step 0 the run's keyframes record; []
    for a run that follows its configuration from the seed (or keeps no keyframes to tell)."""
    if trainer.keyframes is None:
        return []
    return [(kf.step, DEPARTURES[kf.reason]) for kf in trainer.keyframes.frames()
            if kf.pinned and kf.step > 0 and kf.reason in DEPARTURES]


def departure_note(trainer) -> str:
    """One sentence saying why retraining from the seed will not end at this run's weights; "" if it will."""
    found = departures(trainer)
    if not found:
        return ""
    listed = "; ".join(f"at step {step:,} {what}" for step, what in found[:3])
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    return (f"this run departs from its configuration: {listed}{more}. Retrained from the seed with the "
            "configuration as it is now, the final weights will differ from the run's")
