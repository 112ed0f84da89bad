"""What grading found, for a learner (text) and for tools (a JSON-ready dict).

A failed check says what was expected, what happened, what the handler logged
and where to read more. A check that could not run because of a fault in the
check or the simulator says so in one line and names the check; the traceback
is kept for authors (``as_dict(debug=True)``, ``coldstart dev check``), never
shown to a learner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED, INVALID, ERROR = "passed", "failed", "invalid", "error"
NOT_REACHED = "not evaluated: the check stopped before it"
LOG_LINES = 20


@dataclass
class ExpectationResult:
    query: str
    comparator: str
    expected: Any
    actual: Any
    passed: bool
    description: str
    reason: str = ""
    message: str = ""
    diff: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"query": self.query, "comparator": self.comparator, "expected": self.expected, "actual": self.actual,
                "passed": self.passed, "description": self.description, "reason": self.reason,
                "message": self.message, "diff": self.diff}


@dataclass
class CheckResult:
    id: str
    title: str
    status: str
    hint: str = ""
    docs: str = ""
    expectations: list[ExpectationResult] = field(default_factory=list)
    #: Handler logs of each invoke step, by step name.
    logs: dict[str, list[str]] = field(default_factory=dict)
    #: What stopped the check: a step the learner's work broke, or an internal error.
    error: str = ""
    detail: str = ""
    #: What its deploy made as placeholders (``describe_stack``'s ``not_simulated``).
    not_simulated: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def summary(self) -> str:
        """One line saying why the check did not pass."""
        if self.error:
            return self.error
        from course.grading.document import show

        failed = [e for e in self.expectations if not e.passed]
        if not failed:
            return "passed"
        e = failed[0]
        return f"expected {e.description}; got {show(e.actual)}" + (f" ({e.reason})" if e.reason else "")

    def as_dict(self, debug: bool = False) -> dict:
        out = {"id": self.id, "title": self.title, "status": self.status, "passed": self.passed,
               "expectations": [e.as_dict() for e in self.expectations], "logs": self.logs,
               "error": self.error or None, "hint": self.hint, "docs": self.docs}
        if debug:
            out["detail"] = self.detail or None
        return out


@dataclass
class Report:
    exercise: str
    title: str
    status: str
    checks: list[CheckResult] = field(default_factory=list)
    #: Why the workspace could not be graded at all, as ``file:line:col: message`` lines.
    problems: list[str] = field(default_factory=list)
    #: Resources the template deployed as placeholders, as ``AWS::Logs::LogGroup AppLogs``.
    not_simulated: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def exit_code(self) -> int:
        return {PASSED: 0, INVALID: 2}.get(self.status, 1)

    @property
    def internal_errors(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == ERROR]

    def as_dict(self, debug: bool = False) -> dict:
        return {"exercise": self.exercise, "title": self.title, "status": self.status,
                "passed": sum(c.passed for c in self.checks), "total": len(self.checks),
                "problems": self.problems, "not_simulated": self.not_simulated,
                "checks": [c.as_dict(debug) for c in self.checks]}

    def text(self) -> str:
        if self.status == INVALID:
            return "\n".join([f"{self.title}: your files cannot be checked yet; fix these first:", *self.problems])
        passed = sum(c.passed for c in self.checks)
        lines = [f"{self.title}: {passed} of {len(self.checks)} checks passed"]
        if self.not_simulated:
            lines.append("not simulated (deployed as placeholders; nothing behind them acts): "
                         + ", ".join(self.not_simulated))
        for check in self.checks:
            lines.append("")
            lines.extend(_check_text(check))
        if self.passed:
            lines += ["", "Every check passed. Well done."]
        return "\n".join(lines)


def _check_text(check: CheckResult) -> list[str]:
    from course.grading.document import show

    mark = {PASSED: "✓", FAILED: "✗", ERROR: "!"}[check.status]
    lines = [f"{mark} {check.title} [{check.id}]"]
    if check.passed:
        return lines
    if check.status == ERROR:
        return lines + [f"    {check.error}",
                        "    This is a fault in the exercise or the simulator, not in your work."]
    if check.error:
        lines.append(f"    what happened: {check.error}")
    for exp in check.expectations:
        if exp.passed:
            continue
        lines.append(f"    expected: {exp.description}")
        if exp.reason != NOT_REACHED:
            lines.append(f"    actual:   {show(exp.actual)}" + (f"  ({exp.reason})" if exp.reason else ""))
        lines.extend(f"      {d}" for d in exp.diff)
        if exp.message:
            lines.append(f"    {exp.message}")
    for name, logs in check.logs.items():
        if logs:
            shown = logs[-LOG_LINES:]
            lines.append(f"    logs of step '{name}'" + (f" (last {LOG_LINES} lines):" if len(logs) > LOG_LINES else ":"))
            lines.extend(f"      | {line}" for line in shown)
    if check.hint:
        lines.append("    hint: " + check.hint.strip().replace("\n", "\n          "))
    if check.docs:
        lines.append(f"    docs: {check.docs}")
    return lines
