"""Amazon SQS errors. SQS speaks the JSON protocol, whose error code is the shape name; the codes and
HTTP statuses are those of the SQS API Reference ("Errors" of CreateQueue, GetQueueUrl,
GetQueueAttributes and DeleteQueue) as botocore's SQS model carries them (all 400)."""

from course.sim.errors import ServiceError


class SQSError(ServiceError):
    service = "sqs"


class QueueDoesNotExist(SQSError):
    pass


class QueueNameExists(SQSError):
    pass


class InvalidAttributeName(SQSError):
    pass


class InvalidAttributeValue(SQSError):
    pass


class InvalidParameterValue(SQSError):
    """A queue name that breaks the naming rules (the code CloudFormation reports for it)."""
