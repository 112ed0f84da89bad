"""Time to Live: UpdateTimeToLive, DescribeTimeToLive and the background sweeper."""

from __future__ import annotations


class TtlOps:
    HANDLES: tuple[str, ...] = ()
