"""Log in, read a session, log out."""

import os
import time

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["SESSIONS_TABLE"])


def handler(event, context):
    action = event["action"]
    if action == "login":
        expires_at = int(time.time() * 1000) + event["ttlSeconds"] * 1000
        TABLE.put_item(Item={"sessionId": event["sessionId"], "userId": event["userId"],
                             "expiresAt": expires_at})
        return {"sessionId": event["sessionId"], "expiresAt": expires_at}
    if action == "get":
        item = TABLE.get_item(Key={"sessionId": event["sessionId"]}).get("Item")
        if item is None:
            return {"found": False}
        return {"found": True, "userId": item["userId"], "expiresAt": int(item["expiresAt"])}
    if action == "logout":
        TABLE.delete_item(Key={"sessionId": event["sessionId"]})
        return {"loggedOut": True}
    raise ValueError(f"unknown action {action!r}")
