"""The DynamoDB service model: tables, single-item reads and writes, Query and Scan.

Every operation answers with botocore's output shape and DynamoDB's error codes, so a learner's
boto3 code meets the same ValidationException, ConditionalCheckFailedException or
ResourceNotFoundException it would meet on AWS. Values are validated and canonicalised by
``items.py``, expressions parsed by one ``Expressions`` object per request (DynamoDB's unused-name
check spans every expression of a request), and capacity is computed by ``capacity.py``.

Not modeled (calls answer NotModeledBySimulator, or the parameter is refused): secondary indexes,
BatchGetItem/BatchWriteItem, transactions, throttling, TTL, streams, backups and the legacy
(pre-expression) parameters such as ``Expected``, ``AttributesToGet`` and ``KeyConditions``.
"""

from __future__ import annotations

import copy
import re

from course.sim.dynamodb import capacity
from course.sim.dynamodb.expressions import Expressions
from course.sim.dynamodb.expressions_eval import Projection
from course.sim.dynamodb.items import (
    INVALID, item_size, key_order, validate_item, validate_value, validation_error,
)
from course.sim.dynamodb.tables import MSG_KEY_MISMATCH, Table, check_billing, check_definition
from course.sim.errors import AwsError
from course.sim.service import Service, operation

#: Query and Scan stop once they have read this much data ("Query operations", Developer Guide).
PAGE_BYTES = 1024 * 1024
_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
_LEGACY = ("Expected", "AttributesToGet", "KeyConditions", "QueryFilter", "ScanFilter", "AttributeUpdates",
           "ConditionalOperator")
_NOT_MODELED_TABLE = ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "GlobalSecondaryIndexUpdates",
                      "ReplicaUpdates", "SSESpecification", "OnDemandThroughput", "WarmThroughput")
MSG_CONDITION_FAILED = "The conditional request failed"


def _not_modeled(what: str) -> AwsError:
    """Parameters the simulator does not model are refused loudly rather than silently ignored,
    so a learner never believes a feature worked when it was dropped."""
    return AwsError("NotModeledBySimulator", f"Coldstart's simulator does not model dynamodb {what}.", 501)


def _refuse(params: dict, names) -> None:
    for name in names:
        if params.get(name) is not None:
            raise _not_modeled(f"parameter {name}")


class DynamoDBService(Service):
    name = "dynamodb"

    def __init__(self, account):
        super().__init__(account)
        self.tables: dict[str, Table] = {}

    # -- helpers --------------------------------------------------------------------------------

    def table(self, name: str) -> Table:
        """Tables are named by name or ARN; a missing one is the same 400 ResourceNotFoundException
        every operation answers with."""
        if isinstance(name, str) and name.startswith("arn:") and "/" in name:
            name = name.split("/", 1)[1]
        table = self.tables.get(name)
        if table is None:
            raise AwsError("ResourceNotFoundException", "Requested resource not found", 400)
        return table

    def _expressions(self, params: dict) -> Expressions:
        """Values are validated up front so a bad number fails the request even if it is never
        compared, and comparisons see canonical numbers."""
        values = params.get("ExpressionAttributeValues")
        names = params.get("ExpressionAttributeNames")
        if values is not None and not values:
            raise validation_error("ExpressionAttributeValues must not be empty")
        if names is not None and not names:
            raise validation_error("ExpressionAttributeNames must not be empty")
        checked = {}
        for alias, value in (values or {}).items():
            try:
                checked[alias] = validate_value(value)
            except AwsError as error:
                raise validation_error(f"ExpressionAttributeValues contains invalid value: {error.message} "
                                       f"for key {alias}") from None
        return Expressions(names, checked)

    @staticmethod
    def _capacity(table: Table, params: dict, read: float = 0.0, write: float = 0.0) -> dict:
        consumed = capacity.Consumption(table.name).add(read, write).response(params.get("ReturnConsumedCapacity"))
        return {"ConsumedCapacity": consumed} if consumed else {}

    @staticmethod
    def _return_values(params: dict, allowed) -> str:
        mode = params.get("ReturnValues") or "NONE"
        if mode not in allowed:
            raise validation_error(f"ReturnValues can only be {' or '.join(allowed)}")
        return mode

    @staticmethod
    def _condition_failed(params: dict, old: dict | None) -> AwsError:
        """``ReturnValuesOnConditionCheckFailure=ALL_OLD`` puts the item that failed into the error."""
        extra = {}
        if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
            extra["Item"] = copy.deepcopy(old)
        return AwsError("ConditionalCheckFailedException", MSG_CONDITION_FAILED, 400, extra)

    # -- tables ---------------------------------------------------------------------------------

    @operation("CreateTable")
    def create_table(self, params: dict) -> dict:
        _refuse(params, _NOT_MODELED_TABLE)
        name = params["TableName"]
        if not _TABLE_NAME.fullmatch(name):
            raise validation_error(f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
                                   "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ "
                                   "and have length between 3 and 255")
        key_schema, definitions, billing, throughput = check_definition(params)
        if name in self.tables:
            raise AwsError("ResourceInUseException", f"Table already exists: {name}", 400)
        table = Table(name, self.account.arn("dynamodb", f"table/{name}"), key_schema, definitions, billing,
                      throughput, self.account.clock.datetime())
        stream = params.get("StreamSpecification")
        if stream and stream.get("StreamEnabled"):
            if stream.get("StreamViewType") not in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
                raise validation_error("StreamSpecification.StreamViewType must be specified when "
                                       "StreamEnabled is true")
            table.stream = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        self.tables[name] = table
        return {"TableDescription": table.description()}

    @operation("DescribeTable")
    def describe_table(self, params: dict) -> dict:
        try:
            table = self.table(params["TableName"])
        except AwsError as error:
            raise AwsError(error.code, f"Requested resource not found: Table: {params['TableName']} not found",
                           400) from None
        return {"Table": table.description()}

    @operation("ListTables")
    def list_tables(self, params: dict) -> dict:
        limit = params.get("Limit", 100)
        names = sorted(self.tables)
        start = params.get("ExclusiveStartTableName")
        if start:
            names = [n for n in names if n > start]
        out = {"TableNames": names[:limit]}
        if len(names) > limit:
            out["LastEvaluatedTableName"] = names[limit - 1]
        return out

    @operation("DeleteTable")
    def delete_table(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        del self.tables[table.name]
        return {"TableDescription": table.description("DELETING")}

    @operation("UpdateTable")
    def update_table(self, params: dict) -> dict:
        """Billing mode and provisioned throughput only; the change takes effect at once."""
        _refuse(params, _NOT_MODELED_TABLE + ("StreamSpecification", "TableClass", "AttributeDefinitions"))
        table = self.table(params["TableName"])
        billing = params.get("BillingMode") or table.billing
        requested = params.get("ProvisionedThroughput")
        if billing == "PROVISIONED" and requested is None:
            requested = table.throughput
        if billing == table.billing and requested is not None and requested == table.throughput:
            current = table.throughput
            raise validation_error(
                "The provisioned throughput for the table will not change. The requested value equals the current "
                f"value. Current ReadCapacityUnits provisioned for the table: {current['ReadCapacityUnits']}. "
                f"Requested ReadCapacityUnits: {requested['ReadCapacityUnits']}. Current WriteCapacityUnits "
                f"provisioned for the table: {current['WriteCapacityUnits']}. Requested WriteCapacityUnits: "
                f"{requested['WriteCapacityUnits']}. Refer to the Amazon DynamoDB Developer Guide for current "
                "limits and how to request higher limits.")
        billing, throughput = check_billing(billing, requested)
        if billing != table.billing:
            table.billing_changed = self.account.clock.datetime()
        table.billing, table.throughput = billing, throughput
        return {"TableDescription": table.description()}

    # -- single items ---------------------------------------------------------------------------

    @operation("PutItem")
    def put_item(self, params: dict) -> dict:
        _refuse(params, _LEGACY)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD"))
        item = validate_item(params["Item"], table.keys)
        exprs = self._expressions(params)
        condition = exprs.condition(params["ConditionExpression"]) if params.get("ConditionExpression") else None
        exprs.check_unused()
        where = table.storage_key(item)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        table.items[where] = item
        out = self._capacity(table, params, write=capacity.put_write(item_size(item), old and item_size(old)))
        if mode == "ALL_OLD" and old is not None:
            out["Attributes"] = copy.deepcopy(old)
        return out

    @operation("GetItem")
    def get_item(self, params: dict) -> dict:
        _refuse(params, _LEGACY)
        table = self.table(params["TableName"])
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        projection = exprs.projection(params["ProjectionExpression"]) if params.get("ProjectionExpression") else None
        exprs.check_unused()
        item = table.items.get(table.storage_key(key))
        mode = capacity.consistency(params.get("ConsistentRead"))
        out = self._capacity(table, params, read=capacity.get_item_read(item and item_size(item), mode))
        if item is not None:
            out["Item"] = projection.apply(item) if projection else copy.deepcopy(item)
        return out

    @operation("DeleteItem")
    def delete_item(self, params: dict) -> dict:
        _refuse(params, _LEGACY)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD"))
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        condition = exprs.condition(params["ConditionExpression"]) if params.get("ConditionExpression") else None
        exprs.check_unused()
        where = table.storage_key(key)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        table.items.pop(where, None)
        out = self._capacity(table, params, write=capacity.delete_write(old and item_size(old)))
        if mode == "ALL_OLD" and old is not None:
            out["Attributes"] = old
        return out

    @operation("UpdateItem")
    def update_item(self, params: dict) -> dict:
        """An upsert: a missing item is created from its key. Every right-hand side reads the item
        as it was before the update, and key attributes may not be touched at all."""
        _refuse(params, _LEGACY)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        update = exprs.update(params["UpdateExpression"]) if params.get("UpdateExpression") else None
        condition = exprs.condition(params["ConditionExpression"]) if params.get("ConditionExpression") else None
        exprs.check_unused()
        paths = update.paths() if update else []
        for path in paths:
            if path.elements[0] in key:
                raise validation_error(INVALID + f"Cannot update attribute {path.elements[0]}. "
                                       "This attribute is part of the key")
        where = table.storage_key(key)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        base = copy.deepcopy(old) if old is not None else dict(key)
        new = validate_item(update.apply(base) if update else base, table.keys)
        table.items[where] = new
        out = self._capacity(table, params, write=capacity.update_write(item_size(new), old and item_size(old)))
        returned = None
        if mode == "ALL_OLD":
            returned = old
        elif mode == "ALL_NEW":
            returned = new
        elif mode in ("UPDATED_OLD", "UPDATED_NEW") and paths:
            returned = Projection(paths).apply((old or {}) if mode == "UPDATED_OLD" else new) or None
        if returned:
            out["Attributes"] = copy.deepcopy(returned)
        return out

    # -- Query and Scan -------------------------------------------------------------------------

    @operation("Query")
    def query(self, params: dict) -> dict:
        _refuse(params, _LEGACY + ("IndexName",))
        table = self.table(params["TableName"])
        text = params.get("KeyConditionExpression")
        if not text:
            raise validation_error("Either the KeyConditions or KeyConditionExpression parameter must be "
                                   "specified in the request.")
        exprs = self._expressions(params)
        key_condition = exprs.key_condition(text, table.key_schema)
        types = dict(table.keys)
        for name, values in ((key_condition.partition_key, [key_condition.partition_value]),
                             (key_condition.sort_key, key_condition.sort_values)):
            if name is not None and any(next(iter(v)) != types[name] for v in values):
                raise validation_error(INVALID + "Condition parameter type does not match schema type")
        forward = params.get("ScanIndexForward", True)
        keys = table.partition(key_condition.partition_value, forward)
        keys = [k for k in keys if key_condition.matches_sort(
            table.items[k].get(table.range_key) if table.range_key else None)]
        if params.get("ExclusiveStartKey"):
            start = table.storage_key(table.check_key(params["ExclusiveStartKey"],
                                                      label="The provided starting key is invalid: " + MSG_KEY_MISMATCH))
            if start[0] != key_order(key_condition.partition_value):
                raise validation_error("The provided starting key is outside query boundaries based on provided "
                                       "conditions")
            keys = [k for k in keys if (k[1:] > start[1:] if forward else k[1:] < start[1:])]
        return self._read(table, keys, params, exprs)

    @operation("Scan")
    def scan(self, params: dict) -> dict:
        _refuse(params, _LEGACY + ("IndexName",))
        table = self.table(params["TableName"])
        segment, total = params.get("Segment"), params.get("TotalSegments")
        if (segment is None) != (total is None):
            missing = "TotalSegments" if total is None else "Segment"
            present = "Segment" if total is None else "TotalSegments"
            raise validation_error(f"The {missing} parameter is required but was not present in the request when "
                                   f"{present} parameter is present")
        if total is not None and segment >= total:
            raise validation_error(f"The Segment parameter is zero-based and must be less than parameter "
                                   f"TotalSegments: Segment: {segment} is out of bounds for TotalSegments: {total}")
        exprs = self._expressions(params)
        keys = table.scan_order()
        if total is not None:
            keys = [k for k in keys if table.segment_of(k, total) == segment]
        if params.get("ExclusiveStartKey"):
            start = table.storage_key(table.check_key(params["ExclusiveStartKey"],
                                                      label="The provided starting key is invalid: " + MSG_KEY_MISMATCH))
            position = (table._partition_hash(start), start[1:])
            keys = [k for k in keys if (table._partition_hash(k), k[1:]) > position]
        return self._read(table, keys, params, exprs)

    def _read(self, table: Table, keys: list[tuple], params: dict, exprs: Expressions) -> dict:
        """What Query and Scan share: read in order until Limit items or 1 MB have been *read*,
        then filter. Capacity, Limit and the page size all count what was read, not what the
        filter kept, which is why a selective filter does not make a Query cheaper."""
        select = params.get("Select")
        projection_text = params.get("ProjectionExpression")
        if select == "SPECIFIC_ATTRIBUTES" and not projection_text:
            raise validation_error(INVALID + "Select type SPECIFIC_ATTRIBUTES requires ProjectionExpression")
        if projection_text and select not in (None, "SPECIFIC_ATTRIBUTES"):
            raise validation_error(INVALID + f"Select type {select} is incompatible with ProjectionExpression")
        if select == "ALL_PROJECTED_ATTRIBUTES":
            raise validation_error(INVALID + "Select type ALL_PROJECTED_ATTRIBUTES is only valid when querying "
                                   "an index")
        filter_ = exprs.condition(params["FilterExpression"], "FilterExpression") \
            if params.get("FilterExpression") else None
        projection = exprs.projection(projection_text) if projection_text else None
        exprs.check_unused()
        limit = params.get("Limit")
        sizes, matched, last = [], [], None
        for position, key in enumerate(keys):
            item = table.items[key]
            sizes.append(item_size(item))
            if filter_ is None or filter_.evaluate(item):
                matched.append(item)
            if (limit is not None and len(sizes) >= limit) or sum(sizes) >= PAGE_BYTES:
                last = table.key_of(item)
                break
        mode = capacity.consistency(params.get("ConsistentRead"))
        out = {"Count": len(matched), "ScannedCount": len(sizes)}
        if select != "COUNT":
            out["Items"] = [projection.apply(i) if projection else copy.deepcopy(i) for i in matched]
        if last is not None:
            out["LastEvaluatedKey"] = copy.deepcopy(last)
        out.update(self._capacity(table, params, read=capacity.query_read(sizes, mode)))
        return out

