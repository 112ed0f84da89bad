"""Property schemas of the resource types added for esm (merged into ``schemas.SCHEMAS``)."""

from __future__ import annotations

SCHEMAS: dict[str, dict] = {}
