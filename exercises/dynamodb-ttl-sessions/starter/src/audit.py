"""Record every session that expired, from the sessions table's stream."""

import os

import boto3

AUDIT = boto3.client("dynamodb")
AUDIT_TABLE = os.environ["AUDIT_TABLE"]


def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] != "REMOVE":
            continue
        # TODO: only sessions that *expired* belong in the audit, not the ones users logged out of.
        old = record["dynamodb"]["OldImage"]
        AUDIT.put_item(TableName=AUDIT_TABLE, Item={
            "sessionId": old["sessionId"],
            "userId": old["userId"],
            "expiresAt": old["expiresAt"],
            "reason": {"S": "expired"},
        })
    return {}
