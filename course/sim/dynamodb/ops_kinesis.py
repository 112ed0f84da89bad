"""Kinesis Data Streams for DynamoDB: every item change also written to a Kinesis data stream.

Enable/Disable/Describe/UpdateKinesisStreamingDestination as in the DynamoDB API Reference
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_EnableKinesisStreamingDestination.html
and siblings). A table's listener (``Table.listeners``) turns each change into one Kinesis record whose
data is the JSON DynamoDB documents in "Kinesis Data Streams for DynamoDB"
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html): ``awsRegion``, ``eventID``,
``eventName`` (INSERT/MODIFY/REMOVE), ``userIdentity`` (the service principal for TTL deletes, else
null), ``recordFormat: application/json``, ``tableName``, ``eventSource: aws:dynamodb`` and a
``dynamodb`` object with ``ApproximateCreationDateTime`` (epoch, in the destination's precision,
microseconds by default), ``Keys``, ``NewImage`` and ``OldImage`` as they apply, ``SizeBytes`` and
``ApproximateCreationDateTimePrecision``. Unlike DynamoDB Streams there is no view type: both images go.

facts.md §10: on this path records can be duplicated or arrive out of order, so a consumer orders by
ApproximateCreationDateTime and deduplicates. The simulator writes each change once, in order; it does
not inject duplicates. Assumptions: a destination is ACTIVE as soon as EnableKinesisStreamingDestination
answers ENABLING (DynamoDB takes a moment), and the Kinesis partition key is the MD5 of the table name
and the item's key (DynamoDB does not document the key it uses).
"""

from __future__ import annotations

import base64
import hashlib
import json

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import item_size
from course.sim.kinesis.streams import hash_key
from course.sim.service import operation

PRECISIONS = ("MILLISECOND", "MICROSECOND")
DEFAULT_PRECISION = "MICROSECOND"


class KinesisDestinationOps:
    HANDLES: tuple[str, ...] = ()

    @property
    def kinesis_destinations(self) -> dict[str, list[dict]]:
        """Table name → its destinations, in the order they were enabled (disabled ones stay listed)."""
        found = self.__dict__.get("_kinesis_destinations")
        if found is None:
            found = self.__dict__["_kinesis_destinations"] = {}
        return found

    def _destination(self, table, arn: str) -> dict | None:
        return next((d for d in self.kinesis_destinations.get(table.name, []) if d["StreamArn"] == arn
                     and d["DestinationStatus"] == "ACTIVE"), None)

    def _precision(self, params: dict) -> str:
        precision = (params.get("EnableKinesisStreamingConfiguration") or params.get(
            "UpdateKinesisStreamingConfiguration") or {}).get("ApproximateCreationDateTimePrecision")
        if precision is not None and precision not in PRECISIONS:
            raise ValidationException(f"1 validation error detected: Value '{precision}' at "
                                      "'approximateCreationDateTimePrecision' failed to satisfy constraint: "
                                      f"Member must satisfy enum value set: [{', '.join(PRECISIONS)}]")
        return precision or DEFAULT_PRECISION

    @operation("EnableKinesisStreamingDestination")
    def enable_kinesis_streaming_destination(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        arn = params["StreamArn"]
        precision = self._precision(params)
        if self.account.service("kinesis").stream_by_arn(arn) is None:
            raise ValidationException(f"Kinesis data stream {arn} does not exist or is not ACTIVE")
        if self._destination(table, arn) is not None:
            raise ValidationException(f"Table {table.name} is already streaming to the Kinesis data stream {arn}")
        destinations = self.kinesis_destinations.setdefault(table.name, [])
        destinations[:] = [d for d in destinations if d["StreamArn"] != arn]
        destinations.append({"StreamArn": arn, "DestinationStatus": "ACTIVE",
                             "ApproximateCreationDateTimePrecision": precision})
        if self._send_to_kinesis not in table.listeners:
            table.listeners.append(self._send_to_kinesis)
        return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "ENABLING",
                "EnableKinesisStreamingConfiguration": {"ApproximateCreationDateTimePrecision": precision}}

    @operation("DisableKinesisStreamingDestination")
    def disable_kinesis_streaming_destination(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        arn = params["StreamArn"]
        destination = self._destination(table, arn)
        if destination is None:
            raise ValidationException(f"Table {table.name} is not streaming to the Kinesis data stream {arn}")
        destination["DestinationStatus"] = "DISABLED"
        return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "DISABLING",
                "EnableKinesisStreamingConfiguration": {
                    "ApproximateCreationDateTimePrecision": destination["ApproximateCreationDateTimePrecision"]}}

    @operation("UpdateKinesisStreamingDestination")
    def update_kinesis_streaming_destination(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        arn = params["StreamArn"]
        destination = self._destination(table, arn)
        if destination is None:
            raise ValidationException(f"Table {table.name} is not streaming to the Kinesis data stream {arn}")
        destination["ApproximateCreationDateTimePrecision"] = self._precision(params)
        return {"TableName": table.name, "StreamArn": arn, "DestinationStatus": "UPDATING",
                "UpdateKinesisStreamingConfiguration": {
                    "ApproximateCreationDateTimePrecision": destination["ApproximateCreationDateTimePrecision"]}}

    @operation("DescribeKinesisStreamingDestination")
    def describe_kinesis_streaming_destination(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        return {"TableName": table.name,
                "KinesisDataStreamDestinations": [dict(d) for d in self.kinesis_destinations.get(table.name, [])]}

    def _delete_table_kinesis(self, table) -> None:
        self.kinesis_destinations.pop(table.name, None)

    # -- the listener ---------------------------------------------------------------------------

    def _send_to_kinesis(self, table, old: dict | None, new: dict | None, service_delete: bool) -> None:
        active = [d for d in self.kinesis_destinations.get(table.name, []) if d["DestinationStatus"] == "ACTIVE"]
        if not active or old == new or self.tables.get(table.name) is not table:
            return
        kinesis = self.account.service("kinesis")
        now = self.account.clock.now()
        keys = table.key_of(new if new is not None else old)
        partition_key = hashlib.md5(f"{table.name}/{json.dumps(keys, sort_keys=True)}".encode()).hexdigest()
        for destination in active:
            stream = kinesis.stream_by_arn(destination["StreamArn"])
            if stream is None:
                continue
            precision = destination["ApproximateCreationDateTimePrecision"]
            body = {"ApproximateCreationDateTime": int(now * (1000 if precision == "MILLISECOND" else 1_000_000)),
                    "Keys": keys}
            if new is not None:
                body["NewImage"] = new
            if old is not None:
                body["OldImage"] = old
            body["SizeBytes"] = item_size(keys) + (item_size(new) if new else 0) + (item_size(old) if old else 0)
            body["ApproximateCreationDateTimePrecision"] = precision
            record = {
                "awsRegion": self.account.region,
                "eventID": hashlib.md5(f"{table.arn}/{stream.next_number}/{now}".encode()).hexdigest(),
                "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
                "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
                if service_delete else None,
                "recordFormat": "application/json",
                "tableName": table.name,
                "dynamodb": body,
                "eventSource": "aws:dynamodb",
            }
            data = json.dumps(record, default=_plain).encode()
            stream.append(stream.shard_for(hash_key(partition_key)), partition_key, data, now)


def _plain(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
