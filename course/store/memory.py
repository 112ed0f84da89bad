"""A progress store that lives only as long as the process, for tests and demos."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import records
from .api import AnswerRecord, AttemptRecord, Position, SectionRead, SessionRecord
from .errors import StoreError


class MemoryStore:
    """Behaves like the file store, minus the files.

    It keeps JSON documents, not the records handed to it, so values come back
    exactly as they would after a trip through disk and the same invalid values
    are refused.
    """

    def __init__(self) -> None:
        self.notices: list[str] = []
        self._sections: list[dict[str, Any]] = []
        self._answers: list[dict[str, Any]] = []
        self._sessions: list[dict[str, Any]] = []
        self._attempts: list[dict[str, Any]] = []
        self._position: dict[str, Any] | None = None
        self._guard = threading.RLock()
        self._closed = False

    @contextmanager
    def _open(self) -> Iterator[None]:
        with self._guard:
            if self._closed:
                raise StoreError("The progress store was closed; progress can no longer be read or saved.")
            yield

    def mark_read(self, module_id: str, lesson_id: str, section_id: str) -> None:
        records.check_ids(module_id, lesson_id, section_id)
        with self._open():
            if any(records.same_section(d, module_id, lesson_id, section_id) for d in self._sections):
                return
            self._sections.append(
                records.section_to_doc(SectionRead(module_id, lesson_id, section_id, time.time()))
            )

    def sections_read(self, module_id: str | None = None) -> list[SectionRead]:
        with self._open():
            return [
                records.section_from_doc(d)
                for d in self._sections
                if module_id is None or d["module_id"] == module_id
            ]

    def record_answer(self, answer: AnswerRecord) -> None:
        doc = records.answer_to_doc(answer)
        with self._open():
            self._answers.append(doc)

    def answers(self, module_id: str | None = None) -> list[AnswerRecord]:
        with self._open():
            return [
                records.answer_from_doc(d)
                for d in self._answers
                if module_id is None or d["module_id"] == module_id
            ]

    def start_session(self, mode: str, module_ids: list[str], question_count: int) -> str:
        session_id = uuid.uuid4().hex
        doc = records.new_session_doc(session_id, mode, module_ids, question_count, time.time())
        with self._open():
            self._sessions.append(doc)
        return session_id

    def finish_session(self, session_id: str, asked: int, correct: int) -> None:
        """Raise KeyError for an unknown id rather than silently dropping the score."""
        records.check_finish(asked, correct)
        with self._open():
            for doc in self._sessions:
                if doc["session_id"] == session_id:
                    doc.update(finished=time.time(), asked=asked, correct=correct)
                    return
            raise KeyError(session_id)

    def sessions(self) -> list[SessionRecord]:
        with self._open():
            return [records.session_from_doc(d) for d in self._sessions]

    def record_attempt(self, attempt: AttemptRecord) -> None:
        doc = records.attempt_to_doc(attempt)
        with self._open():
            self._attempts.append(doc)

    def attempts(self, exercise_id: str | None = None) -> list[AttemptRecord]:
        with self._open():
            return [records.attempt_from_doc(d) for d in self._attempts
                    if exercise_id is None or d["exercise_id"] == exercise_id]

    def set_position(self, position: Position) -> None:
        doc = records.position_to_doc(position)
        with self._open():
            self._position = doc

    def position(self) -> Position | None:
        with self._open():
            return None if self._position is None else records.position_from_doc(self._position)

    def reset(self, module_id: str | None = None) -> None:
        with self._open():
            if module_id is None:
                self._sections.clear()
                self._answers.clear()
                self._sessions.clear()
                self._attempts.clear()
                self._position = None
                return
            self._sections = [d for d in self._sections if d["module_id"] != module_id]
            self._answers = [d for d in self._answers if d["module_id"] != module_id]
            self._attempts = [d for d in self._attempts if d["module_id"] != module_id]
            self._sessions = [d for d in self._sessions if not records.session_only_covers(d, module_id)]
            if self._position is not None and self._position["module_id"] == module_id:
                self._position = None

    def close(self) -> None:
        with self._guard:
            self._closed = True
