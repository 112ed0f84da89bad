"""Property schemas of the resource types added for capacity (merged into ``schemas.SCHEMAS``)."""

from __future__ import annotations

SCHEMAS: dict[str, dict] = {}
