"""Per-module progress figures for Home, the CLI and ``--json``."""

from __future__ import annotations

from dataclasses import dataclass

from course.content.models import Module, Pack
from course.store.api import AnswerRecord, ProgressStore


def latest_answers(records) -> dict[str, AnswerRecord]:
    """The most recent answer to each question."""
    latest: dict[str, AnswerRecord] = {}
    for record in records:
        current = latest.get(record.question_id)
        if current is None or record.timestamp >= current.timestamp:
            latest[record.question_id] = record
    return latest


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    sections_read: int
    sections_total: int
    answered: int
    correct: int
    questions_total: int
    questions_mastered: int
    #: Exercises of this module whose checks all passed at least once, and those only tried.
    exercises_passed: int = 0
    exercises_attempted: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def mastery(self) -> float:
        """Half reading, half questions whose latest answer was right."""
        read = self.sections_read / self.sections_total if self.sections_total else 0.0
        known = self.questions_mastered / self.questions_total if self.questions_total else 0.0
        return 0.5 * read + 0.5 * known

    def as_dict(self) -> dict:
        return {
            "sections_read": self.sections_read,
            "sections_total": self.sections_total,
            "answered": self.answered,
            "correct": self.correct,
            "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
            "questions_mastered": self.questions_mastered,
            "mastery": round(self.mastery, 4),
            "exercises_passed": self.exercises_passed,
            "exercises_attempted": self.exercises_attempted,
        }


def module_progress(module: Module, store: ProgressStore) -> ModuleProgress:
    sections = {(l.id, s.id) for l in module.lessons for s in l.sections}
    read = {(r.lesson_id, r.section_id) for r in store.sections_read(module.id)} & sections
    question_ids = set(module.question_ids)
    answers = [a for a in store.answers(module.id) if a.question_id in question_ids]
    latest = latest_answers(answers)
    mastered = sum(1 for qid, rec in latest.items() if qid in question_ids and rec.correct)
    tried: dict[str, bool] = {}
    for attempt in store.attempts():
        if attempt.module_id == module.id:
            tried[attempt.exercise_id] = tried.get(attempt.exercise_id, False) or attempt.passed
    return ModuleProgress(
        module_id=module.id,
        sections_read=len(read),
        sections_total=len(sections),
        answered=len(answers),
        correct=sum(1 for a in answers if a.correct),
        questions_total=len(question_ids),
        questions_mastered=mastered,
        exercises_passed=sum(tried.values()),
        exercises_attempted=sum(1 for passed in tried.values() if not passed),
    )


def pack_progress(pack: Pack, store: ProgressStore) -> dict[str, ModuleProgress]:
    return {m.id: module_progress(m, store) for m in pack.modules}
