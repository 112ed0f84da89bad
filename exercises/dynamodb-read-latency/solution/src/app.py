"""The shop's catalogue: product pages, checkout, and lookups by barcode."""

import os

import boto3
from amazondax import AmazonDaxClient

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")
# Same methods as the DynamoDB client; eventually consistent reads are served from DAX's caches.
dax = AmazonDaxClient(endpoint_url=os.environ["DAX_ENDPOINT"])


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
    """A product page may show data a few minutes old: an eventually consistent read through DAX."""
    item = dax.get_item(TableName=TABLE, Key={"sku": {"S": sku}}).get("Item")
    if item is None:
        return {"sku": sku, "error": "no such product"}
    return {"sku": sku, "name": item["name"]["S"], "price": int(item["price"]["N"]),
            "in_stock": int(item["stock"]["N"]) > 0}


def checkout(sku, quantity):
    """Checkout must see the stock as it is now: a strongly consistent read, which DAX would only
    pass through to DynamoDB anyway. The write goes through DAX so the item cache is updated."""
    item = dynamodb.get_item(TableName=TABLE, Key={"sku": {"S": sku}}, ConsistentRead=True).get("Item")
    if item is None:
        return {"error": f"no such product {sku}"}
    stock = int(item["stock"]["N"])
    if stock < quantity:
        return {"error": f"{sku} is sold out", "stock": stock}
    dax.update_item(TableName=TABLE, Key={"sku": {"S": sku}},
                    UpdateExpression="SET stock = stock - :q", ConditionExpression="stock >= :q",
                    ExpressionAttributeValues={":q": {"N": str(quantity)}})
    return {"ordered": quantity, "remaining": stock - quantity}


def find_by_barcode(code):
    """Each barcode is looked up about once, so a cache would only miss: a Query on the
    by-barcode index reads the one matching entry."""
    page = dynamodb.query(TableName=TABLE, IndexName="by-barcode", KeyConditionExpression="barcode = :b",
                          ExpressionAttributeValues={":b": {"S": code}})
    return page["Items"][0]["sku"]["S"] if page["Items"] else None
