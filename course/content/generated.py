"""Turning a generated question into a concrete one for a given seed.

The loader uses this to check a family over sample draws; the quiz uses it to
ask. The same seed always gives the same question, so an answer recorded with
its seed can be shown again exactly.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import replace

from course.content.formula import FormulaError
from course.content.models import Generator, Option, Question

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")
ATTEMPTS = 25


class GenerationError(ValueError):
    pass


def format_number(value, spec: str = "") -> str:
    if spec:
        return format(value, spec)
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.6g}"


def template_names(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2) or "") for m in PLACEHOLDER.finditer(text) if m.group(1)]


def render(text: str, values: dict) -> str:
    def sub(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return format_number(values[match.group(1)], match.group(2) or "")

    return PLACEHOLDER.sub(sub, text)


def draw_params(gen: Generator, rng: random.Random) -> dict:
    values: dict = {}
    for param in gen.params:
        if param.choices is not None:
            values[param.name] = rng.choice(param.choices)
            continue
        steps = int(math.floor((param.high - param.low) / param.step + 1e-9))
        value = param.low + rng.randint(0, steps) * param.step
        if all(float(x).is_integer() for x in (param.low, param.step)):
            value = int(round(value))
        else:
            value = round(value, 10)
        values[param.name] = value
    return values


def evaluate(gen: Generator, params: dict) -> dict:
    """All values a question's text may use: parameters, ``let`` results and ``answer``."""
    values = dict(params)
    for name, formula in gen.let:
        values[name] = formula.evaluate(values)
    values["answer"] = gen.answer.evaluate(values)
    return values


def instantiate(question: Question, seed: int) -> Question:
    """A concrete single-choice or numeric question drawn from a generated one."""
    gen = question.generator
    if gen is None:
        return question
    rng = random.Random(seed)
    question = replace(question, seed=seed, answer_format=gen.answer_format)
    last_error = "no draw tried"
    for _ in range(ATTEMPTS):
        params = draw_params(gen, rng)
        try:
            values = evaluate(gen, params)
            if gen.distractors:
                return _as_choice(question, gen, values, rng)
            return _as_numeric(question, gen, values)
        except (FormulaError, GenerationError) as exc:
            last_error = str(exc)
    raise GenerationError(f"no valid question after {ATTEMPTS} draws: {last_error}")


def _shown(gen: Generator, value, unit: str) -> str:
    text = format_number(value, gen.answer_format)
    return f"{text} {unit}".strip()


def _as_numeric(question: Question, gen: Generator, values: dict) -> Question:
    answer = values["answer"]
    return replace(
        question,
        type="numeric",
        stem=render(question.stem, values),
        answer=float(answer),
        explain=render(question.explain, values),
        generator=None,
    )


def _as_choice(question: Question, gen: Generator, values: dict, rng: random.Random) -> Question:
    correct_text = _shown(gen, values["answer"], question.unit)
    options = [Option(correct_text, True, render(question.explain, values))]
    seen = {correct_text}
    for distractor in gen.distractors:
        text = _shown(gen, distractor.formula.evaluate(values), question.unit)
        if text in seen:
            raise GenerationError(f"distractor '{distractor.formula.text}' gives {text}, the same as another option")
        seen.add(text)
        options.append(Option(text, False, render(distractor.explain, values)))
    rng.shuffle(options)
    return replace(
        question,
        type="single",
        stem=render(question.stem, values),
        options=options,
        answer=None,
        explain="",
        generator=None,
    )
