"""The errors the simulated DynamoDB Streams API answers with, one class per AWS error code.

Codes come from the "Errors" section of the DynamoDB Streams actions in the Amazon DynamoDB API
Reference (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html,
API_streams_GetShardIterator.html, API_streams_DescribeStream.html, API_streams_ListStreams.html)
and ValidationException from its CommonErrors.html; all are HTTP 400, as DynamoDB's are. The
stream records live in ``course.sim.dynamodb.streams``, which raises these same classes: a learner
reading a stream meets the Streams API's errors, whichever module noticed the problem.
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class StreamsError(ServiceError):
    service = "dynamodbstreams"


class ValidationException(StreamsError):
    pass


class ResourceNotFoundException(StreamsError):
    pass


class LimitExceededException(StreamsError):
    """A shard read by more pollers at once than DynamoDB Streams allows."""


class ExpiredIteratorException(StreamsError):
    """A shard iterator used more than 15 minutes after it was returned."""


class TrimmedDataAccessException(StreamsError):
    """A position older than the stream's 24-hour trim point."""
