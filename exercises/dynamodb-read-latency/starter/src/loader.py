"""Fills the catalogue: 60 products, p01 to p60, each with a long description. Leave it as it is."""

import os

import boto3

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")


def product(n):
    return {
        "sku": {"S": f"p{n:02d}"},
        "name": {"S": f"Product {n}"},
        "price": {"N": str(5 + n)},
        "stock": {"N": "10"},
        "barcode": {"S": f"40000{n:03d}"},
        "description": {"S": f"Product {n}. " + "A fine thing to own. " * 140},
    }


def handler(event, context):
    items = [product(n) for n in range(1, 61)]
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        dynamodb.batch_write_item(RequestItems={TABLE: batch})
    return {"loaded": len(items)}
