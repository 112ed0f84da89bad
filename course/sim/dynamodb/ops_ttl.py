"""Time to Live: UpdateTimeToLive, DescribeTimeToLive and the background deletion of expired items.

What a learner must see is that expiry is not deletion: an item whose TTL attribute lies in the
past stays readable (GetItem, Query, Scan return it) until DynamoDB gets round to deleting it, so
reads should filter expired items. The deletion itself costs no write capacity and reaches a
stream as a REMOVE record made by the service, not by a user.

The sweeper works per table from a heap of (due time, storage key): every write that leaves an
item with a TTL value pushes its due time, and one clock timer per table runs at the earliest due
time, checks the item again (it may have been deleted, extended or changed type since) and deletes
it through ``Table.write(..., service_delete=True)``, bypassing ``_charge``. The due time is the
item's expiry (or the moment TTL or the write saw it, if later) plus a delay derived from the
item's key, so runs are repeatable while deletions are spread out, not instant.

Sources (https://docs.aws.amazon.com/amazondynamodb/latest/):
- APIReference/API_UpdateTimeToLive.html: a change can take up to one hour, and another
  UpdateTimeToLive on the same table within that hour is a ValidationException; expired items are
  deleted on a best-effort basis, typically within two days (facts.md §12), and "Items that have
  expired and not been deleted will still show up in reads, queries, and scans".
- developerguide/TTL.html: "DynamoDB automatically deletes expired items within a few days of
  their expiration time, without consuming write throughput"; they reach streams as service
  deletions.
- developerguide/time-to-live-ttl-before-you-start.html ("Formatting an item's TTL attribute"): the
  attribute must be a top-level Number holding epoch seconds, any other type or format is
  ignored, and values more than five years in the past are never expired.
- developerguide/ttl-expired-items.html ("Working with expired items"): items pending deletion show
  in reads until the background process deletes them, so filter out items whose TTL time is at or
  before now; developerguide/time-to-live-ttl-streams.html: their stream records carry
  userIdentity type "Service", principalId "dynamodb.amazonaws.com" (see ``streams.py``).
Error messages are DynamoDB's texts for these requests.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.tables import Table
from course.sim.service import operation

#: Assumption: AWS deletes expired items "typically within 48 hours" ("within a few days" on the
#: TTL page) and publishes no distribution. The simulator deletes each expired item at a delay
#: between 0 and this many seconds after it expired, taken from a hash of its key, so exercises can
#: advance past deletion in simulated minutes. ``ttl_deletion_window_seconds`` on the service
#: overrides it for a scenario (0: deleted as soon as the clock next moves past expiry).
TTL_DELETION_WINDOW_SECONDS = 3600
#: One TTL change per table per hour (API_UpdateTimeToLive.html).
TTL_CHANGE_INTERVAL_SECONDS = 3600
#: Expiry times more than five years in the past are not expired (time-to-live-ttl-before-you-start).
#: Five years are counted as 5 × 365 days.
TTL_MAX_PAST_SECONDS = 5 * 365 * 24 * 3600
MSG_TOO_SOON = "Time to live has been modified multiple times within a fixed interval"


@dataclass
class TtlState:
    """One table's TTL setting and the expired items waiting for the sweeper."""

    table: Table
    attribute: str | None = None
    enabled: bool = False
    changed_at: float | None = None
    due: list[tuple[float, tuple]] = field(default_factory=list)
    timer_at: float | None = None


def expiry_of(item: dict, attribute: str) -> float | None:
    """The epoch second an item expires at, or None when its TTL attribute is absent or not a
    Number (those items are ignored by TTL, not refused)."""
    value = item.get(attribute)
    if not isinstance(value, dict) or set(value) != {"N"}:
        return None
    try:
        return float(Decimal(value["N"]))
    except (InvalidOperation, ValueError):
        return None


class TtlOps:
    HANDLES: tuple[str, ...] = ()
    #: Width of the deletion window after expiry; see ``TTL_DELETION_WINDOW_SECONDS`` (an assumption).
    ttl_deletion_window_seconds: float = TTL_DELETION_WINDOW_SECONDS

    @property
    def ttl_states(self) -> dict[str, TtlState]:
        states = self.__dict__.get("_ttl_states")
        if states is None:
            states = self.__dict__["_ttl_states"] = {}
        return states

    def _ttl_state(self, table: Table) -> TtlState:
        state = self.ttl_states.get(table.name)
        if state is None or state.table is not table:
            state = self.ttl_states[table.name] = TtlState(table)
        return state

    # -- operations -----------------------------------------------------------------------------

    @operation("UpdateTimeToLive")
    def update_time_to_live(self, params: dict) -> dict:
        """Content checks come before the once-an-hour check, as DynamoDB orders them."""
        table = self.table(params["TableName"])
        spec = params["TimeToLiveSpecification"]
        enable, attribute = bool(spec["Enabled"]), spec["AttributeName"]
        if len(attribute) > 255:
            raise ValidationException(f"1 validation error detected: Value '{attribute}' at "
                                      "'timeToLiveSpecification.attributeName' failed to satisfy "
                                      "constraint: Member must have length less than or equal to 255")
        state = self._ttl_state(table)
        if state.enabled and state.attribute != attribute:
            raise ValidationException("TimeToLive is active on a different AttributeName: "
                                      f"current AttributeName is {state.attribute}")
        if enable and state.enabled:
            raise ValidationException("TimeToLive is already enabled")
        if not enable and not state.enabled:
            raise ValidationException("TimeToLive is already disabled")
        now = self.account.clock.now()
        if state.changed_at is not None and now - state.changed_at < TTL_CHANGE_INTERVAL_SECONDS:
            raise ValidationException(MSG_TOO_SOON)
        state.enabled, state.changed_at = enable, now
        state.attribute = attribute if enable else None
        state.due.clear()
        if enable:
            if self._ttl_listener not in table.listeners:
                table.listeners.append(self._ttl_listener)
            for where, item in table.items.items():
                self._ttl_push(state, where, item, now)
            self._ttl_schedule(state)
        return {"TimeToLiveSpecification": {"Enabled": enable, "AttributeName": attribute}}

    @operation("DescribeTimeToLive")
    def describe_time_to_live(self, params: dict) -> dict:
        """Assumption: the status reads ENABLED or DISABLED at once. AWS defines ENABLING and
        DISABLING and says a change "can take up to one hour" to process, but publishes no
        timing; deletions start as soon as TTL is enabled here."""
        table = self.table(params["TableName"])
        state = self.ttl_states.get(table.name)
        if state is None or state.table is not table or not state.enabled:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": state.attribute}}

    # -- the sweeper ----------------------------------------------------------------------------

    def _ttl_delay(self, table: Table, where: tuple) -> float:
        window = self.ttl_deletion_window_seconds
        if not window:
            return 0.0
        digest = hashlib.sha256(f"{table.name}|{where!r}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % (int(window) + 1)

    def _ttl_push(self, state: TtlState, where: tuple, item: dict, now: float) -> None:
        expiry = expiry_of(item, state.attribute)
        if expiry is None or expiry < now - TTL_MAX_PAST_SECONDS:
            return
        heapq.heappush(state.due, (max(expiry, now) + self._ttl_delay(state.table, where), where))

    def _ttl_listener(self, table: Table, old, new, service_delete: bool) -> None:
        state = self.ttl_states.get(table.name)
        if new is None or state is None or state.table is not table or not state.enabled:
            return
        self._ttl_push(state, table.storage_key(new), new, self.account.clock.now())
        self._ttl_schedule(state)

    def _ttl_schedule(self, state: TtlState) -> None:
        """One timer per table at its earliest due time; a later timer already set is superseded."""
        if not state.due:
            return
        when = state.due[0][0]
        if state.timer_at is not None and state.timer_at <= when:
            return
        state.timer_at = when
        self.account.clock.call_at(when, lambda: self._ttl_sweep(state, when))

    def _ttl_sweep(self, state: TtlState, when: float) -> None:
        if state.timer_at == when:
            state.timer_at = None
        table = state.table
        if not state.enabled or self.tables.get(table.name) is not table or self.ttl_states.get(table.name) is not state:
            return
        now = self.account.clock.now()
        while state.due and state.due[0][0] <= now:
            _, where = heapq.heappop(state.due)
            item = table.items.get(where)
            expiry = expiry_of(item, state.attribute) if item is not None else None
            if expiry is None or expiry > now or expiry < now - TTL_MAX_PAST_SECONDS:
                continue  # deleted, extended or no longer a Number since it was scheduled
            table.write(where, None, service_delete=True)
        self._ttl_schedule(state)

    def _delete_table_ttl(self, table: Table) -> None:
        state = self.ttl_states.get(table.name)
        if state is not None and state.table is table:
            del self.ttl_states[table.name]
