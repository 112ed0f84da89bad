"""How long DynamoDB takes to answer, as the call log's ``latency_ms`` reports it.

AWS publishes an order of magnitude, not figures: DynamoDB answers in "single-digit
milliseconds" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Introduction.html).
Every number here is an ASSUMPTION inside that range, named so a check or lesson can say where it
came from; DAX's figures (``course/sim/dax/latency.py``) build on these.
"""

from __future__ import annotations

#: ASSUMPTION: a DynamoDB request answered by the table ("single-digit milliseconds"), per
#: operation. Multi-item and conditional operations are given a little more than single-item ones.
DYNAMODB_MS = {
    "GetItem": 4.0,
    "BatchGetItem": 6.0,
    "Query": 6.0,
    "Scan": 9.0,
    "PutItem": 5.0,
    "UpdateItem": 5.0,
    "DeleteItem": 5.0,
    "BatchWriteItem": 8.0,
    "TransactGetItems": 8.0,
    "TransactWriteItems": 9.0,
}
#: ASSUMPTION: any DynamoDB operation not listed above.
DYNAMODB_DEFAULT_MS = 5.0

def dynamodb_ms(operation: str) -> float:
    return DYNAMODB_MS.get(operation, DYNAMODB_DEFAULT_MS)
