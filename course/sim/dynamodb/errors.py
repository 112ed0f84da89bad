"""The errors the simulated DynamoDB answers with, one class per AWS error code.

Codes come from the "Errors" section of each action's page in the Amazon DynamoDB API Reference
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/, e.g. API_PutItem.html,
API_TransactWriteItems.html, API_RestoreTableToPointInTime.html, API_ExportTableToPointInTime.html)
and ValidationException from its CommonErrors.html. DynamoDB answers every client error with HTTP
400 (the developer guide's Programming.Errors.html: "400 error codes"), so no class here sets a
status. The DynamoDB Streams API's errors are the ``dynamodbstreams`` package's, even where
``streams.py`` in this package raises them.
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class DynamoDBError(ServiceError):
    service = "dynamodb"


class ValidationException(DynamoDBError):
    """Every problem with the request itself: values, expressions, keys, table definitions."""


class ResourceNotFoundException(DynamoDBError):
    pass


class ResourceInUseException(DynamoDBError):
    pass


class LimitExceededException(DynamoDBError):
    pass


class ConditionalCheckFailedException(DynamoDBError):
    #: Size of the item whose condition failed (None when there was none): a single-item write
    #: whose condition fails is still charged write capacity for it.
    existing_size: int | None = None


class TransactionCanceledException(DynamoDBError):
    """Carries ``CancellationReasons``, one per action, which botocore lifts into ``err.response``."""


class IdempotentParameterMismatchException(DynamoDBError):
    pass


class ItemCollectionSizeLimitExceededException(DynamoDBError):
    pass


class Throttled(DynamoDBError):
    """What the capacity meter refuses a request with; never raised itself.

    A provisioned table answers ProvisionedThroughputExceededException and an on-demand one
    ThrottlingException; both say, in ``ThrottlingReasons``, which limit refused the request
    (``TableWriteProvisionedThroughputExceeded``, ``IndexReadKeyRangeThroughputExceeded``, ...),
    and ``reason`` keeps that for scenarios that count throttles by cause.
    """

    def __init__(self, message: str, *, reason: str | None = None, resource: str | None = None):
        super().__init__(message, extra={"ThrottlingReasons": [{"reason": reason, "resource": resource}]}
                         if reason else None)
        self.reason = reason


class ProvisionedThroughputExceededException(Throttled):
    pass


class ThrottlingException(Throttled):
    pass


# -- backups and point-in-time recovery ---------------------------------------------------------

class TableNotFoundException(DynamoDBError):
    pass


class SourceTableNotFoundException(DynamoDBError):
    """RestoreTableToPointInTime's missing source table, as the simulator has always answered it;
    that action's Errors section in the API Reference names TableNotFoundException instead."""


class TableAlreadyExistsException(DynamoDBError):
    pass


class BackupNotFoundException(DynamoDBError):
    pass


class BackupInUseException(DynamoDBError):
    pass


class PointInTimeRecoveryUnavailableException(DynamoDBError):
    pass


class InvalidRestoreTimeException(DynamoDBError):
    pass


# -- exports to and imports from S3 -------------------------------------------------------------

class ExportConflictException(DynamoDBError):
    pass


class ExportNotFoundException(DynamoDBError):
    pass


class InvalidExportTimeException(DynamoDBError):
    pass


class ImportConflictException(DynamoDBError):
    pass


class ImportNotFoundException(DynamoDBError):
    pass
