"""A practice quiz: which questions, in what order, and whether an answer is right.

Answers are graded here and only here, so the TUI, the plain CLI and the tests
agree on what counts as correct.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

from course.content.generated import format_number, instantiate
from course.content.models import Pack, Question
from course.quiz.progress import latest_answers
from course.store.api import AnswerRecord, ProgressStore

Given = list[int] | float | bool


class AnswerError(ValueError):
    """The learner's input cannot be read as an answer to this question."""


def describe_type(question: Question) -> str:
    return {
        "single": "single choice",
        "multiple": f"choose {question.choose}",
        "true_false": "true or false",
        "numeric": f"number{f' in {question.unit}' if question.unit else ''}",
    }[question.type]


def option_labels(question: Question) -> list[str]:
    if question.type == "true_false":
        return ["True", "False"]
    return [o.text for o in question.options]


def explanations(question: Question) -> list[str]:
    if question.type == "true_false":
        return [question.explain_true, question.explain_false]
    return [o.explain for o in question.options]


def correct_indexes(question: Question) -> list[int]:
    if question.type == "true_false":
        return [0] if question.answer else [1]
    return [i for i, o in enumerate(question.options) if o.correct]


def answer_text(question: Question) -> str:
    if question.type == "numeric":
        return f"{format_number(question.answer, question.answer_format)} {question.unit}".strip()
    labels = option_labels(question)
    return "; ".join(labels[i] for i in correct_indexes(question))


_NUMBER = re.compile(r"^[+-]?(\d[\d,_]*)?(\.\d+)?([eE][+-]?\d+)?$")


def parse_number(text: str, unit: str = "") -> float:
    cleaned = text.strip()
    if unit and cleaned.lower().endswith(unit.lower()):
        cleaned = cleaned[: -len(unit)].strip()
    if not cleaned or not _NUMBER.match(cleaned) or not any(c.isdigit() for c in cleaned):
        raise AnswerError(f"'{text.strip()}' is not a number; type digits such as 900 or 0.25")
    return float(cleaned.replace(",", "").replace("_", ""))


def parse_choices(text: str, question: Question) -> list[int]:
    """Read '2' or '1,3' (1-based, as shown) into 0-based option indexes."""
    count = len(option_labels(question))
    parts = [p for p in re.split(r"[,\s]+", text.strip()) if p]
    if not parts:
        raise AnswerError("type the number of an option")
    picked = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= count:
            raise AnswerError(f"'{part}' is not an option; choose from 1 to {count}")
        index = int(part) - 1
        if index in picked:
            raise AnswerError(f"option {part} is listed twice")
        picked.append(index)
    need = question.choose if question.type == "multiple" else 1
    if len(picked) != need:
        raise AnswerError(f"choose exactly {need} option{'s' if need > 1 else ''}, separated by commas")
    return sorted(picked)


def parse_answer(text: str, question: Question) -> Given:
    if question.type == "numeric":
        return parse_number(text, question.unit)
    picked = parse_choices(text, question)
    if question.type == "true_false":
        return picked[0] == 0
    return picked


def is_correct(question: Question, given: Given) -> bool:
    if question.type == "numeric":
        return question.tolerance.allows(float(given), float(question.answer))
    if question.type == "true_false":
        return bool(given) == bool(question.answer)
    return sorted(given) == correct_indexes(question)


def mistake_note(question: Question, given: Given) -> str | None:
    """The explanation for a known wrong numeric answer, if the learner gave one."""
    if question.type != "numeric":
        return None
    for mistake in question.mistakes:
        if abs(float(given) - mistake.value) <= 1e-9 * max(1.0, abs(mistake.value)):
            return mistake.explain
    return None


def select_questions(
    pack: Pack,
    store: ProgressStore,
    module_ids: list[str] | None = None,
    count: int = 10,
    only_wrong: bool = False,
    rng: random.Random | None = None,
) -> list[Question]:
    """Pick ``count`` questions: unanswered and missed ones first, each group shuffled."""
    rng = rng or random.Random()
    pack.ensure_loaded()
    wanted = set(module_ids) if module_ids else None
    pool = [q for m in pack.modules if wanted is None or m.id in wanted for q in m.questions]
    latest = latest_answers(store.answers())
    if only_wrong:
        pool = [q for q in pool if q.id in latest and not latest[q.id].correct]
    fresh = [q for q in pool if q.id not in latest]
    missed = [q for q in pool if q.id in latest and not latest[q.id].correct]
    known = [q for q in pool if q.id in latest and latest[q.id].correct]
    for group in (fresh, missed, known):
        rng.shuffle(group)
    chosen = (missed + fresh + known if only_wrong else fresh + missed + known)[: max(0, count)]
    rng.shuffle(chosen)
    return [instantiate(q, rng.randrange(2**31)) if q.generator else q for q in chosen]


@dataclass
class QuizRun:
    """One quiz in progress: asks, records each answer as it is given, and sums up."""

    questions: list[Question]
    store: ProgressStore
    mode: str = "practice"
    module_ids: list[str] = field(default_factory=list)
    index: int = 0
    results: list[tuple[Question, Given, bool]] = field(default_factory=list)
    session_id: str | None = None
    _asked_at: float = field(default_factory=time.monotonic)

    def __post_init__(self):
        self.session_id = self.store.start_session(self.mode, self.module_ids, len(self.questions))
        self._asked_at = time.monotonic()

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if self.index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    def answer(self, given: Given) -> bool:
        question = self.current
        if question is None:
            raise AnswerError("the quiz is over")
        correct = is_correct(question, given)
        self.store.record_answer(AnswerRecord(
            question_id=question.id,
            module_id=question.module_id,
            choice=given,
            correct=correct,
            seconds=round(time.monotonic() - self._asked_at, 3),
            timestamp=time.time(),
            mode=self.mode,
            session_id=self.session_id,
            seed=question.seed,
        ))
        self.results.append((question, given, correct))
        return correct

    def next(self) -> Question | None:
        self.index += 1
        self._asked_at = time.monotonic()
        return self.current

    def finish(self) -> None:
        try:
            self.store.finish_session(self.session_id, self.asked, self.score)
        except KeyError:
            pass  # progress was reset (perhaps in another window) while the quiz ran

    @property
    def asked(self) -> int:
        return len(self.results)

    @property
    def score(self) -> int:
        return sum(1 for _, _, ok in self.results if ok)

    @property
    def missed(self) -> list[Question]:
        return [q for q, _, ok in self.results if not ok]
