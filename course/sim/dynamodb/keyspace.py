"""Items kept in the order DynamoDB reads them: what a table and each of its indexes share.

Query reads one partition in sort-key order; Scan reads whole partitions in an order the caller
cannot rely on, and a parallel Scan gives each segment whole partitions ("Query operations",
"Scan operations" in the Developer Guide). A table and an index differ in what their storage key
is made of, not in how they keep and walk it, so both build on this class.
"""

from __future__ import annotations

import bisect
import hashlib

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import key_order, validate_key_value, validate_value

MSG_KEY_MISMATCH = "The provided key element does not match the schema"


class KeySpace:
    """Storage key (a tuple of key orders, partition first) → item, with each partition's sort
    parts kept sorted. Subclasses set ``keys``: ``[(name, type), ...]`` in storage-key order."""

    keys: list[tuple[str, str]]

    def __init__(self):
        self.items: dict[tuple, dict] = {}
        #: Partition key order → the rest of its storage keys, kept sorted (Query reads one).
        self._partitions: dict[object, list[tuple]] = {}
        self._scan_cache: list[tuple] | None = None

    def _store(self, where: tuple, item: dict) -> None:
        if where not in self.items:
            bisect.insort(self._partitions.setdefault(where[0], []), where[1:])
            self._scan_cache = None
        self.items[where] = item

    def _remove(self, where: tuple) -> dict | None:
        old = self.items.pop(where, None)
        if old is not None:
            rests = self._partitions[where[0]]
            del rests[bisect.bisect_left(rests, where[1:])]
            if not rests:
                del self._partitions[where[0]]
            self._scan_cache = None
        return old

    # -- keys ---------------------------------------------------------------------------------

    def check_key(self, key: dict, *, label: str = MSG_KEY_MISMATCH) -> dict:
        """A ``Key`` (or ``ExclusiveStartKey``) must hold exactly the key attributes, each of the
        declared type."""
        if not isinstance(key, dict) or set(key) != {name for name, _ in self.keys}:
            raise ValidationException(label)
        stored = {}
        for name, kind in self.keys:
            value = validate_value(key[name])
            if next(iter(value)) != kind:
                raise ValidationException(label)
            if not value[kind]:  # an empty S or B can never be a key, so it names no item
                validate_key_value(name, value, kind)
            stored[name] = value
        return stored

    # -- ordering -----------------------------------------------------------------------------

    def _partition_hash(self, storage_key: tuple) -> bytes:
        """Scan order across partitions: a stable hash, standing in for DynamoDB's internal one."""
        return hashlib.md5(repr(storage_key[0]).encode()).digest()

    def segment_of(self, storage_key: tuple, total: int) -> int:
        """Parallel-scan segment: whole partitions go to one segment, as in DynamoDB."""
        return int.from_bytes(self._partition_hash(storage_key)[:8], "big") % total

    def scan_order(self) -> list[tuple]:
        if self._scan_cache is None:
            self._scan_cache = sorted(self.items, key=lambda k: (self._partition_hash(k), k[1:]))
        return self._scan_cache

    def partition(self, partition_value: dict, forward: bool = True) -> list[tuple]:
        """Storage keys of one partition in sort order (reversed for ScanIndexForward=false)."""
        wanted = key_order(partition_value)
        keys = [(wanted, *rest) for rest in self._partitions.get(wanted, ())]
        return keys if forward else keys[::-1]
