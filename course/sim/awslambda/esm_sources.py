"""The two stream sources an event source mapping reads: Kinesis data streams and DynamoDB streams.

A source reads through the stream service's own API (DescribeStream, GetShardIterator, GetRecords),
as Lambda's pollers do, and turns each record into the shape Lambda puts in the function's event:
- DynamoDB: the stream record as GetRecords gives it, plus ``eventSourceARN``, with
  ``ApproximateCreationDateTime`` in epoch seconds and a TTL delete's ``userIdentity`` as
  ``{"type": "Service", "principalId": "dynamodb.amazonaws.com"}`` ("Using AWS Lambda with Amazon DynamoDB",
  https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html).
- Kinesis: ``{"kinesis": {kinesisSchemaVersion, partitionKey, sequenceNumber, data (base64),
  approximateArrivalTimestamp}, eventSource: "aws:kinesis", eventName: "aws:kinesis:record",
  eventID: "<shard>:<sequence>", invokeIdentityArn, awsRegion, eventSourceARN}``
  ("Using Lambda with Kinesis", https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html).

Polling rates: Lambda polls each Kinesis shard "at a base rate of once per second" (with-kinesis) and
each DynamoDB stream shard "at a base rate of 4 times per second" (with-ddb). The service models are
called directly (``Service.call``), not through ``Account.call``: the polls are Lambda's own traffic,
and a check reading ``calls.<step>`` should see the learner's calls, not thousands of GetRecords.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from course.sim.dynamodbstreams import errors as streams_errors
from course.sim.errors import AwsError
from course.sim.kinesis import errors as kinesis_errors

KINESIS_POLL_S = 1.0
DYNAMODB_POLL_S = 0.25
#: DynamoDB Streams keeps records for 24 hours (facts.md §10).
DYNAMODB_RETENTION_S = 24 * 3600.0


@dataclass
class SourceRecord:
    sequence: str
    arrival: float
    group: str          # records of one group stay in order across parallel batches (partition key)
    event: dict         # the record as the function's event carries it
    size: int


@dataclass
class ShardInfo:
    shard_id: str
    parent_id: str | None


def _epoch(value) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


class StreamSource:
    service = ""
    kind = ""
    poll_interval = 1.0
    batch_info_key = ""
    arn_key = ""
    sequence_key = ""
    get_limit = 1000
    #: What the stream's service answers when the stream or shard is gone, and when a position has
    #: aged past its trim point (a poller finishes the shard on the first, restarts at the trim
    #: horizon on the second).
    gone: tuple[type[AwsError], ...] = ()
    trimmed: tuple[type[AwsError], ...] = ()

    def __init__(self, account, arn: str):
        self.account = account
        self.arn = arn

    def _call(self, operation: str, params: dict) -> dict:
        return self.account.service(self.service).call(operation, params)

    def exists(self) -> bool:
        try:
            self._call("DescribeStream", {self.arn_key: self.arn})
            return True
        except AwsError:
            return False

    def shards(self) -> list[ShardInfo]:
        found, start = [], None
        while True:
            params = {self.arn_key: self.arn}
            if start:
                params["ExclusiveStartShardId"] = start
            description = self._call("DescribeStream", params)["StreamDescription"]
            page = description.get("Shards", [])
            found += [ShardInfo(s["ShardId"], s.get("ParentShardId")) for s in page]
            start = description.get("LastEvaluatedShardId") or (page[-1]["ShardId"] if description.get(
                "HasMoreShards") and page else None)
            if not start:
                return found

    def read(self, shard_id: str, after: str | None, start: str, timestamp: float | None,
             limit: int) -> tuple[list[SourceRecord], bool]:
        """Records after sequence ``after`` (or from ``start`` when None); and whether the shard is
        closed and read to its end."""
        params = {self.arn_key: self.arn, "ShardId": shard_id}
        if after is not None:
            params.update({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", self.sequence_key: after})
        else:
            params["ShardIteratorType"] = start
            if start == "AT_TIMESTAMP":
                params["Timestamp"] = datetime.fromtimestamp(timestamp or 0.0, tz=UTC)
        try:
            iterator = self._call("GetShardIterator", params)["ShardIterator"]
        except self.trimmed:
            if after is None:
                raise
            # The position aged out of the stream: what followed it is gone, read what is left.
            return self.read(shard_id, None, "TRIM_HORIZON", None, limit)
        records: list[SourceRecord] = []
        while iterator and len(records) < limit:
            page = self._call("GetRecords", {"ShardIterator": iterator,
                                             "Limit": min(self.get_limit, limit - len(records))})
            records += [self.convert(shard_id, raw) for raw in page.get("Records", [])]
            iterator = page.get("NextShardIterator")
            if not page.get("Records"):
                break
        return records, iterator is None

    def convert(self, shard_id: str, raw: dict) -> SourceRecord:
        raise NotImplementedError

    def retention_s(self) -> float:
        raise NotImplementedError

    def subscribe(self, callback) -> None:
        """Call ``callback()`` whenever a record may have been added, so an idle poller wakes."""

    def unsubscribe(self, callback) -> None:
        pass


class KinesisSource(StreamSource):
    service, kind, poll_interval = "kinesis", "kinesis", KINESIS_POLL_S
    batch_info_key, arn_key, sequence_key, get_limit = "KinesisBatchInfo", "StreamARN", "StartingSequenceNumber", 10_000
    gone = (kinesis_errors.ResourceNotFoundException,)

    def __init__(self, account, arn: str, role: str | None = None):
        super().__init__(account, arn)
        self.role = role

    def _stream(self):
        return self.account.service("kinesis").stream_by_arn(self.arn)

    def convert(self, shard_id: str, raw: dict) -> SourceRecord:
        arrival = _epoch(raw["ApproximateArrivalTimestamp"])
        data = base64.b64encode(raw["Data"]).decode("ascii")
        event = {"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": raw["PartitionKey"],
                             "sequenceNumber": raw["SequenceNumber"], "data": data,
                             "approximateArrivalTimestamp": round(arrival, 3)},
                 "eventSource": "aws:kinesis", "eventVersion": "1.0",
                 "eventID": f"{shard_id}:{raw['SequenceNumber']}", "eventName": "aws:kinesis:record",
                 "invokeIdentityArn": self.role or "", "awsRegion": self.account.region, "eventSourceARN": self.arn}
        return SourceRecord(raw["SequenceNumber"], arrival, raw["PartitionKey"], event,
                            len(raw["Data"]) + len(raw["PartitionKey"]))

    def retention_s(self) -> float:
        stream = self._stream()
        return stream.retention_hours * 3600.0 if stream else DYNAMODB_RETENTION_S

    def subscribe(self, callback) -> None:
        stream = self._stream()
        if stream is not None:
            stream.listeners.append(lambda *_: callback())
            self._listener = stream.listeners[-1]

    def unsubscribe(self, callback) -> None:
        stream = self._stream()
        listener = getattr(self, "_listener", None)
        if stream is not None and listener in stream.listeners:
            stream.listeners.remove(listener)


class DynamoDBSource(StreamSource):
    service, kind, poll_interval = "dynamodbstreams", "dynamodb", DYNAMODB_POLL_S
    batch_info_key, arn_key, sequence_key, get_limit = "DDBStreamBatchInfo", "StreamArn", "SequenceNumber", 1000
    gone = (streams_errors.ResourceNotFoundException,)
    trimmed = (streams_errors.TrimmedDataAccessException,)

    def _table(self):
        name = self.arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
        return self.account.service("dynamodb").tables.get(name)

    def convert(self, shard_id: str, raw: dict) -> SourceRecord:
        event = json.loads(json.dumps(raw, default=_json_default))
        body = event.get("dynamodb", {})
        if "ApproximateCreationDateTime" in raw.get("dynamodb", {}):
            body["ApproximateCreationDateTime"] = _epoch(raw["dynamodb"]["ApproximateCreationDateTime"])
        event["eventSourceARN"] = self.arn
        identity = event.get("userIdentity")
        if isinstance(identity, dict):
            # GetRecords spells it Type/PrincipalId; Lambda's event carries type/principalId.
            event["userIdentity"] = {"type": identity.get("Type", identity.get("type")),
                                     "principalId": identity.get("PrincipalId", identity.get("principalId"))}
        group = json.dumps(body.get("Keys", {}), sort_keys=True)
        return SourceRecord(body["SequenceNumber"], float(body.get("ApproximateCreationDateTime", 0.0)), group,
                            event, int(body.get("SizeBytes", 0)))

    def retention_s(self) -> float:
        return DYNAMODB_RETENTION_S

    def subscribe(self, callback) -> None:
        table = self._table()
        if table is not None:
            table.listeners.append(lambda *_: callback())
            self._listener = (table, table.listeners[-1])

    def unsubscribe(self, callback) -> None:
        table, listener = getattr(self, "_listener", (None, None))
        if table is not None and listener in table.listeners:
            table.listeners.remove(listener)


def _json_default(value):
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} in an event")


def source_for(account, arn: str, role: str | None = None) -> StreamSource | None:
    """The source an event source ARN names, or None for a kind of source the simulator does not poll."""
    if ":kinesis:" in arn and ":stream/" in arn:
        return KinesisSource(account, arn, role)
    if ":dynamodb:" in arn and "/stream/" in arn:
        return DynamoDBSource(account, arn)
    return None
