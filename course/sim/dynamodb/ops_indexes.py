"""GSIs and LSIs: CreateTable/UpdateTable index definitions, index maintenance and Query/Scan on an index.

Indexes meet the rest of the model at its seams: each ``Index`` subscribes to ``Table.listeners``
and so follows every item change, whichever family made it; the planning of a write
(``plan_put``/``plan_update``/``plan_delete``) is extended here to refuse index key type mismatches
and oversized item collections before anything changes, and to size the index writes the change
causes; ``apply`` admits those index writes through the capacity meter (a GSI's own throughput, an
LSI's through the table's) before the write lands. Query and Scan read an index through the same
code as a table (the index offers the table's reading surface); what differs (projections, the
LSI fetch from the table, where capacity is charged) is ``_read_index`` below.

Sources (see also ``indexes.py``):
- Query/Scan on indexes (IndexName, Select=ALL_PROJECTED_ATTRIBUTES as the default on an index,
  ConsistentRead refused on a GSI): "Query" and "Scan", Amazon DynamoDB API Reference,
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
- Reading non-projected attributes through an LSI fetches the whole item from the table, charged
  per item on top of the index read: "Local secondary indexes" (Read capacity units),
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html
- A GSI has throughput of its own and a table write also consumes write units on each GSI it
  changes; LSIs use the table's: "Using Global Secondary Indexes in DynamoDB",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
- UpdateTable creates or deletes one GSI per call (facts.md section 8); a new GSI is CREATING
  while it backfills from the table and cannot be queried until it is ACTIVE: "Managing Global
  Secondary Indexes",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html
"""

from __future__ import annotations

import contextlib
import copy

from course.sim.dynamodb import capacity, indexes
from course.sim.dynamodb.errors import LimitExceededException, ResourceNotFoundException, ValidationException
from course.sim.dynamodb.expressions_eval import Path
from course.sim.dynamodb.indexes import GSI, LSI, Index
from course.sim.dynamodb.items import INVALID, item_size
from course.sim.dynamodb.ops_read import PAGE_BYTES
from course.sim.service import operation

MSG_ONE_ONLINE_INDEX = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"


class IndexOps:
    HANDLES: tuple[str, ...] = ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "GlobalSecondaryIndexUpdates",
                                "IndexName")

    #: Index capacity of the request being answered: ``(kind, index name, read, write)`` parts the
    #: single-item write operations add to their ConsumedCapacity. None outside such a request.
    _index_parts: list | None = None

    # -- table hooks --------------------------------------------------------------------------------

    def _create_table_indexes(self, table, params: dict) -> None:
        specs = indexes.check_indexes(params, table.key_schema, table.definitions, table.billing)
        for spec in specs:
            self._add_index(table, Index(table, spec))

    #: ASSUMPTION inside the documented range: a table write reaches its GSIs this many seconds
    #: later. AWS: changes propagate to GSIs "within a fraction of a second" under normal
    #: conditions (GSI.html, "Data synchronization between tables and Global Secondary Indexes")
    #: and "within 1 second" (AWS Knowledge Center, dynamodb-missing-table-items-gsi). So a GSI
    #: Query at the moment of a write does not see it; one a second later does. LSIs are updated
    #: with the table. Set to 0 on a service to make GSIs follow writes at once.
    gsi_propagation_seconds: float = 0.5

    @contextlib.contextmanager
    def indexes_built_with_table(self):
        """A table filled before it is ACTIVE (a restore, an import, a new replica) has its
        indexes built by then: inside this block GSIs follow writes at once."""
        delay, self.gsi_propagation_seconds = self.gsi_propagation_seconds, 0
        try:
            yield
        finally:
            self.gsi_propagation_seconds = delay

    def _add_index(self, table, index: Index) -> None:
        table.indexes[index.name] = index
        if index.kind == GSI:
            clock = self.account.clock

            def propagate(table, old, new, service_delete=False, index=index):
                delay = self.gsi_propagation_seconds
                if delay <= 0:
                    index.on_change(table, old, new, service_delete)
                else:  # timers at equal delays run in the order the changes were made
                    clock.call_at(clock.now() + delay, lambda: index.on_change(table, old, new, service_delete))
            index.listener = propagate
        else:
            index.listener = index.on_change
        table.listeners.append(index.listener)

    def _describe_indexes(self, table, out: dict) -> None:
        for kind, field in ((LSI, "LocalSecondaryIndexes"), (GSI, "GlobalSecondaryIndexes")):
            described = [i.description(table.billing) for i in table.indexes.values() if i.kind == kind]
            if described:
                out[field] = described

    def _update_table_indexes(self, table, params: dict):
        """Validate every GSI update; the change is returned, to be applied once every part of the
        UpdateTable request has been validated. Billing switches carry GSI capacity along."""
        updates = params.get("GlobalSecondaryIndexUpdates")
        billing = params.get("BillingMode") or table.billing
        gsis = {n: i for n, i in table.indexes.items() if i.kind == GSI}
        if not updates:
            if billing == "PROVISIONED" and table.billing != "PROVISIONED" and gsis:
                raise ValidationException(INVALID + f"ProvisionedThroughput must be specified for index: {min(gsis)}")
            if billing != table.billing:
                def drop_capacity():
                    for index in gsis.values():
                        index.throughput = None
                return drop_capacity
            return None
        names, creates, deletes, throughputs = set(), [], [], {}
        definitions = {d["AttributeName"]: dict(d) for d in table.definitions}
        for given in params.get("AttributeDefinitions") or []:
            definitions.setdefault(given["AttributeName"], dict(given))
        for update in updates:
            action = update.get("Update") or update.get("Create") or update.get("Delete")
            if action is None:
                raise ValidationException(INVALID + "One of GlobalSecondaryIndexUpdate.Update, "
                                          "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must "
                                          "not be null")
            name = action["IndexName"]
            if name in names:
                raise ValidationException(INVALID + "Only one global secondary index update per index is allowed "
                                          f"simultaneously. Index: {name}")
            names.add(name)
            if update.get("Create") is not None:
                if name in table.indexes:
                    raise ValidationException("Attempting to create an index which already exists")
                spec = {**update["Create"]}
                specs = indexes.check_indexes(
                    {"GlobalSecondaryIndexes": [spec]}, table.key_schema, list(definitions.values()), billing,
                    all_used=False)
                creates.append(specs[0])
            elif update.get("Delete") is not None:
                if name not in gsis:
                    raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
                deletes.append(name)
            else:
                if name not in gsis:
                    raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
                throughputs[name] = indexes.check_index_throughput(update["Update"], billing)
        if len(creates) + len(deletes) > 1 or (creates and any(i.status == "CREATING" for i in gsis.values())):
            raise LimitExceededException(MSG_ONE_ONLINE_INDEX)
        if len(gsis) - len(deletes) + len(creates) > indexes.MAX_GSI:
            raise LimitExceededException(f"GlobalSecondaryIndex count exceeds the per-table limit of {indexes.MAX_GSI}")
        if billing == "PROVISIONED" and table.billing != "PROVISIONED":
            lacking = set(gsis) - set(deletes) - set(throughputs)
            if lacking:
                raise ValidationException(INVALID + "ProvisionedThroughput must be specified for index: "
                                                    f"{min(lacking)}")

        def apply():
            if billing != table.billing and billing == "PAY_PER_REQUEST":
                for index in gsis.values():
                    index.throughput = None
            for name, throughput in throughputs.items():
                table.indexes[name].throughput = throughput
            for name in deletes:
                index = table.indexes.pop(name)
                table.listeners.remove(index.listener)
            for spec in creates:
                for key in spec["key_schema"]:
                    if all(d["AttributeName"] != key["AttributeName"] for d in table.definitions):
                        table.definitions.append(dict(definitions[key["AttributeName"]]))
                index = Index(table, spec)
                # The entries are copied at once (later writes keep them current through the listener),
                # but the index reads as backfilling until the assumed delay has passed.
                index.fill(table)
                index.status = "CREATING"
                self._add_index(table, index)
                self.account.clock.call_at(self.account.clock.now() + indexes.GSI_BACKFILL_SECONDS,
                                           lambda index=index: setattr(index, "status", "ACTIVE"))
        return apply

    # -- writes: validation and index write units --------------------------------------------------

    def _index_check(self, write):
        table = write.table
        if table.indexes:
            if write.new is not None:
                for index in table.indexes.values():
                    index.check_item(write.new)
                indexes.check_collection(table, write.old, write.new)
            write.index_units = {name: index.write_units(write.old, write.new)
                                 for name, index in table.indexes.items()}
        return write

    def plan_put(self, table, params: dict, **options):
        return self._index_check(super().plan_put(table, params, **options))

    def plan_update(self, table, params: dict, **options):
        return self._index_check(super().plan_update(table, params, **options))

    def plan_delete(self, table, params: dict, **options):
        return self._index_check(super().plan_delete(table, params, **options))

    def apply(self, write) -> None:
        """Index writes are admitted before the change lands: a GSI short of write capacity
        throttles the table write; an LSI's writes count against the table's own capacity."""
        for name, units in (getattr(write, "index_units", None) or {}).items():
            if not units:
                continue
            index = write.table.indexes[name]
            self._charge(write.table, {}, write=units, index=name if index.kind == GSI else None)
            if self._index_parts is not None:
                self._index_parts.append((index.kind, name, 0.0, units))
        super().apply(write)

    def _with_index_capacity(self, answer, params: dict) -> dict:
        """Run a single-item write and add its index units to the ConsumedCapacity it reports."""
        outer, self._index_parts = self._index_parts, []
        try:
            out = answer(params)
            parts = self._index_parts
        finally:
            self._index_parts = outer
        consumed = out.get("ConsumedCapacity")
        if consumed and parts:
            base = consumed.get("Table", consumed)
            usage = capacity.Consumption(consumed["TableName"]).add(
                base.get("ReadCapacityUnits", 0.0), base.get("WriteCapacityUnits", 0.0))
            for kind, name, read, write in parts:
                usage.add(read, write, **{"gsi" if kind == GSI else "lsi": name})
            out["ConsumedCapacity"] = usage.response(params.get("ReturnConsumedCapacity"))
        return out

    @operation("PutItem")
    def put_item(self, params: dict) -> dict:
        return self._with_index_capacity(super().put_item, params)

    @operation("UpdateItem")
    def update_item(self, params: dict) -> dict:
        return self._with_index_capacity(super().update_item, params)

    @operation("DeleteItem")
    def delete_item(self, params: dict) -> dict:
        return self._with_index_capacity(super().delete_item, params)

    # -- reads ------------------------------------------------------------------------------------

    def _read_view(self, table, params: dict):
        name = params.get("IndexName")
        if name is None:
            return table
        index = table.indexes.get(name)
        if index is None:
            raise ValidationException(f"The table does not have the specified index: {name}")
        if index.kind == GSI and params.get("ConsistentRead"):
            raise ValidationException("Consistent reads are not supported on global secondary indexes")
        if index.status != "ACTIVE":
            raise ValidationException(f"Cannot read from backfilling global secondary index: {name}")
        return index

    def _read_index(self, table, index: Index, keys: list[tuple], params: dict, exprs, partition) -> dict:
        """Read an index page. Limit and the 1 MB page count index entries; capacity is the index
        entries read (rounded once), charged to the index. On an LSI, asking for attributes the
        index does not hold fetches each item from the table, charged per item like a GetItem."""
        select, filter_, projection = self._read_options(params, exprs)
        if select == "ALL_ATTRIBUTES" and index.kind == GSI and index.projection["ProjectionType"] != "ALL":
            raise ValidationException(INVALID + f"Select type ALL_ATTRIBUTES is not supported for global secondary "
                                      f"index {index.name} because its projection type is not ALL")
        fetch_filter = index.kind == LSI and filter_ is not None and not index.projects(_top_names(filter_))
        fetch_result = index.kind == LSI and (select == "ALL_ATTRIBUTES" or (
            projection is not None and not index.projects(_top_names(projection))))
        mode = capacity.consistency(params.get("ConsistentRead"))
        limit = params.get("Limit")
        sizes, fetched, matched, last = [], [], [], None
        for key in keys:
            entry = index.items[key]
            sizes.append(item_size(entry))
            item = entry
            if fetch_filter or fetch_result:
                item = table.items[index.table_where(key)]
            if fetch_filter:
                fetched.append(item_size(item))
            if filter_ is None or filter_.evaluate(item):
                if fetch_result and not fetch_filter:
                    fetched.append(item_size(item))
                matched.append(item if fetch_result else entry)
            if (limit is not None and len(sizes) >= limit) or sum(sizes) >= PAGE_BYTES:
                last = index.key_of(entry)
                break
        out = {"Count": len(matched), "ScannedCount": len(sizes)}
        if select != "COUNT":
            out["Items"] = [projection.apply(i) if projection else copy.deepcopy(i) for i in matched]
        if last is not None:
            out["LastEvaluatedKey"] = copy.deepcopy(last)
        index_read = capacity.query_read(sizes, mode)
        fetch_read = sum(capacity.get_item_read(size, mode) for size in fetched)
        self._charge(table, {}, read=index_read, key=partition, index=index.name if index.kind == GSI else None)
        if fetch_read:
            self._charge(table, {}, read=fetch_read)
        usage = capacity.Consumption(table.name).add(fetch_read)
        usage.add(index_read, **{"gsi" if index.kind == GSI else "lsi": index.name})
        consumed = usage.response(params.get("ReturnConsumedCapacity"))
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out


def _top_names(expression) -> set[str]:
    """The top-level attribute names a parsed filter or projection refers to (its Path nodes)."""
    names, stack = set(), [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, Path):
            names.add(node.elements[0])
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif hasattr(node, "__dict__"):
            stack.extend(vars(node).values())
    return names
