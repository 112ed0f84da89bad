"""Log in, read a session, log out."""

import os
import time

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["SESSIONS_TABLE"])


def handler(event, context):
    action = event["action"]
    now = int(time.time())
    if action == "login":
        # TTL wants epoch *seconds* in a Number attribute.
        expires_at = now + int(event["ttlSeconds"])
        TABLE.put_item(Item={"sessionId": event["sessionId"], "userId": event["userId"],
                             "expiresAt": expires_at})
        return {"sessionId": event["sessionId"], "expiresAt": expires_at}
    if action == "get":
        item = TABLE.get_item(Key={"sessionId": event["sessionId"]}).get("Item")
        # TTL deletes expired items some time after they expire, not at once: until then they are
        # still returned by reads, so the read path must check the expiry itself.
        if item is None or int(item["expiresAt"]) <= now:
            return {"found": False}
        return {"found": True, "userId": item["userId"], "expiresAt": int(item["expiresAt"])}
    if action == "logout":
        TABLE.delete_item(Key={"sessionId": event["sessionId"]})
        return {"loggedOut": True}
    raise ValueError(f"unknown action {action!r}")
