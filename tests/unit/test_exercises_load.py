"""Reading exercise.yaml: the format, its shorthands, and every problem with its exact position.

Each folder in ``tests/data/exercises/bad`` is a pack with broken exercises and an
``expected.txt`` holding the problems ``load_exercises`` must report, one per line,
in order; paths are relative to ``tests/data/exercises/bad``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course.grading.vocabulary import load_exercises
from tests.unit.test_grading_support import DATA, PACK, one_exercise, write_pack

BAD = DATA / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").is_file())


def test_the_bad_corpus_covers_the_format():
    assert len(CASES) >= 6
    assert sum(len((BAD / c / "expected.txt").read_text().splitlines()) for c in CASES) >= 50


@pytest.mark.parametrize("case", CASES)
def test_bad_exercises_report_expected_problems(case, monkeypatch):
    monkeypatch.chdir(BAD)
    exercises, problems = load_exercises(case)
    assert [str(p) for p in problems] == (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert exercises == []


def test_the_good_pack_loads_every_field():
    (ex,), problems = load_exercises(PACK)
    assert problems == []
    assert (ex.id, ex.title, ex.module, ex.difficulty) == ("hello-timeout", "Give a slow function enough time",
                                                           "demo", "easy")
    assert ex.brief.startswith("The `Hello` function")
    assert ex.files == ["template.yaml", "src/app.py"] and ex.solution == ["template.yaml"]
    assert ex.hints == ["Look at the function's Timeout.", "Timeout is in seconds; the handler needs about 4 of them."]
    assert [c.id for c in ex.checks] == ["answers", "memory-unchanged", "event-file"]
    answers = ex.checks[0]
    assert [(s.kind, s.name) for s in answers.steps] == [("deploy", "deploy"), ("invoke", "invoke")]
    assert answers.steps[0].args == {"template": "template.yaml", "parameters": {}}
    assert answers.steps[1].args == {"function": "Hello", "qualifier": None, "event": {"name": "Ada", "work_ms": 4000},
                                     "event_file": None, "invocation_type": "RequestResponse"}
    assert answers.expect[0].comparator == "equals" and answers.expect[0].expected is None
    assert answers.hint.startswith("A function that runs longer") and answers.docs.startswith("https://docs.aws")
    assert ex.starter_dir == PACK / "exercises" / "hello-timeout" / "starter"


def test_shorthands_and_automatic_step_names(tmp_path):
    ex = one_exercise(tmp_path, """\
        - id: all-forms
          title: Every way to write a step
          steps:
            - deploy
            - deploy: template.yaml
            - invoke: Hello
            - invoke: {function: Hello, invocation_type: Event}
            - name: warm
              invoke: Hello
            - advance: 90
            - drain
            - drain: lambda
            - load: {function: Hello, rate_per_s: 50, duration_s: 10}
            - call: {service: lambda, operation: GetFunctionConcurrency, params: {FunctionName: "${stack.resources.Hello.physical_id}"}}
            - deploy: {template: template.yaml, parameters: {Stage: prod, Size: 3, Debug: true}}
          expect:
            - {query: last.error, exists: false}
          hint: h
          docs: https://docs.aws.amazon.com/lambda/
        """)
    steps = ex.checks[0].steps
    assert [s.name for s in steps] == ["deploy", "deploy_2", "invoke", "invoke_2", "warm", "advance", "drain",
                                       "drain_2", "load", "call", "deploy_3"]
    assert steps[2].args["function"] == "Hello" and steps[3].args["invocation_type"] == "Event"
    assert steps[5].args == {"seconds": 90}
    assert steps[6].args == {"service": None} and steps[7].args == {"service": "lambda"}
    assert steps[8].args == {"function": "Hello", "qualifier": None, "rate_per_s": 50, "duration_s": 10,
                             "handler_ms": None, "cpu_ms": None}
    assert steps[9].args["params"] == {"FunctionName": "${stack.resources.Hello.physical_id}"}
    assert steps[10].args["parameters"] == {"Stage": "prod", "Size": "3", "Debug": "true"}


def test_modules_can_be_given_by_the_caller(tmp_path):
    one_exercise(tmp_path, "- {id: c, title: t, expect: [{query: stack, exists: true}], hint: h, "
                           "docs: 'https://docs.aws.amazon.com/'}\n")
    exercises, problems = load_exercises(tmp_path / "pack", modules=["lambda"])
    assert exercises == []
    assert [p.message for p in problems] == ["no module 'demo' in this pack"]


def test_a_broken_exercise_does_not_hide_the_good_ones(tmp_path):
    good = (PACK / "exercises" / "hello-timeout" / "exercise.yaml").read_text()
    root = write_pack(tmp_path / "pack", {"broken": "id: broken\ntitle: [\n"})
    import shutil

    shutil.copytree(PACK / "exercises" / "hello-timeout", root / "exercises" / "hello-timeout")
    assert (root / "exercises" / "hello-timeout" / "exercise.yaml").read_text() == good
    exercises, problems = load_exercises(root)
    assert [e.id for e in exercises] == ["hello-timeout"]
    assert len(problems) == 1 and "broken/exercise.yaml:3:1: YAML syntax error" in str(problems[0])


def test_a_pack_without_exercises_has_none(tmp_path):
    assert load_exercises(tmp_path) == ([], [])


def test_loading_exercises_imports_neither_botocore_nor_textual():
    from tests.unit.test_layers import imported_after

    modules = imported_after(f"from course.grading.vocabulary import load_exercises\nload_exercises({str(PACK)!r})")
    assert "jmespath" in modules
    assert not {m for m in modules if m.split(".")[0] in ("textual", "botocore", "boto3")}


def test_a_load_takes_a_fixed_duration_or_cpu_work_not_both(tmp_path):
    import shutil

    from course.grading.vocabulary import load_exercises

    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parent.parent / "data" / "exercises" / "pack", pack)
    path = next((pack / "exercises").glob("*/exercise.yaml"))
    text = path.read_text()
    marker = "    steps:\n      - deploy\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + "      - load: {function: Hello, rate_per_s: 5, duration_s: 10, "
                                                  "handler_ms: 100, cpu_ms: 100}\n", 1))
    exercises, problems = load_exercises(pack)
    assert any("give handler_ms (a fixed duration) or cpu_ms" in str(p) for p in problems), problems
