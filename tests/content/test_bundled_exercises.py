"""The bundled exercises, checked the way `coldstart dev check` checks any pack."""

from __future__ import annotations

from course.grading.vocabulary import load_exercises
from course.grading.devcheck import dev_check
from tests.conftest import ROOT


def test_bundled_exercises_load_cleanly():
    exercises, problems = load_exercises(ROOT)
    assert problems == []
    assert sum(1 for e in exercises if e.module == "lambda") >= 3


def test_every_starter_fails_and_every_solution_passes():
    assert [str(v) for v in dev_check(ROOT)] == []


def grade_variant(tmp_path, exercise_id: str, replace: tuple[str, str]):
    from course.grading.runner import grade
    from course.grading.workspace import copy_files

    exercise = next(e for e in load_exercises(ROOT)[0] if e.id == exercise_id)
    copy_files(exercise, tmp_path, solution=True)
    template = tmp_path / "template.yaml"
    text = template.read_text()
    assert replace[0] in text
    template.write_text(text.replace(*replace))
    return {c.id: c.passed for c in grade(exercise, tmp_path).checks}


def test_provisioning_for_the_sale_breaks_the_budget(tmp_path):
    results = grade_variant(tmp_path, "lambda-protect-downstream",
                            ("ProvisionedConcurrentExecutions: 50", "ProvisionedConcurrentExecutions: 60"))
    assert results == {"sale-capped": True, "normal-served": True, "live-is-fast": True, "within-budget": False}


def test_snapstart_instead_of_provisioned_concurrency_also_passes(tmp_path):
    results = grade_variant(tmp_path, "lambda-protect-downstream", (
        "      ProvisionedConcurrencyConfig:\n        ProvisionedConcurrentExecutions: 50\n",
        "      SnapStart:\n        ApplyOn: PublishedVersions\n"))
    assert all(results.values()), results


def test_memory_above_one_vcpu_is_over_budget(tmp_path):
    results = grade_variant(tmp_path, "lambda-right-size", ("MemorySize: 1769", "MemorySize: 3008"))
    assert results["fast-enough"] and not results["within-budget"]
