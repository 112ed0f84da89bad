"""Records a batch of orders: {"orders": [{"id": "...", "date": "2026-03-14", "total": 42}, ...]}.

Each order is one item. The reporting job reads a day's orders back, so the day is in the key.
"""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    with table.batch_writer() as batch:
        for order in event["orders"]:
            batch.put_item(Item={
                "orderDate": order["date"],
                "orderId": order["id"],
                "total": order["total"],
            })
    return {"stored": len(event["orders"])}
