"""The quiz as plain lines: for scripts, pipes and screen readers."""

from __future__ import annotations

from textwrap import shorten
from typing import TextIO

from course.content.generated import format_number
from course.quiz.engine import (
    AnswerError,
    QuizRun,
    answer_text,
    correct_indexes,
    describe_type,
    explanations,
    mistake_note,
    option_labels,
    parse_answer,
)


def _prompt(question) -> str:
    if question.type == "numeric":
        return f"Answer ({describe_type(question)}): "
    if question.type == "multiple":
        return f"Answer (choose {question.choose}, numbers separated by commas): "
    return "Answer (number): "


def ask_all(run: QuizRun, stdin: TextIO, out: TextIO) -> None:
    total = len(run.questions)
    while not run.finished:
        question = run.current
        out.write(f"\nQuestion {run.index + 1} of {total} · {question.module_id} · {describe_type(question)}\n")
        out.write(question.stem.strip() + "\n")
        if question.type != "numeric":
            for number, label in enumerate(option_labels(question), start=1):
                out.write(f"  {number}) {label}\n")
        given = None
        while given is None:
            out.write(_prompt(question))
            out.flush()
            line = stdin.readline()
            if not line:
                out.write("\n")
                _summary(run, out, ended_early=True)
                return
            try:
                given = parse_answer(line, question)
            except AnswerError as exc:
                out.write(f"Not accepted: {exc}.\n")
        correct = run.answer(given)
        _feedback(question, given, correct, out)
        run.next()
    _summary(run, out, ended_early=False)


def _feedback(question, given, correct: bool, out: TextIO) -> None:
    out.write("Correct.\n" if correct else f"Incorrect. The answer is: {answer_text(question)}\n")
    if question.type == "numeric":
        note = mistake_note(question, given)
        if note and not correct:
            out.write(f"  You answered {format_number(given)}: {note}\n")
        out.write(f"  {question.explain.strip()}\n")
    else:
        right = set(correct_indexes(question))
        chosen = {0 if given else 1} if question.type == "true_false" else set(given)
        for number, (label, why) in enumerate(zip(option_labels(question), explanations(question)), start=1):
            mark = "right" if number - 1 in right else "wrong"
            pick = ", your choice" if number - 1 in chosen else ""
            out.write(f"  {number}) {label} [{mark}{pick}]: {why.strip()}\n")
    out.write(f"  Source: {question.source}\n")


def _summary(run: QuizRun, out: TextIO, ended_early: bool) -> None:
    run.finish()
    if ended_early:
        out.write("Input ended; scoring the questions answered.\n")
    out.write(f"\nScore: {run.score} of {run.asked}")
    if run.asked:
        out.write(f" ({run.score / run.asked:.0%})")
    out.write("\n")
    if run.missed:
        out.write("Missed:\n")
        for question in run.missed:
            out.write(f"  - {question.id}: {shorten(question.stem, 90, placeholder=' …')}\n")
