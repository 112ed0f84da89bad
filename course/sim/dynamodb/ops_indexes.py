"""GSIs and LSIs: CreateTable/UpdateTable index definitions, index maintenance and Query/Scan on an index."""

from __future__ import annotations


class IndexOps:
    HANDLES: tuple[str, ...] = ()
