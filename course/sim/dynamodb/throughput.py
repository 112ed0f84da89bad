"""The capacity meter: decides, request by request, whether a table (or index) has the throughput.

Every request's units reach ``Meter.consume`` through ``DynamoDBService._charge`` before anything
changes; a request over a limit is refused whole with DynamoDB's throttling error. Time is the
account's simulated clock, counted in whole seconds, because DynamoDB enforces its rates per second.

What is modeled, and where the figures come from:

- **Provisioned tables**: a second's allowance is the provisioned RCU/WCU. Unused capacity is kept
  as *burst capacity*, "up to 5 minutes (300 seconds) of unused read and write capacity"
  ("DynamoDB burst and adaptive capacity",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html;
  worked example: 150 RCU idle for 5 minutes = 45,000 units of burst, https://repost.aws/knowledge-center/dynamodb-spiky-workloads-short-intervals).
  Over both → ProvisionedThroughputExceededException (HTTP 400) with ``ThrottlingReasons``
  (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ThrottlingReason.html).
- **On-demand tables**: a new table serves up to 4,000 write and 12,000 read request units a second
  at once; after that it serves "up to double the previous peak", and traffic that "exceed[s] double
  your previous traffic's peak within 30 minutes" may be throttled
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottlingOnDemand.html,
  https://repost.aws/knowledge-center/on-demand-table-throttling-dynamodb). A table switched from
  provisioned starts from its previous provisioned throughput (the docs: its previous peak is half
  of it). The optional ``OnDemandThroughput`` maximums and the default 40,000-unit per-table quota
  (ServiceQuotas page) cap it too. On-demand tables answer ``ThrottlingException`` with the message
  below; the docs name the exception without quoting it, the text is as DynamoDB returns it in
  reports such as https://github.com/cowinapi/developer.cowin/issues/151 and
  https://github.com/praetorian-inc/chariot-ui/issues/684.
- **Partitions**: a single partition serves at most 3,000 RCU and 1,000 WCU a second, in both modes,
  reads and writes independently; burst capacity cannot lift it
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-key-range-limit-exceeded-mitigation.html).
  ASSUMPTION: adaptive capacity is taken to have isolated every partition key value on a partition of
  its own ("isolate frequently accessed items" on the burst and adaptive capacity page), so the
  limit applies per partition key value and keys never slow each other down. Real tables may throttle
  earlier, never later. ``estimated_partitions`` gives the partition count the Developer Guide used to
  publish (max(ceil(RCU/3000 + WCU/1000), ceil(size/10 GB))); current docs no longer state a
  formula, so it is reported for teaching, not used to throttle.

Reads and writes are limited independently; the docs' "linear combination" of the two for a new
on-demand table is simplified to two separate limits.
"""

from __future__ import annotations

import math
from collections import deque

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import ProvisionedThroughputExceededException, Throttled, ThrottlingException
from course.sim.dynamodb.items import key_order

#: "DynamoDB currently retains up to 5 minutes (300 seconds) of unused read and write capacity."
BURST_SECONDS = 300
#: What a new on-demand table serves at once (TroubleshootingThrottlingOnDemand page).
ON_DEMAND_INITIAL = {"read": 12_000.0, "write": 4_000.0}
#: On-demand serves up to twice a peak reached this long ago.
ON_DEMAND_DOUBLING_S = 30 * 60
#: Per-table default quota, both modes (ServiceQuotas page); adjustable, not modeled as adjustable.
TABLE_QUOTA = {"read": float(capacity.TABLE_DEFAULT_MAX_RCU), "write": float(capacity.TABLE_DEFAULT_MAX_WCU)}
PARTITION_MAX = {"read": float(capacity.PARTITION_MAX_RCU), "write": float(capacity.PARTITION_MAX_WCU)}
PARTITION_BYTES = 10 * 1024 ** 3
#: Per-minute consumption kept for auto scaling (it looks back at most 15 minutes).
HISTORY_MINUTES = 60

MSG_PROVISIONED = ("The level of configured provisioned throughput for the table was exceeded. Consider increasing "
                   "your provisioning level with the UpdateTable API.")
MSG_PROVISIONED_INDEX = ("The level of configured provisioned throughput for one or more global secondary indexes "
                         "of the table was exceeded. Consider increasing your provisioning level for the "
                         "under-provisioned global secondary indexes with the UpdateTable API")
MSG_ON_DEMAND = ("Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling "
                 "your table or index so please try again shortly. If exceptions persist, check if you have a hot "
                 "key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html")

_UNITS = {"read": "ReadCapacityUnits", "write": "WriteCapacityUnits"}
_MAX = {"read": "MaxReadRequestUnits", "write": "MaxWriteRequestUnits"}


class _Lane:
    """One resource (the table or an index) in one direction (read or write)."""

    __slots__ = ("second", "used", "burst", "keys", "peaks", "allowance_floor", "cached")

    def __init__(self):
        self.second: int | None = None
        self.used = 0.0
        self.burst = 0.0
        self.keys: dict = {}
        #: (second, per-second consumption) whenever a new peak is reached, for on-demand scaling.
        self.peaks: list[tuple[int, float]] = []
        self.allowance_floor = 0.0
        self.cached: tuple | None = None


class Meter:
    """Per-second accounting for one table and its indexes.

    ``settings()`` is read on every request, so UpdateTable and auto scaling take effect at once.
    """

    def __init__(self, table, settings=None):
        self.table = table
        #: ``settings(index) -> (billing, throughput dict or None, on_demand maximums dict or None)``
        self.settings = settings or (lambda index: (table.billing, table.throughput,
                                                    getattr(table, "on_demand_throughput", None)))
        self._lanes: dict[tuple, _Lane] = {}
        #: minute → {"read": units, "write": units, "throttled_read": n, "throttled_write": n} (table only)
        self.minutes: deque[tuple[int, dict]] = deque(maxlen=HISTORY_MINUTES)
        self.throttled = {"read": 0, "write": 0}

    # -- admission ---------------------------------------------------------------------------

    def consume(self, now: float, *, read: float = 0.0, write: float = 0.0, key=None, index: str | None = None) -> None:
        """Admit one request's units or raise the throttling error; nothing is counted on refusal."""
        second = int(math.floor(now))
        part = self._partition(key)
        plans = []
        for kind, units in (("read", read), ("write", write)):
            if units <= 0:
                continue
            lane = self._lane(index, kind, second)
            try:
                plans.append((lane, kind, units, self._check(lane, kind, units, part, index, second)))
            except Throttled:
                if index is None:
                    self._note(second, kind, throttled=True)
                    self.throttled[kind] += 1
                raise
        for lane, kind, units, from_burst in plans:
            lane.used += units
            lane.burst -= from_burst
            if part is not None:
                lane.keys[part] = lane.keys.get(part, 0.0) + units
            if index is None:
                self._note(second, kind, units=units)

    def admit_many(self, now: float, kind: str, units: float, count: int, key=None,
                   partition=None) -> tuple[int, Throttled | None]:
        """How many of ``count`` identical table requests are admitted, counting them as ``consume``
        would one at a time, and the error the others got; the load scenario uses it to play
        thousands of requests a second."""
        if count <= 0:
            return 0, None
        second = int(math.floor(now))
        part = partition if partition is not None else self._partition(key)
        lane = self._lane(None, kind, second)
        allowance = self._allowance(lane, kind, None, second)
        provisioned = self._billing(None)[0] == "PROVISIONED"
        # units beyond the allowance have already been taken from the burst pool
        table_room = max(0.0, allowance - lane.used) + (max(0.0, lane.burst) if provisioned else 0.0)
        key_room = max(0.0, PARTITION_MAX[kind] - lane.keys.get(part, 0.0)) if part is not None else math.inf
        room = min(table_room, key_room)
        admitted = min(count, int(math.floor(room / units + 1e-9))) if units > 0 else count
        if admitted:
            total = admitted * units
            if provisioned:
                lane.burst -= max(0.0, total - max(0.0, allowance - lane.used))
            lane.used += total
            if part is not None:
                lane.keys[part] = lane.keys.get(part, 0.0) + total
            self._note(second, kind, units=total)
        refused = count - admitted
        if not refused:
            return admitted, None
        self.throttled[kind] += refused
        self._note(second, kind, throttled=True, count=refused)
        return admitted, self._error(kind, None, key_range=key_room < table_room)

    # -- internals ---------------------------------------------------------------------------

    def _billing(self, index):
        return self.settings(index)

    def _lane(self, index, kind: str, second: int) -> _Lane:
        lane = self._lanes.get((index, kind))
        if lane is None:
            lane = self._lanes[(index, kind)] = _Lane()
            billing, throughput, _ = self._billing(index)
            if billing == "PAY_PER_REQUEST":
                lane.allowance_floor = ON_DEMAND_INITIAL[kind]
        if lane.second != second:
            self._roll(lane, index, kind, second)
        return lane

    def _roll(self, lane: _Lane, index, kind: str, second: int) -> None:
        """A new second: the last one's unused provisioned capacity (and that of idle seconds
        between) goes to the burst pool, capped at 300 seconds' worth; peaks are remembered."""
        billing, throughput, _ = self._billing(index)
        if lane.second is not None:
            if lane.used > 0 and (not lane.peaks or lane.used > lane.peaks[-1][1]):
                lane.peaks.append((lane.second, lane.used))
            if billing == "PROVISIONED" and throughput:
                rate = float(throughput[_UNITS[kind]])
                idle = max(0, second - lane.second - 1)
                unused = max(0.0, rate - lane.used) + idle * rate
                lane.burst = min(BURST_SECONDS * rate, lane.burst + unused)
        lane.second, lane.used, lane.keys = second, 0.0, {}

    def _allowance(self, lane: _Lane, kind: str, index, second: int) -> float:
        """Units this second may take before burst capacity (provisioned) or at all (on-demand)."""
        billing, throughput, maximums = self._billing(index)
        signature = (second, billing, throughput and throughput.get(_UNITS[kind]), maximums and maximums.get(_MAX[kind]))
        if lane.cached is not None and lane.cached[0] == signature:
            return lane.cached[1]
        allowance = self._compute_allowance(lane, kind, second, billing, throughput, maximums)
        lane.cached = (signature, allowance)
        return allowance

    def _compute_allowance(self, lane: _Lane, kind: str, second: int, billing, throughput, maximums) -> float:
        if billing == "PROVISIONED":
            # An index whose own throughput the meter cannot see is limited per partition only.
            return float(throughput[_UNITS[kind]]) if throughput else math.inf
        old = [peak for when, peak in lane.peaks if when <= second - ON_DEMAND_DOUBLING_S]
        recent = lane.peaks[-1][1] if lane.peaks else 0.0
        allowance = max(lane.allowance_floor, 2 * max(old, default=0.0), recent)
        allowance = min(allowance, TABLE_QUOTA[kind])
        cap = (maximums or {}).get(_MAX[kind])
        if cap is not None and cap > 0:
            allowance = min(allowance, float(cap))
        return allowance

    def _check(self, lane: _Lane, kind: str, units: float, part, index, second: int) -> float:
        """Raise if the request does not fit; else return how much of it comes from burst capacity."""
        if part is not None and lane.keys.get(part, 0.0) + units > PARTITION_MAX[kind] + 1e-9:
            raise self._error(kind, index, key_range=True)
        billing = self._billing(index)[0]
        allowance = self._allowance(lane, kind, index, second)
        over = lane.used + units - allowance
        if over <= 1e-9:
            return 0.0
        if billing == "PROVISIONED" and min(units, over) <= lane.burst + 1e-9:
            return min(units, over)
        raise self._error(kind, index, key_range=False)

    def _error(self, kind: str, index, key_range: bool) -> Throttled:
        billing, _, maximums = self._billing(index)
        resource = self.table.arn + (f"/index/{index}" if index else "")
        where = "Index" if index else "Table"
        direction = "Read" if kind == "read" else "Write"
        cap = (maximums or {}).get(_MAX[kind], -1)
        lane = self._lanes.get((index, kind))
        allowance = self._allowance(lane, kind, index, lane.second) if lane and billing != "PROVISIONED" else 0.0
        if key_range:
            limit = "KeyRangeThroughputExceeded"
        elif billing == "PROVISIONED":
            limit = "ProvisionedThroughputExceeded"
        elif cap not in (None, -1) and allowance >= float(cap):
            limit = "MaxOnDemandThroughputExceeded"
        elif allowance >= TABLE_QUOTA[kind]:
            limit = "AccountLimitExceeded"
        else:
            # ASSUMPTION: beyond what on-demand has scaled to, the table's partitions are what
            # refuse the traffic until it splits them, so the reason given is the partition one.
            limit = "KeyRangeThroughputExceeded"
        reason = f"{where}{direction}{limit}"
        if billing == "PROVISIONED":
            return ProvisionedThroughputExceededException(MSG_PROVISIONED_INDEX if index else MSG_PROVISIONED,
                                                          reason=reason, resource=resource)
        return ThrottlingException(MSG_ON_DEMAND, reason=reason, resource=resource)

    def _partition(self, key):
        """A partition key value in comparable form, from a ``Key`` dict or the value itself."""
        if key is None:
            return None
        if isinstance(key, dict) and self.table.hash_key in key:
            key = key[self.table.hash_key]
        try:
            return key_order(key)
        except Exception:  # noqa: BLE001 - an unrecognisable key is not charged per partition
            return None

    def _note(self, second: int, kind: str, units: float = 0.0, throttled: bool = False, count: int = 1) -> None:
        minute = second // 60
        if not self.minutes or self.minutes[-1][0] != minute:
            self.minutes.append((minute, {"read": 0.0, "write": 0.0, "throttled_read": 0, "throttled_write": 0}))
        entry = self.minutes[-1][1]
        if throttled:
            entry[f"throttled_{kind}"] += count
        else:
            entry[kind] += units

    # -- reading -----------------------------------------------------------------------------

    def minute(self, minute: int) -> dict:
        """Units consumed during one whole minute of the table (zeros if nothing happened)."""
        for when, entry in self.minutes:
            if when == minute:
                return entry
        return {"read": 0.0, "write": 0.0, "throttled_read": 0, "throttled_write": 0}

    def burst_available(self, kind: str, index: str | None = None) -> float:
        lane = self._lanes.get((index, kind))
        return lane.burst if lane else 0.0

    def switched_to_on_demand(self, previous: dict | None) -> None:
        """Provisioned → on-demand: the previous peak counts as half the old provisioned
        throughput, so the table serves up to that throughput at once."""
        for kind in ("read", "write"):
            lane = self._lanes.setdefault((None, kind), _Lane())
            provisioned = float((previous or {}).get(_UNITS[kind], 0))
            lane.allowance_floor = max(ON_DEMAND_INITIAL[kind], provisioned)
            lane.cached = None


def estimated_partitions(throughput: dict | None, size_bytes: int, on_demand_peak: dict | None = None) -> int:
    """The partition count the Developer Guide once published as a rule of thumb (see module doc)."""
    rcu = float((throughput or {}).get("ReadCapacityUnits") or (on_demand_peak or {}).get("read", 0))
    wcu = float((throughput or {}).get("WriteCapacityUnits") or (on_demand_peak or {}).get("write", 0))
    by_throughput = math.ceil(rcu / capacity.PARTITION_MAX_RCU + wcu / capacity.PARTITION_MAX_WCU)
    by_size = math.ceil(size_bytes / PARTITION_BYTES)
    return max(1, by_throughput, by_size)
