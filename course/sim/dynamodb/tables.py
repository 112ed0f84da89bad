"""One DynamoDB table: its definition, its description, and its items kept in key order.

The table is the unit that knows its key schema, so everything that depends on it lives here:
checking a CreateTable request, turning a ``Key`` parameter into a storage key, and walking items
in the order Query and Scan read them. The service (``models.py``) handles request parameters,
expressions and capacity around it.

Sources:
- CreateTable/UpdateTable rules and their messages: "CreateTable" and "UpdateTable" in the
  Amazon DynamoDB API Reference (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/),
  with message texts as DynamoDB answers them (recorded by the dynalite test suite).
- Item order: items with the same partition key are stored sorted by sort key; Query reads one
  partition in that order, Scan reads partitions in an order the caller cannot rely on
  ("Query operations", "Scan operations" in the Developer Guide).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Callable

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import INVALID, item_size, key_order, validate_key_type
from course.sim.dynamodb.keyspace import KeySpace

BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")


def _problem(message: str):
    return ValidationException(INVALID + message)


def check_definition(params: dict) -> tuple[list[dict], list[dict], str, dict | None]:
    """Validate CreateTable's key schema, attribute definitions and billing; return them normalised.

    DynamoDB demands that AttributeDefinitions name exactly the key attributes (no more, since
    non-key attributes are schemaless), so both directions are checked.
    """
    key_schema = [dict(k) for k in params.get("KeySchema") or []]
    definitions = [dict(d) for d in params.get("AttributeDefinitions") or []]
    if not key_schema or len(key_schema) > 2:
        raise ValidationException(
            "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2")
    if key_schema[0]["KeyType"] != "HASH":
        raise _problem("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2:
        if key_schema[1]["KeyType"] != "RANGE":
            raise _problem("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
        if key_schema[0]["AttributeName"] == key_schema[1]["AttributeName"]:
            raise _problem("Both the Hash Key and the Range Key element in the KeySchema have the same name")
    names = [d["AttributeName"] for d in definitions]
    if len(set(names)) != len(names):
        raise _problem("Cannot have two attributes with the same name")
    for definition in definitions:
        validate_key_type(definition["AttributeType"])
    keys = [k["AttributeName"] for k in key_schema]
    missing = [k for k in keys if k not in names]
    if missing:
        raise _problem("Some index key attributes are not defined in AttributeDefinitions. "
                       f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(names)}]")
    # With secondary indexes the definitions also cover index keys; ``indexes.check_indexes`` checks those.
    if len(names) != len(keys) and params.get("GlobalSecondaryIndexes") is None \
            and params.get("LocalSecondaryIndexes") is None:
        raise _problem("Number of attributes in KeySchema does not exactly match number of attributes "
                       "defined in AttributeDefinitions")
    billing, throughput = check_billing(params.get("BillingMode") or "PROVISIONED", params.get("ProvisionedThroughput"))
    return key_schema, definitions, billing, throughput


def check_billing(billing: str, throughput: dict | None) -> tuple[str, dict | None]:
    """Provisioned tables must say their capacity; on-demand tables must not, since they have none."""
    if billing not in BILLING_MODES:
        raise ValidationException(f"1 validation error detected: Value '{billing}' at 'billingMode' failed to satisfy "
                                  "constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
    if billing == "PROVISIONED":
        if not throughput or "ReadCapacityUnits" not in throughput or "WriteCapacityUnits" not in throughput:
            raise _problem("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
        for name in ("ReadCapacityUnits", "WriteCapacityUnits"):
            if throughput[name] < 1:
                raise ValidationException(f"1 validation error detected: Value '{throughput[name]}' at "
                                          f"'provisionedThroughput.{name[0].lower() + name[1:]}' failed to "
                                          "satisfy constraint: Member must have value greater than or equal to 1")
        return billing, {"ReadCapacityUnits": throughput["ReadCapacityUnits"],
                         "WriteCapacityUnits": throughput["WriteCapacityUnits"]}
    if throughput:
        raise _problem("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
                       "PAY_PER_REQUEST")
    return billing, None


class Table(KeySpace):
    """A table's definition and items. Items are stored by storage key (a tuple of key orders)."""

    def __init__(self, name: str, arn: str, key_schema: list[dict], definitions: list[dict], billing: str,
                 throughput: dict | None, created: datetime):
        super().__init__()
        self.name, self.arn = name, arn
        self.key_schema, self.definitions = key_schema, definitions
        self.billing, self.throughput = billing, throughput
        self.created = created
        self.billing_changed: datetime | None = created if billing == "PAY_PER_REQUEST" else None
        self.table_id = str(uuid.UUID(hashlib.md5(arn.encode()).hexdigest()))
        types = {d["AttributeName"]: d["AttributeType"] for d in definitions}
        #: ``[(name, type), ...]`` partition key first, the form ``items.validate_item`` takes.
        self.keys = [(k["AttributeName"], types[k["AttributeName"]]) for k in key_schema]
        self.hash_key = self.keys[0][0]
        self.range_key = self.keys[1][0] if len(self.keys) == 2 else None
        # ``items`` (storage key → item) comes from KeySpace; every change goes through ``write``
        # so listeners see it.
        #: ``listener(table, old, new, service_delete)`` after every item change, in change order:
        #: streams, secondary indexes, caches, replicas and the point-in-time log hang off this.
        self.listeners: list[Callable[["Table", dict | None, dict | None, bool], None]] = []
        #: Decides whether a request fits the table's capacity (``throughput.py``); None admits all.
        self.meter = None
        #: Index name → ``indexes.Index`` (GSIs and LSIs); each subscribes to ``listeners``.
        self.indexes: dict = {}
        #: ``StreamSpecification`` while a stream is enabled, else None. ``stream_label`` names the
        #: latest stream, enabled or disabled (None if there never was one); the streams family
        #: (``ops_streams.py``, ``streams.py``) sets both and keeps the records.
        self.stream: dict | None = None
        self.stream_label: str | None = None

    @property
    def stream_arn(self) -> str | None:
        """The enabled stream's ARN; None while no stream is enabled."""
        if not self.stream or not self.stream.get("StreamEnabled"):
            return None
        return self.latest_stream_arn

    @property
    def latest_stream_arn(self) -> str | None:
        """The latest stream's ARN, still reported (and readable for 24 hours) once disabled."""
        return f"{self.arn}/stream/{self.stream_label}" if self.stream_label else None

    # -- keys ---------------------------------------------------------------------------------

    def storage_key(self, item: dict) -> tuple:
        """Where an item lives: its key values in comparable form (numbers by value, not spelling)."""
        return tuple(key_order(item[name]) for name, _ in self.keys)

    def key_of(self, item: dict) -> dict:
        return {name: item[name] for name, _ in self.keys}

    # -- changes ------------------------------------------------------------------------------

    def write(self, where: tuple, new: dict | None, *, service_delete: bool = False) -> dict | None:
        """Store ``new`` at ``where`` (or delete it when ``new`` is None); returns the old item.
        ``service_delete`` marks deletions DynamoDB makes itself (TTL), which streams record apart."""
        if new is None:
            old = self._remove(where)
            if old is None:
                return None
        else:
            old = self.items.get(where)
            self._store(where, new)
        for listener in self.listeners:
            listener(self, old, new, service_delete)
        return old

    # -- description --------------------------------------------------------------------------

    def size_bytes(self) -> int:
        return sum(item_size(item) for item in self.items.values())

    def description(self, status: str = "ACTIVE") -> dict:
        """botocore's ``TableDescription``. On-demand tables report zero provisioned throughput."""
        throughput = self.throughput or {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
        out = {
            "AttributeDefinitions": [dict(d) for d in self.definitions],
            "TableName": self.name,
            "KeySchema": [dict(k) for k in self.key_schema],
            "TableStatus": status,
            "CreationDateTime": self.created,
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, **throughput},
            "TableSizeBytes": self.size_bytes(),
            "ItemCount": len(self.items),
            "TableArn": self.arn,
            "TableId": self.table_id,
            "DeletionProtectionEnabled": False,
        }
        if self.stream_arn:
            out["StreamSpecification"] = dict(self.stream)
        if self.latest_stream_arn:
            out["LatestStreamLabel"] = self.stream_label
            out["LatestStreamArn"] = self.latest_stream_arn
        if self.billing_changed is not None:
            out["BillingModeSummary"] = {"BillingMode": self.billing,
                                         "LastUpdateToPayPerRequestDateTime": self.billing_changed}
        return out
