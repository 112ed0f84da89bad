"""DynamoDB Streams' record store: each enabled stream, its shards and the records in them.

A stream is born when StreamSpecification enables it and keeps its ARN (table ARN + ``/stream/`` +
label) for life; disabling closes its open shard and leaves the records readable for 24 hours, and
enabling again makes a new stream with a new label. Records are written by a ``Table.listeners``
callback, one per item change, so each change appears exactly once and in the order it happened.
Time is the account's simulated clock, and everything time-driven (shard rollover, trimming,
iterator expiry) is worked out lazily from it on every access, so a scenario that jumps a day
sees the same stream as one that reads every second.

Sources (https://docs.aws.amazon.com/amazondynamodb/latest/):
- developerguide/Streams.html ("Change data capture for DynamoDB Streams"): exactly once and in
  order per item; 24-hour retention; a disabled stream stays readable for 24 hours; re-enabling
  makes a new stream; "If you perform a PutItem or UpdateItem operation that does not change any
  data in an item, DynamoDB Streams does not write a stream record for that operation"; no more
  than 2 readers per shard (facts.md §10).
- APIReference/API_streams_GetShardIterator.html, API_streams_GetRecords.html,
  API_streams_StreamRecord.html, API_streams_Identity.html: iterators expire 15 minutes after
  they are returned; GetRecords returns at most 1,000 records or 1 MB; ApproximateCreationDateTime
  is rounded down to the second; a closed shard has an EndingSequenceNumber; TTL deletes carry
  userIdentity Type "Service", PrincipalId "dynamodb.amazonaws.com"
  (developerguide/time-to-live-ttl-streams.html).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from course.sim.dynamodb.items import item_size
from course.sim.dynamodbstreams.errors import (
    LimitExceededException,
    ResourceNotFoundException,
    TrimmedDataAccessException,
    ValidationException,
)

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
#: Stream records are kept 24 hours (facts.md §10, Streams.html "Data retention limit").
RETENTION_SECONDS = 24 * 3600
#: "A shard iterator expires 15 minutes after it is returned to the requester" (GetShardIterator).
ITERATOR_LIFETIME_SECONDS = 15 * 60
#: GetRecords returns at most 1,000 records or 1 MB, whichever comes first (GetRecords).
GET_RECORDS_MAX_RECORDS = 1000
GET_RECORDS_MAX_BYTES = 1024 * 1024
#: Assumption: AWS says shards "are created and deleted automatically, as needed" but publishes no
#: lifetime; open shards are commonly observed to close and hand over to a child about every four
#: hours. The service's ``stream_shard_rollover_seconds`` overrides it (None: never roll over).
SHARD_ROLLOVER_SECONDS = 4 * 3600
#: Sequence numbers are numeric strings of 21 digits or more, increasing within a shard and from a
#: parent shard to its child. One counter per account keeps them increasing across streams too.
SEQUENCE_START = 10 ** 20
#: "No more than two processes at most should be reading from the same streams shard at the same
#: time"; more risk throttling (Streams.html, ServiceQuotas.html; facts.md §10). The service's
#: ``stream_max_readers_per_shard`` overrides it (None: no limit).
MAX_READERS_PER_SHARD = 2
#: Assumption: AWS publishes no finer rule, so a reader here is a poller: one chain of iterators
#: (GetShardIterator and the NextShardIterator values that follow from it) that has gone on to a
#: NextShardIterator; one-off reads with fresh iterators never count. Pollers are simultaneous when
#: their GetRecords calls on a shard fall within this many seconds of each other.
READER_WINDOW_SECONDS = 1.0
#: The identity of TTL deletes in stream records (API_streams_Identity).
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def stream_label(when: float) -> str:
    """A stream's label is its creation time in ISO 8601 with milliseconds, e.g. 2026-01-01T00:00:00.000."""
    moment = datetime.fromtimestamp(when, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def trimmed_error() -> TrimmedDataAccessException:
    """One wording for the two places a reader can fall behind the trim point."""
    return TrimmedDataAccessException("The data you are trying to access has been trimmed.")


@dataclass
class StoredRecord:
    seq: int
    time: float
    size: int
    record: dict


@dataclass
class Shard:
    shard_id: str
    parent_id: str | None
    created: float
    start_seq: int
    #: Highest sequence number no longer readable (just below the shard's start until a trim).
    trimmed_upto: int
    end_seq: int | None = None
    closed_at: float | None = None
    records: list[StoredRecord] = field(default_factory=list)
    #: Reader (iterator chain) → when it last called GetRecords on this shard.
    readers: dict[str, float] = field(default_factory=dict)

    def admit_reader(self, reader: str, now: float, limit: int | None) -> None:
        """A third simultaneous reader of a shard is throttled (LimitExceededException)."""
        self.readers = {r: t for r, t in self.readers.items() if t > now - READER_WINDOW_SECONDS}
        others = [r for r in self.readers if r != reader]
        if limit is not None and len(others) >= limit:
            raise LimitExceededException(f"Rate exceeded: more than {limit} readers "
                                         f"of shard {self.shard_id} at the same time")
        self.readers[reader] = now

    def describe(self) -> dict:
        out = {"ShardId": self.shard_id,
               "SequenceNumberRange": {"StartingSequenceNumber": str(self.start_seq)}}
        if self.end_seq is not None:
            out["SequenceNumberRange"]["EndingSequenceNumber"] = str(self.end_seq)
        if self.parent_id:
            out["ParentShardId"] = self.parent_id
        return out


class Stream:
    """One stream of one table, from its enabling to 24 hours after it was disabled."""

    def __init__(self, store: StreamStore, table, view_type: str, now: float, label: str):
        self.store = store
        self.table = table
        self.table_name = table.name
        self.key_schema = [dict(k) for k in table.key_schema]
        self.view_type = view_type
        self.created = now
        self.label = label
        self.arn = f"{table.arn}/stream/{label}"
        self.disabled_at: float | None = None
        self.shards: list[Shard] = []
        self._open_shard(now, None)

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def _open_shard(self, when: float, parent: Shard | None) -> Shard:
        number = len(self.shards) + 1
        suffix = hashlib.md5(f"{self.arn}#{number}".encode()).hexdigest()[:8]
        start = self.store.next_sequence()
        shard = Shard(f"shardId-{int(when * 1000):020d}-{suffix}", parent.shard_id if parent else None,
                      when, start, start - 1)
        self.shards.append(shard)
        return shard

    def _close(self, shard: Shard, when: float) -> None:
        shard.end_seq = self.store.next_sequence()
        shard.closed_at = when

    # -- time ---------------------------------------------------------------------------------

    def catch_up(self, now: float) -> None:
        """Roll the open shard over and trim what has aged past retention, as of ``now``."""
        rollover = self.store.rollover_seconds
        while self.enabled and rollover:
            shard = self.shards[-1]
            if now < shard.created + rollover:
                break
            when = shard.created + rollover
            self._close(shard, when)
            self._open_shard(when, shard)
        horizon = now - RETENTION_SECONDS
        for shard in self.shards:
            old = 0
            while old < len(shard.records) and shard.records[old].time < horizon:
                old += 1
            if old:
                shard.trimmed_upto = shard.records[old - 1].seq
                del shard.records[:old]
        # A closed shard whose records have all been trimmed is gone from the stream.
        self.shards = [s for s in self.shards if s.closed_at is None or s.closed_at >= horizon or s.records]

    def expired(self, now: float) -> bool:
        return self.disabled_at is not None and now - self.disabled_at > RETENTION_SECONDS

    # -- changes ------------------------------------------------------------------------------

    def disable(self, now: float) -> None:
        self.catch_up(now)
        if self.enabled:
            self._close(self.shards[-1], now)
            self.disabled_at = now

    def append(self, old: dict | None, new: dict | None, service_delete: bool, now: float) -> None:
        """Record one item change; a write that leaves the item as it was records nothing."""
        if not self.enabled or old == new:
            return
        self.catch_up(now)
        shard = self.shards[-1]
        seq = self.store.next_sequence()
        keys = self.table.key_of(new if new is not None else old)
        body = {"ApproximateCreationDateTime": datetime.fromtimestamp(int(now), tz=UTC),
                "Keys": copy.deepcopy(keys)}
        size = item_size(keys)
        if new is not None and self.view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["NewImage"] = copy.deepcopy(new)
            size += item_size(new)
        if old is not None and self.view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            body["OldImage"] = copy.deepcopy(old)
            size += item_size(old)
        body.update(SequenceNumber=str(seq), SizeBytes=size, StreamViewType=self.view_type)
        record = {
            "eventID": hashlib.md5(f"{self.arn}#{seq}".encode()).hexdigest(),
            "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": self.store.region,
            "dynamodb": body,
        }
        if service_delete:
            record["userIdentity"] = dict(SERVICE_IDENTITY)
        shard.records.append(StoredRecord(seq, now, size, record))

    # -- reading ------------------------------------------------------------------------------

    def shard(self, shard_id: str) -> Shard | None:
        return next((s for s in self.shards if s.shard_id == shard_id), None)

    def describe(self) -> dict:
        return {
            "StreamArn": self.arn,
            "StreamLabel": self.label,
            "StreamStatus": "ENABLED" if self.enabled else "DISABLED",
            "StreamViewType": self.view_type,
            "CreationRequestDateTime": datetime.fromtimestamp(self.created, tz=UTC),
            "TableName": self.table_name,
            "KeySchema": [dict(k) for k in self.key_schema],
        }


class StreamStore:
    """Every stream of one account's DynamoDB service, by ARN."""

    def __init__(self, region: str, tables: dict, rollover_seconds: float | None = SHARD_ROLLOVER_SECONDS,
                 max_readers: int | None = MAX_READERS_PER_SHARD):
        self.region = region
        self.max_readers = max_readers
        self._readers = 0
        #: The service's tables by name: an enabled stream whose table never got stored (a later
        #: CreateTable check refused it) is no stream at all.
        self.tables = tables
        self.rollover_seconds = rollover_seconds
        self.streams: dict[str, Stream] = {}
        self._sequence = SEQUENCE_START

    def new_reader(self) -> str:
        self._readers += 1
        return str(self._readers)

    def next_sequence(self) -> int:
        self._sequence += 1
        return self._sequence

    def create(self, table, view_type: str, now: float) -> Stream:
        """A new stream for ``table``; its label is the creation time, made unique per table."""
        self.live(now)
        label = stream_label(now)
        moment = now
        while f"{table.arn}/stream/{label}" in self.streams:
            moment += 0.001
            label = stream_label(moment)
        stream = Stream(self, table, view_type, now, label)
        self.streams[stream.arn] = stream
        return stream

    def live(self, now: float) -> list[Stream]:
        """Streams still readable: enabled ones, and disabled ones within their 24 hours."""
        for arn in [arn for arn, s in self.streams.items()
                    if s.expired(now) or (s.enabled and self.tables.get(s.table_name) is not s.table)]:
            del self.streams[arn]
        return list(self.streams.values())

    def get(self, arn: str, now: float) -> Stream:
        self.live(now)
        stream = self.streams.get(arn)
        if stream is None:
            raise ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")
        stream.catch_up(now)
        return stream


# -- shard iterators ------------------------------------------------------------------------------


def make_iterator(stream: Stream, shard: Shard, after: int, now: float, reader: str | None = None) -> str:
    """An opaque iterator naming the stream, the shard, the last sequence number already read, when
    it was issued (iterators expire) and the reader it belongs to: a new one from GetShardIterator,
    the same one, marked as continuing, in a NextShardIterator. The stream ARN leads, as in
    DynamoDB's own iterators."""
    state = {"s": shard.shard_id, "a": after, "t": now, "r": reader or stream.store.new_reader(),
             "c": reader is not None}
    blob = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()
    return f"{stream.arn}|1|{blob}"


def read_iterator(text: str) -> tuple[str, str, int, float, str, bool]:
    """(stream ARN, shard id, last sequence read, issued at, reader, whether it continues a chain)
    or ValidationException."""
    try:
        arn, version, blob = text.rsplit("|", 2)
        state = json.loads(base64.urlsafe_b64decode(blob.encode()))
        if version != "1":
            raise ValueError(version)
        return arn, str(state["s"]), int(state["a"]), float(state["t"]), str(state["r"]), bool(state["c"])
    except (ValueError, KeyError, TypeError):
        raise ValidationException("Invalid ShardIterator") from None
