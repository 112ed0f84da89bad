"""The record of every invocation, and the queue of events waiting to run.

Checks grade what happened, not what was configured: "the second call was
warm", "no request was throttled", "the failed event reached the queue after
three attempts". Every attempt, throttle and cold start therefore lands in
``InvocationLog`` as a plain row that a check can filter or query with JMESPath.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import asdict, dataclass, field


@dataclass
class Invocation:
    time: float
    function: str
    qualifier: str | None
    version: str
    request_id: str
    invocation_type: str            # RequestResponse | Event
    attempt: int = 1
    cold: bool = False
    provisioned: bool = False
    snapstart_restore: bool = False
    duration_ms: float = 0.0
    billed_ms: int = 0              # what Lambda charges for: handler time plus init on a cold start
    init_ms: float | None = None    # init, or SnapStart restore, on a cold start
    memory_mb: int = 128
    max_memory_mb: int = 0
    architecture: str = "x86_64"
    error: str | None = None        # "Unhandled" when the handler failed
    error_type: str | None = None
    timed_out: bool = False
    throttled: bool = False
    throttle_reason: str | None = None
    payload_bytes: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


class InvocationLog:
    def __init__(self):
        self.records: list[Invocation] = []

    def add(self, record: Invocation) -> Invocation:
        self.records.append(record)
        return record

    def query(self, **equals) -> list[Invocation]:
        """Rows whose fields equal every given value: ``query(function="f", cold=True)``."""
        return [r for r in self.records if all(getattr(r, k) == v for k, v in equals.items())]

    def as_dicts(self, **equals) -> list[dict]:
        return [r.as_dict() for r in self.query(**equals)]

    def __len__(self) -> int:
        return len(self.records)


@dataclass
class QueuedEvent:
    """An ``Event`` invocation waiting in Lambda's internal queue."""

    function: str
    qualifier: str | None
    payload: bytes
    request_id: str
    enqueued_at: float
    due_at: float
    attempts: int = 0
    last_result: dict = field(default_factory=dict)


class AsyncQueue:
    """Events ordered by when they are next due; ties keep their arrival order."""

    def __init__(self):
        self._heap: list = []
        self._order = itertools.count()

    def push(self, event: QueuedEvent) -> None:
        heapq.heappush(self._heap, (event.due_at, next(self._order), event))

    def pop_due(self, now: float) -> QueuedEvent | None:
        if self._heap and self._heap[0][0] <= now:
            return heapq.heappop(self._heap)[2]
        return None

    def next_due(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def discard(self, function: str) -> None:
        self._heap = [item for item in self._heap if item[2].function != function]
        heapq.heapify(self._heap)

    def __len__(self) -> int:
        return len(self._heap)
