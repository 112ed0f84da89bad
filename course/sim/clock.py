"""Simulated time. Scenarios advance it; nothing in the simulator reads the wall clock.

Services that work in the background (DynamoDB's TTL sweeper, a stream's event source mapping,
global-table replication) schedule timers with ``call_at``; moving the clock runs every timer
that falls due on the way, each at its own time and in time order, so a scenario that advances
ten minutes sees the same sequence of events as one that advances a second at a time.
"""

from __future__ import annotations

import heapq
import itertools
from datetime import datetime, timezone
from typing import Callable

#: 2026-01-01T00:00:00Z: a fixed start makes every run of a scenario give the same results.
DEFAULT_START = 1_767_225_600.0


class Clock:
    def __init__(self, start: float = DEFAULT_START):
        self._now = float(start)
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._running = False
        self._target = self._now

    def now(self) -> float:
        """Seconds since the epoch, simulated."""
        return self._now

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self._now, tz=timezone.utc)

    def call_at(self, when: float, callback: Callable[[], None]) -> None:
        """Run ``callback()`` once simulated time reaches ``when`` (at once if it already has,
        on the next move of the clock). A callback may schedule further timers."""
        heapq.heappush(self._timers, (float(when), next(self._order), callback))

    def cancel_timers(self) -> None:
        """Drop every scheduled timer (an account forgetting its resources)."""
        self._timers.clear()

    def next_timer(self) -> float | None:
        return self._timers[0][0] if self._timers else None

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("simulated time cannot go backwards")
        self._move(self._now + seconds)
        return self._now

    def set(self, when: float) -> None:
        if when < self._now:
            raise ValueError("simulated time cannot go backwards")
        self._move(float(when))

    def run_due(self) -> int:
        """Run the timers already due without moving the clock; how many ran."""
        return self._move(self._now)

    def _move(self, target: float) -> int:
        # A timer's callback that itself moves the clock (a function invoked by a poller, say)
        # only moves time and stretches the outer move; the outer loop runs whatever fell due,
        # late but in order.
        if self._running:
            self._now = max(self._now, target)
            self._target = max(self._target, target)
            return 0
        self._running, self._target = True, target
        ran = 0
        try:
            while self._timers and self._timers[0][0] <= self._target:
                when, _, callback = heapq.heappop(self._timers)
                self._now = max(self._now, when)
                callback()
                ran += 1
            self._now = max(self._now, self._target)
        finally:
            self._running = False
        return ran
