"""The simulated Kinesis Data Streams service: streams, shards, records and shard iterators.

Operations take botocore's parameters and answer in its output shapes with Kinesis's error codes.
Behaviour taught, with its source (Amazon Kinesis Data Streams API Reference,
https://docs.aws.amazon.com/kinesis/latest/APIReference/, unless noted):
- PutRecord/PutRecords hash the partition key with MD5 into a shard's hash key range (or use
  ExplicitHashKey); sequence numbers increase over time. PutRecords takes up to 500 records.
- A record's data plus partition key may be at most 1 MiB by default ("Quotas and limits",
  https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html).
- A shard iterator expires 5 minutes after GetShardIterator returns it (API_GetShardIterator;
  https://docs.aws.amazon.com/streams/latest/dev/kinesis-fis-expired-iterator.html).
- GetRecords returns at most 10,000 records and 10 MiB per call (API_GetRecords).
- Retention is 24 hours by default and can be raised to 8,760 hours (365 days) and lowered back
  to 24 (facts.md §10; https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html).
- An on-demand stream starts with a write capacity of 4 MiB/s, that is 4 shards' worth
  (https://docs.aws.amazon.com/streams/latest/dev/how-do-i-size-a-stream.html); the simulator gives it
  4 shards and does not scale them.

Assumptions and what is not modeled: a new stream is ACTIVE at once (Kinesis reports CREATING for a
while; the simulator skips it so scripts need no waiter); throughput limits per shard
(ProvisionedThroughputExceededException), resharding, enhanced fan-out consumers and encryption are
not modeled, and parameters that ask for them are refused with NotModeledBySimulator.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from course.sim.errors import AwsError, NotModeled
from course.sim.kinesis.errors import (
    ExpiredIteratorException,
    InvalidArgumentException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from course.sim.kinesis.streams import HASH_SPACE, Shard, Stream, hash_key, sequence_number
from course.sim.service import Service, operation

DEFAULT_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8_760
ON_DEMAND_SHARDS = 4
MAX_RECORD_BYTES = 1024 * 1024
PUT_RECORDS_MAX = 500
PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024
GET_RECORDS_MAX = 10_000
GET_RECORDS_MAX_BYTES = 10 * 1024 * 1024
ITERATOR_LIFETIME_S = 300.0
_UNMODELED = ("WarmThroughputMiBps", "MaxRecordSizeInKiB", "RecordDistributionStrategy", "StreamId", "DryRun")


def _epoch(value) -> float:
    """GetShardIterator's Timestamp as a caller may give it: a datetime, epoch seconds or ISO text."""
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=UTC).timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return _epoch(datetime.fromisoformat(str(value)))


class KinesisService(Service):
    name = "kinesis"

    def __init__(self, account):
        super().__init__(account)
        self.streams: dict[str, Stream] = {}
        self._iterators: dict[str, tuple[str, str, int, float]] = {}
        self._issued = 0

    @property
    def now(self) -> float:
        return self.account.clock.now()

    # -- lookups ------------------------------------------------------------------------------

    def stream(self, params: dict) -> Stream:
        """A stream named by StreamName or StreamARN; trimmed to its retention before anyone reads it."""
        for key in _UNMODELED:
            if params.get(key) is not None:
                raise NotModeled("kinesis", f"parameter {key}")
        name, arn = params.get("StreamName"), params.get("StreamARN")
        if not name and not arn:
            raise ValidationException("Either StreamName or StreamARN should be provided.")
        if arn:
            arn_name = arn.split(":stream/", 1)[-1]
            if name and name != arn_name:
                raise InvalidArgumentException(f"StreamARN {arn} and StreamName {name} do not name the same stream.")
            name = arn_name if arn.startswith(self.account.arn("kinesis", "stream/")) else None
        stream = self.streams.get(name or "")
        if stream is None:
            shown = name or arn.split(":stream/", 1)[-1]
            raise ResourceNotFoundException(f"Stream {shown} under account {self.account.account_id} not found.")
        stream.trim(self.now)
        return stream

    def stream_by_arn(self, arn: str) -> Stream | None:
        try:
            return self.stream({"StreamARN": arn})
        except AwsError:
            return None

    def _shard(self, stream: Stream, shard_id: str) -> Shard:
        shard = stream.shard(shard_id)
        if shard is None:
            raise ResourceNotFoundException(f"Shard {shard_id} in stream {stream.name} under "
                                            f"account {self.account.account_id} does not exist")
        return shard

    # -- streams ------------------------------------------------------------------------------

    @operation("CreateStream")
    def create_stream(self, params: dict) -> dict:
        for key in _UNMODELED:
            if params.get(key) is not None:
                raise NotModeled("kinesis", f"parameter {key}")
        name = params["StreamName"]
        mode = (params.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED")
        count = params.get("ShardCount")
        if mode == "ON_DEMAND":
            if count is not None:
                raise ValidationException("ShardCount is not supported for an ON_DEMAND stream.")
            count = ON_DEMAND_SHARDS
        elif count is None:
            raise ValidationException("ShardCount is required for a PROVISIONED stream.")
        if name in self.streams:
            raise ResourceInUseException(f"Stream {name} under account {self.account.account_id} already exists.")
        stream = Stream(name, self.account.arn("kinesis", f"stream/{name}"), count, mode, self.now,
                        DEFAULT_RETENTION_HOURS)
        stream.tags = dict(params.get("Tags") or {})
        self.streams[name] = stream
        return {}

    @operation("DeleteStream")
    def delete_stream(self, params: dict) -> dict:
        stream = self.stream(params)
        del self.streams[stream.name]
        stream.status = "DELETING"
        return {}

    def _summary(self, stream: Stream) -> dict:
        return {"StreamName": stream.name, "StreamARN": stream.arn, "StreamStatus": stream.status,
                "StreamModeDetails": {"StreamMode": stream.mode}, "RetentionPeriodHours": stream.retention_hours,
                "StreamCreationTimestamp": stream.created_at, "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
                "EncryptionType": "NONE"}

    @operation("DescribeStream")
    def describe_stream(self, params: dict) -> dict:
        stream = self.stream(params)
        shards = stream.shards
        if params.get("ExclusiveStartShardId"):
            shards = [s for s in shards if s.shard_id > params["ExclusiveStartShardId"]]
        limit = params.get("Limit") or 100
        out = self._summary(stream)
        out.update({"Shards": [s.describe() for s in shards[:limit]], "HasMoreShards": len(shards) > limit})
        return {"StreamDescription": out}

    @operation("DescribeStreamSummary")
    def describe_stream_summary(self, params: dict) -> dict:
        stream = self.stream(params)
        return {"StreamDescriptionSummary": {**self._summary(stream), "OpenShardCount": len(stream.shards),
                                             "ConsumerCount": 0}}

    @operation("ListStreams")
    def list_streams(self, params: dict) -> dict:
        names = sorted(self.streams)
        start = params.get("NextToken") or params.get("ExclusiveStartStreamName")
        if start:
            names = [n for n in names if n > start]
        limit = params.get("Limit") or 100
        shown = names[:limit]
        out = {"StreamNames": shown, "HasMoreStreams": len(names) > limit,
               "StreamSummaries": [{key: value for key, value in self._summary(self.streams[n]).items()
                                    if key in ("StreamName", "StreamARN", "StreamStatus", "StreamModeDetails",
                                               "StreamCreationTimestamp")} for n in shown]}
        if len(names) > limit:
            out["NextToken"] = shown[-1]
        return out

    @operation("ListShards")
    def list_shards(self, params: dict) -> dict:
        if params.get("ShardFilter") is not None:
            raise NotModeled("kinesis", "parameter ShardFilter")
        stream = self.stream(params)
        shards = stream.shards
        start = params.get("NextToken") or params.get("ExclusiveStartShardId")
        if start:
            shards = [s for s in shards if s.shard_id > start]
        limit = params.get("MaxResults") or 1000
        out = {"Shards": [s.describe() for s in shards[:limit]]}
        if len(shards) > limit:
            out["NextToken"] = shards[limit - 1].shard_id
        return out

    @operation("IncreaseStreamRetentionPeriod")
    def increase_retention(self, params: dict) -> dict:
        stream, hours = self.stream(params), params["RetentionPeriodHours"]
        self._check_retention(hours)
        if hours < stream.retention_hours:
            raise InvalidArgumentException(f"Requested retention period ({hours} hours) for stream "
                                           f"{stream.name} can not be shorter than existing retention period "
                                           f"({stream.retention_hours} hours). Use DecreaseRetentionPeriod API.")
        stream.retention_hours = hours
        return {}

    @operation("DecreaseStreamRetentionPeriod")
    def decrease_retention(self, params: dict) -> dict:
        stream, hours = self.stream(params), params["RetentionPeriodHours"]
        self._check_retention(hours)
        if hours > stream.retention_hours:
            raise InvalidArgumentException(f"Requested retention period ({hours} hours) for stream "
                                           f"{stream.name} can not be longer than existing retention period "
                                           f"({stream.retention_hours} hours). Use IncreaseRetentionPeriod API.")
        stream.retention_hours = hours
        stream.trim(self.now)
        return {}

    @staticmethod
    def _check_retention(hours: int) -> None:
        if hours < DEFAULT_RETENTION_HOURS:
            raise InvalidArgumentException(f"Minimum allowed retention period is {DEFAULT_RETENTION_HOURS} "
                                           f"hours. Requested retention period ({hours} hours) is too short.")
        if hours > MAX_RETENTION_HOURS:
            raise InvalidArgumentException(f"Maximum allowed retention period is {MAX_RETENTION_HOURS} "
                                           f"hours. Requested retention period ({hours} hours) is too long.")

    # -- writing ------------------------------------------------------------------------------

    def _place(self, stream: Stream, entry: dict, where: str) -> Shard:
        key = entry["PartitionKey"]
        data = bytes(entry["Data"] or b"") if not isinstance(entry["Data"], str) else entry["Data"].encode()
        if len(data) + len(key.encode("utf-8")) > MAX_RECORD_BYTES:
            raise ValidationException(f"1 validation error detected: Value at '{where}data' failed to satisfy "
                                      f"constraint: Member must have length less than or equal to {MAX_RECORD_BYTES}")
        explicit = entry.get("ExplicitHashKey")
        if explicit is not None:
            number = int(explicit)
            if number >= HASH_SPACE:
                raise InvalidArgumentException("Invalid ExplicitHashKey. ExplicitHashKey must be in the "
                                               f"range: [0, {HASH_SPACE - 1}]. Specified value was {explicit}")
            return stream.shard_for(number)
        return stream.shard_for(hash_key(key))

    @staticmethod
    def _data(entry: dict) -> bytes:
        data = entry["Data"]
        return data.encode() if isinstance(data, str) else bytes(data or b"")

    @operation("PutRecord")
    def put_record(self, params: dict) -> dict:
        stream = self.stream(params)
        if "PartitionKey" not in params:
            raise ValidationException("1 validation error detected: Value null at 'partitionKey' "
                                      "failed to satisfy constraint: Member must not be null")
        shard = self._place(stream, params, "")
        record = stream.append(shard, params["PartitionKey"], self._data(params), self.now)
        return {"ShardId": shard.shard_id, "SequenceNumber": record.sequence, "EncryptionType": "NONE"}

    @operation("PutRecords")
    def put_records(self, params: dict) -> dict:
        stream = self.stream(params)
        entries = params["Records"]
        total = sum(len(self._data(e)) + len(e["PartitionKey"].encode("utf-8")) for e in entries)
        if total > PUT_RECORDS_MAX_BYTES:
            raise InvalidArgumentException(f"Records size exceeds {PUT_RECORDS_MAX_BYTES // (1024 * 1024)} MB limit")
        shards = [self._place(stream, entry, f"records.{i + 1}.member.") for i, entry in enumerate(entries)]
        out = []
        for entry, shard in zip(entries, shards):
            record = stream.append(shard, entry["PartitionKey"], self._data(entry), self.now)
            out.append({"SequenceNumber": record.sequence, "ShardId": shard.shard_id})
        return {"FailedRecordCount": 0, "Records": out, "EncryptionType": "NONE"}

    # -- reading ------------------------------------------------------------------------------

    def _issue(self, stream: Stream, shard: Shard, position: int) -> str:
        self._issued += 1
        token = hashlib.sha256(f"{stream.arn}/{shard.shard_id}/{position}/{self._issued}".encode()).hexdigest()
        self._iterators[token] = (stream.arn, shard.shard_id, position, self.now)
        return "AAAAAAAAAAE" + token

    @operation("GetShardIterator")
    def get_shard_iterator(self, params: dict) -> dict:
        stream = self.stream(params)
        shard = self._shard(stream, params["ShardId"])
        kind = params["ShardIteratorType"]
        if kind == "TRIM_HORIZON":
            position = shard.records[0].number if shard.records else stream.next_number
        elif kind == "LATEST":
            position = stream.next_number
        elif kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            given = params.get("StartingSequenceNumber")
            if not given:
                raise InvalidArgumentException("StartingSequenceNumber must be specified "
                                               f"for shard iterator type {kind}.")
            number = sequence_number(given)
            if number >= stream.next_number:
                raise InvalidArgumentException(f"StartingSequenceNumber {given} used in "
                                               f"GetShardIterator on shard {shard.shard_id} in stream "
                                               f"{stream.name} under account {self.account.account_id} "
                                               "is invalid because it did not come from this stream.")
            position = number + (1 if kind == "AFTER_SEQUENCE_NUMBER" else 0)
        else:  # AT_TIMESTAMP
            if params.get("Timestamp") is None:
                raise InvalidArgumentException("Must specify timestampInMillis parameter for iterator of type "
                                               "AT_TIMESTAMP. Current request has no timestamp parameter.")
            when = _epoch(params["Timestamp"])
            later = [r.number for r in shard.records if r.arrival >= when]
            position = later[0] if later else stream.next_number
        return {"ShardIterator": self._issue(stream, shard, position)}

    @operation("GetRecords")
    def get_records(self, params: dict) -> dict:
        token = params["ShardIterator"]
        held = self._iterators.get(token[11:]) if token.startswith("AAAAAAAAAAE") else None
        if held is None:
            raise InvalidArgumentException("Invalid ShardIterator.")
        arn, shard_id, position, issued = held
        if self.now - issued > ITERATOR_LIFETIME_S:
            raise ExpiredIteratorException("Iterator expired. The iterator was created at time "
                                           f"{_stamp(issued)} while right now it is {_stamp(self.now)} "
                                           "which is further in the future than the tolerated delay "
                                           f"of {int(ITERATOR_LIFETIME_S * 1000)} milliseconds.")
        stream = self.stream({"StreamARN": arn})
        shard = self._shard(stream, shard_id)
        limit = params.get("Limit") or GET_RECORDS_MAX
        records, size = [], 0
        unread = [r for r in shard.records if r.number >= position]
        for record in unread:
            if len(records) >= limit or (records and size + record.size() > GET_RECORDS_MAX_BYTES):
                break
            records.append(record)
            size += record.size()
        next_position = records[-1].number + 1 if records else max(position, shard.records[0].number
                                                                    if shard.records else position)
        behind = unread[len(records)] if len(unread) > len(records) else None
        return {
            "Records": [{"SequenceNumber": r.sequence, "PartitionKey": r.partition_key, "Data": r.data,
                         "ApproximateArrivalTimestamp": datetime.fromtimestamp(r.arrival, tz=UTC),
                         "EncryptionType": "NONE"} for r in records],
            "NextShardIterator": self._issue(stream, shard, next_position),
            "MillisBehindLatest": int((self.now - behind.arrival) * 1000) if behind else 0,
        }


def _stamp(when: float) -> str:
    return datetime.fromtimestamp(when, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
