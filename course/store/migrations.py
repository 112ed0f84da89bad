"""Upgrading stored progress written by older versions of Coldstart.

Every file carries its own ``schema_version`` (in its ``store`` table), so a
crash halfway through upgrading a directory leaves each file either fully old
or fully new, and the next start simply finishes the job. ``MIGRATIONS[n]``
turns a file at version ``n`` into version ``n + 1``; it receives the file's
kind ("meta" or "answers") and its TinyDB tables, and returns the new tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .api import SCHEMA_VERSION

Tables = dict[str, Any]
Migration = Callable[[str, Tables], Tables]

#: The table that records the format of the file it sits in.
VERSION_TABLE = "store"

MIGRATIONS: dict[int, Migration] = {}


def current_version() -> int:
    # Read at call time so a test can pretend the app is newer.
    return SCHEMA_VERSION


def version_table(version: int) -> dict[str, dict[str, int]]:
    return {"1": {"schema_version": version}}


def read_version(tables: Tables) -> int:
    """Return the file's format version; ValueError means the file is not ours or is damaged."""
    table = tables.get(VERSION_TABLE)
    if not isinstance(table, dict) or len(table) != 1:
        raise ValueError("it has no schema_version")
    (doc,) = table.values()
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"its schema_version is invalid: {version!r}")
    return version


def upgrade(kind: str, tables: Tables, version: int) -> Tables:
    """Apply migrations one version at a time up to the current version.

    A missing step raises KeyError: guessing at a format would corrupt data.
    """
    target = current_version()
    while version < target:
        step = MIGRATIONS[version]
        tables = step(kind, tables)
        version += 1
        tables[VERSION_TABLE] = version_table(version)
    return tables
