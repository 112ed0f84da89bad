"""What the rest of the app may know about stored progress.

Records are plain frozen dataclasses keyed by stable content ids, never by
position, so editing a pack does not scramble a learner's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    module_id: str
    #: What the learner chose: option indexes (single/multiple/generated choice),
    #: a number (numeric), or true/false. Always JSON-representable.
    choice: list[int] | float | bool | None
    correct: bool
    seconds: float
    timestamp: float
    mode: str = "practice"
    session_id: str | None = None
    #: For a question drawn from a generated family, the seed that drew it.
    seed: int | None = None


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    mode: str
    module_ids: list[str]
    question_count: int
    started: float
    finished: float | None = None
    asked: int = 0
    correct: int = 0


@dataclass(frozen=True)
class Position:
    """Where the learner was, so Home can offer to continue there."""

    kind: str  # "lesson" or "quiz"
    module_id: str
    lesson_id: str | None = None
    section_id: str | None = None
    updated: float = 0.0


@dataclass(frozen=True)
class SectionRead:
    module_id: str
    lesson_id: str
    section_id: str
    timestamp: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class AttemptRecord:
    """One run of an exercise's checks."""

    exercise_id: str
    module_id: str
    passed: bool
    checks_passed: int
    checks_total: int
    timestamp: float
    #: The template or files could not be used at all (no check ran).
    invalid: bool = False


class ProgressStore(Protocol):
    #: Messages for the learner about the store itself (e.g. a corrupt file moved aside).
    notices: list[str]

    def mark_read(self, module_id: str, lesson_id: str, section_id: str) -> None: ...

    def sections_read(self, module_id: str | None = None) -> list[SectionRead]: ...

    def record_answer(self, answer: AnswerRecord) -> None: ...

    def answers(self, module_id: str | None = None) -> list[AnswerRecord]: ...

    def start_session(self, mode: str, module_ids: list[str], question_count: int) -> str: ...

    def finish_session(self, session_id: str, asked: int, correct: int) -> None: ...

    def sessions(self) -> list[SessionRecord]: ...

    def record_attempt(self, attempt: AttemptRecord) -> None: ...

    def attempts(self, exercise_id: str | None = None) -> list[AttemptRecord]: ...

    def set_position(self, position: Position) -> None: ...

    def position(self) -> Position | None: ...

    def reset(self, module_id: str | None = None) -> None: ...

    def close(self) -> None: ...
