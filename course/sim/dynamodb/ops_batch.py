"""BatchGetItem and BatchWriteItem: many single-item reads or writes in one request, none atomic.

A batch is a convenience, not a transaction: every key or write request is its own GetItem,
PutItem or DeleteItem, each admitted by the capacity meter on its own. One that the meter
throttles is handed back (``UnprocessedKeys`` / ``UnprocessedItems``) for the caller to retry,
while the others succeed; only when the meter refuses every one does the whole call fail with
the meter's error (ProvisionedThroughputExceededException, or ThrottlingException on on-demand). A malformed request, on the other hand, is refused whole
before anything is read or written. Batch writes take no conditions, so they cannot protect
against lost updates. BatchWriteItem's 16 MB limit needs no check of its own: 25 requests of at
most 400 KB each stay well under it.

Sources:
- "BatchGetItem", Amazon DynamoDB API Reference (100 items, 16 MB, UnprocessedKeys, the all-throttled
  rule, eventually consistent unless ConsistentRead),
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
- "BatchWriteItem", Amazon DynamoDB API Reference (25 put or delete requests, 16 MB, no updates, each
  request atomic but the batch not, UnprocessedItems, the all-throttled rule),
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
- "Constraints in Amazon DynamoDB" (the same limits), and /work/shared/facts.md section 8 "API limits",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
- Error texts: as DynamoDB answers them ("Too many items requested for the BatchGetItem call",
  "Provided list of item keys contains duplicates"), the first also quoted by the API Reference.
"""

from __future__ import annotations

import copy

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import Throttled, ValidationException
from course.sim.dynamodb.indexes import GSI
from course.sim.dynamodb.items import item_size
from course.sim.service import operation

MAX_BATCH_GET_KEYS = 100
MAX_BATCH_WRITE_REQUESTS = 25
#: What one BatchGetItem answer may hold. The simulator counts the returned items' sizes (after
#: projection); the API Reference's example (300 KB items give 52) also counts wire overhead it
#: does not publish, so the simulator fits 54 such items where DynamoDB fits 52.
MAX_BATCH_RESPONSE_BYTES = 16 * 1024 * 1024
MSG_DUPLICATES = "Provided list of item keys contains duplicates"
#: DynamoDB's answer to a WriteRequest that holds neither or both of PutRequest and DeleteRequest.
MSG_ONE_REQUEST = ("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                   "supported datatypes")
#: The per-table settings a BatchGetItem key list carries; they travel with any UnprocessedKeys.
_KEY_SETTINGS = ("ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead")


class BatchOps:
    HANDLES: tuple[str, ...] = ()

    @operation("BatchGetItem")
    def batch_get_item(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        requests = params.get("RequestItems") or {}
        if not requests:
            raise ValidationException("The requestItems parameter is required for BatchGetItem")
        if sum(len(spec.get("Keys") or ()) for spec in requests.values()) > MAX_BATCH_GET_KEYS:
            raise ValidationException("Too many items requested for the BatchGetItem call")
        plans = []
        for name, spec in requests.items():
            self.refuse_unmodeled(spec)
            table = self.table(name)
            keys = [table.check_key(key) for key in spec["Keys"]]
            wheres = [table.storage_key(key) for key in keys]
            if len(set(wheres)) != len(wheres):
                raise ValidationException(MSG_DUPLICATES)
            exprs = self._expressions(spec)
            projection = exprs.projection(spec["ProjectionExpression"]) if spec.get("ProjectionExpression") else None
            exprs.check_unused()
            plans.append((name, spec, table, list(zip(spec["Keys"], keys, wheres)), projection))

        responses, unprocessed, used = {}, {}, []
        returned_bytes, served, throttle = 0, 0, None
        for name, spec, table, keys, projection in plans:
            found = responses.setdefault(name, [])
            usage = capacity.Consumption(table.name)
            used.append(usage)
            mode = capacity.consistency(spec.get("ConsistentRead"))
            for given, key, where in keys:
                item = table.items.get(where)
                shown = (projection.apply(item) if projection else copy.deepcopy(item)) if item is not None else None
                size = item_size(shown) if shown else 0
                if returned_bytes + size > MAX_BATCH_RESPONSE_BYTES:
                    self._unprocessed_key(unprocessed, name, spec, given)
                    continue
                units = capacity.get_item_read(item and item_size(item), mode)
                try:
                    self._charge(table, {}, read=units, key=key)
                except Throttled as error:
                    throttle = error
                    self._unprocessed_key(unprocessed, name, spec, given)
                    continue
                served += 1
                usage.add(read=units)
                if shown is not None:
                    returned_bytes += size
                    found.append(shown)
        if served == 0 and throttle is not None:
            raise throttle
        out = {"Responses": responses, "UnprocessedKeys": unprocessed}
        consumed = capacity.responses(used, params.get("ReturnConsumedCapacity"))
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out

    @staticmethod
    def _unprocessed_key(unprocessed: dict, name: str, spec: dict, key: dict) -> None:
        entry = unprocessed.get(name)
        if entry is None:
            entry = unprocessed[name] = {"Keys": []}
            entry.update({k: copy.deepcopy(spec[k]) for k in _KEY_SETTINGS if spec.get(k) is not None})
        entry["Keys"].append(copy.deepcopy(key))

    @operation("BatchWriteItem")
    def batch_write_item(self, params: dict) -> dict:
        """Every request is planned (validated, sized) before any is written, so a malformed one
        refuses the whole batch; then each is admitted by the meter and written on its own."""
        self.refuse_unmodeled(params)
        requests = params.get("RequestItems") or {}
        if not requests:
            raise ValidationException("The requestItems parameter is required for BatchWriteItem")
        if sum(len(entries or ()) for entries in requests.values()) > MAX_BATCH_WRITE_REQUESTS:
            raise ValidationException("Too many items requested for the BatchWriteItem call")
        plans = []
        for name, entries in requests.items():
            table = self.table(name)
            seen = set()
            for entry in entries:
                put, delete = entry.get("PutRequest"), entry.get("DeleteRequest")
                if (put is None) == (delete is None):
                    raise ValidationException(MSG_ONE_REQUEST)
                write = (self.plan_put(table, {"Item": put["Item"]}, conditions=False) if put is not None
                         else self.plan_delete(table, {"Key": delete["Key"]}, conditions=False))
                if write.where in seen:
                    raise ValidationException(MSG_DUPLICATES)
                seen.add(write.where)
                plans.append((name, table, entry, write))

        unprocessed, usage, written, throttle = {}, {}, 0, None
        # The index family reports each write's secondary-index units into this list as it applies it.
        outer, self._index_parts = getattr(self, "_index_parts", None), []
        try:
            for name, table, entry, write in plans:
                consumption = usage.setdefault(table.name, capacity.Consumption(table.name))
                del self._index_parts[:]
                try:
                    self._charge(table, {}, write=write.units, key=write.key)
                    self.apply(write)  # charges the write's secondary-index units, which may throttle too
                except Throttled as error:
                    throttle = error
                    unprocessed.setdefault(name, []).append(copy.deepcopy(entry))
                    continue
                consumption.add(write=write.units)
                for kind, index, read, units in self._index_parts:
                    consumption.add(read, units, **{"gsi" if kind == GSI else "lsi": index})
                written += 1
        finally:
            self._index_parts = outer
        if written == 0 and throttle is not None:
            raise throttle
        out = {"UnprocessedItems": unprocessed}
        consumed = capacity.responses(list(usage.values()), params.get("ReturnConsumedCapacity"))
        if consumed:
            out["ConsumedCapacity"] = consumed
        return out
