"""``parameter``: read a parameter the way a learner's code would, by logical id or name."""

from __future__ import annotations

from course.content.exercise_steps import StepKind
from course.sim.steps import StepFailed, physical_id


def _read(a, ex) -> dict:
    return {"name": a.text("name")}


def _run(scenario, step, args) -> dict:
    name = physical_id(scenario, args["name"], "AWS::SSM::Parameter", "parameter")
    found = scenario.account.service("ssm").parameters.get(name)
    if found is None:
        raise StepFailed(f"there is no parameter '{name}'")
    return {"value": found["Value"], "version": found["Version"]}


STEP_KINDS = [StepKind("parameter", ("name",), _read, _run, shorthand="name", needs="name", origin="ssm")]
