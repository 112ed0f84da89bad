"""Query and Scan: reading items in key order, a page at a time."""

from __future__ import annotations

import copy

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.expressions import Expressions
from course.sim.dynamodb.items import INVALID, copy_item, item_size, key_order
from course.sim.dynamodb.keyspace import MSG_KEY_MISMATCH
from course.sim.dynamodb.tables import Table
from course.sim.service import operation

#: Query and Scan stop once they have read this much data ("Query operations", Developer Guide).
PAGE_BYTES = 1024 * 1024


class ReadOps:
    @operation("Query")
    def query(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        view = self._read_view(table, params)  # the table, or the index named by IndexName
        text = params.get("KeyConditionExpression")
        if not text:
            raise ValidationException("Either the KeyConditions or KeyConditionExpression "
                                      "parameter must be specified in the request.")
        exprs = self._expressions(params)
        key_condition = exprs.key_condition(text, view.key_schema)
        types = dict(view.keys)
        for name, values in ((key_condition.partition_key, [key_condition.partition_value]),
                             (key_condition.sort_key, key_condition.sort_values)):
            if name is not None and any(next(iter(v)) != types[name] for v in values):
                raise ValidationException(INVALID + "Condition parameter type does not match schema type")
        forward = params.get("ScanIndexForward", True)
        keys = view.partition(key_condition.partition_value, forward)
        keys = [k for k in keys if key_condition.matches_sort(
            view.items[k].get(view.range_key) if view.range_key else None)]
        if params.get("ExclusiveStartKey"):
            start = view.storage_key(view.check_key(params["ExclusiveStartKey"],
                                                    label="The provided starting key is invalid: " + MSG_KEY_MISMATCH))
            if start[0] != key_order(key_condition.partition_value):
                raise ValidationException("The provided starting key is outside query "
                                          "boundaries based on provided conditions")
            keys = [k for k in keys if (k[1:] > start[1:] if forward else k[1:] < start[1:])]
        return self._read(table, keys, params, exprs, {view.hash_key: key_condition.partition_value}, view)

    @operation("Scan")
    def scan(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        view = self._read_view(table, params)
        segment, total = params.get("Segment"), params.get("TotalSegments")
        if (segment is None) != (total is None):
            missing = "TotalSegments" if total is None else "Segment"
            present = "Segment" if total is None else "TotalSegments"
            raise ValidationException(f"The {missing} parameter is required but was not present "
                                      f"in the request when {present} parameter is present")
        if total is not None and segment >= total:
            raise ValidationException("The Segment parameter is zero-based and must be less than parameter "
                                      f"TotalSegments: Segment: {segment} is out of bounds for TotalSegments: {total}")
        exprs = self._expressions(params)
        keys = view.scan_order()
        if total is not None:
            keys = [k for k in keys if view.segment_of(k, total) == segment]
        if params.get("ExclusiveStartKey"):
            start = view.storage_key(view.check_key(params["ExclusiveStartKey"],
                                                    label="The provided starting key is invalid: " + MSG_KEY_MISMATCH))
            position = (view._partition_hash(start), start[1:])
            keys = [k for k in keys if (view._partition_hash(k), k[1:]) > position]
        return self._read(table, keys, params, exprs, view=view)

    def _read_view(self, table: Table, params: dict):
        """What a Query or Scan reads: the table itself; the indexes family answers ``IndexName``."""
        return table

    @staticmethod
    def _read_options(params: dict, exprs: Expressions):
        """What Select, FilterExpression and ProjectionExpression ask of a Query or Scan, checked
        together (Select and a projection must agree); returns ``(select, filter, projection)``."""
        select = params.get("Select")
        projection_text = params.get("ProjectionExpression")
        if select == "SPECIFIC_ATTRIBUTES" and not projection_text:
            raise ValidationException(INVALID + "Select type SPECIFIC_ATTRIBUTES requires ProjectionExpression")
        if projection_text and select not in (None, "SPECIFIC_ATTRIBUTES"):
            raise ValidationException(INVALID + f"Select type {select} is incompatible with ProjectionExpression")
        filter_ = exprs.condition(params["FilterExpression"], "FilterExpression") \
            if params.get("FilterExpression") is not None else None
        projection = exprs.projection(projection_text) if projection_text is not None else None
        exprs.check_unused()
        return select, filter_, projection

    def _read(self, table: Table, keys: list[tuple], params: dict, exprs: Expressions,
              partition: dict | None = None, view=None) -> dict:
        """What Query and Scan share: read in order until Limit items or 1 MB have been *read*,
        then filter. Capacity, Limit and the page size all count what was read, not what the
        filter kept, which is why a selective filter does not make a Query cheaper. ``partition``
        is the partition key a Query reads (a Scan reads them all), for the capacity meter.
        An index (``view``) is read by the indexes family: projections and capacity differ."""
        if view is not None and view is not table:
            return self._read_index(table, view, keys, params, exprs, partition)
        select, filter_, projection = self._read_options(params, exprs)
        if select == "ALL_PROJECTED_ATTRIBUTES":
            raise ValidationException(INVALID + "Select type ALL_PROJECTED_ATTRIBUTES is only valid when querying "
                                      "an index")
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
            out["Items"] = [projection.apply(i) if projection else copy_item(i) for i in matched]
        if last is not None:
            out["LastEvaluatedKey"] = copy.deepcopy(last)
        out.update(self._charge(table, params, read=capacity.query_read(sizes, mode), key=partition))
        return out

