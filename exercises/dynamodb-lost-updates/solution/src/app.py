"""Book items of one product against the shop's stock counter.

Event:  {"sku": "widget", "quantity": 2}
Answer: {"booked": 2, "remaining": 13}  or  {"error": "..."} when the stock is too low.

Optimistic locking: every writer adds 1 to the item's ``version``. The write is conditional on the
version this invocation read, so if anyone wrote in between, DynamoDB refuses it with
ConditionalCheckFailedException and the handler reads again and retries with fresh figures.
"""

import os

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
MAX_ATTEMPTS = 5


def handler(event, context):
    sku, quantity = event["sku"], int(event["quantity"])

    for _ in range(MAX_ATTEMPTS):
        item = TABLE.get_item(Key={"sku": sku}, ConsistentRead=True)["Item"]
        stock, version = int(item["stock"]), int(item.get("version", 0))
        if stock < quantity:
            return {"error": f"sold out: only {stock} of {sku} left"}
        try:
            TABLE.update_item(
                Key={"sku": sku},
                UpdateExpression="SET stock = :new, version = :next",
                ConditionExpression="version = :seen",
                ExpressionAttributeValues={":new": stock - quantity, ":next": version + 1, ":seen": version},
            )
            return {"booked": quantity, "remaining": stock - quantity}
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # Someone else changed the item since we read it: read again and retry.
    return {"error": f"could not book {sku}: the stock kept changing, try again"}
