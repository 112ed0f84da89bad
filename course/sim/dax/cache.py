"""A DAX cluster's two caches: the item cache and the query cache.

From "DAX: How it works" and "DAX and DynamoDB consistency models"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.concepts.html,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAX.consistency.html):

- the item cache holds the results of GetItem and BatchGetItem, by primary key; the query cache
  holds the results of Query and Scan, by the request's parameters;
- entries live for the parameter group's ``record-ttl-millis`` (item cache) and
  ``query-ttl-millis`` (query cache), both 300,000 ms (5 minutes) by default;
- DAX caches misses too ("negative caching"): an item that was not found, or a Query that matched
  nothing, is answered from the cache until its TTL runs out, even if the item is written
  meanwhile directly to DynamoDB;
- a write made through DAX updates the item cache, but the query cache is never invalidated by
  writes: a cached Query or Scan result stays stale until its TTL expires.

A TTL of 0 is read as "never expires", which is what DescribeParameters says of
``record-ttl-millis`` ("Default: 0 = infinite"); the simulator treats ``query-ttl-millis`` = 0 the
same way (an assumption). Memory is not modelled, so nothing is evicted early (real DAX evicts
least-recently-used entries when a node's memory is full).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

#: Both TTLs default to 5 minutes (facts.md §9, DAX.concepts.html).
DEFAULT_TTL_MS = 300_000
_MISSING = object()


def cache_key(*parts: Any) -> str:
    """Equal requests give equal keys whatever the order their dicts were written in."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)


class TtlCache:
    """Entries that expire a fixed time after they were stored; time is the simulated clock's."""

    def __init__(self, clock, ttl_ms: int = DEFAULT_TTL_MS):
        self._clock = clock
        self.ttl_ms = ttl_ms
        self._entries: dict[str, tuple[Any, float | None]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        """The cached value, or ``MISSING``; counts a hit or a miss."""
        found = self._entries.get(key)
        if found is not None:
            value, expires = found
            if expires is None or self._clock.now() < expires:
                self.hits += 1
                return copy.deepcopy(value)
            del self._entries[key]
        self.misses += 1
        return _MISSING

    def put(self, key: str, value: Any) -> None:
        expires = None if self.ttl_ms == 0 else self._clock.now() + self.ttl_ms / 1000.0
        self._entries[key] = (copy.deepcopy(value), expires)

    def drop(self, predicate) -> int:
        gone = [key for key in self._entries if predicate(key)]
        for key in gone:
            del self._entries[key]
        return len(gone)

    def __len__(self) -> int:
        now = self._clock.now()
        return sum(1 for _, expires in self._entries.values() if expires is None or now < expires)

    def clear(self) -> None:
        self._entries.clear()


MISSING = _MISSING


@dataclass
class Counters:
    """What a cluster did, for checks and lessons: CloudWatch publishes the same kind of figures
    (ItemCacheHits, QueryCacheMisses, ...); DescribeClusters does not show them."""

    pass_through: int = 0   # strongly consistent and transactional reads, forwarded uncached
    writes: int = 0         # writes forwarded to DynamoDB (write-through)
    by_operation: dict = field(default_factory=dict)


class ClusterCache:
    """The item cache and the query cache of one cluster, and its request counters."""

    def __init__(self, clock, record_ttl_ms: int = DEFAULT_TTL_MS, query_ttl_ms: int = DEFAULT_TTL_MS):
        self.items = TtlCache(clock, record_ttl_ms)
        self.queries = TtlCache(clock, query_ttl_ms)
        self.counters = Counters()

    def set_ttls(self, record_ttl_ms: int, query_ttl_ms: int) -> None:
        """TTL parameters apply at once (DescribeParameters: ChangeType IMMEDIATE) to entries stored
        from then on; entries already cached keep the expiry they were given."""
        self.items.ttl_ms = record_ttl_ms
        self.queries.ttl_ms = query_ttl_ms

    # -- item cache ------------------------------------------------------------------------------

    @staticmethod
    def item_key(table: str, key: dict, projection: tuple = ()) -> str:
        return cache_key("item", table, key, list(projection))

    def forget_item(self, table: str, key: dict) -> None:
        """Every projection of one item; the caller then stores the whole item as written."""
        prefix = cache_key("item", table, key)[:-1] + ","
        self.items.drop(lambda k: k.startswith(prefix))

    def stats(self) -> dict:
        return {
            "item_cache": {"hits": self.items.hits, "misses": self.items.misses, "entries": len(self.items),
                           "ttl_ms": self.items.ttl_ms},
            "query_cache": {"hits": self.queries.hits, "misses": self.queries.misses,
                            "entries": len(self.queries), "ttl_ms": self.queries.ttl_ms},
            "pass_through": self.counters.pass_through,
            "writes": self.counters.writes,
            "requests": dict(self.counters.by_operation),
        }
