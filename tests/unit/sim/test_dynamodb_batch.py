"""BatchGetItem and BatchWriteItem through a real boto3 client."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim.dynamodb.errors import ProvisionedThroughputExceededException, ThrottlingException


class Meter:
    """A stand-in for a table's capacity meter that throttles the keys it is told to."""

    def __init__(self, throttled=(), everything=False):
        self.throttled = set(throttled)
        self.everything = everything
        self.admitted = []

    def consume(self, now, read=0.0, write=0.0, key=None, index=None):
        pk = key and next(iter(key["pk"].values()))
        if self.everything or pk in self.throttled:
            raise ProvisionedThroughputExceededException(
                "The level of configured provisioned throughput for the table was exceeded.")
        self.admitted.append((pk, read, write))


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    for name in ("orders", "users"):
        client.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
    return client


def put(pk, **attrs):
    return {"PutRequest": {"Item": {"pk": {"S": pk}, **attrs}}}


def key(pk):
    return {"pk": {"S": pk}}


def code(err):
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


# -- BatchWriteItem ---------------------------------------------------------------------------

def test_batch_write_puts_and_deletes_across_tables(ddb):
    ddb.put_item(TableName="users", Item={"pk": {"S": "old"}})
    out = ddb.batch_write_item(RequestItems={
        "orders": [put("o1", total={"N": "5"}), put("o2")],
        "users": [{"DeleteRequest": {"Key": key("old")}}, put("u1")],
    }, ReturnConsumedCapacity="TOTAL")
    assert out["UnprocessedItems"] == {}
    assert sorted(c["TableName"] for c in out["ConsumedCapacity"]) == ["orders", "users"]
    assert {c["TableName"]: c["WriteCapacityUnits"] for c in out["ConsumedCapacity"]} == {"orders": 2.0, "users": 2.0}
    assert ddb.get_item(TableName="orders", Key=key("o1"))["Item"]["total"] == {"N": "5"}
    assert "Item" not in ddb.get_item(TableName="users", Key=key("old"))
    assert "Item" in ddb.get_item(TableName="users", Key=key("u1"))


def test_batch_write_charges_each_item_by_its_size(ddb):
    out = ddb.batch_write_item(RequestItems={"orders": [put("big", blob={"S": "x" * 2500}), put("small")]},
                               ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == [{"TableName": "orders", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}]


def test_batch_write_accepts_25_and_refuses_26_requests(ddb):
    ddb.batch_write_item(RequestItems={"orders": [put(f"o{i}") for i in range(25)]})
    assert ddb.scan(TableName="orders", Select="COUNT")["Count"] == 25
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put(f"n{i}") for i in range(13)],
                                           "users": [put(f"n{i}") for i in range(13)]})
    assert code(err) == ("ValidationException", "Too many items requested for the BatchWriteItem call")
    assert ddb.scan(TableName="users", Select="COUNT")["Count"] == 0


def test_batch_write_refuses_two_requests_on_one_item_and_writes_nothing(ddb):
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("a"), put("b"), {"DeleteRequest": {"Key": key("a")}}]})
    assert code(err) == ("ValidationException", "Provided list of item keys contains duplicates")
    assert ddb.scan(TableName="orders", Select="COUNT")["Count"] == 0
    # The same key in two different tables is two items.
    ddb.batch_write_item(RequestItems={"orders": [put("a")], "users": [put("a")]})


def test_batch_write_needs_exactly_one_request_per_entry(ddb):
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": key("a")},
                                                       "DeleteRequest": {"Key": key("a")}}]})
    assert code(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={})
    assert code(err) == ("ValidationException", "The requestItems parameter is required for BatchWriteItem")


def test_batch_write_validates_items_before_writing_any(ddb):
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("fine"), {"PutRequest": {"Item": {"other": {"S": "x"}}}}]})
    assert code(err) == ("ValidationException", "One or more parameter values were invalid: Missing the key pk in the item")
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("fine"), put("huge", blob={"S": "x" * (400 * 1024)})]})
    assert code(err) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("fine")], "missing-table": [put("x")]})
    assert code(err)[0] == "ResourceNotFoundException"
    assert ddb.scan(TableName="orders", Select="COUNT")["Count"] == 0


def test_batch_write_returns_throttled_requests_as_unprocessed(acct, ddb):
    meter = acct.service("dynamodb").tables["orders"].meter = Meter(throttled={"hot"})
    out = ddb.batch_write_item(RequestItems={"orders": [put("cold"), put("hot", n={"N": "1"})]},
                               ReturnConsumedCapacity="TOTAL")
    assert out["UnprocessedItems"] == {"orders": [put("hot", n={"N": "1"})]}
    assert out["ConsumedCapacity"] == [{"TableName": "orders", "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}]
    assert [pk for pk, _, _ in meter.admitted] == ["cold"]
    meter.throttled.clear()
    assert "Item" not in ddb.get_item(TableName="orders", Key=key("hot"))
    # Retrying the unprocessed items once the key cools down writes them.
    assert ddb.batch_write_item(RequestItems=out["UnprocessedItems"])["UnprocessedItems"] == {}
    assert ddb.get_item(TableName="orders", Key=key("hot"))["Item"]["n"] == {"N": "1"}


def test_batch_write_fails_whole_only_when_every_request_is_throttled(acct, ddb):
    acct.service("dynamodb").tables["orders"].meter = Meter(everything=True)
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("a"), put("b")]})
    assert code(err)[0] == "ProvisionedThroughputExceededException"
    # One table throttled, another not: the call succeeds and hands back the throttled table's requests.
    out = ddb.batch_write_item(RequestItems={"orders": [put("a")], "users": [put("b")]})
    assert out["UnprocessedItems"] == {"orders": [put("a")]}


def test_batch_write_takes_no_conditions_and_refuses_item_collection_metrics(ddb):
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={"orders": [put("a")]}, ReturnItemCollectionMetrics="SIZE")
    assert code(err)[0] == "NotModeledBySimulator"


# -- BatchGetItem -----------------------------------------------------------------------------

@pytest.fixture
def filled(ddb):
    ddb.batch_write_item(RequestItems={"orders": [put(f"o{i}", n={"N": str(i)}, note={"S": "x" * 5000})
                                                  for i in range(5)],
                                       "users": [put("u1", name={"S": "Ada"})]})
    return ddb


def test_batch_get_reads_across_tables_and_leaves_out_missing_items(filled):
    out = filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("nope"), key("o3")]},
                                              "users": {"Keys": [key("ghost")]}})
    assert sorted(i["pk"]["S"] for i in out["Responses"]["orders"]) == ["o1", "o3"]
    assert out["Responses"]["users"] == []
    assert out["UnprocessedKeys"] == {}


def test_batch_get_projects_with_names(filled):
    out = filled.batch_get_item(RequestItems={"orders": {
        "Keys": [key("o2")], "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "n"}}})
    assert out["Responses"]["orders"] == [{"n": {"N": "2"}}]
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {
            "Keys": [key("o2")], "ProjectionExpression": "n", "ExpressionAttributeNames": {"#n": "n"}}})
    assert code(err)[0] == "ValidationException"
    assert "unused" in code(err)[1]


def test_batch_get_capacity_rounds_per_item_and_halves_eventual_reads(filled):
    # Each order is about 5 KB: two 4 KB blocks per item, rounded per item (not summed first).
    strong = filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("o2")], "ConsistentRead": True},
                                                 "users": {"Keys": [key("u1")]}},
                                   ReturnConsumedCapacity="TOTAL")
    assert {c["TableName"]: c["ReadCapacityUnits"] for c in strong["ConsumedCapacity"]} == {"orders": 4.0, "users": 0.5}


def test_batch_get_accepts_100_keys_and_refuses_101(filled):
    keys = [key(f"k{i}") for i in range(100)]
    assert filled.batch_get_item(RequestItems={"orders": {"Keys": keys}})["Responses"]["orders"] == []
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {"Keys": keys[:60]}, "users": {"Keys": keys[:41]}})
    assert code(err) == ("ValidationException", "Too many items requested for the BatchGetItem call")


def test_batch_get_refuses_duplicate_keys(filled):
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("o2"), key("o1")]}})
    assert code(err) == ("ValidationException", "Provided list of item keys contains duplicates")


def test_batch_get_refuses_bad_keys_missing_tables_and_legacy_parameters(filled):
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {"Keys": [{"id": {"S": "o1"}}]}})
    assert code(err) == ("ValidationException", "The provided key element does not match the schema")
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"nothere": {"Keys": [key("o1")]}})
    assert code(err)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1")], "AttributesToGet": ["n"]}})
    assert code(err)[0] == "NotModeledBySimulator"
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={})
    assert code(err) == ("ValidationException", "The requestItems parameter is required for BatchGetItem")


def test_batch_get_stops_at_16_mb_and_returns_the_rest_as_unprocessed(acct, ddb):
    blob = {"S": "x" * (390 * 1024)}
    for start in range(0, 50, 10):  # 10 x 390 WCU a second stays under a new on-demand table's 4,000
        ddb.batch_write_item(RequestItems={"orders": [put(f"o{i:02d}", blob=blob) for i in range(start, start + 10)]})
        acct.clock.advance(1)
    keys = [key(f"o{i:02d}") for i in range(50)]
    out = ddb.batch_get_item(RequestItems={"orders": {"Keys": keys, "ConsistentRead": True}})
    got = out["Responses"]["orders"]
    left = out["UnprocessedKeys"]["orders"]
    assert sum(len(i["blob"]["S"]) for i in got) <= 16 * 1024 * 1024
    assert len(got) == 42 and len(left["Keys"]) == 8
    assert left["ConsistentRead"] is True
    assert {i["pk"]["S"] for i in got} | {k["pk"]["S"] for k in left["Keys"]} == {f"o{i:02d}" for i in range(50)}
    again = ddb.batch_get_item(RequestItems=out["UnprocessedKeys"])
    assert len(again["Responses"]["orders"]) == 8 and again["UnprocessedKeys"] == {}


def test_batch_get_hands_back_throttled_keys(acct, filled):
    acct.service("dynamodb").tables["orders"].meter = Meter(throttled={"o2"})
    out = filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("o2")], "ProjectionExpression": "n"}},
                                ReturnConsumedCapacity="TOTAL")
    assert out["Responses"]["orders"] == [{"n": {"N": "1"}}]
    assert out["UnprocessedKeys"] == {"orders": {"Keys": [key("o2")], "ProjectionExpression": "n"}}
    assert out["ConsumedCapacity"] == [{"TableName": "orders", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}]


def test_batch_get_fails_whole_only_when_every_key_is_throttled(acct, filled):
    acct.service("dynamodb").tables["orders"].meter = Meter(everything=True)
    with pytest.raises(ClientError) as err:
        filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("o2")]}})
    assert code(err)[0] == "ProvisionedThroughputExceededException"
    out = filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1")]}, "users": {"Keys": [key("u1")]}})
    assert out["Responses"]["users"][0]["name"] == {"S": "Ada"}
    assert out["UnprocessedKeys"] == {"orders": {"Keys": [key("o1")]}}


def test_batch_calls_record_their_units_in_the_call_log(acct, filled):
    filled.batch_get_item(RequestItems={"orders": {"Keys": [key("o1"), key("o2")], "ConsistentRead": True}})
    entry = acct.calls[-1]
    assert entry["operation"] == "BatchGetItem" and entry["read_units"] == 4.0


def test_batch_write_reports_secondary_index_units_per_index(ddb):
    ddb.create_table(TableName="tickets", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "status", "AttributeType": "S"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                              "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                     BillingMode="PAY_PER_REQUEST")
    out = ddb.batch_write_item(RequestItems={"tickets": [put("t1", status={"S": "OPEN"}), put("t2")]},
                               ReturnConsumedCapacity="INDEXES")
    (consumed,) = out["ConsumedCapacity"]
    assert consumed["Table"]["WriteCapacityUnits"] == 2.0
    # Only t1 has the index key, so only it is written to the (sparse) index.
    assert consumed["GlobalSecondaryIndexes"] == {"by-status": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}
    assert consumed["CapacityUnits"] == 3.0


def test_batch_write_hands_back_a_request_its_index_throttles(acct, ddb):
    ddb.create_table(TableName="tickets", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "status", "AttributeType": "S"}],
                     GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                              "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                     BillingMode="PAY_PER_REQUEST")

    class IndexMeter(Meter):
        def consume(self, now, read=0.0, write=0.0, key=None, index=None):
            if index == "by-status":
                raise ThrottlingException("index throttled")

    acct.service("dynamodb").tables["tickets"].meter = IndexMeter()
    out = ddb.batch_write_item(RequestItems={"tickets": [put("t1", status={"S": "OPEN"}), put("t2")]})
    assert out["UnprocessedItems"] == {"tickets": [put("t1", status={"S": "OPEN"})]}
    acct.service("dynamodb").tables["tickets"].meter = None
    assert "Item" not in ddb.get_item(TableName="tickets", Key=key("t1"))
    assert "Item" in ddb.get_item(TableName="tickets", Key=key("t2"))
