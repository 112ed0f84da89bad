"""Kinesis Data Streams for DynamoDB: item changes sent to a Kinesis data stream."""

from __future__ import annotations


class KinesisDestinationOps:
    HANDLES: tuple[str, ...] = ()
