"""Global tables: replicas in other simulated Regions."""

from __future__ import annotations


class GlobalOps:
    HANDLES: tuple[str, ...] = ()
