"""DynamoDB requests sent to a DAX cluster: served from its caches, or forwarded to DynamoDB.

The rules, from "DAX and DynamoDB consistency models"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.consistency.html):

- GetItem and BatchGetItem go to the item cache, Query and Scan to the query cache, but only when
  they are eventually consistent. A miss is read from DynamoDB and cached (a "not found" too).
- ``ConsistentRead=True`` reads, TransactGetItems included, are passed through to DynamoDB and
  their results are not cached.
- Writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems) go to DynamoDB
  first; once DynamoDB has accepted one, DAX puts the written item into its item cache. The query
  cache is left alone.

Capacity is consumed only by what reaches DynamoDB: "Cache hits do not incur DynamoDB costs ...
cache misses incur DynamoDB read costs" (dax-config-considerations.html). The forwarded request is
an ordinary DynamoDB call in the account's log, marked ``via: dax:<cluster>``, so its read and
write units are counted where DynamoDB's always are. The DAX request's own log entry gets
``cluster``, ``cache`` (``hit``/``miss``/``pass-through``/``write-through``) and ``latency_ms``.
"""

from __future__ import annotations

import copy

from course.sim.dax import latency
from course.sim.dax.cache import MISSING, ClusterCache
from course.sim.errors import AwsError

READS = ("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems")
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
OPERATIONS = READS + WRITES
#: Request parameters that do not change what a read returns, so they are not part of a cache key.
_NOT_IN_KEY = ("ReturnConsumedCapacity",)


class Accelerator:
    """One cluster's data plane: ``handle(operation, params, entry)`` answers like DynamoDB."""

    def __init__(self, account, cluster_name: str, cache: ClusterCache):
        self.account = account
        self.cluster_name = cluster_name
        self.cache = cache

    # -- plumbing --------------------------------------------------------------------------------

    @property
    def _dynamodb(self):
        return self.account.service("dynamodb")

    def _forward(self, operation: str, params: dict) -> dict:
        """An ordinary DynamoDB call (logged, metered, throttled), marked as made by this cluster."""
        before = self.account.call_count
        try:
            return self.account.call("dynamodb", operation, params)
        finally:
            made = self.account.call_count - before
            if 0 < made <= len(self.account.calls):
                forwarded = self.account.calls[-made]
                forwarded["via"] = f"dax:{self.cluster_name}"
                forwarded["latency_ms"] = latency.dynamodb_ms(operation)

    def handle(self, operation: str, params: dict, entry: dict | None) -> dict:
        counters = self.cache.counters
        counters.by_operation[operation] = counters.by_operation.get(operation, 0) + 1
        note = entry if entry is not None else {}
        note["cluster"] = self.cluster_name
        if operation in WRITES:
            return self._write(operation, params, note)
        if operation == "TransactGetItems":
            return self._pass_through(operation, params, note)
        if operation == "GetItem":
            return self._get_item(params, note)
        if operation == "BatchGetItem":
            return self._batch_get(params, note)
        return self._query(operation, params, note)

    def _pass_through(self, operation: str, params: dict, note: dict) -> dict:
        self.cache.counters.pass_through += 1
        note.update(cache="pass-through", latency_ms=latency.dax_forward_ms(operation))
        return self._forward(operation, params)

    @staticmethod
    def _zero_capacity(table: str, params: dict) -> dict:
        """A hit reaches no table, so it consumes nothing; asked for, the figure is 0."""
        from course.sim.dynamodb import capacity

        return capacity.Consumption(table).response(params.get("ReturnConsumedCapacity")) or {}

    def _table(self, name: str):
        """Hits never reach DynamoDB, so DynamoDB's own checks (table exists, key matches the
        schema) are made here first: a hit must fail where a miss would."""
        return self._dynamodb.table(name)

    # -- item cache ------------------------------------------------------------------------------

    @staticmethod
    def _projection(params: dict) -> tuple:
        text = params.get("ProjectionExpression")
        if not text:
            return ()
        return (text, params.get("ExpressionAttributeNames") or {})

    def _get_item(self, params: dict, note: dict) -> dict:
        if params.get("ConsistentRead"):
            return self._pass_through("GetItem", params, note)
        table = self._table(params["TableName"])
        key = table.check_key(params["Key"])
        where = self.cache.item_key(table.name, key, self._projection(params))
        cached = self.cache.items.get(where)
        if cached is not MISSING:
            note.update(cache="hit", latency_ms=latency.DAX_HIT_MS)
            out = {"Item": cached} if cached is not None else {}
            capacity = self._zero_capacity(table.name, params)
            return {**out, **({"ConsumedCapacity": capacity} if capacity else {})}
        note.update(cache="miss", latency_ms=latency.dax_forward_ms("GetItem"))
        out = self._forward("GetItem", params)
        self.cache.items.put(where, out.get("Item"))
        return out

    def _batch_get(self, params: dict, note: dict) -> dict:
        """Per key: eventually consistent keys found in the item cache are answered from it, the
        rest are forwarded in one BatchGetItem; a table asked with ConsistentRead passes through."""
        if not self._acceptable_batch(params):
            return self._forward("BatchGetItem", params)  # DynamoDB answers with its validation error
        answered: dict[str, list] = {}
        forward: dict[str, dict] = {}
        places: dict[str, list] = {}
        hits = misses = 0
        for name, request in (params.get("RequestItems") or {}).items():
            table = self._table(name)
            if request.get("ConsistentRead"):
                forward[name] = request
                continue
            projection = self._projection(request)
            for key in request.get("Keys") or []:
                where = self.cache.item_key(table.name, table.check_key(key), projection)
                cached = self.cache.items.get(where)
                if cached is MISSING:
                    misses += 1
                    forward.setdefault(name, {**request, "Keys": []})["Keys"].append(key)
                    places.setdefault(name, []).append((table, key, where))
                else:
                    hits += 1
                    if cached is not None:
                        answered.setdefault(name, []).append(cached)
        out: dict = {"Responses": answered, "UnprocessedKeys": {}}
        if forward:
            extra = {k: v for k, v in params.items() if k != "RequestItems"}
            got = self._forward("BatchGetItem", {**extra, "RequestItems": forward})
            unprocessed = got.get("UnprocessedKeys") or {}
            for name, items in (got.get("Responses") or {}).items():
                answered.setdefault(name, []).extend(items)
            for name, pending in places.items():
                self._remember(pending, (got.get("Responses") or {}).get(name) or [],
                               (unprocessed.get(name) or {}).get("Keys") or [])
            out["UnprocessedKeys"] = unprocessed
            if got.get("ConsumedCapacity"):
                out["ConsumedCapacity"] = got["ConsumedCapacity"]
            if any(r.get("ConsistentRead") for r in forward.values()):
                self.cache.counters.pass_through += 1
        elif params.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
            out["ConsumedCapacity"] = [self._zero_capacity(name, params) for name in params["RequestItems"]]
        note.update(cache="hit" if not forward else ("miss" if hits == 0 else "partial"), hits=hits, misses=misses,
                    latency_ms=latency.DAX_HIT_MS if not forward else latency.dax_forward_ms("BatchGetItem"))
        return out

    def _acceptable_batch(self, params: dict) -> bool:
        """Whether DynamoDB would take this BatchGetItem: 1 to 100 keys, none twice in a table. A
        request answered wholly from the cache must still be refused where DynamoDB refuses it."""
        requests = params.get("RequestItems") or {}
        total = 0
        for name, request in requests.items():
            table = self._table(name)
            keys = [self.cache.item_key(table.name, table.check_key(k)) for k in request.get("Keys") or []]
            if not keys or len(set(keys)) != len(keys):
                return False
            total += len(keys)
        return 0 < total <= 100

    def _remember(self, pending: list, items: list, unprocessed: list) -> None:
        """Cache what a forwarded BatchGetItem answered for each key: the item, or its absence.
        Keys DynamoDB left unprocessed are not cached; nor is anything when a projection left the
        key attributes out of the items, since they could not be told apart."""
        table = pending[0][0]
        try:
            found = {self.cache.item_key(table.name, table.check_key(table.key_of(item))): item for item in items}
        except (KeyError, AwsError):
            return
        left = {self.cache.item_key(table.name, table.check_key(key)) for key in unprocessed}
        for _, key, where in pending:
            bare = self.cache.item_key(table.name, table.check_key(key))
            if bare not in left:
                self.cache.items.put(where, found.get(bare))

    # -- query cache -----------------------------------------------------------------------------

    def _query(self, operation: str, params: dict, note: dict) -> dict:
        if params.get("ConsistentRead"):
            return self._pass_through(operation, params, note)
        table = self._table(params["TableName"])
        where = self.cache_key_of(operation, params)
        cached = self.cache.queries.get(where)
        if cached is not MISSING:
            note.update(cache="hit", latency_ms=latency.DAX_HIT_MS)
            capacity = self._zero_capacity(table.name, params)
            return {**cached, **({"ConsumedCapacity": capacity} if capacity else {})}
        note.update(cache="miss", latency_ms=latency.dax_forward_ms(operation))
        out = self._forward(operation, params)
        self.cache.queries.put(where, {k: v for k, v in out.items() if k != "ConsumedCapacity"})
        return out

    @staticmethod
    def cache_key_of(operation: str, params: dict) -> str:
        from course.sim.dax.cache import cache_key

        return cache_key("query", operation, {k: v for k, v in params.items() if k not in _NOT_IN_KEY})

    # -- writes ----------------------------------------------------------------------------------

    def _write(self, operation: str, params: dict, note: dict) -> dict:
        note.update(cache="write-through", latency_ms=latency.dax_forward_ms(operation))
        self.cache.counters.writes += 1
        out = self._forward(operation, params)
        for table_name, key in self._written_keys(operation, params, out):
            self._refresh(table_name, key)
        return out

    def _written_keys(self, operation: str, params: dict, out: dict) -> list[tuple[str, dict]]:
        """The items a successful write changed, named by table and key."""
        if operation == "PutItem":
            return [(params["TableName"], self._key_of(params["TableName"], params["Item"]))]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"])]
        keys = []
        if operation == "BatchWriteItem":
            unprocessed = out.get("UnprocessedItems") or {}
            for name, requests in (params.get("RequestItems") or {}).items():
                for request in requests:
                    if request in (unprocessed.get(name) or []):
                        continue
                    if "PutRequest" in request:
                        keys.append((name, self._key_of(name, request["PutRequest"]["Item"])))
                    elif "DeleteRequest" in request:
                        keys.append((name, request["DeleteRequest"]["Key"]))
        if operation == "TransactWriteItems":
            for action in params.get("TransactItems") or []:
                if "Put" in action:
                    keys.append((action["Put"]["TableName"], self._key_of(action["Put"]["TableName"],
                                                                          action["Put"]["Item"])))
                for kind in ("Update", "Delete"):
                    if kind in action:
                        keys.append((action[kind]["TableName"], action[kind]["Key"]))
        return keys

    def _key_of(self, table_name: str, item: dict) -> dict:
        return self._table(table_name).key_of(item)

    def _refresh(self, table_name: str, key: dict) -> None:
        """Write-through: the item cache now holds the item as DynamoDB stored it (or its absence)."""
        try:
            table = self._table(table_name)
            key = table.check_key(key)
        except AwsError:
            return
        self.cache.forget_item(table.name, key)
        item = table.items.get(table.storage_key(key))
        self.cache.items.put(self.cache.item_key(table.name, key), copy.deepcopy(item))
