"""A Kinesis data stream's state: shards over the 128-bit hash key space, records, retention.

Kinesis places a record by the MD5 hash of its partition key, read as a 128-bit integer, in the
shard whose hash key range holds it; a stream of N shards splits the space into N equal ranges
("Kinesis Data Streams terminology": https://docs.aws.amazon.com/streams/latest/dev/key-concepts.html).
Records stay readable for the stream's retention period, 24 hours by default and up to 8,760 hours
(365 days; facts.md §10, https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html).
Trimming is applied whenever a shard is read, against the simulated clock, which gives exactly what a
reader would see if Kinesis trimmed continuously.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

HASH_SPACE = 2 ** 128
#: Every sequence number of the simulator has this many digits, as Kinesis's do.
SEQUENCE_DIGITS = 56
_SEQUENCE_BASE = 49 * 10 ** (SEQUENCE_DIGITS - 2)


def hash_key(partition_key: str) -> int:
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def sequence_text(number: int) -> str:
    return str(_SEQUENCE_BASE + number)


def sequence_number(text: str) -> int:
    """The simulator's counter behind a sequence number; -1 for one that precedes every record."""
    value = int(text) - _SEQUENCE_BASE
    return value if value >= 0 else -1


@dataclass
class StoredRecord:
    number: int                 # the stream-wide counter behind its sequence number
    partition_key: str
    data: bytes
    arrival: float              # simulated epoch seconds

    @property
    def sequence(self) -> str:
        return sequence_text(self.number)

    def size(self) -> int:
        return len(self.data) + len(self.partition_key.encode("utf-8"))


@dataclass
class Shard:
    shard_id: str
    start_hash: int
    end_hash: int
    first_number: int
    records: list[StoredRecord] = field(default_factory=list)

    def trim(self, cutoff: float) -> None:
        """Drop records that arrived before ``cutoff`` (they have outlived the retention period)."""
        keep = 0
        while keep < len(self.records) and self.records[keep].arrival < cutoff:
            keep += 1
        if keep:
            del self.records[:keep]

    def describe(self) -> dict:
        return {"ShardId": self.shard_id,
                "HashKeyRange": {"StartingHashKey": str(self.start_hash), "EndingHashKey": str(self.end_hash)},
                "SequenceNumberRange": {"StartingSequenceNumber": sequence_text(self.first_number)}}


class Stream:
    def __init__(self, name: str, arn: str, shard_count: int, mode: str, created: float, retention_hours: int):
        self.name, self.arn, self.mode = name, arn, mode
        self.created = created
        self.retention_hours = retention_hours
        self.status = "ACTIVE"
        self.tags: dict[str, str] = {}
        self._next_number = 0
        width = HASH_SPACE // shard_count
        self.shards: list[Shard] = []
        for index in range(shard_count):
            end = HASH_SPACE - 1 if index == shard_count - 1 else (index + 1) * width - 1
            self.shards.append(Shard(f"shardId-{index:012d}", index * width, end, 0))
        #: ``listener(stream, shard, record)`` after each record is stored: Lambda's pollers wake on it.
        self.listeners: list[Callable[[Stream, Shard, StoredRecord], None]] = []

    @property
    def created_at(self) -> datetime:
        return datetime.fromtimestamp(self.created, tz=UTC)

    def shard(self, shard_id: str) -> Shard | None:
        return next((s for s in self.shards if s.shard_id == shard_id), None)

    def shard_for(self, key: int) -> Shard:
        return next(s for s in self.shards if s.start_hash <= key <= s.end_hash)

    def append(self, shard: Shard, partition_key: str, data: bytes, now: float) -> StoredRecord:
        record = StoredRecord(self._next_number, partition_key, data, now)
        self._next_number += 1
        shard.records.append(record)
        for listener in list(self.listeners):
            listener(self, shard, record)
        return record

    @property
    def next_number(self) -> int:
        return self._next_number

    def trim(self, now: float) -> None:
        cutoff = now - self.retention_hours * 3600
        for shard in self.shards:
            shard.trim(cutoff)
