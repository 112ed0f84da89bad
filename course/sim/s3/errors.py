"""The errors the simulated S3 answers with, one class per AWS error code.

Codes and HTTP statuses come from the Amazon S3 API Reference's error code list
(https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList) and the
"Errors" sections of the action pages (API_CreateBucket.html, API_HeadObject.html, ...). S3 puts
the bucket or key in question beside the message, so callers pass ``BucketName`` or ``Key`` in
``extra``.
"""

from __future__ import annotations

from course.sim.errors import ServiceError


class S3Error(ServiceError):
    service = "s3"


class InvalidArgument(S3Error):
    pass


class InvalidBucketName(S3Error):
    pass


class NoSuchBucket(S3Error):
    status = 404


class NoSuchKey(S3Error):
    status = 404


class NotFound(S3Error):
    """A HEAD request's miss: the response has no body to name an error in, so botocore reports
    the status itself as the code (``err.response["Error"]["Code"] == "404"``)."""

    code = "404"
    status = 404


class BucketAlreadyOwnedByYou(S3Error):
    status = 409


class BucketNotEmpty(S3Error):
    status = 409
