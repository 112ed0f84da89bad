"""The pack loader against a corpus of broken packs, plus the good minimal pack.

Each folder in ``tests/data/bad`` is a complete pack with something wrong and an
``expected.txt`` holding the problems ``load_pack`` must report, one per line,
in order. Paths in the messages are relative to ``tests/data/bad``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.content import load_pack
from course.content.loader import requirement_problem

DATA = Path(__file__).resolve().parent.parent / "data"
BAD = DATA / "bad"
GOOD = DATA / "good" / "minimal"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.txt").is_file())


def expected_lines(case: str) -> list[str]:
    return (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_corpus_is_large_enough():
    assert len(CASES) >= 15
    assert all(expected_lines(case) for case in CASES), "every bad pack must expect at least one problem"


@pytest.mark.parametrize("case", CASES)
def test_bad_pack_reports_expected_problems(case, monkeypatch):
    monkeypatch.chdir(BAD)
    result = load_pack(case)
    assert [str(p) for p in result.problems] == expected_lines(case)
    assert not result.ok


def test_many_problems_are_reported_together(monkeypatch):
    monkeypatch.chdir(BAD)
    problems = load_pack("many-problems").problems
    files = {p.mark.file for p in problems}
    assert len(problems) >= 5
    assert len(files) >= 3


def test_problem_order_is_stable(monkeypatch):
    monkeypatch.chdir(BAD)
    first = [str(p) for p in load_pack("many-problems").problems]
    second = [str(p) for p in load_pack("many-problems").problems]
    assert first == second
    keys = [(p.mark.file, p.mark.line, p.mark.col) for p in load_pack("many-problems").problems]
    assert keys == sorted(keys)


def test_problems_outside_the_working_directory_use_full_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    problems = load_pack(BAD / "format-version-too-new").problems
    assert [p.mark.file for p in problems] == [str(BAD / "format-version-too-new" / "pack.yaml")]


def test_missing_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = load_pack("no-such-pack")
    assert result.pack is None
    assert [str(p) for p in result.problems] == [
        "no-such-pack/pack.yaml:1:1: folder does not exist: a pack is a folder with pack.yaml, content/ and exercises/"
    ]


# --- the good pack -----------------------------------------------------------------


def test_good_minimal_pack_loads_cleanly(monkeypatch):
    monkeypatch.chdir(GOOD.parent)
    result = load_pack("minimal")
    assert result.problems == []
    assert result.ok
    pack = result.pack
    assert pack.info.id == "minimal"
    assert pack.info.version == "1.0"
    assert pack.info.authors == ["Test Author"]
    assert [m.id for m in pack.modules] == ["demo"]
    module = pack.modules[0]
    assert [lesson.id for lesson in module.lessons] == ["demo-basics"]
    assert module.section_count == 2
    lesson = pack.lesson("demo-basics")
    assert [s.id for s in lesson.sections] == ["limits", "pricing"]
    limits = lesson.section("limits")
    assert len(limits.facts) == 1 and len(limits.myths) == 1 and limits.tips == ["Remember the timeout."]
    assert len(pack.questions) == 6
    assert {q.type for q in pack.questions} == {"single", "multiple", "true_false", "numeric", "generated"}
    assert pack.question("demo-multi").choose == 2
    assert pack.question("demo-gen").tolerance.percent
    assert pack.question("demo-gen-choice").generator is not None


def test_good_pack_is_a_valid_base_for_the_corpus():
    """Every bad case is the good pack plus a mistake: the good pack itself must stay clean."""
    assert load_pack(GOOD).ok


# --- safe loading --------------------------------------------------------------------


def _copy_good(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(GOOD, root)
    return root


def test_python_object_payload_is_rejected_and_never_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _copy_good(tmp_path)
    marker = tmp_path / "marker"
    pack_yaml = root / "pack.yaml"
    text = pack_yaml.read_text().replace(
        "title: A minimal pack\n", f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    pack_yaml.write_text(text)
    lesson = root / "content" / "demo" / "lessons" / "basics.yaml"
    lesson.write_text(
        lesson.read_text().replace("title: Demo basics\n", f"title: !!python/object/apply:os.system [\"touch {marker}\"]\n")
    )
    result = load_pack("pack")
    assert not marker.exists()
    messages = [str(p) for p in result.problems]
    assert "pack/pack.yaml:3:8: YAML tag !!python/object/apply:os.system is not allowed in a pack" in messages
    assert (
        "pack/content/demo/lessons/basics.yaml:2:8: YAML tag !!python/object/apply:os.system is not allowed in a pack"
        in messages
    )
    assert not result.ok


@pytest.mark.parametrize("spec", ["{min: 0, max: 20}", "{min: -20, max: 20, step: 4}", "{choices: [5, 0, 10, 15]}"])
def test_divide_by_zero_for_rare_draws_is_found(spec, tmp_path, monkeypatch):
    """Only one value gives zero: the quiz would quietly redraw, validation must not."""
    monkeypatch.chdir(tmp_path)
    root = _copy_good(tmp_path)
    core = root / "content" / "demo" / "questions" / "core.yaml"
    core.write_text(core.read_text().replace("requests: {min: 1, max: 10}", f"requests: {spec}")
                    .replace("answer: gbs\n", "answer: gbs / requests\n"))
    messages = [str(p) for p in load_pack("pack").problems]
    assert len(messages) == 1
    assert messages[0].startswith("pack/content/demo/questions/core.yaml:59:13: questions[4].answer: fails when requests=0,")
    assert messages[0].endswith(": division by zero")


def test_broken_lesson_file_does_not_make_references_to_it_fail(monkeypatch):
    """The question's `see` points into the unreadable lesson: only the syntax error is reported."""
    monkeypatch.chdir(BAD)
    problems = load_pack("yaml-bad-indent").problems
    assert len(problems) == 1
    assert "YAML syntax error" in problems[0].message


# --- requirement strings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("requires", "version", "ok"),
    [
        (">=0.1", "0.1.0", True),
        (">=0.1, <2", "1.5", True),
        (">=0.2", "0.1.0", False),
        ("<1", "1.0", False),
        ("==0.1", "0.1.0", True),
        ("!=0.1.0", "0.1", False),
    ],
)
def test_requirement_problem(requires, version, ok):
    assert (requirement_problem(requires, version) is None) is ok
