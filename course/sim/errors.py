"""Errors the simulator raises, shaped like AWS's so the bridge can hand them to botocore."""

from __future__ import annotations


class AwsError(Exception):
    """An error a service answers with: the AWS error code, message and HTTP status.

    ``extra`` holds additional top-level fields some errors carry (Lambda's
    ``TooManyRequestsException`` has ``Reason`` and ``retryAfterSeconds``, say).
    """

    def __init__(self, code: str, message: str, status: int = 400, extra: dict | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


class NotModeled(AwsError):
    """An operation the simulator does not model; the message names it and what is modeled."""

    def __init__(self, service: str, operation: str, modeled: list[str]):
        shown = ", ".join(sorted(modeled)) or "none"
        super().__init__(
            "NotModeledBySimulator",
            f"Coldstart's simulator does not model {service}:{operation}. Modeled {service} operations: {shown}.",
            501,
        )


class TemplateError(Exception):
    """A template that cannot be deployed; carries every problem found, each with file:line:col."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
