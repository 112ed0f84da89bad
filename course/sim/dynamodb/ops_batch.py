"""BatchGetItem and BatchWriteItem."""

from __future__ import annotations


class BatchOps:
    HANDLES: tuple[str, ...] = ()
