"""Which files make up a progress directory and what each must contain.

Answers are the only thing that grows without bound, so they live in numbered
segment files of at most ``SEGMENT_SIZE`` answers: recording an answer rewrites
only the newest segment, whatever the size of the history. Everything else is
small and lives in ``meta.json``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import records

META_NAME = "meta.json"
LOCK_NAME = "progress.lock"
#: Answers per segment file; tests lower it to cross segment boundaries cheaply.
SEGMENT_SIZE = 1000

SECTIONS = "sections"
SESSIONS = "sessions"
POSITION = "position"
ATTEMPTS = "attempts"
ANSWERS = "answers"

SEGMENT_PATTERN = re.compile(r"answers-(\d{6,})\.json")
#: Files the store owns, used to recognise its own leftover temporaries.
OWN_FILES = re.compile(rf"{re.escape(META_NAME)}|{SEGMENT_PATTERN.pattern}")

META_TABLES: dict[str, tuple[Mapping[str, Any], str]] = {
    SECTIONS: (records.SECTION_FIELDS, "a section read"),
    SESSIONS: (records.SESSION_FIELDS, "a session"),
    POSITION: (records.POSITION_FIELDS, "the position"),
    ATTEMPTS: (records.ATTEMPT_FIELDS, "an exercise attempt"),
}


def segment_name(number: int) -> str:
    return f"answers-{number:06d}.json"


def segment_numbers(directory: Path) -> list[int]:
    """Numbers of the segment files present, oldest first (gaps are allowed)."""
    numbers = []
    for name in os.listdir(directory):
        match = SEGMENT_PATTERN.fullmatch(name)
        if match:
            numbers.append(int(match.group(1)))
    return sorted(numbers)


def _check_table(tables: Mapping[str, Any], name: str, fields: Mapping[str, Any], what: str) -> None:
    table = tables.get(name, {})
    if not isinstance(table, dict):
        raise ValueError(f"its {name!r} table is not an object")
    for doc_id, doc in table.items():
        if not (doc_id.isascii() and doc_id.isdigit()):
            raise ValueError(f"its {name!r} table has an invalid document id {doc_id!r}")
        records.check_document(doc, fields, what)


def validate_meta(tables: Mapping[str, Any]) -> None:
    for name, (fields, what) in META_TABLES.items():
        _check_table(tables, name, fields, what)
    if len(tables.get(POSITION, {})) > 1:
        raise ValueError("it holds more than one position")


def validate_segment(tables: Mapping[str, Any]) -> None:
    _check_table(tables, ANSWERS, records.ANSWER_FIELDS, "an answer")
