"""Point-in-time recovery: the table's item history from the moment PITR was enabled.

DynamoDB can restore a table, or export it, "to any point in time" inside the recovery period, so
the simulator keeps what that needs and no more: the items as they were when PITR was turned on (or
at the start of the window, once older changes fall out of it) and every change since, in order.
It is a ``Table.listeners`` listener, so every write path (items, batches, transactions, TTL,
replication) is recorded without knowing about it.

Sources:
- the recovery period is 1-35 days, default 35 (``RecoveryPeriodInDays``), and the latest restorable
  time is usually about 5 minutes before now: facts.md §13;
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoverySpecification.html ;
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
- ``EarliestRestorableDateTime`` is when PITR was enabled, or the start of the period once the
  table has had PITR for longer than the period (API_PointInTimeRecoveryDescription.html).
"""

from __future__ import annotations

import bisect
import copy

DAY = 86_400
DEFAULT_RECOVERY_DAYS = 35
MIN_RECOVERY_DAYS, MAX_RECOVERY_DAYS = 1, 35
#: "The latest restorable time is usually about 5 minutes ago" (facts.md §13): the simulator uses
#: exactly 5 minutes, an assumption standing in for AWS's "usually".
RESTORE_LAG_SECONDS = 5 * 60


class PitrHistory:
    """Items at ``base_time`` plus every change after it as ``(time, storage key, item or None)``."""

    def __init__(self, table, clock, days: int):
        self._clock = clock
        self.enabled_at = clock.now()
        self.days = days
        self.base_time = self.enabled_at
        self.base: dict[tuple, dict] = dict(table.items)
        self.times: list[float] = []
        self.changes: list[tuple[tuple, dict | None]] = []

    def __call__(self, table, old: dict | None, new: dict | None, service_delete: bool) -> None:
        # Items in a table are replaced, never changed in place, so keeping references is safe.
        now = self._clock.now()
        if self.times and self.times[0] < now - self.days * DAY:
            self.compact(now)  # a long-running scenario keeps only the recovery period
        self.times.append(now)
        self.changes.append((table.storage_key(new if new is not None else old), new))

    # -- the window -------------------------------------------------------------------------------

    def earliest(self, now: float) -> float:
        return max(self.enabled_at, now - self.days * DAY)

    def latest(self, now: float) -> float:
        """About 5 minutes ago, but never before the earliest time (a table that has just had PITR
        turned on can be restored only to the moment it was turned on)."""
        return max(self.earliest(now), now - RESTORE_LAG_SECONDS)

    def contains(self, when: float, now: float) -> bool:
        return self.earliest(now) <= when <= self.latest(now)

    # -- reading it -------------------------------------------------------------------------------

    def compact(self, now: float) -> None:
        """Fold changes older than the window into the base: what cannot be restored is not kept."""
        start = self.earliest(now)
        cut = bisect.bisect_right(self.times, start)
        if not cut:
            return
        for where, item in self.changes[:cut]:
            if item is None:
                self.base.pop(where, None)
            else:
                self.base[where] = item
        del self.times[:cut], self.changes[:cut]
        self.base_time = start

    def items_at(self, when: float, *, inclusive: bool = True) -> dict[tuple, dict]:
        """The items as they were at ``when`` (changes made at exactly ``when`` included unless
        ``inclusive`` is false), copied."""
        items = dict(self.base)
        cut = (bisect.bisect_right if inclusive else bisect.bisect_left)(self.times, when)
        for where, item in self.changes[:cut]:
            if item is None:
                items.pop(where, None)
            else:
                items[where] = item
        return {where: copy.deepcopy(item) for where, item in items.items()}

    def changes_between(self, start: float, end: float) -> dict[tuple, tuple[dict | None, dict | None, float]]:
        """Each item changed in ``[start, end)``: its image before the range, after it, and when it
        last changed — what an incremental export writes."""
        before = self.items_at(start, inclusive=False)
        out: dict[tuple, tuple[dict | None, dict | None, float]] = {}
        low, high = bisect.bisect_left(self.times, start), bisect.bisect_left(self.times, end)
        for when, (where, item) in zip(self.times[low:high], self.changes[low:high]):
            old = out[where][0] if where in out else before.get(where)
            out[where] = (old, copy.deepcopy(item), when)
        return out
