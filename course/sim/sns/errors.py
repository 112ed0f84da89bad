"""Amazon SNS errors, with the codes and HTTP statuses of the SNS API Reference ("Errors" of CreateTopic,
GetTopicAttributes and DeleteTopic) as botocore's SNS model carries them."""

from course.sim.errors import ServiceError


class SNSError(ServiceError):
    service = "sns"


class InvalidParameterException(SNSError):
    code = "InvalidParameter"


class NotFoundException(SNSError):
    code = "NotFound"
    status = 404
