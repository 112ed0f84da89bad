"""Global tables (version 2019.11.21): the replicas of one table in several Regions, kept in step.

Every replica accepts reads and writes. A write is applied where it was made at once, and to every
other replica ``REPLICATION_DELAY_SECONDS`` later, by a clock timer. Each change carries a stamp
(the time of the write, then the order in which writes were made, for writes at the same simulated
instant); a replica applies an incoming change only if it is newer than what it already holds for
that item, so concurrent writes to one item in two Regions end with the later write everywhere and
the earlier one lost: last writer wins. A condition checked in one Region sees only that Region's
copy, so it cannot protect against a write made in another Region within the replication delay.

Replicated changes go through ``Table.write`` like any other (streams, indexes and PITR in that
Region see them) but are not replicated again. They are ordinary (not service) deletes in the other
Regions even when the original was a TTL delete, and each consumes replicated write units there,
which the group counts per Region.

Sources: facts.md §11 (multi-active, MREC default, replication usually under 1 second, last writer
wins, one replica per Region, transactions ACID only in the Region of the write) and §12 (TTL deletes
replicate and consume replicated writes; their stream records are in the deleting Region only);
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html ;
https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html ;
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ttl-expired-items.html
"""

from __future__ import annotations

import copy
import itertools

from course.sim.dynamodb import capacity
from course.sim.dynamodb.items import item_size

#: Replication lag between Regions. An assumption: AWS says "usually under 1 second" (facts.md §11)
#: and publishes no fixed figure; half a second is inside that.
REPLICATION_DELAY_SECONDS = 0.5
GLOBAL_TABLE_VERSION = "2019.11.21"


class ReplicaGroup:
    """The replicas of one global table: Region → that Region's DynamoDB service."""

    def __init__(self, clock, name: str):
        self.clock = clock
        self.name = name
        self.members: dict[str, object] = {}
        self.stamps: dict[str, dict[tuple, tuple[float, int]]] = {}
        #: Replicated write units each Region has consumed applying other Regions' writes.
        self.replicated_units: dict[str, float] = {}
        self._listeners: dict[str, object] = {}
        self._order = itertools.count()
        self._applying = False

    def table(self, region: str):
        service = self.members.get(region)
        table = service.tables.get(self.name) if service is not None else None
        return table if table is not None and getattr(table, "replica_group", None) is self else None

    def join(self, region: str, service, table, stamps: dict | None = None) -> None:
        self.members[region] = service
        self.stamps[region] = dict(stamps or {})
        self.replicated_units.setdefault(region, 0.0)
        table.replica_group = self
        listener = self._listener(region)
        self._listeners[region] = listener
        table.listeners.append(listener)

    def leave(self, region: str, table) -> None:
        listener = self._listeners.pop(region, None)
        if listener is not None and listener in table.listeners:
            table.listeners.remove(listener)
        self.members.pop(region, None)
        self.stamps.pop(region, None)
        table.replica_group = None

    def regions(self) -> list[str]:
        return sorted(self.members)

    def _listener(self, region: str):
        def changed(table, old, new, service_delete):
            if self._applying:
                return
            now = self.clock.now()
            stamp = (now, next(self._order))
            where = table.storage_key(new if new is not None else old)
            self.stamps[region][where] = stamp
            for other in self.members:
                if other != region:
                    self.clock.call_at(now + REPLICATION_DELAY_SECONDS,
                                       lambda other=other: self._deliver(other, where, new, stamp))
        return changed

    def _deliver(self, region: str, where: tuple, item: dict | None, stamp: tuple[float, int]) -> None:
        table = self.table(region)
        if table is None:
            return  # the replica was removed while the change was on its way
        held = self.stamps[region].get(where)
        if held is not None and held > stamp:
            return  # that Region already has a later write of this item: last writer wins
        self.stamps[region][where] = stamp
        old = table.items.get(where)
        if item is None and old is None:
            return
        units = capacity.put_write(item_size(item)) if item is not None else capacity.delete_write(item_size(old))
        self.replicated_units[region] += units
        self._applying = True
        try:
            table.write(where, copy.deepcopy(item))
        finally:
            self._applying = False
