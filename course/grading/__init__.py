"""Grading: an exercise's declarative checks played against the simulator, and the report.

Submodules are imported on first use, so listing exercises does not pay for the
simulator, botocore or JMESPath.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Report", "Violation", "dev_check", "grade", "load_exercises"]


def __getattr__(name: str) -> Any:
    if name == "grade":
        from course.grading.runner import grade

        return grade
    if name in ("dev_check", "Violation"):
        from course.grading import devcheck

        return getattr(devcheck, name)
    if name == "load_exercises":
        from course.grading.vocabulary import load_exercises

        return load_exercises
    if name == "Report":
        from course.grading.report import Report

        return Report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
