"""Simulated time. Scenarios advance it; nothing in the simulator reads the wall clock."""

from __future__ import annotations

from datetime import datetime, timezone

#: 2026-01-01T00:00:00Z: a fixed start makes every run of a scenario give the same results.
DEFAULT_START = 1_767_225_600.0


class Clock:
    def __init__(self, start: float = DEFAULT_START):
        self._now = float(start)

    def now(self) -> float:
        """Seconds since the epoch, simulated."""
        return self._now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self._now, tz=timezone.utc)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("simulated time cannot go backwards")
        self._now += seconds
        return self._now

    def set(self, when: float) -> None:
        if when < self._now:
            raise ValueError("simulated time cannot go backwards")
        self._now = float(when)
