"""Grading, parsing, selection and a quiz run's bookkeeping."""

from __future__ import annotations

import random

import pytest

from course.content.generated import instantiate
from course.quiz.engine import (
    AnswerError,
    QuizRun,
    answer_text,
    is_correct,
    mistake_note,
    parse_answer,
    parse_number,
    select_questions,
)
from course.quiz.progress import module_progress
from course.store import AnswerRecord, MemoryStore


def q(pack, qid):
    return pack.question(qid)


def test_single_choice_graded_by_index(minimal_pack):
    question = q(minimal_pack, "demo-timeout")
    assert is_correct(question, [0])
    assert not is_correct(question, [1])
    assert answer_text(question) == "900 seconds"


def test_multiple_response_needs_exactly_the_correct_set(minimal_pack):
    question = q(minimal_pack, "demo-multi")
    assert question.choose == 2
    assert is_correct(question, [0, 1])
    assert is_correct(question, [1, 0])
    assert not is_correct(question, [0, 2])
    with pytest.raises(AnswerError, match="choose exactly 2"):
        parse_answer("1", question)
    assert parse_answer("2, 1", question) == [0, 1]


def test_true_false(minimal_pack):
    question = q(minimal_pack, "demo-tf")
    assert parse_answer("1", question) is True
    assert parse_answer("2", question) is False
    assert is_correct(question, True) and not is_correct(question, False)


def test_numeric_with_unit_commas_and_tolerance(minimal_pack):
    question = q(minimal_pack, "demo-num")
    assert parse_number("900") == 900
    assert parse_number("1,024.5") == 1024.5
    assert parse_number("900 seconds", "seconds") == 900
    assert is_correct(question, 900.0)
    assert not is_correct(question, 899.0)
    assert mistake_note(question, 300.0) == "The old limit."
    assert mistake_note(question, 301.0) is None
    for bad in ("", "abc", "9 0", "--1", "1.2.3"):
        with pytest.raises(AnswerError):
            parse_number(bad)


def test_percent_tolerance_on_generated_numeric(minimal_pack):
    question = instantiate(q(minimal_pack, "demo-gen"), seed=7)
    assert question.type == "numeric" and question.seed == 7
    exact = question.answer
    assert is_correct(question, exact * 1.009)
    assert not is_correct(question, exact * 1.02)


def test_invalid_option_numbers_are_explained(minimal_pack):
    question = q(minimal_pack, "demo-timeout")
    with pytest.raises(AnswerError, match="choose from 1 to 3"):
        parse_answer("4", question)
    with pytest.raises(AnswerError, match="not an option"):
        parse_answer("x", question)
    with pytest.raises(AnswerError, match="choose exactly 1"):
        parse_answer("1,2", question)


def test_generated_choice_is_deterministic_per_seed(minimal_pack):
    family = q(minimal_pack, "demo-gen-choice")
    a, b = instantiate(family, 42), instantiate(family, 42)
    assert [o.text for o in a.options] == [o.text for o in b.options]
    assert sum(o.correct for o in a.options) == 1
    texts = [o.text for o in a.options]
    assert len(set(texts)) == len(texts)


def test_generated_choice_answer_is_the_formula(minimal_pack):
    family = q(minimal_pack, "demo-gen-choice")
    for seed in range(50):
        question = instantiate(family, seed)
        rate = int(question.stem.split()[0])
        seconds = int(question.stem.split("taking ")[1].split()[0])
        right = next(o.text for o in question.options if o.correct)
        assert right == f"{rate * seconds:,}"


def test_select_only_wrong_uses_latest_answer(minimal_pack):
    store = MemoryStore()
    for qid, correct, ts in [("demo-timeout", False, 1), ("demo-timeout", True, 2),
                             ("demo-tf", True, 1), ("demo-tf", False, 2), ("demo-num", False, 3)]:
        store.record_answer(AnswerRecord(qid, "demo", [0], correct, 1.0, ts))
    chosen = select_questions(minimal_pack, store, ["demo"], count=10, only_wrong=True, rng=random.Random(1))
    assert sorted(x.id for x in chosen) == ["demo-num", "demo-tf"]


def test_select_prefers_unanswered_and_respects_count(minimal_pack):
    store = MemoryStore()
    store.record_answer(AnswerRecord("demo-timeout", "demo", [0], True, 1.0, 1))
    chosen = select_questions(minimal_pack, store, ["demo"], count=5, rng=random.Random(3))
    assert len(chosen) == 5
    assert "demo-timeout" not in {x.id for x in chosen}
    assert all(x.generator is None for x in chosen)


def test_quiz_run_records_answers_and_session(minimal_pack):
    store = MemoryStore()
    questions = [q(minimal_pack, "demo-timeout"), q(minimal_pack, "demo-tf")]
    run = QuizRun(questions, store, module_ids=["demo"])
    assert run.answer([1]) is False
    run.next()
    assert run.answer(True) is True
    run.next()
    assert run.finished
    run.finish()
    answers = store.answers("demo")
    assert [(a.question_id, a.correct, a.choice) for a in answers] == [
        ("demo-timeout", False, [1]), ("demo-tf", True, True)]
    assert all(a.session_id == run.session_id for a in answers)
    (session,) = store.sessions()
    assert (session.asked, session.correct, session.question_count) == (2, 1, 2)
    assert [x.id for x in run.missed] == ["demo-timeout"]


def test_module_progress_counts_reading_and_mastery(minimal_pack):
    store = MemoryStore()
    module = minimal_pack.module("demo")
    empty = module_progress(module, store)
    assert (empty.sections_read, empty.sections_total, empty.accuracy, empty.mastery) == (0, 2, None, 0.0)
    store.mark_read("demo", "demo-basics", "limits")
    store.mark_read("demo", "demo-basics", "gone-section")  # stale ids are ignored
    store.record_answer(AnswerRecord("demo-timeout", "demo", [0], True, 1.0, 1))
    store.record_answer(AnswerRecord("demo-tf", "demo", True, False, 1.0, 2))
    p = module_progress(module, store)
    assert (p.sections_read, p.answered, p.correct) == (1, 2, 1)
    assert p.accuracy == 0.5
    assert p.mastery == pytest.approx(0.5 * 1 / 2 + 0.5 * 1 / 6)


def test_finishing_after_progress_was_reset_elsewhere(minimal_pack):
    store = MemoryStore()
    run = QuizRun([q(minimal_pack, "demo-tf")], store, module_ids=["demo"])
    run.answer(True)
    store.reset()
    run.finish()  # must not raise: the session is simply gone
    assert store.sessions() == []


def test_module_progress_counts_exercises_from_attempts(minimal_pack):
    from course.store import AttemptRecord

    store = MemoryStore()
    store.record_attempt(AttemptRecord("a", "demo", False, 1, 2, 1.0))
    store.record_attempt(AttemptRecord("a", "demo", True, 2, 2, 2.0))
    store.record_attempt(AttemptRecord("b", "demo", False, 0, 2, 3.0))
    store.record_attempt(AttemptRecord("c", "other", True, 2, 2, 4.0))
    p = module_progress(minimal_pack.module("demo"), store)
    assert (p.exercises_passed, p.exercises_attempted) == (1, 1)
