"""Exercise results in the progress store, shared by the app's exercise screen and ``coldstart check``."""

from __future__ import annotations

import time
from pathlib import Path

from course.store.api import AttemptRecord, ProgressStore

NOT_STARTED, ATTEMPTED, PASSED = "not started", "attempted", "passed"


def record_attempt(store: ProgressStore, exercise, report) -> AttemptRecord:
    attempt = AttemptRecord(
        exercise_id=exercise.id,
        module_id=exercise.module,
        passed=report.passed,
        checks_passed=sum(1 for c in report.checks if c.passed),
        checks_total=len(report.checks),
        timestamp=time.time(),
        invalid=report.status == "invalid",
    )
    store.record_attempt(attempt)
    return attempt


def exercise_status(store: ProgressStore, exercise_id: str, workspace: Path | None = None) -> str:
    """Passed once any run passed; attempted once checked or started; else not started."""
    attempts = store.attempts(exercise_id)
    if any(a.passed for a in attempts):
        return PASSED
    if attempts or (workspace is not None and workspace.is_dir()):
        return ATTEMPTED
    return NOT_STARTED
