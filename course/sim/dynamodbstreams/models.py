"""The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator and GetRecords.

DynamoDB Streams has its own endpoint and client (``boto3.client("dynamodbstreams")``), but its
streams belong to the tables of the same account's DynamoDB service, which keeps their records
(``course.sim.dynamodb.streams``); this service only reads them. A Lambda event source mapping
polls through these same four operations.

Sources: the DynamoDB Streams API Reference pages API_streams_ListStreams, _DescribeStream,
_GetShardIterator and _GetRecords (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/):
limits of 100 streams or shards per page and 1,000 records per GetRecords; iterator types;
iterators expiring after 15 minutes (ExpiredIteratorException); TrimmedDataAccessException for
positions older than the 24-hour trim point; a closed shard, once read to its end, answers no
NextShardIterator. A third simultaneous poller of a shard is throttled with LimitExceededException
(the advice to keep to two readers per shard, Streams.html; how readers are counted is an
assumption described in ``streams.py``). Error wording follows DynamoDB's where it is known; the
texts of the ValidationExceptions for iterator parameters are the simulator's own.
"""

from __future__ import annotations

import bisect
import copy
from datetime import UTC

from course.sim.dynamodb.streams import (
    GET_RECORDS_MAX_BYTES,
    GET_RECORDS_MAX_RECORDS,
    ITERATOR_LIFETIME_SECONDS,
    Stream,
    make_iterator,
    read_iterator,
    trimmed_error,
)
from course.sim.dynamodbstreams.errors import ExpiredIteratorException, ResourceNotFoundException, ValidationException
from course.sim.service import Service, operation

#: ListStreams and DescribeStream pages hold at most 100 entries (API Reference, "Limit").
PAGE_LIMIT = 100


def _check_limit(value, field: str, maximum: int) -> int:
    if value is None:
        return maximum
    if value > maximum:
        raise ValidationException(f"1 validation error detected: Value '{value}' at '{field}' failed to "
                                  f"satisfy constraint: Member must have value less than or equal to {maximum}")
    return value


def _epoch(value) -> float:
    """botocore takes a timestamp as a datetime, epoch seconds or ISO 8601 text; the bridge hands
    over what the caller passed."""
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        from botocore.utils import parse_timestamp

        value = parse_timestamp(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


class StreamsService(Service):
    name = "dynamodbstreams"

    @property
    def _store(self):
        return self.account.service("dynamodb").stream_store

    def _now(self) -> float:
        return self.account.clock.now()

    def _stream(self, arn: str) -> Stream:
        return self._store.get(arn, self._now())

    @operation("ListStreams")
    def list_streams(self, params: dict) -> dict:
        limit = _check_limit(params.get("Limit"), "limit", PAGE_LIMIT)
        now = self._now()
        streams = self._store.live(now)
        name = params.get("TableName")
        if name is not None:
            streams = [s for s in streams if s.table_name == name]
            if not streams and name not in self.account.service("dynamodb").tables:
                raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
        streams.sort(key=lambda s: (s.table_name, s.label))
        start = params.get("ExclusiveStartStreamArn")
        if start:
            arns = [s.arn for s in streams]
            if start in arns:
                streams = streams[arns.index(start) + 1:]
        page = streams[:limit]
        out = {"Streams": [{"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label} for s in page]}
        if len(streams) > limit:
            out["LastEvaluatedStreamArn"] = page[-1].arn
        return out

    @operation("DescribeStream")
    def describe_stream(self, params: dict) -> dict:
        limit = _check_limit(params.get("Limit"), "limit", PAGE_LIMIT)
        stream = self._stream(params["StreamArn"])
        shards = stream.shards
        wanted = params.get("ShardFilter")
        if wanted is not None:
            if wanted.get("Type") != "CHILD_SHARDS" or not wanted.get("ShardId"):
                raise ValidationException("ShardFilter must have Type CHILD_SHARDS and a ShardId")
            shards = [s for s in shards if s.parent_id == wanted["ShardId"]]
        start = params.get("ExclusiveStartShardId")
        if start:
            ids = [s.shard_id for s in shards]
            if start in ids:
                shards = shards[ids.index(start) + 1:]
        page = shards[:limit]
        description = stream.describe()
        description["Shards"] = [s.describe() for s in page]
        if len(shards) > limit:
            description["LastEvaluatedShardId"] = page[-1].shard_id
        return {"StreamDescription": description}

    @operation("GetShardIterator")
    def get_shard_iterator(self, params: dict) -> dict:
        now = self._now()
        stream = self._stream(params["StreamArn"])
        shard = stream.shard(params["ShardId"])
        if shard is None:
            raise ResourceNotFoundException(f"Requested resource not found: Shard does not exist: {params['ShardId']}")
        kind = params["ShardIteratorType"]
        sequence = params.get("SequenceNumber")
        by_sequence = kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
        if by_sequence and sequence is None:
            raise ValidationException(f"SequenceNumber is required when ShardIteratorType is {kind}")
        if not by_sequence and sequence is not None:
            raise ValidationException(f"SequenceNumber must not be given when ShardIteratorType is {kind}")
        if (kind == "AT_TIMESTAMP") != (params.get("Timestamp") is not None):
            raise ValidationException("Timestamp is required with ShardIteratorType AT_TIMESTAMP, and only with it")
        if kind == "TRIM_HORIZON":
            after = shard.trimmed_upto
        elif kind == "LATEST":
            after = shard.records[-1].seq if shard.records else shard.trimmed_upto
            if shard.end_seq is not None:
                after = shard.end_seq
        elif kind == "AT_TIMESTAMP":
            when = _epoch(params["Timestamp"])
            if when > now:
                raise ValidationException("The Timestamp must not be in the future")
            earlier = [r.seq for r in shard.records if int(r.time) < when]
            after = earlier[-1] if earlier else shard.trimmed_upto
        else:
            if not sequence.isdigit():
                raise ValidationException(f"Invalid SequenceNumber: {sequence}")
            number = int(sequence)
            last = shard.end_seq if shard.end_seq is not None else (shard.records[-1].seq if shard.records else
                                                                    shard.start_seq)
            if number < shard.start_seq or number > last:
                raise ValidationException(f"Invalid SequenceNumber {sequence} for shard {shard.shard_id}")
            after = number - 1 if kind == "AT_SEQUENCE_NUMBER" else number
            if after < shard.trimmed_upto:
                raise trimmed_error()
        return {"ShardIterator": make_iterator(stream, shard, after, now)}

    @operation("GetRecords")
    def get_records(self, params: dict) -> dict:
        limit = _check_limit(params.get("Limit"), "limit", GET_RECORDS_MAX_RECORDS)
        now = self._now()
        arn, shard_id, after, issued, reader, continued = read_iterator(params["ShardIterator"])
        if now - issued > ITERATOR_LIFETIME_SECONDS:
            raise ExpiredIteratorException("The provided iterator exceeds the maximum age allowed.")
        stream = self._stream(arn)
        shard = stream.shard(shard_id)
        if shard is None or after < shard.trimmed_upto:
            raise trimmed_error()
        if continued:
            shard.admit_reader(reader, now, self._store.max_readers)
        records, size = [], 0
        position = bisect.bisect_right(shard.records, after, key=lambda stored: stored.seq)
        while position < len(shard.records):
            stored = shard.records[position]
            if len(records) >= limit or (records and size + stored.size > GET_RECORDS_MAX_BYTES):
                break
            records.append(stored.record)
            size += stored.size
            after = stored.seq
            position += 1
        # Callers may change what they are given; the stream's copy must stay as it was written.
        out = {"Records": copy.deepcopy(records)}
        exhausted = shard.end_seq is not None and position >= len(shard.records)
        if not exhausted:
            out["NextShardIterator"] = make_iterator(stream, shard, after, now, reader)
        return out

