"""DynamoDB Streams on the table side: StreamSpecification on CreateTable and UpdateTable, the
stream's ARN and label in DescribeTable, and one stream record per item change.

The records are kept by ``streams.py`` and read through the separate ``dynamodbstreams`` service
(``course/sim/dynamodbstreams/models.py``), as on AWS, where DynamoDB and DynamoDB Streams have
separate endpoints. Records are written by a ``Table.listeners`` callback, so every write path
(single items, batches, transactions, TTL deletes) is covered without knowing about streams.

Sources: "Change data capture for DynamoDB Streams" (developerguide/Streams.html): enabling on an
existing table creates a new stream with a new label, disabling one keeps its data readable for 24
hours, and DescribeTable's LatestStreamArn names the latest stream; API_StreamSpecification for the
view types. Error messages are DynamoDB's ValidationException texts for these requests.
"""

from __future__ import annotations

from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.streams import (
    MAX_READERS_PER_SHARD,
    SHARD_ROLLOVER_SECONDS,
    VIEW_TYPES,
    StreamStore,
)
from course.sim.dynamodb.tables import Table

_PREFIX = "One or more parameter values were invalid: "


class StreamOps:
    HANDLES = ("StreamSpecification",)
    #: Seconds before an open shard closes and a child takes over; None keeps one shard for good.
    #: ``streams.SHARD_ROLLOVER_SECONDS`` is an assumption; scenarios may change it per account.
    stream_shard_rollover_seconds: float | None = SHARD_ROLLOVER_SECONDS
    #: Simultaneous readers a shard admits before throttling GetRecords; None for no limit.
    stream_max_readers_per_shard: int | None = MAX_READERS_PER_SHARD

    @property
    def stream_store(self) -> StreamStore:
        """The account's streams, kept by the DynamoDB service since they live and die with its tables."""
        store = self.__dict__.get("_stream_store")
        if store is None:
            store = self.__dict__["_stream_store"] = StreamStore(self.account.region, self.tables)
        store.rollover_seconds = self.stream_shard_rollover_seconds
        store.max_readers = self.stream_max_readers_per_shard
        return store

    def _start_stream(self, table: Table, view_type: str) -> None:
        now = self.account.clock.now()
        stream = self.stream_store.create(table, view_type, now)
        table.stream = {"StreamEnabled": True, "StreamViewType": view_type}
        table.stream_label = stream.label
        if self._stream_listener not in table.listeners:
            table.listeners.append(self._stream_listener)

    def _stream_listener(self, table: Table, old, new, service_delete: bool) -> None:
        arn = table.stream_arn
        if arn is None:
            return
        stream = self.stream_store.streams.get(arn)
        if stream is not None:
            stream.append(old, new, service_delete, self.account.clock.now())

    # -- table hooks ---------------------------------------------------------------------------

    def _create_table_stream(self, table: Table, params: dict) -> None:
        spec = params.get("StreamSpecification")
        if not spec:
            return
        if spec.get("StreamEnabled"):
            if spec.get("StreamViewType") not in VIEW_TYPES:
                raise ValidationException(_PREFIX + "Table is being created with a stream enabled, "
                                          "UpdateViewType is required")
            self._start_stream(table, spec["StreamViewType"])
        elif spec.get("StreamViewType") is not None:
            raise ValidationException(_PREFIX + "Table is being created with a stream disabled, "
                                      "UpdateViewType should not be specified")

    def _update_table_stream(self, table: Table, params: dict):
        """Enabling makes a new stream (a view type cannot change in place: disable, then enable);
        disabling closes the stream, whose records stay readable for 24 hours. The change is
        returned, to be applied once the whole UpdateTable request has been validated."""
        spec = params.get("StreamSpecification")
        if spec is None:
            return None
        if params.get("ProvisionedThroughput") is not None or params.get("BillingMode") == "PROVISIONED":
            # DynamoDB takes a stream change together with a switch to on-demand, not with
            # provisioned capacity: those must be separate UpdateTable calls.
            raise ValidationException(_PREFIX + "You cannot modify stream status while updating table IOPS")
        view_type = spec.get("StreamViewType")
        if spec.get("StreamEnabled"):
            if view_type not in VIEW_TYPES:
                raise ValidationException(_PREFIX + "If stream is being enabled then UpdateViewType is required")
            if table.stream_arn:
                raise ValidationException(f"Table already has an enabled stream: TableName: {table.name}")
            return lambda: self._start_stream(table, view_type)
        if view_type is not None:
            raise ValidationException(_PREFIX + "If stream is being disabled, then UpdateViewType must not be "
                                                "specified")
        if not table.stream_arn:
            raise ValidationException(f"Table has no stream to disable: TableName: {table.name}")
        return lambda: self._stop_stream(table)

    def _stop_stream(self, table: Table) -> None:
        stream = self.stream_store.streams.get(table.stream_arn)
        if stream is not None:
            stream.disable(self.account.clock.now())
        table.stream = None

    def _delete_table_stream(self, table: Table) -> None:
        """A deleted table's stream is disabled, not erased: its records stay readable for 24 hours."""
        if table.stream_arn:
            self._stop_stream(table)
