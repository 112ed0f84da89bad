"""Typed course content. Built by the loader, read by everything else."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # formulas are compiled only when a generated question is drawn
    from course.content.formula import Formula

#: Exam domains a module or question can be tagged with.
DOMAINS: dict[str, str] = {
    "saa-secure": "SAA-C03 · Design Secure Architectures",
    "saa-resilient": "SAA-C03 · Design Resilient Architectures",
    "saa-performant": "SAA-C03 · Design High-Performing Architectures",
    "saa-cost": "SAA-C03 · Design Cost-Optimized Architectures",
    "dva-development": "DVA-C02 · Development with AWS Services",
    "dva-security": "DVA-C02 · Security",
    "dva-deployment": "DVA-C02 · Deployment",
    "dva-troubleshooting": "DVA-C02 · Troubleshooting and Optimization",
}

#: The fields of module.yaml, which are also a Module's own (non-list) fields, in order.
MODULE_FIELDS = ("id", "title", "summary", "order", "objectives", "domains")
QUESTION_TYPES = ("single", "multiple", "true_false", "numeric", "generated")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(slots=True)
class Fact:
    label: str
    value: str
    source: str


@dataclass(slots=True)
class Myth:
    belief: str
    truth: str
    source: str


@dataclass(slots=True)
class Section:
    id: str
    title: str
    body: str = ""
    facts: list[Fact] = field(default_factory=list)
    diagram: str | None = None
    tips: list[str] = field(default_factory=list)
    myths: list[Myth] = field(default_factory=list)


@dataclass(slots=True)
class Lesson:
    id: str
    title: str
    order: int
    module_id: str
    sections: list[Section]
    summary: str = ""

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(slots=True)
class Option:
    text: str
    correct: bool
    explain: str


@dataclass(slots=True)
class Mistake:
    """A known wrong numeric answer and why people give it."""

    value: float
    explain: str


@dataclass(slots=True)
class Tolerance:
    amount: float = 0.0
    percent: bool = False

    def allows(self, given: float, expected: float) -> bool:
        margin = abs(expected) * self.amount / 100 if self.percent else self.amount
        return abs(given - expected) <= margin + 1e-9

    def __str__(self) -> str:
        if not self.amount:
            return "exact"
        return f"±{self.amount:g}%" if self.percent else f"±{self.amount:g}"


@dataclass(slots=True)
class Param:
    name: str
    low: float | None = None
    high: float | None = None
    step: float = 1
    choices: list | None = None


@dataclass(slots=True)
class Distractor:
    formula: Formula
    explain: str


@dataclass(slots=True)
class Generator:
    params: list[Param]
    let: list[tuple[str, Formula]]
    answer: Formula
    answer_format: str
    distractors: list[Distractor]


@dataclass(slots=True)
class Question:
    id: str
    type: str
    module_id: str
    stem: str
    domains: list[str]
    difficulty: str
    source: str
    see: str | None = None
    options: list[Option] = field(default_factory=list)
    answer: float | bool | str | None = None
    unit: str = ""
    tolerance: Tolerance = field(default_factory=Tolerance)
    explain: str = ""
    explain_true: str = ""
    explain_false: str = ""
    mistakes: list[Mistake] = field(default_factory=list)
    generator: Generator | None = None
    answer_format: str = ""
    #: Set on a question drawn from a generated family: the seed that drew it.
    seed: int | None = None

    @property
    def choose(self) -> int:
        return sum(1 for o in self.options if o.correct)


@dataclass(slots=True)
class Module:
    id: str
    title: str
    summary: str
    order: int
    objectives: list[str]
    domains: list[str]
    lessons: list[Lesson] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    #: Set while the module's lessons are outlines and its questions not read yet (see
    #: Pack.ensure_loaded): the ids of its questions, which progress figures need.
    outline_question_ids: list[str] | None = None

    @property
    def section_count(self) -> int:
        return sum(len(lesson.sections) for lesson in self.lessons)

    @property
    def question_ids(self) -> list[str]:
        if self.outline_question_ids is not None:
            return self.outline_question_ids
        return [q.id for q in self.questions]


@dataclass(slots=True)
class PackInfo:
    format_version: int
    id: str
    title: str
    version: str
    authors: list[str]
    license: str
    requires: str | None = None


@dataclass(slots=True)
class Pack:
    info: PackInfo
    root: Path
    modules: list[Module]
    #: Fills in lesson bodies and questions when the pack came from the cache as an outline.
    deferred: Callable[["Pack"], None] | None = None

    def ensure_loaded(self) -> None:
        """Read the parts left out of an outline; a no-op for a pack that is complete."""
        if self.deferred is not None:
            fill, self.deferred = self.deferred, None
            fill(self)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """In an outline the lesson has its sections' ids and titles only; see ensure_loaded."""
        return next((l for m in self.modules for l in m.lessons if l.id == lesson_id), None)

    def question(self, question_id: str) -> Question | None:
        self.ensure_loaded()
        return next((q for m in self.modules for q in m.questions if q.id == question_id), None)

    @property
    def questions(self) -> list[Question]:
        self.ensure_loaded()
        return [q for m in self.modules for q in m.questions]
