"""TransactWriteItems and TransactGetItems."""

from __future__ import annotations


class TransactOps:
    HANDLES: tuple[str, ...] = ()
