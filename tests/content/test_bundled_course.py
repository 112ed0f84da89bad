"""Quality gates for the bundled course: it loads clean, and every question is fit to ask."""

from __future__ import annotations

import random
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from itertools import combinations
from urllib.parse import urlparse

import pytest
import yaml

from course.content import load_pack
from course.content.generated import instantiate
from course.quiz.engine import correct_indexes, explanations, option_labels
from tests.conftest import ROOT

AWS_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com")


@pytest.fixture(scope="module")
def pack():
    result = load_pack(ROOT)
    assert result.problems == []
    return result.pack


def all_questions(pack):
    return [q for m in pack.modules for q in m.questions]


def test_lambda_module_has_its_generated_families(pack):
    assert sum(1 for q in pack.module("lambda").questions if q.generator) >= 3


def test_every_module_meets_the_minimums(pack):
    for module in pack.modules:
        assert len(module.questions) >= 30, module.id
        kinds = Counter(q.type for q in module.questions)
        assert all(kinds[k] >= 1 for k in ("single", "multiple", "true_false", "numeric")), (module.id, kinds)
        sections = [s for l in module.lessons for s in l.sections]
        assert any(s.diagram for s in sections), module.id
        assert any(s.myths for s in sections), module.id
        assert any(s.tips for s in sections), module.id
        assert all(f.source for s in sections for f in s.facts), module.id


def test_every_source_is_aws_documentation(pack):
    urls = [q.source for q in all_questions(pack)]
    urls += [f.source for m in pack.modules for l in m.lessons for s in l.sections for f in s.facts]
    urls += [y.source for m in pack.modules for l in m.lessons for s in l.sections for y in s.myths]
    bad = [u for u in urls if urlparse(u).hostname not in AWS_HOSTS or urlparse(u).scheme != "https"]
    assert bad == []


def test_every_question_is_tagged_and_explained(pack):
    for q in all_questions(pack):
        assert q.domains and q.difficulty and q.see, q.id
        concrete = instantiate(q, 1)
        if concrete.type == "numeric":
            assert concrete.explain.strip(), q.id
        else:
            notes = explanations(concrete)
            assert len(notes) == len(option_labels(concrete)) and all(n.strip() for n in notes), q.id


def test_no_all_or_none_of_the_above(pack):
    pattern = re.compile(r"\b(all|none) of the (above|options)\b", re.I)
    for q in all_questions(pack):
        for label in option_labels(instantiate(q, 1)):
            assert not pattern.search(label), q.id


def test_correct_answers_are_not_always_in_one_place(pack):
    positions = Counter()
    singles = [q for q in all_questions(pack) if q.type == "single"]
    for q in singles:
        positions[correct_indexes(q)[0]] += 1
    # No position holds more than 40% of the answers, and every one of the first three is used.
    assert max(positions.values()) <= 0.4 * len(singles)
    assert all(positions[i] for i in range(3))


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def test_no_near_duplicate_stems(pack):
    stems = [(q.id, normalise(q.stem)) for q in all_questions(pack) if not q.generator]
    for (a, sa), (b, sb) in combinations(stems, 2):
        assert SequenceMatcher(None, sa, sb).ratio() < 0.8, (a, b)


@pytest.mark.parametrize("seed_base", [0, 1000])
def test_generated_families_over_many_draws(pack, seed_base):
    rng = random.Random(seed_base)
    families = [q for q in all_questions(pack) if q.generator]
    assert len(families) >= 3
    for family in families:
        for _ in range(200):
            q = instantiate(family, rng.randrange(2**31))
            if q.type == "numeric":
                assert q.answer >= 0 and q.answer == q.answer, family.id  # not negative, not NaN
                assert "{" not in q.stem and "{" not in q.explain, family.id
            else:
                texts = [o.text for o in q.options]
                assert len(set(texts)) == len(texts), (family.id, texts)
                assert sum(o.correct for o in q.options) == 1, family.id


PINNED_DIR = Path(__file__).parent / "pinned"


def pinned_numbers() -> list[tuple[str, list[str]]]:
    """(lesson id, figures) from tests/content/pinned/<module>.yaml."""
    out = []
    for path in sorted(PINNED_DIR.glob("*.yaml")):
        for lesson_id, figures in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            out.append((lesson_id, figures))
    return out


def lesson_text(lesson) -> str:
    text = " ".join(
        " ".join([s.body, s.diagram or "", *s.tips, *(f"{f.label} {f.value}" for f in s.facts),
                  *(f"{m.belief} {m.truth}" for m in s.myths)])
        for s in lesson.sections
    )
    return " ".join(text.split())


@pytest.mark.parametrize(("lesson_id", "figures"), pinned_numbers())
def test_lessons_state_the_pinned_numbers(pack, lesson_id, figures):
    lesson = pack.lesson(lesson_id)
    assert lesson is not None, f"pinned lesson {lesson_id} does not exist"
    text = lesson_text(lesson)
    missing = [n for n in figures if str(n) not in text]
    assert missing == []


def test_every_module_has_pinned_numbers(pack):
    pinned_lessons = {lesson_id for lesson_id, _ in pinned_numbers()}
    for module in pack.modules:
        assert any(l.id in pinned_lessons for l in module.lessons), module.id


def test_no_outdated_figure_is_taught_as_current(pack):
    """256 KB async payloads and 'Java only' SnapStart may appear only as myths or history."""
    for m in pack.modules:
        for lesson in m.lessons:
            for s in lesson.sections:
                for fact in s.facts:
                    assert "256 KB" not in fact.value or "before" in fact.value.lower(), (lesson.id, fact.label)


def test_the_course_has_generated_families_wherever_numbers_matter(pack):
    families = [q for q in all_questions(pack) if q.generator]
    assert len(families) >= 12
    for module_id in ("lambda", "dynamodb", "api-gateway", "step-functions", "cognito"):
        assert any(q.module_id == module_id for q in families), module_id


def test_multiple_response_answers_are_not_always_the_first_options(pack):
    for module in pack.modules:
        multiple = [q for q in module.questions if q.type == "multiple"]
        leading = [q.id for q in multiple if correct_indexes(q) == list(range(q.choose))]
        assert len(leading) <= len(multiple) / 2, (module.id, leading)
