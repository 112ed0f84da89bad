"""The shop's data access: one Lambda function, one DynamoDB table.

The event names an access pattern and its arguments, for example
    {"pattern": "orders_for_customer", "customer": "C1"}
and the function answers {"ids": [...]}: the ids of the customers or orders found, in the order
the pattern asks for. The "put" pattern loads the shop's data; it decides how customers and
orders are laid out in the table, so change it together with the reads.
"""

import os

import boto3
from boto3.dynamodb.conditions import Attr

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def put(event):
    """Write every customer and order. Here each one is an item of its own, keyed by its id."""
    with table.batch_writer() as batch:
        for customer in event["customers"]:
            batch.put_item(Item={"pk": customer["id"], "sk": "customer", **customer})
        for order in event["orders"]:
            batch.put_item(Item={"pk": order["id"], "sk": "order", **order})
    return {"ids": []}


def scan_all(condition):
    """Every item the condition accepts. A Scan reads the whole table, page by page."""
    items, start = [], {}
    while True:
        page = table.scan(FilterExpression=condition, **start)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def customer(event):
    """A customer by id."""
    found = scan_all(Attr("sk").eq("customer") & Attr("id").eq(event["customer"]))
    return {"ids": [c["id"] for c in found]}


def orders_for_customer(event):
    """A customer's orders, newest first."""
    found = scan_all(Attr("sk").eq("order") & Attr("customer").eq(event["customer"]))
    found.sort(key=lambda order: order["placed"], reverse=True)
    return {"ids": [o["id"] for o in found]}


def order(event):
    """An order by its id."""
    found = scan_all(Attr("sk").eq("order") & Attr("id").eq(event["order"]))
    return {"ids": [o["id"] for o in found]}


def open_orders(event):
    """Every customer's orders with status OPEN, oldest first: the warehouse's queue."""
    found = scan_all(Attr("sk").eq("order") & Attr("status").eq("OPEN"))
    found.sort(key=lambda order: order["placed"])
    return {"ids": [o["id"] for o in found]}


PATTERNS = {"put": put, "customer": customer, "orders_for_customer": orders_for_customer, "order": order,
            "open_orders": open_orders}


def handler(event, context):
    return PATTERNS[event["pattern"]](event)
