"""What every simulated service shares: operations dispatched by their AWS names.

A service model holds state and behaviour only (no YAML, no UI, no boto3); the
bridge turns botocore calls into ``call(operation, params)`` and AWS-shaped
errors back into botocore's exceptions.
"""

from __future__ import annotations

from typing import Any, Callable

from course.sim.errors import NotModeled


def operation(name: str) -> Callable:
    """Mark a method as the handler of the AWS operation ``name`` (e.g. ``"CreateFunction"``)."""

    def mark(method: Callable) -> Callable:
        method.aws_operation = name
        return method

    return mark


class Service:
    #: The service's boto3 name, e.g. ``"lambda"``.
    name = ""

    def __init__(self, account):
        self.account = account
        self._operations: dict[str, Callable[[dict], dict]] = {}
        for attr in dir(type(self)):
            method = getattr(self, attr, None)
            op = getattr(method, "aws_operation", None)
            if op:
                self._operations[op] = method

    @property
    def operations(self) -> list[str]:
        return sorted(self._operations)

    def call(self, operation_name: str, params: dict[str, Any]) -> dict[str, Any]:
        handler = self._operations.get(operation_name)
        if handler is None:
            raise NotModeled.operation(self.name, operation_name, self.operations)
        return handler(params) or {}

    def close(self) -> None:
        """Release what the service holds outside Python (worker processes, say)."""
