"""Turning records into plain JSON documents and back, checking every field.

Both stores keep documents rather than the dataclasses, so a record comes back
exactly as a JSON round trip would return it (tuples become lists) whichever
store is used. Checking on the way in stops a bad value (a NaN, a set) from
being acknowledged and then failing to save; checking on the way out lets a
file that parses but has the wrong shape be treated as corrupt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .api import AnswerRecord, AttemptRecord, Position, SectionRead, SessionRecord

Check = Callable[[Any], bool]


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _is_int_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(_is_int(item) for item in value)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(_is_str(item) for item in value)


def _is_choice(value: Any) -> bool:
    return value is None or _is_bool(value) or _is_number(value) or _is_int_list(value)


#: Field name -> (check, required). Optional fields fall back to the dataclass default.
ANSWER_FIELDS: dict[str, tuple[Check, bool]] = {
    "question_id": (_is_str, True),
    "module_id": (_is_str, True),
    "choice": (_is_choice, True),
    "correct": (_is_bool, True),
    "seconds": (_is_number, True),
    "timestamp": (_is_number, True),
    "mode": (_is_str, False),
    "session_id": (_optional(_is_str), False),
    "seed": (_optional(_is_int), False),
}

SESSION_FIELDS: dict[str, tuple[Check, bool]] = {
    "session_id": (_is_str, True),
    "mode": (_is_str, True),
    "module_ids": (_is_str_list, True),
    "question_count": (_is_int, True),
    "started": (_is_number, True),
    "finished": (_optional(_is_number), False),
    "asked": (_is_int, False),
    "correct": (_is_int, False),
}

ATTEMPT_FIELDS: dict[str, tuple[Check, bool]] = {
    "exercise_id": (_is_str, True),
    "module_id": (_is_str, True),
    "passed": (_is_bool, True),
    "checks_passed": (_is_int, True),
    "checks_total": (_is_int, True),
    "timestamp": (_is_number, True),
    "invalid": (_is_bool, False),
}

POSITION_FIELDS: dict[str, tuple[Check, bool]] = {
    "kind": (_is_str, True),
    "module_id": (_is_str, True),
    "lesson_id": (_optional(_is_str), False),
    "section_id": (_optional(_is_str), False),
    "updated": (_is_number, False),
}

SECTION_FIELDS: dict[str, tuple[Check, bool]] = {
    "module_id": (_is_str, True),
    "lesson_id": (_is_str, True),
    "section_id": (_is_str, True),
    "timestamp": (_is_number, False),
}


def check_document(doc: Any, fields: Mapping[str, tuple[Check, bool]], what: str) -> None:
    """Raise ValueError naming the first bad field; unknown keys are tolerated."""
    if not isinstance(doc, Mapping):
        raise ValueError(f"{what} is a {type(doc).__name__}, not an object")
    for name, (check, required) in fields.items():
        if name not in doc:
            if required:
                raise ValueError(f"{what} has no {name!r}")
            continue
        if not check(doc[name]):
            raise ValueError(f"{what} has an invalid {name!r}: {doc[name]!r}")


def _document(record: Any, fields: Mapping[str, tuple[Check, bool]], what: str) -> dict[str, Any]:
    doc = {name: getattr(record, name) for name in fields}
    check_document(doc, fields, what)
    for name, value in doc.items():
        if isinstance(value, (list, tuple)):
            doc[name] = list(value)
    return doc


def _record(cls: type, doc: Mapping[str, Any], fields: Mapping[str, tuple[Check, bool]]) -> Any:
    values = {}
    for name in fields:
        if name in doc:
            value = doc[name]
            values[name] = list(value) if isinstance(value, list) else value
    return cls(**values)


def answer_to_doc(answer: AnswerRecord) -> dict[str, Any]:
    return _document(answer, ANSWER_FIELDS, "answer")


def answer_from_doc(doc: Mapping[str, Any]) -> AnswerRecord:
    return _record(AnswerRecord, doc, ANSWER_FIELDS)


def session_to_doc(session: SessionRecord) -> dict[str, Any]:
    return _document(session, SESSION_FIELDS, "session")


def session_from_doc(doc: Mapping[str, Any]) -> SessionRecord:
    return _record(SessionRecord, doc, SESSION_FIELDS)


def position_to_doc(position: Position) -> dict[str, Any]:
    return _document(position, POSITION_FIELDS, "position")


def position_from_doc(doc: Mapping[str, Any]) -> Position:
    return _record(Position, doc, POSITION_FIELDS)


def attempt_to_doc(attempt: AttemptRecord) -> dict[str, Any]:
    return _document(attempt, ATTEMPT_FIELDS, "exercise attempt")


def attempt_from_doc(doc: Mapping[str, Any]) -> AttemptRecord:
    return _record(AttemptRecord, doc, ATTEMPT_FIELDS)


def section_to_doc(section: SectionRead) -> dict[str, Any]:
    return _document(section, SECTION_FIELDS, "section read")


def section_from_doc(doc: Mapping[str, Any]) -> SectionRead:
    return _record(SectionRead, doc, SECTION_FIELDS)


def same_section(doc: Mapping[str, Any], module_id: str, lesson_id: str, section_id: str) -> bool:
    return (doc["module_id"], doc["lesson_id"], doc["section_id"]) == (module_id, lesson_id, section_id)


def session_only_covers(doc: Mapping[str, Any], module_id: str) -> bool:
    """A session belongs to a module reset only if every module it drew from is that one.

    Mixed sessions stay: their score also describes modules the learner kept.
    """
    modules = doc["module_ids"]
    return bool(modules) and all(m == module_id for m in modules)


def new_session_doc(session_id: str, mode: str, module_ids: list[str], question_count: int, started: float) -> dict[str, Any]:
    return session_to_doc(
        SessionRecord(
            session_id=session_id,
            mode=mode,
            module_ids=list(module_ids),
            question_count=question_count,
            started=started,
        )
    )


def check_finish(asked: int, correct: int) -> None:
    if not (_is_int(asked) and _is_int(correct)):
        raise ValueError(f"asked and correct must be integers, got {asked!r} and {correct!r}")


def check_ids(*ids: Any) -> None:
    for value in ids:
        if not _is_str(value):
            raise ValueError(f"ids must be strings, got {value!r}")
