"""Grade a learner's workspace: each check plays its steps against a fresh simulated account.

A fresh account per check keeps checks independent (one check's throttled
function or advanced clock cannot make another pass or fail), and lets the
simulator's worker processes be closed as soon as a check ends. Faults are
sorted into three kinds, because each needs a different reader:

* the learner's template cannot be read or deployed → the whole report is
  "invalid" and lists every ``file:line:col`` problem;
* the learner's work makes a check fail → the check says what happened;
* the check or the simulator is broken → the check is an internal error that
  names itself; the traceback is kept for authors only.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from course.content.exercises import Check, Exercise
from course.grading.expect import evaluate, not_reached
from course.grading.report import ERROR, FAILED, INVALID, PASSED, CheckResult, Report
from course.grading.steps import CheckBug, Scenario, StepFailed

#: Learner files larger than this are not put in the document whole.
FILE_LIMIT = 256 * 1024


class _Invalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def grade(exercise: Exercise, workspace_dir: Path | str) -> Report:
    """Run every check of ``exercise`` against the files in ``workspace_dir``."""
    workspace = Path(workspace_dir)
    missing = [name for name in exercise.files if not (workspace / name).is_file()]
    if missing:
        return Report(exercise.id, exercise.title, INVALID, problems=[
            f"{name}:1:1: the file is missing from the workspace {workspace}" for name in missing])
    files = {name: _read(workspace / name) for name in exercise.files}
    results = []
    for check in exercise.checks:
        try:
            results.append(run_check(exercise, check, workspace, files))
        except _Invalid as exc:
            return Report(exercise.id, exercise.title, INVALID, problems=exc.problems)
    status = PASSED if results and all(r.passed for r in results) else FAILED
    placeholders = list(dict.fromkeys(name for r in results for name in r.not_simulated))
    return Report(exercise.id, exercise.title, status, results, not_simulated=placeholders)


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()[:FILE_LIMIT]
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def run_check(exercise: Exercise, check: Check, workspace: Path, files: dict) -> CheckResult:
    from course.sim import Account, TemplateError

    result = CheckResult(check.id, check.title, FAILED, hint=check.hint, docs=check.docs)
    where = ""
    account = None
    try:
        account = Account()
        scenario = Scenario(account, exercise, workspace, files)
        result.logs = scenario.logs
        for number, step in enumerate(check.steps, 1):
            where = f" at step {number} ({step.kind} '{step.name}')"
            try:
                scenario.run(step)
            except TemplateError as exc:
                raise _Invalid([str(p) for p in exc.problems] or [str(exc)]) from None
            except StepFailed as exc:
                result.error = f"step '{step.name}': {exc}"
                result.expectations = [not_reached(e) for e in check.expect]
                return result
        where = ""
        result.not_simulated = list((scenario.document["stack"] or {}).get("not_simulated", []))
        for number, expectation in enumerate(check.expect, 1):
            where = f" in expectation {number} ({expectation.query})"
            result.expectations.append(evaluate(expectation, scenario.document))
        result.status = PASSED if all(e.passed for e in result.expectations) else FAILED
        return result
    except _Invalid:
        raise
    except CheckBug as exc:
        return _internal(result, f"internal error in check '{check.id}'{where}: {exc}", traceback.format_exc())
    except Exception as exc:  # a fault in the grader or the simulator must not reach the learner as a traceback
        return _internal(result, f"internal error in check '{check.id}'{where}: {type(exc).__name__}: {exc}",
                         traceback.format_exc())
    finally:
        if account is not None:
            try:
                account.close()
            except Exception:  # closing worker processes must not hide the result
                pass


def _internal(result: CheckResult, message: str, detail: str) -> CheckResult:
    result.status = ERROR
    result.error = message
    result.detail = detail
    result.expectations = []
    return result
