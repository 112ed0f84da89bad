"""DynamoDB Streams: stream records kept per table as items change."""

from __future__ import annotations


class StreamOps:
    HANDLES: tuple[str, ...] = ()
