"""What a service's exercise steps share: how a step fails, and how it finds what the template made.

A service offers step kinds in its ``steps`` room (``course/sim/<service>/steps.py``): a
module-level ``STEP_KINDS`` list of ``course.content.exercise_steps.StepKind``, each with the reader
of its settings and the function that runs it against a scenario, and optionally ``STACK_VIEWS``,
functions that add what the service knows about a deployed stack to the document checks query
(Lambda adds each function's configuration as deployed). Grading gathers them through the
registry (``course.grading.vocabulary``); a scenario gives a run function ``scenario.account``,
``scenario.stack_resources()``, ``scenario.exercise``, ``scenario.workspace`` and ``scenario.logs``.
"""

from __future__ import annotations

from typing import Any

from course.content.problems import did_you_mean


class StepFailed(Exception):
    """The learner's work stopped a step (the stack did not deploy, the function is missing)."""


class CheckBug(Exception):
    """The check itself asks for something impossible (an operation that does not exist, say)."""


def physical_id(scenario, ref: str, type_name: str, noun: str, *, strict: bool = False) -> str:
    """A resource named by its logical id in the template, or by its own name.

    ``strict`` refuses a name the template does not define even when the template defines none of
    that type (a function must exist; a table may have been made by an earlier ``call`` step)."""
    resources: dict[str, Any] = scenario.stack_resources()
    if ref in resources:
        return resources[ref]["physical_id"]
    of_type = {k: v for k, v in resources.items() if v.get("type") == type_name}
    if any(v["physical_id"] == ref for v in of_type.values()):
        return ref
    if of_type or strict:
        listed = f"; its {noun}s are: {', '.join(of_type)}" if of_type else f"; it defines no {noun}"
        raise StepFailed(f"the template has no {noun} '{ref}'{did_you_mean(ref, of_type)}{listed}")
    return ref


def client_error(exc) -> dict:
    """A botocore ClientError as a result document's ``error``; one the simulator refuses to model is
    the check's fault, not the learner's."""
    err = exc.response.get("Error", {})
    if err.get("Code") == "NotModeledBySimulator":
        raise CheckBug(err.get("Message", "the simulator does not model this operation"))
    return {"code": err.get("Code"), "message": err.get("Message"), "reason": exc.response.get("Reason")}
