"""Book items of one product against the shop's stock counter.

Event:  {"sku": "widget", "quantity": 2}
Answer: {"booked": 2, "remaining": 13}  or  {"error": "..."} when the stock is too low.
"""

import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    sku, quantity = event["sku"], int(event["quantity"])

    item = TABLE.get_item(Key={"sku": sku}, ConsistentRead=True)["Item"]
    stock = int(item["stock"])
    if stock < quantity:
        return {"error": f"sold out: only {stock} of {sku} left"}

    item["stock"] = stock - quantity
    TABLE.put_item(Item=item)
    return {"booked": quantity, "remaining": stock - quantity}
