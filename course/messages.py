"""Past-tense messages that screens post up to the app.

Screens report what the learner did; only the app decides what that means for the
progress store. Keeping the writes in one place means a screen can be driven in a
test, or reused elsewhere, without quietly recording progress, and the rule for what
counts as "where the learner left off" lives in one handler rather than in each screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message


@dataclass
class SectionRead(Message):
    """A lesson section was shown to the learner."""

    module_id: str
    lesson_id: str
    section_id: str


@dataclass
class QuizStarted(Message):
    """A practice quiz opened on these modules (all of them when the list is empty)."""

    module_ids: list[str]


@dataclass
class ExerciseGraded(Message):
    """A grading run finished; posted by the exercise screen's worker thread."""

    exercise: object
    workspace: Path
    report: object
    seconds: float
