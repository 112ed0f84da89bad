"""The errors the simulated Lambda answers with, one class per AWS error code.

Codes and HTTP statuses are those of the "Errors" section of each action's page in the AWS Lambda
API Reference (https://docs.aws.amazon.com/lambda/latest/api/, e.g. API_Invoke.html,
API_CreateFunction.html, API_PutProvisionedConcurrencyConfig.html); ValidationException is the
common error of the same reference (CommonErrors.html). Lambda's client errors carry a top-level
``"Type": "User"`` field and its service errors ``"Type": "Service"``; a learner who prints
``err.response`` sees them, so they are sent as Lambda sends them.
"""

from __future__ import annotations

from course.sim.errors import ServiceError

_USER = {"Type": "User"}


class LambdaError(ServiceError):
    service = "lambda"


class ValidationException(LambdaError):
    """A request that breaks the API model's own constraints (a pattern, a range, an enum)."""


class InvalidParameterValueException(LambdaError):
    fields = _USER


class InvalidRequestContentException(LambdaError):
    """A request body Lambda cannot parse (an Invoke payload that is not JSON)."""

    fields = _USER


class ResourceNotFoundException(LambdaError):
    status = 404
    fields = _USER


class ResourceConflictException(LambdaError):
    status = 409
    fields = _USER


class PreconditionFailedException(LambdaError):
    """A RevisionId that no longer matches: someone else changed the function first."""

    status = 412
    fields = _USER


class ProvisionedConcurrencyConfigNotFoundException(LambdaError):
    status = 404
    fields = _USER


class RequestTooLargeException(LambdaError):
    status = 413
    fields = _USER


class TooManyRequestsException(LambdaError):
    """A throttled invocation; callers add ``Reason`` (which limit) and ``retryAfterSeconds``."""

    status = 429
    fields = _USER


class ServiceException(LambdaError):
    """Lambda's own failure, not the caller's: here, the simulator's runtime cannot start."""

    status = 500
    fields = {"Type": "Service"}
