"""Grading latency of each bundled exercise with its solution files, in a warm process.

"Warm app": the first grade of each exercise (which imports botocore, the simulator and
the template loader) is not counted; the median of the following runs is. The 300 ms target is
the Lambda exercises'; the DynamoDB exercises that play an hour of table load or wait out TTL
deletions are reported without one.
Run: python benchmarks/grading.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from course.grading.vocabulary import load_exercises  # noqa: E402
from course.grading.runner import grade  # noqa: E402
from course.grading.workspace import copy_files  # noqa: E402
from course.paths import bundled_pack_dir  # noqa: E402

RUNS = 9
TARGET_MS = 300


def main() -> int:
    exercises, problems = load_exercises(bundled_pack_dir())
    assert not problems, problems
    ok = True
    for exercise in exercises:
        targeted = exercise.module == "lambda"
        runs = RUNS if targeted else 3
        with tempfile.TemporaryDirectory() as tmp:
            workspace = Path(tmp)
            copy_files(exercise, workspace, solution=True)
            assert grade(exercise, workspace).passed, f"{exercise.id}: the solution does not pass"
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                report = grade(exercise, workspace)
                times.append((time.perf_counter() - start) * 1000)
                assert report.passed
        median = statistics.median(times)
        verdict = "no target"
        if targeted:
            verdict = f"target <= {TARGET_MS} ms " + ("PASS" if median <= TARGET_MS else "FAIL")
            ok &= median <= TARGET_MS
        print(f"{exercise.id:28} {len(exercise.checks)} checks  median {median:7.1f} ms  "
              f"(min {min(times):.1f}, max {max(times):.1f})  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
