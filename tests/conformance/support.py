"""Shared pieces of the DynamoDB conformance suite: table definitions and error helpers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

#: A table keyed by a string partition key and a number sort key.
PK_SK = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                             {"AttributeName": "sk", "AttributeType": "N"}],
    "BillingMode": "PAY_PER_REQUEST",
}
#: A table keyed by a string partition key alone.
PK_ONLY = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def refused(call, *args, **kwargs) -> tuple[str, str]:
    """Run a call that must fail; return its (error code, message)."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def invalid(call, *args, **kwargs) -> str:
    """Run a call that must fail with a 400 ValidationException; return the message."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    assert response["Error"]["Code"] == "ValidationException", response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Message"]
