"""The DynamoDB service model: one class assembled from a mixin per family of operations.

Every operation answers with botocore's output shape and DynamoDB's error codes, so a learner's
boto3 code meets the same ValidationException, ConditionalCheckFailedException or
ResourceNotFoundException it would meet on AWS. Values are validated and canonicalised by
``items.py``, expressions parsed by one ``Expressions`` object per request (DynamoDB's unused-name
check spans every expression of a request), and capacity is computed by ``capacity.py``.

The families live in ``ops_*.py``. They meet at three seams, so a feature is added without
editing the others:
- every item change goes through ``Table.write`` (listeners: streams, indexes, caches, replicas);
- every request's capacity goes through ``DynamoDBService._charge`` (``Table.meter`` throttles);
- CreateTable calls each family's ``_create_table_<x>(table, params)`` hook; UpdateTable calls each
  ``_update_table_<x>(table, params)``, which validates and returns the change it would make (a
  callable) or None, and applies the changes only once every part of the request is valid;
  DescribeTable and DeleteTable call ``_describe_<x>(table, out)`` and ``_delete_table_<x>(table)``.
  A family lists the request parameters it handles in ``HANDLES``; any other parameter in
  ``NOT_MODELED`` is refused loudly.
"""

from __future__ import annotations

import copy

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import ConditionalCheckFailedException, ResourceNotFoundException, ValidationException
from course.sim.dynamodb.expressions import Expressions
from course.sim.dynamodb.interleave import Interleaving
from course.sim.dynamodb.items import item_size, validate_value
from course.sim.dynamodb.latency import dynamodb_ms
from course.sim.dynamodb.ops_backups import BackupOps
from course.sim.dynamodb.ops_batch import BatchOps
from course.sim.dynamodb.ops_capacity import CapacityOps
from course.sim.dynamodb.ops_global import GlobalOps
from course.sim.dynamodb.ops_indexes import IndexOps
from course.sim.dynamodb.ops_items import ItemOps
from course.sim.dynamodb.ops_kinesis import KinesisDestinationOps
from course.sim.dynamodb.ops_read import ReadOps
from course.sim.dynamodb.ops_streams import StreamOps
from course.sim.dynamodb.ops_tables import TableOps
from course.sim.dynamodb.ops_transact import TransactOps
from course.sim.dynamodb.ops_transfers import TransferOps
from course.sim.dynamodb.ops_ttl import TtlOps
from course.sim.dynamodb.tables import Table
from course.sim.errors import AwsError, NotModeled
from course.sim.service import Service

#: Request parameters the simulator does not model unless a family's ``HANDLES`` names them.
NOT_MODELED = frozenset((
    # legacy, pre-expression parameters
    "Expected", "AttributesToGet", "KeyConditions", "QueryFilter", "ScanFilter", "AttributeUpdates",
    "ConditionalOperator",
    # table features
    "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "GlobalSecondaryIndexUpdates", "ReplicaUpdates",
    "SSESpecification", "OnDemandThroughput", "WarmThroughput", "TableClass", "StreamSpecification",
    "AttributeDefinitions", "IndexName", "DeletionProtectionEnabled", "MultiRegionConsistency",
    "ReturnItemCollectionMetrics",
))
MSG_CONDITION_FAILED = "The conditional request failed"


class DynamoDBService(Interleaving, IndexOps, BatchOps, TransactOps, CapacityOps, TtlOps, StreamOps, BackupOps,
                      TransferOps, GlobalOps, KinesisDestinationOps, ItemOps, ReadOps, TableOps, Service):
    name = "dynamodb"

    def __init__(self, account):
        super().__init__(account)
        self.tables: dict[str, Table] = {}
        handled = set()
        for klass in type(self).__mro__:
            handled.update(klass.__dict__.get("HANDLES", ()))
        self._unmodeled = NOT_MODELED - handled
        self._hooks = {prefix: [getattr(self, name) for name in sorted(dir(type(self))) if name.startswith(prefix)]
                       for prefix in ("_create_table_", "_update_table_")}

    def call(self, operation_name: str, params: dict) -> dict:
        """The request's log entry says whether it carried a ConditionExpression (checks look for
        unconditional writes) and, once answered, the time it took (``latency.py``: assumptions
        inside DynamoDB's documented single-digit milliseconds), so checks can compare it with DAX."""
        entry = self.account.current_call  # before the call: a competing writer may log its own
        if entry is None or entry.get("service") != "dynamodb" or entry.get("operation") != operation_name:
            return super().call(operation_name, params)
        if params.get("ConditionExpression"):
            entry["condition"] = True
        out = super().call(operation_name, params)
        entry.setdefault("latency_ms", dynamodb_ms(operation_name))
        return out

    # -- helpers every family uses ----------------------------------------------------------------

    def refuse_unmodeled(self, params: dict) -> None:
        for name in params:
            if name in self._unmodeled and params[name] is not None:
                raise NotModeled("dynamodb", f"parameter {name}")

    def table(self, name: str) -> Table:
        """Tables are named by name or ARN; a missing one is the same 400 ResourceNotFoundException
        every operation answers with."""
        if isinstance(name, str) and name.startswith("arn:") and "/" in name:
            name = name.split("/", 1)[1]
        table = self.tables.get(name)
        if table is None:
            raise ResourceNotFoundException("Requested resource not found")
        return table

    def _expressions(self, params: dict) -> Expressions:
        """Values are validated up front so a bad number fails the request even if it is never
        compared, and comparisons see canonical numbers."""
        values = params.get("ExpressionAttributeValues")
        names = params.get("ExpressionAttributeNames")
        if values is None and names is None:
            return Expressions(None, {})
        if values is not None and not values:
            raise ValidationException("ExpressionAttributeValues must not be empty")
        if names is not None and not names:
            raise ValidationException("ExpressionAttributeNames must not be empty")
        checked = {}
        for alias, value in (values or {}).items():
            try:
                checked[alias] = validate_value(value)
            except AwsError as error:
                raise ValidationException("ExpressionAttributeValues contains invalid "
                                          f"value: {error.message} for key {alias}") from None
        return Expressions(names, checked)

    def _charge(self, table: Table, params: dict, read: float = 0.0, write: float = 0.0, *,
                key: dict | None = None, index: str | None = None) -> dict:
        """Admit a request's capacity (the table's meter may throttle it with
        ProvisionedThroughputExceededException before anything changes) and answer
        ``ConsumedCapacity`` as the request asked for it. ``key`` is the item key, for the
        meter's per-partition accounting."""
        if table.meter is not None:
            table.meter.consume(self.account.clock.now(), read=read, write=write, key=key, index=index)
        entry = self.account.current_call
        if entry is not None and entry.get("service") == "dynamodb":
            entry["read_units"] = entry.get("read_units", 0) + read
            entry["write_units"] = entry.get("write_units", 0) + write
        mode = params.get("ReturnConsumedCapacity")
        if mode is None or mode == "NONE":
            return {}
        return {"ConsumedCapacity": capacity.Consumption(table.name).add(read, write).response(mode)}

    @staticmethod
    def _return_values(params: dict, allowed) -> str:
        mode = params.get("ReturnValues") or "NONE"
        if mode not in allowed:
            raise ValidationException(f"ReturnValues can only be {' or '.join(allowed)}")
        return mode

    @staticmethod
    def _condition_failed(params: dict, old: dict | None) -> ConditionalCheckFailedException:
        """``ReturnValuesOnConditionCheckFailure=ALL_OLD`` puts the item that failed into the error."""
        extra = {}
        if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
            extra["Item"] = copy.deepcopy(old)
        error = ConditionalCheckFailedException(MSG_CONDITION_FAILED, extra=extra)
        error.existing_size = item_size(old) if old is not None else None  # what the failed write costs
        return error
