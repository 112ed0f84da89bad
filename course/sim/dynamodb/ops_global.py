"""Global tables, version 2019.11.21: UpdateTable's ``ReplicaUpdates`` and DescribeTable's ``Replicas``.

A replica is an ordinary table of the same name in another Region's DynamoDB service (see
``Account.service(name, region=)``), made through that service's CreateTable with the source
table's definition and filled with its items; ``replication.py`` keeps the replicas in step.

Rules modeled (sources: facts.md §11;
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html ;
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html ;
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ReplicationGroupUpdate.html):
- one replica per Region; a Region that already holds a table of that name cannot take a replica;
- a replica needs DynamoDB Streams: adding the first replica turns on a NEW_AND_OLD_IMAGES stream
  when the table has none (an existing stream is kept as it is), and the stream of a replica
  cannot be turned off (ValidationException "Disabling Stream is not allowed for a Global Table
  replica", as DynamoDB answers). The requirement that the stream *be* NEW_AND_OLD_IMAGES belongs
  to the legacy version 2017.11.29 (CreateGlobalTable), not to this one;
- a provisioned table's write capacity must be on-demand or auto scaled before it gets a replica
  ("Table write capacity should either be Pay-Per-Request or AutoScaled.");
- the replica has the source's key schema, secondary indexes, billing mode and capacity.
Assumption: a new replica is ACTIVE at once and holds the table's items when UpdateTable returns
(on AWS it is CREATING for minutes while DynamoDB copies the items).
"""

from __future__ import annotations

import copy
import functools

from course.sim.dynamodb.backups import creation_params
from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import INVALID
from course.sim.dynamodb.replication import GLOBAL_TABLE_VERSION, ReplicaGroup
from course.sim.errors import AwsError, NotModeled

_CREATE_KEYS = {"RegionName"}
_DELETE_KEYS = {"RegionName"}


@functools.lru_cache(maxsize=1)
def _known_regions() -> frozenset[str]:
    from course.sim.bridge import botocore_session

    session = botocore_session()
    return frozenset(region for partition in session.get_available_partitions()
                     for region in session.get_available_regions("dynamodb", partition))


class GlobalOps:
    HANDLES: tuple[str, ...] = ("ReplicaUpdates",)

    def _region(self) -> str:
        return self.account.region

    def _group(self, table) -> ReplicaGroup | None:
        group = getattr(table, "replica_group", None)
        return group if group is not None and len(group.members) > 1 else None

    def replicated_write_units(self, table_name: str) -> dict[str, float]:
        """Replicated write units each Region has consumed applying other Regions' writes to the
        global table ``table_name`` (what AWS bills as rWCU/rWRU), for checks and tests."""
        group = getattr(self.table(table_name), "replica_group", None)
        return dict(group.replicated_units) if group is not None else {}

    # -- UpdateTable hook ---------------------------------------------------------------------------

    def _update_table_global(self, table, params: dict):
        stream = params.get("StreamSpecification")
        if stream is not None and not stream.get("StreamEnabled") and self._group(table):
            raise ValidationException(INVALID + "Disabling Stream is not allowed for a Global Table replica.")
        updates = params.get("ReplicaUpdates")
        if not updates:
            return None
        creates, deletes = self._check_replica_updates(table, updates)

        def apply():
            for region in creates:
                self._create_replica(table, region)
            for region in deletes:
                self.account.service("dynamodb", region=region).delete_table({"TableName": table.name})
        return apply

    def _check_replica_updates(self, table, updates: list) -> tuple[list[str], list[str]]:
        """Every update is checked before any is applied, so a bad one changes nothing."""
        creates, deletes = [], []
        group = self._group(table)
        current = set(group.members) if group else {self._region()}
        known = _known_regions()
        for update in updates:
            if update.get("Update") is not None:
                raise NotModeled("dynamodb", "ReplicaUpdates Update (per-replica settings)")
            action = update.get("Create") or update.get("Delete")
            if action is None or (update.get("Create") and update.get("Delete")):
                raise ValidationException("One or more parameter values were invalid: exactly one of Create, "
                                          "Update or Delete must be given in a ReplicationGroupUpdate")
            region = action["RegionName"]
            extra = sorted(set(action) - (_CREATE_KEYS if "Create" in update else _DELETE_KEYS))
            if extra:
                raise NotModeled("dynamodb", f"replica settings {', '.join(extra)}")
            if region not in known:
                raise ValidationException(INVALID + f"The Region {region} is not a valid AWS Region")
            if "Create" in update:
                other = self.account.service("dynamodb", region=region)
                if region in current or region in creates or table.name in other.tables:
                    raise ValidationException(f"Failed to create a the new replica of table with name: '{table.name}' "
                                              "because one or more replicas already existed as tables.")
                creates.append(region)
            else:
                if region == self._region():
                    raise ValidationException(INVALID + "A replica cannot delete itself; delete the table in "
                                              "that Region, or delete the replica from another Region")
                if region not in current or region in deletes:
                    raise ValidationException(INVALID + f"Replica in Region {region} of table {table.name} not found")
                deletes.append(region)
        if creates and table.billing == "PROVISIONED" and not self._write_autoscaled(table):
            raise ValidationException("Table write capacity should either be Pay-Per-Request or AutoScaled.")
        return creates, deletes

    def _write_autoscaled(self, table) -> bool:
        """Whether Application Auto Scaling has a target for the table's write capacity."""
        try:
            found = self.account.service("application-autoscaling").call("DescribeScalableTargets", {
                "ServiceNamespace": "dynamodb", "ResourceIds": [f"table/{table.name}"],
                "ScalableDimension": "dynamodb:table:WriteCapacityUnits"})
        except (AwsError, KeyError, ImportError, AttributeError):
            return False
        return bool(found.get("ScalableTargets"))

    def _create_replica(self, table, region: str) -> None:
        if not table.stream_arn:
            start = getattr(self, "_start_stream", None)
            if start is not None:
                start(table, "NEW_AND_OLD_IMAGES")
            else:
                table.stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        group = getattr(table, "replica_group", None)
        if group is None:
            group = ReplicaGroup(self.account.clock, table.name)
            group.join(self._region(), self, table)
        other = self.account.service("dynamodb", region=region)
        params = creation_params(self.describe(table), table.name)
        params["StreamSpecification"] = dict(table.stream)
        other.create_table(params)
        replica = other.tables[table.name]
        with other.indexes_built_with_table():
            for where, item in table.items.items():
                replica.write(where, copy.deepcopy(item))
        source_region = next(r for r, s in group.members.items() if s is self)
        group.join(region, other, replica, stamps=group.stamps[source_region])

    # -- DescribeTable and DeleteTable hooks ----------------------------------------------------------

    def _describe_global(self, table, out: dict) -> None:
        group = self._group(table)
        if group is None:
            return
        out["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        out["Replicas"] = [{"RegionName": region, "ReplicaStatus": "ACTIVE",
                            "ReplicaTableClassSummary": {"TableClass": "STANDARD"}}
                           for region in group.regions() if region != self._region()]

    def _delete_table_global(self, table) -> None:
        group = getattr(table, "replica_group", None)
        if group is None:
            return
        group.leave(self._region(), table)
        if len(group.members) == 1:
            # One replica left is a plain table again.
            (last_region,) = group.members
            last = group.table(last_region)
            if last is not None:
                group.leave(last_region, last)
