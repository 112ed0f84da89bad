"""Property schemas of the resource types added for dax (merged into ``schemas.SCHEMAS``)."""

from __future__ import annotations

SCHEMAS: dict[str, dict] = {}
