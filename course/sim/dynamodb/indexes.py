"""Secondary indexes: their definitions, and their entries kept in index-key order.

An ``Index`` keeps a projected copy of every table item that carries all of its key attributes,
and nothing for the others (a *sparse* index): DynamoDB writes an index entry only when the item
has the index's key attributes. It offers the same reading surface as ``Table`` (``keys``,
``partition``, ``scan_order``, ``check_key``, ``storage_key``, ``key_of``, ``items``), so Query
and Scan read an index with the code that reads a table. Its storage keys are
``(index partition, [index sort], *table key)``: within one index partition entries are in
index-sort-key order, ties broken by the table key, and a page's ``LastEvaluatedKey`` carries both
the index key and the table key, as DynamoDB's does.

Sources:
- Definitions, projections, sparse indexes, eventual consistency of GSI reads, 20 GSIs per table
  (adjustable), at most 5 LSIs created with the table only, 10 GB item collections with LSIs:
  /work/shared/facts.md section 8; "Using Global Secondary Indexes in DynamoDB",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html ; "Local secondary
  indexes", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html ;
  "Constraints", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
- Index write cost (one write to put or remove an entry, two when an index key changes, one when
  only projected attributes change, none when the item is in the index neither before nor after):
  "Provisioned throughput considerations for Global Secondary Indexes" in GSI.html above.
- Message texts are those DynamoDB answers with, as recorded by the dynalite test suite.
"""

from __future__ import annotations

import copy
import re

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import ItemCollectionSizeLimitExceededException, ValidationException
from course.sim.dynamodb.items import INVALID, item_size, key_order
from course.sim.dynamodb.keyspace import KeySpace

GSI, LSI = "GSI", "LSI"
PROJECTION_TYPES = ("ALL", "KEYS_ONLY", "INCLUDE")
#: facts.md section 8 (Constraints / ServiceQuotas pages): 5 LSIs, 20 GSIs (the adjustable default).
MAX_LSI = 5
MAX_GSI = 20
#: With LSIs, the items and LSI entries sharing one partition key value are capped at 10 GB.
ITEM_COLLECTION_LIMIT_BYTES = 10 * 1024 ** 3
#: How long a GSI added by UpdateTable stays CREATING (backfilling) before it can be read. An
#: assumption: AWS publishes no figure (it depends on the table's size and the index's write capacity).
GSI_BACKFILL_SECONDS = 60
_INDEX_NAME = re.compile(r"[a-zA-Z0-9_.-]+")


def _problem(message: str) -> ValidationException:
    return ValidationException(INVALID + message)


# -- definitions ------------------------------------------------------------------------------------

def check_indexes(params: dict, key_schema: list[dict], definitions: list[dict], billing: str, *,
                  all_used: bool = True) -> list[dict]:
    """Validate CreateTable's LocalSecondaryIndexes and GlobalSecondaryIndexes in DynamoDB's order
    and return them as specs ``{kind, name, key_schema, projection, throughput}``.

    Attribute definitions must cover every index key and, once indexes are given, name nothing
    else: definitions describe keys only, because DynamoDB is schemaless elsewhere. (``all_used``
    is off for a GSI added by UpdateTable, whose definitions join those of the existing indexes.)
    """
    names = [d["AttributeName"] for d in definitions]
    table_hash = key_schema[0]["AttributeName"]
    specs, seen = [], set()
    lsis, gsis = params.get("LocalSecondaryIndexes"), params.get("GlobalSecondaryIndexes")
    if lsis is not None:
        if not lsis:
            raise _problem("List of LocalSecondaryIndexes is empty")
        if len(key_schema) != 2:
            raise _problem("Table KeySchema does not have a range key, which is required when specifying a "
                           "LocalSecondaryIndex")
        for position, spec in enumerate(lsis, 1):
            index = _check_one(spec, LSI, position, names, seen)
            if len(index["key_schema"]) != 2:
                raise _problem(f"Index KeySchema does not have a range key for index: {index['name']}")
            index_hash = index["key_schema"][0]["AttributeName"]
            if index_hash != table_hash:
                raise _problem(f"Index KeySchema does not have the same leading hash key as table KeySchema for "
                               f"index: {index['name']}. index hash key: {index_hash}, table hash key: {table_hash}")
            specs.append(index)
        if len(lsis) > MAX_LSI:
            raise _problem(f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSI}")
    if gsis is not None:
        if not gsis:
            raise _problem("List of GlobalSecondaryIndexes is empty")
        for position, spec in enumerate(gsis, 1):
            index = _check_one(spec, GSI, position, names, seen)
            index["throughput"] = check_index_throughput(spec, billing)
            specs.append(index)
        if len(gsis) > MAX_GSI:
            raise _problem(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSI}")
    if specs and all_used:
        used = [k["AttributeName"] for k in key_schema]
        for index in specs:
            used += [k["AttributeName"] for k in index["key_schema"] if k["AttributeName"] not in used]
        if set(names) - set(used):
            raise _problem(f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(names)}], "
                           f"keys used: [{', '.join(used)}]")
    return specs


def _check_one(spec: dict, kind: str, position: int, names: list[str], seen: set) -> dict:
    name = spec["IndexName"]
    field = "localSecondaryIndexes" if kind == LSI else "globalSecondaryIndexes"
    if not _INDEX_NAME.fullmatch(name) or len(name) > 255:
        raise ValidationException(f"1 validation error detected: Value '{name}' at "
                                  f"'{field}.{position}.member.indexName' failed to satisfy constraint: "
                                  "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    keys = [dict(k) for k in spec.get("KeySchema") or []]
    if not keys or len(keys) > 2:
        raise ValidationException(f"1 validation error detected: Value at '{field}.{position}.member.keySchema' "
                                  "failed to satisfy constraint: Member must have length less than or equal to 2")
    key_names = [k["AttributeName"] for k in keys]
    if any(k not in names for k in key_names):
        raise _problem("Some index key attributes are not defined in AttributeDefinitions. "
                       f"Keys: [{', '.join(key_names)}], AttributeDefinitions: [{', '.join(names)}]")
    if len(keys) == 2 and key_names[0] == key_names[1]:
        raise _problem("Both the Hash Key and the Range Key element in the KeySchema have the same name")
    if keys[0]["KeyType"] != "HASH":
        raise _problem("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(keys) == 2 and keys[1]["KeyType"] != "RANGE":
        raise _problem("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
    projection = check_projection(spec.get("Projection") or {})
    if name in seen:
        raise _problem(f"Duplicate index name: {name}")
    seen.add(name)
    return {"kind": kind, "name": name, "key_schema": keys, "projection": projection, "throughput": None}


def check_projection(projection: dict) -> dict:
    kind = projection.get("ProjectionType")
    if kind is None:
        raise _problem("Unknown ProjectionType: null")
    if kind not in PROJECTION_TYPES:
        raise ValidationException(f"1 validation error detected: Value '{kind}' at "
                                  "'projection.projectionType' failed to satisfy constraint: "
                                  "Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]")
    if projection.get("NonKeyAttributes") is not None and kind != "INCLUDE":
        raise _problem(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    out = {"ProjectionType": kind}
    if kind == "INCLUDE" and projection.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = list(projection["NonKeyAttributes"])
    return out


def check_index_throughput(spec: dict, billing: str) -> dict | None:
    """A GSI has capacity of its own on a provisioned table and none on an on-demand one."""
    name, throughput = spec["IndexName"], spec.get("ProvisionedThroughput")
    if billing == "PAY_PER_REQUEST":
        if throughput:
            raise _problem(f"ProvisionedThroughput should not be specified for index: {name} when BillingMode is "
                           "PAY_PER_REQUEST")
        return None
    if not throughput:
        raise _problem(f"ProvisionedThroughput must be specified for index: {name}")
    for field in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput.get(field, 0) < 1:
            raise ValidationException(f"1 validation error detected: Value '{throughput.get(field)}' at "
                                      f"'globalSecondaryIndexes.member.provisionedThroughput.{field[0].lower() + field[1:]}' "
                                      "failed to satisfy constraint: Member must have value greater "
                                      "than or equal to 1")
    return {"ReadCapacityUnits": throughput["ReadCapacityUnits"], "WriteCapacityUnits": throughput["WriteCapacityUnits"]}


# -- the index ---------------------------------------------------------------------------------------

class Index(KeySpace):
    """One GSI or LSI of a table: its definition and its projected entries in index order."""

    def __init__(self, table, spec: dict):
        super().__init__()
        self.kind, self.name = spec["kind"], spec["name"]
        self.key_schema = [dict(k) for k in spec["key_schema"]]
        self.projection = dict(spec["projection"])
        self.throughput = spec.get("throughput")
        self.arn = f"{table.arn}/index/{self.name}"
        types = {d["AttributeName"]: d["AttributeType"] for d in table.definitions}
        self.index_keys = [(k["AttributeName"], types[k["AttributeName"]]) for k in self.key_schema]
        self.hash_key = self.index_keys[0][0]
        self.range_key = self.index_keys[1][0] if len(self.index_keys) == 2 else None
        self.table_keys = list(table.keys)
        index_names = {n for n, _ in self.index_keys}
        #: Every attribute an entry's position depends on: the index key, then the table key.
        self.keys = self.index_keys + [k for k in self.table_keys if k[0] not in index_names]
        self._key_names = [n for n, _ in self.keys]
        # ``items``: storage key ``(index hash, [index sort], *table key)`` → projected entry.
        self._by_table: dict[tuple, tuple] = {}
        #: ACTIVE, or CREATING while a GSI added by UpdateTable backfills (it cannot be read then).
        self.status = "ACTIVE"

    # -- what goes in ----------------------------------------------------------------------------

    def covers(self, item: dict) -> bool:
        """Sparse: only items carrying every index key attribute, of the declared type, are indexed."""
        return all(name in item and next(iter(item[name])) == kind for name, kind in self.index_keys)

    def check_item(self, item: dict) -> None:
        """DynamoDB refuses a write whose index key attribute has the wrong type or is empty,
        rather than leaving the item out of the index."""
        for name, kind in self.index_keys:
            if name not in item:
                continue
            actual = next(iter(item[name]))
            if actual != kind:
                raise _problem(f"Type mismatch for Index Key {name} Expected: {kind} Actual: {actual} "
                               f"IndexName: {self.name}")
            if item[name][actual] in ("", b""):
                raise ValidationException("One or more parameter values are not valid. A value specified for a "
                                          "secondary index key is not supported. The AttributeValue for a key "
                                          f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
                                          f"value. IndexName: {self.name}, IndexKey: {name}")

    def project(self, item: dict) -> dict:
        kind = self.projection["ProjectionType"]
        if kind == "ALL":
            return copy.deepcopy(item)
        wanted = set(self._key_names)
        if kind == "INCLUDE":
            wanted.update(self.projection.get("NonKeyAttributes", ()))
        return {name: copy.deepcopy(value) for name, value in item.items() if name in wanted}

    def projects(self, names) -> bool:
        """Whether every attribute in ``names`` is held by the index's entries."""
        if self.projection["ProjectionType"] == "ALL":
            return True
        held = set(self._key_names) | set(self.projection.get("NonKeyAttributes", ()))
        return set(names) <= held

    def entry_for(self, table_where: tuple) -> dict | None:
        where = self._by_table.get(table_where)
        return None if where is None else self.items[where]

    def write_units(self, old: dict | None, new: dict | None) -> float:
        """Index writes a table write causes (GSI.html, "Provisioned throughput considerations")."""
        before = self.project(old) if old is not None and self.covers(old) else None
        after = self.project(new) if new is not None and self.covers(new) else None
        if before is None and after is None:
            return 0.0
        if before is None:
            return capacity.write_units(item_size(after))
        if after is None:
            return capacity.write_units(item_size(before))
        if self.storage_key(before) != self.storage_key(after):
            return capacity.write_units(item_size(before)) + capacity.write_units(item_size(after))
        if before == after:
            return 0.0
        return capacity.put_write(item_size(after), item_size(before))

    # -- maintenance (a ``Table.listeners`` subscriber) ------------------------------------------

    def on_change(self, table, old: dict | None, new: dict | None, service_delete: bool = False) -> None:
        table_where = table.storage_key(old if old is not None else new)
        where = self._by_table.pop(table_where, None)
        if where is not None:
            self._remove(where)
        if new is not None and self.covers(new):
            entry = self.project(new)
            where = self.storage_key(entry)
            self._store(where, entry)
            self._by_table[table_where] = where

    def fill(self, table) -> None:
        """Backfill from the table's items (a GSI added by UpdateTable)."""
        for item in table.items.values():
            self.on_change(table, None, item)

    # -- the reading surface Query and Scan use ------------------------------------------------

    def storage_key(self, item: dict) -> tuple:
        sort = (key_order(item[self.range_key]),) if self.range_key else ()
        return (key_order(item[self.hash_key]), *sort, *(key_order(item[n]) for n, _ in self.table_keys))

    def key_of(self, item: dict) -> dict:
        return {name: item[name] for name in self._key_names}

    def table_where(self, where: tuple) -> tuple:
        return where[len(where) - len(self.table_keys):]

    # -- description ------------------------------------------------------------------------------

    def description(self, billing: str) -> dict:
        out = {
            "IndexName": self.name,
            "KeySchema": [dict(k) for k in self.key_schema],
            "Projection": copy.deepcopy(self.projection),
            "IndexSizeBytes": sum(item_size(e) for e in self.items.values()),
            "ItemCount": len(self.items),
            "IndexArn": self.arn,
        }
        if self.kind == GSI:
            out["IndexStatus"] = self.status
            if self.status == "CREATING":
                out["Backfilling"] = True
            throughput = self.throughput if billing == "PROVISIONED" and self.throughput else \
                {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
            out["ProvisionedThroughput"] = {"NumberOfDecreasesToday": 0, **throughput}
        return out


def collection_size(table, partition_value: dict) -> int:
    """An item collection: the table's items with one partition key value plus their LSI entries."""
    total = 0
    lsis = [i for i in table.indexes.values() if i.kind == LSI]
    for where in table.partition(partition_value):
        total += item_size(table.items[where])
        for index in lsis:
            entry = index.entry_for(where)
            if entry is not None:
                total += item_size(entry)
    return total


def check_collection(table, old: dict | None, new: dict | None) -> None:
    """Refuse a write that grows an item collection past the limit; shrinking writes still pass,
    so a full collection can be cleaned up. The message text is the simulator's own: DynamoDB's
    wording is not recorded in the sources above."""
    lsis = [i for i in table.indexes.values() if i.kind == LSI]
    if not lsis or new is None:
        return

    def contribution(item):
        if item is None:
            return 0
        return item_size(item) + sum(item_size(i.project(item)) for i in lsis if i.covers(item))

    before = collection_size(table, new[table.hash_key])
    after = before - contribution(old) + contribution(new)
    if after > ITEM_COLLECTION_LIMIT_BYTES and after > before:
        raise ItemCollectionSizeLimitExceededException("Item collection size limit exceeded: the items and "
                                                       "local secondary index entries with this partition key "
                                                       f"value would exceed {ITEM_COLLECTION_LIMIT_BYTES} bytes")
