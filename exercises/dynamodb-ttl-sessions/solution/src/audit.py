"""Record every session that expired, from the sessions table's stream."""

import os

import boto3

AUDIT = boto3.client("dynamodb")
AUDIT_TABLE = os.environ["AUDIT_TABLE"]
# The identity DynamoDB puts on the REMOVE records of its own TTL deletions; a user's DeleteItem
# (a logout) has no userIdentity at all.
TTL_DELETE = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def is_ttl_delete(record):
    identity = record.get("userIdentity") or {}
    return (record["eventName"] == "REMOVE" and identity.get("type") == TTL_DELETE["type"]
            and identity.get("principalId") == TTL_DELETE["principalId"])


def handler(event, context):
    for record in event["Records"]:
        if not is_ttl_delete(record):
            continue
        # The stream's view type must include the old image: it is all that is left of the item.
        old = record["dynamodb"]["OldImage"]
        AUDIT.put_item(TableName=AUDIT_TABLE, Item={
            "sessionId": old["sessionId"],
            "userId": old["userId"],
            "expiresAt": old["expiresAt"],
            "reason": {"S": "expired"},
        })
    return {}
