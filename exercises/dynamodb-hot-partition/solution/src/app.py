"""Records a batch of orders: {"orders": [{"id": "...", "date": "2026-03-14", "total": 42}, ...]}.

Each order is one item. The reporting job reads a day's orders back, so the day is in the key,
with a shard suffix: a day's orders are spread over SHARDS partition key values, and reading a day
means one Query per shard ("2026-03-14#0" … "2026-03-14#9").
"""

import os
import zlib

import boto3

SHARDS = 10

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def shard_key(date, order_id):
    # A hash of the order id, not random: the same order always lands on the same shard,
    # so it can be read back by its key. zlib.crc32 is stable across processes (hash() is not).
    return f"{date}#{zlib.crc32(order_id.encode()) % SHARDS}"


def handler(event, context):
    with table.batch_writer() as batch:
        for order in event["orders"]:
            batch.put_item(Item={
                "pk": shard_key(order["date"], order["id"]),
                "orderId": order["id"],
                "orderDate": order["date"],
                "total": order["total"],
            })
    return {"stored": len(event["orders"])}
