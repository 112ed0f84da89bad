"""Errors the simulator raises, shaped like AWS's so the bridge can hand them to botocore.

Each service declares its errors as classes in its own ``errors.py``: the class name is AWS's
error code (``ResourceNotFoundException``), the class carries the HTTP status and any fields the
error always has (Lambda's ``"Type": "User"``), and code raises and catches by class::

    class DynamoDBError(ServiceError):
        service = "dynamodb"

    class ConditionalCheckFailedException(DynamoDBError):
        pass

    raise ConditionalCheckFailedException("The conditional request failed")

The bridge reads ``code``, ``message``, ``status`` and ``extra`` from any ``AwsError``, whatever
its class.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AwsError(Exception):
    """An error a service answers with: the AWS error code, message and HTTP status.

    ``extra`` holds additional top-level fields some errors carry (Lambda's
    ``TooManyRequestsException`` has ``Reason`` and ``retryAfterSeconds``, say). Built directly,
    ``AwsError(code, message, status)`` stands for an error no service declares (a stand-in
    service in a test, or an error relayed from a worker); services raise their typed subclasses.
    """

    def __init__(self, code: str, message: str, status: int = 400, extra: dict | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


class ServiceError(AwsError):
    """The base of a service's typed errors; subclasses are named after AWS's error code.

    Class attributes: ``code`` (defaults to the class name; set it where AWS's code is not a valid
    class name, such as S3's ``NoSuchKey`` which is, or DynamoDB Streams' codes that it shares),
    ``status`` (HTTP status, 400 unless set), ``fields`` (top-level fields every instance carries).
    """

    code: ClassVar[str] = ""
    status: ClassVar[int] = 400
    service: ClassVar[str] = ""
    fields: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = cls.__name__

    def __init__(self, message: str, *, extra: dict | None = None, status: int | None = None):
        Exception.__init__(self, f"{self.code}: {message}")
        self.message = message
        if status is not None:
            self.status = status
        self.extra = {**self.fields, **(extra or {})}


class NotModeled(ServiceError):
    """Something AWS offers that the simulator does not model, refused loudly (HTTP 501) so a learner
    never believes a feature worked when it was silently dropped.

    ``NotModeled(service, what)`` says ``Coldstart's simulator does not model <service> <what>.``;
    ``NotModeled.operation(...)`` refuses a whole operation and lists the ones that are modeled;
    ``NotModeled.said(message)`` takes a whole sentence for refusals that explain more.
    """

    code = "NotModeledBySimulator"
    status = 501

    def __init__(self, service: str, what: str):
        super().__init__(f"Coldstart's simulator does not model {service} {what}.")

    @classmethod
    def said(cls, message: str) -> "NotModeled":
        error = cls.__new__(cls)
        ServiceError.__init__(error, message)
        return error

    @classmethod
    def operation(cls, service: str, operation: str, modeled: list[str]) -> "NotModeled":
        shown = ", ".join(sorted(modeled)) or "none"
        return cls.said(f"Coldstart's simulator does not model {service}:{operation}. "
                        f"Modeled {service} operations: {shown}.")


class TemplateError(Exception):
    """A template that cannot be deployed; carries every problem found, each with file:line:col."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
