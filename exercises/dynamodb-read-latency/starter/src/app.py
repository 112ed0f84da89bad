"""The shop's catalogue: product pages, checkout, and lookups by barcode."""

import os

import boto3

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    action = event.get("action")
    if action == "browse":
        # One product page per view; the same few best sellers are viewed over and over.
        skus = event["skus"] * int(event.get("repeat", 1))
        return {"pages": [product_page(sku) for sku in skus]}
    if action == "checkout":
        return checkout(event["sku"], int(event.get("quantity", 1)))
    if action == "lookup":
        return {"found": [find_by_barcode(code) for code in event["barcodes"]]}
    return {"error": f"unknown action {action}"}


def product_page(sku):
    """A product page may show data a few minutes old."""
    item = dynamodb.get_item(TableName=TABLE, Key={"sku": {"S": sku}}).get("Item")
    if item is None:
        return {"sku": sku, "error": "no such product"}
    return {"sku": sku, "name": item["name"]["S"], "price": int(item["price"]["N"]),
            "in_stock": int(item["stock"]["N"]) > 0}


def checkout(sku, quantity):
    """Checkout must see the stock as it is now: the warehouse changes it at any time."""
    item = dynamodb.get_item(TableName=TABLE, Key={"sku": {"S": sku}}, ConsistentRead=True).get("Item")
    if item is None:
        return {"error": f"no such product {sku}"}
    stock = int(item["stock"]["N"])
    if stock < quantity:
        return {"error": f"{sku} is sold out", "stock": stock}
    dynamodb.update_item(TableName=TABLE, Key={"sku": {"S": sku}},
                         UpdateExpression="SET stock = stock - :q", ConditionExpression="stock >= :q",
                         ExpressionAttributeValues={":q": {"N": str(quantity)}})
    return {"ordered": quantity, "remaining": stock - quantity}


def find_by_barcode(code):
    """The till scans a barcode and needs the product's sku."""
    params = {"TableName": TABLE, "FilterExpression": "barcode = :b",
              "ExpressionAttributeValues": {":b": {"S": code}}, "ProjectionExpression": "sku"}
    while True:
        page = dynamodb.scan(**params)
        if page["Items"]:
            return page["Items"][0]["sku"]["S"]
        if "LastEvaluatedKey" not in page:
            return None
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
