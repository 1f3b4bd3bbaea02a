"""One declarative table of constraints, and the error every entry point raises.

Each constraint checks one value and returns it normalised (ints as int, floats as float). The error
names the field, the value and what is allowed, so the CLI, the UI and the file loader can show it as
it is.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass


SHOWN_CHARS = 80  # an echoed value longer than this is cut: an error line must stay one readable line


def shown(value, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters with an ellipsis and the length,
    so a 100,000-character value cannot fill a terminal or a window."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    return text[:limit - 1] + "…" + size


def shorten(text: str, limit: int = 500) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis: a message read from a file, for display."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class ConfigError(ValueError):
    """A value that is not allowed. ``str(err)`` is a one-line message for a person."""

    def __init__(self, field: str, value, allowed: str):
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {shown(value)} is not allowed; expected {allowed}")


@dataclass(frozen=True)
class Interval:
    """A number in [low, high]; ``closed`` says which ends belong ("both", "left", "right", "neither")."""

    kind: type  # int or float
    low: float | None
    high: float | None
    closed: str = "both"

    def _fmt(self, x) -> str:
        return str(int(x)) if self.kind is int else f"{x:g}"

    def describe(self) -> str:
        noun = "an integer" if self.kind is int else "a number"
        if self.low is not None and self.high is not None:
            lb = "[" if self.closed in ("both", "left") else "("
            rb = "]" if self.closed in ("both", "right") else ")"
            return f"{noun} in {lb}{self._fmt(self.low)}, {self._fmt(self.high)}{rb}"
        if self.low is not None:
            op = ">=" if self.closed in ("both", "left") else ">"
            return f"{noun} {op} {self._fmt(self.low)}"
        if self.high is not None:
            op = "<=" if self.closed in ("both", "right") else "<"
            return f"{noun} {op} {self._fmt(self.high)}"
        return noun

    def check(self, field: str, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ConfigError(field, value, self.describe())
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ConfigError(field, value, self.describe())
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise ConfigError(field, value, self.describe())
        lo_ok = self.low is None or (value >= self.low if self.closed in ("both", "left") else value > self.low)
        hi_ok = self.high is None or (value <= self.high if self.closed in ("both", "right") else value < self.high)
        if not (lo_ok and hi_ok):
            raise ConfigError(field, value, self.describe())
        return value


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of names."""

    options: tuple

    def describe(self) -> str:
        return "one of " + ", ".join(str(o) for o in self.options)

    def check(self, field: str, value):
        if value not in self.options:
            raise ConfigError(field, value, self.describe())
        return value


def check(field: str, value, constraint):
    """Check ``value`` against ``constraint`` (an Interval or OneOf) and return it normalised."""
    return constraint.check(field, value)


@dataclass(frozen=True)
class Text:
    """A string of at most ``max_chars`` characters (a path, column names), or None when ``optional``."""

    max_chars: int = 4096
    optional: bool = True

    def describe(self) -> str:
        return f"a text of at most {self.max_chars:,} characters" + (" or null" if self.optional else "")

    def check(self, field: str, value):
        if value is None and self.optional:
            return None
        if not isinstance(value, str) or len(value) > self.max_chars:
            raise ConfigError(field, value, self.describe())
        return value
