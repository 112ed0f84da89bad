"""Learner progress: what was read, every answer, quiz sessions and where to resume.

Importing this package stays cheap; TinyDB is loaded only when a file-backed
store is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import SCHEMA_VERSION, AnswerRecord, AttemptRecord, Position, ProgressStore, SectionRead, SessionRecord
from .errors import StoreError

if TYPE_CHECKING:
    from .memory import MemoryStore
    from .tiny import TinyStore

__all__ = [
    "SCHEMA_VERSION",
    "AnswerRecord",
    "AttemptRecord",
    "MemoryStore",
    "Position",
    "ProgressStore",
    "SectionRead",
    "SessionRecord",
    "StoreError",
    "TinyStore",
    "open_store",
]


def open_store(directory: Path | None = None) -> ProgressStore:
    """Open the learner's progress, by default under the data directory's ``progress`` folder.

    Raises StoreError (with a message for the learner) if the data was written
    by a newer Coldstart or cannot be read or moved aside at all.
    """
    from course.paths import data_dir

    from .tiny import TinyStore

    return TinyStore(directory if directory is not None else data_dir() / "progress")


def __getattr__(name: str) -> Any:
    if name == "TinyStore":
        from .tiny import TinyStore

        return TinyStore
    if name == "MemoryStore":  # for tests and demos; the app never needs it
        from .memory import MemoryStore

        return MemoryStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
