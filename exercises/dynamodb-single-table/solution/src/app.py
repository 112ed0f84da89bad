"""The shop's data access: one Lambda function, one DynamoDB table.

The event names an access pattern and its arguments, for example
    {"pattern": "orders_for_customer", "customer": "C1"}
and the function answers {"ids": [...]}: the ids of the customers or orders found, in the order
the pattern asks for. The "put" pattern loads the shop's data; it decides how customers and
orders are laid out in the table, so change it together with the reads.

Layout: a customer and its orders share one partition (pk = CUSTOMER#<id>). The profile has
sk = PROFILE; each order has sk = ORDER#<placed>#<id>, so the partition keeps a customer's orders
in date order. Two global secondary indexes serve the patterns the table key cannot: by-order
(an order by its id) and by-status (orders of one status, by date).
"""

import os

import boto3
from boto3.dynamodb.conditions import Key

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def put(event):
    with table.batch_writer() as batch:
        for customer in event["customers"]:
            batch.put_item(Item={"pk": f"CUSTOMER#{customer['id']}", "sk": "PROFILE", **customer})
        for order in event["orders"]:
            batch.put_item(Item={"pk": f"CUSTOMER#{order['customer']}",
                                 "sk": f"ORDER#{order['placed']}#{order['id']}",
                                 "order_id": order["id"], **order})
    return {"ids": []}


def customer(event):
    found = table.get_item(Key={"pk": f"CUSTOMER#{event['customer']}", "sk": "PROFILE"}).get("Item")
    return {"ids": [found["id"]] if found else []}


def orders_for_customer(event):
    page = table.query(KeyConditionExpression=Key("pk").eq(f"CUSTOMER#{event['customer']}")
                       & Key("sk").begins_with("ORDER#"), ScanIndexForward=False)
    return {"ids": [o["id"] for o in page["Items"]]}


def order(event):
    page = table.query(IndexName="by-order", KeyConditionExpression=Key("order_id").eq(event["order"]))
    return {"ids": [o["id"] for o in page["Items"]]}


def open_orders(event):
    page = table.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("OPEN"))
    return {"ids": [o["id"] for o in page["Items"]]}


PATTERNS = {"put": put, "customer": customer, "orders_for_customer": orders_for_customer, "order": order,
            "open_orders": open_orders}


def handler(event, context):
    return PATTERNS[event["pattern"]](event)
