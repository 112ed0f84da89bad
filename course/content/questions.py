"""Reading a questions file: ``questions:`` followed by a list of questions."""

from __future__ import annotations

import math
import random
from pathlib import Path

from course.content.fields import Fields, type_name
from course.content.formula import FormulaError, compile_formula
from course.content.generated import GenerationError, draw_params, instantiate, template_names
from course.content.models import (
    DIFFICULTIES,
    DOMAINS,
    QUESTION_TYPES,
    Distractor,
    Generator,
    Mistake,
    Option,
    Param,
    Question,
    Tolerance,
)
from course.content.problems import Mark
from course.content.yamlsrc import MMap

COMMON = ("id", "type", "stem", "domains", "difficulty", "source", "see")
BY_TYPE = {
    "single": COMMON + ("options",),
    "multiple": COMMON + ("options",),
    "true_false": COMMON + ("answer", "explain_true", "explain_false"),
    "numeric": COMMON + ("answer", "unit", "tolerance", "explain", "mistakes"),
    "generated": COMMON + ("params", "let", "answer", "format", "unit", "tolerance", "explain", "distractors"),
}
OPTION_FIELDS = ("text", "correct", "explain")
MISTAKE_FIELDS = ("value", "explain")
PARAM_FIELDS = ("min", "max", "step", "choices")
DISTRACTOR_FIELDS = ("formula", "explain")
SAMPLE_DRAWS = 25
INSTANTIATE_DRAWS = 3


def read_questions(data, path: Path, module_id: str, ctx) -> list[Question]:
    top = Fields(ctx, data, "", ("questions",), ctx.start(path))
    out = []
    for item, mark, qpath in top.items("questions", min_items=1):
        question = _read_question(item, mark, qpath, module_id, ctx)
        if question is not None:
            out.append(question)
    return out


def _read_question(item, mark: Mark, path: str, module_id: str, ctx) -> Question | None:
    if not isinstance(item, MMap):
        ctx.add(mark, path, f"expected a question (a mapping), got {type_name(item)}")
        return None
    kind = item.get("type")
    allowed = BY_TYPE.get(kind, tuple(sorted(set().union(*BY_TYPE.values()))))
    f = Fields(ctx, item, path, allowed, mark)
    kind = f.choice("type", QUESTION_TYPES)
    q = Question(
        id=f.slug("id"),
        type=kind,
        module_id=module_id,
        stem=f.text("stem"),
        domains=f.text_list("domains", min_items=1, choices=DOMAINS),
        difficulty=f.choice("difficulty", DIFFICULTIES),
        source=f.url("source"),
        see=f.text("see", required=False, default=None),
    )
    ctx.id_marks[id(q)] = (f, "id")
    if q.see:
        ctx.see_marks[id(q)] = (f, "see")
    if kind in ("single", "multiple"):
        _read_options(f, q, ctx)
    elif kind == "true_false":
        q.answer = f.boolean("answer")
        q.explain_true = f.text("explain_true")
        q.explain_false = f.text("explain_false")
    elif kind == "numeric":
        q.answer = f.number("answer")
        q.unit = f.text("unit", required=False)
        q.tolerance = _tolerance(f)
        q.explain = f.text("explain")
        for m_item, m_mark, m_path in f.items("mistakes", required=False):
            mf = Fields(ctx, m_item, m_path, MISTAKE_FIELDS, m_mark)
            mistake = Mistake(mf.number("value"), mf.text("explain"))
            if q.tolerance.allows(mistake.value, q.answer):
                mf.error("value", f"{mistake.value:g} would be accepted as correct (answer {q.answer:g}, tolerance {q.tolerance})")
            q.mistakes.append(mistake)
    elif kind == "generated":
        _read_generator(f, q, ctx)
    return q


def _read_options(f: Fields, q: Question, ctx) -> None:
    texts: dict[str, Fields] = {}
    for o_item, o_mark, o_path in f.items("options", min_items=3 if q.type == "single" else 4):
        of = Fields(ctx, o_item, o_path, OPTION_FIELDS, o_mark)
        option = Option(of.text("text"), of.boolean("correct", required=False), of.text("explain"))
        if option.text in texts:
            of.error("text", f"same text as the option at line {texts[option.text].value_mark('text').line}")
        elif option.text:
            texts[option.text] = of
        q.options.append(option)
    correct = q.choose
    if not q.options or "options" not in f.node:
        return
    if q.type == "single" and correct != 1:
        f.error("options", f"a single-choice question needs exactly one correct option, found {correct}")
    if q.type == "multiple" and not 2 <= correct < len(q.options):
        f.error("options", f"a multiple-response question needs at least two correct options and one wrong one, "
                           f"found {correct} correct of {len(q.options)}")


def _tolerance(f: Fields) -> Tolerance:
    value = f.node.get("tolerance", 0)
    if isinstance(value, bool):
        f.error("tolerance", "expected a number or a percentage like '1%'")
        return Tolerance()
    if isinstance(value, (int, float)):
        if value < 0:
            f.error("tolerance", "must not be negative")
            return Tolerance()
        return Tolerance(float(value))
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            amount = float(value.strip()[:-1])
        except ValueError:
            amount = -1
        if amount >= 0:
            return Tolerance(amount, percent=True)
    f.error("tolerance", "expected a number or a percentage like '1%'")
    return Tolerance()


def _read_generator(f: Fields, q: Question, ctx) -> None:
    params: list[Param] = []
    drawable = True  # false once a formula or a placeholder is known to be broken: drawing would only repeat it
    where: dict[int, tuple] = {}  # each formula's position, for problems found by drawing
    p_node = f.node.get("params")
    if "params" not in f.node:
        f.raw("params", True)
    elif not isinstance(p_node, MMap) or not p_node:
        f.error("params", "expected a mapping of parameter names to {min, max, step} or {choices}")
    else:
        for name, spec in p_node.items():
            ppath = f"{f.sub('params')}.{name}"
            pf = Fields(ctx, spec, ppath, PARAM_FIELDS, p_node.value_mark(name))
            if not name.isidentifier() or name == "answer":
                ctx.add(p_node.key_mark(name), ppath, "parameter names are letters, digits and _ (and not 'answer')")
                continue
            if "choices" in pf.node:
                choices = [v for v, m, p in pf.items("choices", min_items=1)]
                bad = [v for v in choices if isinstance(v, bool) or not isinstance(v, (int, float))]
                if bad:
                    pf.error("choices", "choices must be numbers")
                    continue
                if "min" in pf.node or "max" in pf.node:
                    pf.error("choices", "give either choices or min/max, not both")
                params.append(Param(name, choices=choices))
            else:
                low, high = pf.number("min"), pf.number("max")
                step = pf.number("step", required=False, default=1)
                if step <= 0:
                    pf.error("step", "must be greater than 0")
                    step = 1
                if high < low:
                    pf.error("max", f"must be at least min ({low})")
                    high = low
                if (high - low) / step > 1_000_000:
                    pf.error("step", "gives more than a million values; use a larger step")
                params.append(Param(name, low, high, step))
    declared = {p.name for p in params}
    lets = []
    l_node = f.node.get("let")
    if isinstance(l_node, MMap):
        for name, text in l_node.items():
            lpath = f"{f.sub('let')}.{name}"
            if not name.isidentifier() or name in declared or name == "answer":
                ctx.add(l_node.key_mark(name), lpath, f"'{name}' is already a parameter or not a valid name")
                continue
            formula = _formula(ctx, text, l_node.value_mark(name), lpath, declared, where, l_node.text_mark(name))
            if formula is not None:
                lets.append((name, formula))
            else:
                drawable = False
            declared.add(name)
    elif "let" in f.node:
        f.error("let", "expected a mapping of names to formulas")
    answer = None
    if "answer" in f.node:
        answer = _formula(ctx, f.node["answer"], f.value_mark("answer"), f.sub("answer"), declared, where,
                          f.node.text_mark("answer"))
    else:
        f.raw("answer", True)
    declared.add("answer")
    distractors = []
    for d_item, d_mark, d_path in f.items("distractors", required=False, min_items=2):
        df = Fields(ctx, d_item, d_path, DISTRACTOR_FIELDS, d_mark)
        text = df.node.get("formula")
        formula = _formula(ctx, text, df.value_mark("formula"), df.sub("formula"), declared, where,
                           df.node.text_mark("formula")) if "formula" in df.node else None
        if "formula" not in df.node:
            df.raw("formula", True)
        explain = df.text("explain")
        drawable &= _check_template(df, "explain", explain, declared)
        if formula is not None:
            distractors.append(Distractor(formula, explain))
        else:
            drawable = False
    q.unit = f.text("unit", required=False)
    q.tolerance = _tolerance(f)
    q.explain = f.text("explain")
    answer_format = f.text("format", required=False)
    if answer_format:
        try:
            format(1234.5678, answer_format)
        except ValueError as exc:
            f.error("format", f"not a number format: {exc}")
            answer_format = ""
    drawable &= _check_template(f, "stem", q.stem, declared)
    drawable &= _check_template(f, "explain", q.explain, declared)
    if answer is None or len(params) != len(p_node or ()) or not drawable:
        return
    q.generator = Generator(params, lets, answer, answer_format, distractors)
    _sample(f, q, where, ctx)


def _at(mark: Mark, text_mark: Mark | None, exc: FormulaError) -> Mark:
    """Where in the file a formula error is: its column inside the text when the text is on one line."""
    if exc.col and text_mark is not None:
        return Mark(text_mark.file, text_mark.line, text_mark.col + exc.col - 1)
    return mark


def _formula(ctx, text, mark: Mark, path: str, declared: set[str], where: dict, text_mark: Mark | None = None):
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        ctx.add(mark, path, f"expected a formula, got {type_name(text)}")
        return None
    try:
        formula = compile_formula(text, frozenset(declared))
    except FormulaError as exc:
        ctx.add(_at(mark, text_mark, exc), path, str(exc))
        return None
    where[id(formula)] = (mark, text_mark, path)
    return formula


def _check_template(f: Fields, key: str, text: str, declared: set[str]) -> bool:
    ok = True
    for name, spec in template_names(text or ""):
        if name not in declared:
            f.error(key, f"uses {{{name}}}, which is not a parameter, a 'let' name or 'answer'")
            ok = False
        elif spec:
            try:
                format(1234.5, spec)
            except ValueError:
                f.error(key, f"'{{{name}:{spec}}}' has an invalid number format")
                ok = False
    return ok


def _sample(f: Fields, q: Question, where: dict, ctx) -> None:
    """Draw the family a number of times so that broken formulas surface at load time.

    Formulas are evaluated draw by draw: the quiz redraws when a draw fails, which
    would otherwise hide a formula that fails only for some parameters (a division
    by zero, say). Besides random draws, each parameter is also tried at its
    smallest and largest value and at 0, where such failures usually are.
    """
    gen = q.generator
    rng = random.Random(q.id)
    draws = [draw_params(gen, rng) for _ in range(SAMPLE_DRAWS)]
    seeds = [rng.randrange(2**31) for _ in range(INSTANTIATE_DRAWS)]
    edges = [{**draws[0], param.name: value} for param in gen.params for value in _edge_values(param)]
    steps = [*gen.let, ("answer", gen.answer), *((None, d.formula) for d in gen.distractors)]
    for params in edges + draws:
        values = dict(params)
        for name, formula in steps:
            try:
                value = formula.evaluate(values)
            except FormulaError as exc:
                mark, text_mark, path = where[id(formula)]
                drawn = ", ".join(f"{k}={v}" for k, v in params.items())
                ctx.add(_at(mark, text_mark, exc), path, f"fails when {drawn}: {exc}")
                return
            if name is not None:
                values[name] = value
    # Formulas were checked draw by draw above; a few whole questions are enough to
    # find the rest (options that always read the same, a broken number format).
    for seed in seeds:
        try:
            instantiate(q, seed)
        except (GenerationError, FormulaError, KeyError, ValueError) as exc:
            f.error("answer", f"cannot draw a question (seed {seed}): {exc}")
            return


def _edge_values(param: Param) -> list:
    """A parameter's smallest and largest possible values, and 0 when it can be drawn."""
    if param.choices is not None:
        return sorted({min(param.choices), max(param.choices)} | ({0} & set(param.choices)))
    steps = int(math.floor((param.high - param.low) / param.step + 1e-9))
    values = [param.low, param.low + steps * param.step]
    zero = -param.low / param.step
    if param.low < 0 < values[1] and abs(zero - round(zero)) < 1e-9:
        values.append(0)
    if all(float(x).is_integer() for x in (param.low, param.step)):  # as draw_params() gives them
        return [int(round(v)) for v in values]
    return [round(v, 10) for v in values]
