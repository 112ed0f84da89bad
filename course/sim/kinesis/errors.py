"""The errors the simulated Kinesis Data Streams answers with, one class per AWS error code.

Codes come from the "Errors" section of each action's page in the Amazon Kinesis Data Streams
API Reference (https://docs.aws.amazon.com/kinesis/latest/APIReference/, e.g. API_CreateStream.html,
API_PutRecord.html, API_GetRecords.html) and ValidationException from its CommonErrors.html; each
is HTTP 400 there.
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class KinesisError(ServiceError):
    service = "kinesis"


class ValidationException(KinesisError):
    pass


class InvalidArgumentException(KinesisError):
    pass


class ResourceNotFoundException(KinesisError):
    pass


class ResourceInUseException(KinesisError):
    pass


class ExpiredIteratorException(KinesisError):
    """A shard iterator used more than five minutes after it was returned."""
