"""The one list of simulated services, and how their rooms are found.

Every service is a package ``course.sim.<package>`` with the same rooms, each optional but
``models``:

``models``     state and behaviour: a ``Service`` subclass answering AWS operations by name
``errors``     typed exceptions carrying AWS's error code and HTTP status
``resources``  its CloudFormation types: each creator registered together with its schema
``steps``      the exercise step kinds it offers: a module-level ``STEP_KINDS`` list

Templates, the boto3 bridge and grading find types, schemas and step kinds here; nothing else
lists services. Adding a service is its package plus one line in ``SERVICES``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: boto3 service name → its package: a name under ``course.sim`` (``"awslambda"``), or a full dotted
#: module path for a package kept elsewhere.
SERVICES: dict[str, str] = {
    "lambda": "awslambda",
    "dynamodb": "dynamodb",
    "dynamodbstreams": "dynamodbstreams",
    "kinesis": "kinesis",
    "s3": "s3",
    "dax": "dax",
    "application-autoscaling": "autoscaling",
    "sqs": "sqs",
    "sns": "sns",
    "iam": "iam",
}
#: Model classes standing in for a service's own (a test's fake Lambda, say); the service's other
#: rooms (its resources, its steps) stay its own.
STAND_INS: dict[str, type] = {}

ROOMS = ("models", "errors", "resources", "steps")


def package(name: str) -> str:
    """The module path of service ``name``'s package; KeyError naming what is modeled if there is none."""
    target = SERVICES.get(name)
    if target is None:
        raise KeyError(f"the simulator has no '{name}' service; it models: {', '.join(sorted(SERVICES))}")
    return target if "." in target else f"course.sim.{target}"


def model_class(name: str) -> type:
    """The model of service ``name``: the ``Service`` subclass in its ``models`` room whose ``name`` is
    the service's boto3 name."""
    if name in STAND_INS:
        return STAND_INS[name]
    from course.sim.service import Service

    module = importlib.import_module(f"{package(name)}.models")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, Service) and value.__module__ == module.__name__ \
                and value.name == name:
            return value
    raise LookupError(f"{module.__name__} has no Service subclass with name = {name!r}")


def packages() -> list[str]:
    """Each service package's module path once, in registry order."""
    return list(dict.fromkeys(package(name) for name in SERVICES))


def rooms(room: str, only: set[str] | None = None) -> list[ModuleType]:
    """Import ``room`` (``"resources"``, ``"steps"``, …) of every service that has one (of the
    packages in ``only``, when given)."""
    if room not in ROOMS:
        raise ValueError(f"a service has no room '{room}'; its rooms are: {', '.join(ROOMS)}")
    found = []
    for base in packages():
        if only is not None and base not in only:
            continue
        name = f"{base}.{room}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found
