"""DynamoDB tables, items, Query and Scan, driven through a real botocore client."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


HASH_RANGE = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
    BillingMode="PAY_PER_REQUEST",
)


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="events", **HASH_RANGE)
    return client


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def fill(ddb, pk="user", count=10, pad=""):
    for n in range(count):
        ddb.put_item(TableName="events", Item={**key(pk, n), "kind": {"S": "even" if n % 2 == 0 else "odd"},
                                               "pad": {"S": pad or "x"}})


def code(caught):
    return caught.value.response["Error"]["Code"]


def message(caught):
    return caught.value.response["Error"]["Message"]


# -- tables ----------------------------------------------------------------------------------------

def test_create_describe_list_delete(ddb):
    table = ddb.describe_table(TableName="events")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/events"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == HASH_RANGE["KeySchema"]
    ddb.create_table(TableName="audit", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 2})
    assert ddb.list_tables()["TableNames"] == ["audit", "events"]
    page = ddb.list_tables(Limit=1)
    assert page["TableNames"] == ["audit"] and page["LastEvaluatedTableName"] == "audit"
    assert ddb.list_tables(ExclusiveStartTableName="audit")["TableNames"] == ["events"]
    audit = ddb.describe_table(TableName="audit")["Table"]
    assert audit["ProvisionedThroughput"]["ReadCapacityUnits"] == 5 and "BillingModeSummary" not in audit
    assert ddb.delete_table(TableName="audit")["TableDescription"]["TableStatus"] == "DELETING"
    assert ddb.list_tables()["TableNames"] == ["events"]


def test_item_count_and_size_are_described(ddb):
    fill(ddb, count=3)
    table = ddb.describe_table(TableName="events")["Table"]
    assert table["ItemCount"] == 3 and table["TableSizeBytes"] > 0


def test_duplicate_table_is_resource_in_use(ddb):
    with pytest.raises(ddb.exceptions.ResourceInUseException):
        ddb.create_table(TableName="events", **HASH_RANGE)


def test_provisioned_needs_throughput_and_on_demand_refuses_it(acct):
    ddb = acct.client("dynamodb")
    schema = dict(KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="one", BillingMode="PROVISIONED", **schema)
    assert code(caught) == "ValidationException" and "ReadCapacityUnits and WriteCapacityUnits" in message(caught)
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="two", BillingMode="PAY_PER_REQUEST",
                         ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}, **schema)
    assert "PAY_PER_REQUEST" in message(caught)
    assert ddb.list_tables()["TableNames"] == []


@pytest.mark.parametrize("schema, fragment", [
    ([{"AttributeName": "a", "KeyType": "RANGE"}], "first KeySchemaElement is not a HASH"),
    ([{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "a", "KeyType": "RANGE"}], "same name"),
    ([{"AttributeName": "b", "KeyType": "HASH"}], "not defined in AttributeDefinitions"),
])
def test_key_schema_is_validated(acct, schema, fragment):
    ddb = acct.client("dynamodb")
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="bad", KeySchema=schema, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}])
    assert code(caught) == "ValidationException" and fragment in message(caught)


def test_extra_attribute_definitions_are_refused(acct):
    ddb = acct.client("dynamodb")
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="bad", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                         BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"},
                                               {"AttributeName": "b", "AttributeType": "S"}])
    assert "does not exactly match" in message(caught)


def test_update_table_switches_billing(ddb, acct):
    acct.clock.advance(3600)
    updated = ddb.update_table(TableName="events", BillingMode="PROVISIONED",
                               ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    table = updated["TableDescription"]
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="events", ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    assert "will not change" in message(caught)


def test_missing_table_is_resource_not_found(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName="nope")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.get_item(TableName="nope", Key=key("a", 1))
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.query(TableName="nope", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})


# -- single items ----------------------------------------------------------------------------------

EVERY_TYPE = {
    "s": {"S": "héllo"}, "n": {"N": "1.50"}, "b": {"B": b"\x00\xff"}, "t": {"BOOL": True}, "z": {"NULL": True},
    "l": {"L": [{"S": "a"}, {"N": "2"}]}, "m": {"M": {"inner": {"SS": ["x", "y"]}}},
    "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2.0"]}, "bs": {"BS": [b"a", b"b"]}, "e": {"S": ""},
}


def test_put_get_round_trip_of_every_type(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), **EVERY_TYPE})
    item = ddb.get_item(TableName="events", Key=key("a", 1), ConsistentRead=True)["Item"]
    expected = {**key("a", 1), **EVERY_TYPE, "n": {"N": "1.5"}, "ns": {"NS": ["1", "2"]}}
    assert item == expected


def test_get_missing_item_has_no_item_and_costs_half_a_unit(ddb):
    got = ddb.get_item(TableName="events", Key=key("a", 1), ReturnConsumedCapacity="TOTAL")
    assert "Item" not in got
    assert got["ConsumedCapacity"] == {"TableName": "events", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}


def test_get_with_projection_and_consistent_read_capacity(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), "big": {"S": "x" * 5000}, "name": {"S": "n"}})
    got = ddb.get_item(TableName="events", Key=key("a", 1), ProjectionExpression="#n, sk",
                       ExpressionAttributeNames={"#n": "name"}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert got["Item"] == {"name": {"S": "n"}, "sk": {"N": "1"}}
    assert got["ConsumedCapacity"]["CapacityUnits"] == 2.0  # ~5 KB rounds up to two 4 KB units


def test_put_capacity_and_all_old(ddb):
    first = ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"S": "x" * 1500}}, ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"]["WriteCapacityUnits"] == 2.0 and "Attributes" not in first
    again = ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"S": "y"}}, ReturnValues="ALL_OLD",
                         ReturnConsumedCapacity="TOTAL")
    assert again["Attributes"]["v"] == {"S": "x" * 1500}
    assert again["ConsumedCapacity"]["WriteCapacityUnits"] == 2.0  # the larger of before and after


def test_conditional_put_fails(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException) as caught:
        ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"N": "2"}},
                     ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert message(caught) == "The conditional request failed"
    assert caught.value.response["Item"]["v"] == {"N": "1"}
    assert ddb.get_item(TableName="events", Key=key("a", 1))["Item"]["v"] == {"N": "1"}
    ddb.put_item(TableName="events", Item={**key("b", 1)}, ConditionExpression="attribute_not_exists(pk)")


def test_delete_item_with_condition_and_all_old(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.delete_item(TableName="events", Key=key("a", 1), ConditionExpression="v = :two",
                        ExpressionAttributeValues={":two": {"N": "2"}})
    gone = ddb.delete_item(TableName="events", Key=key("a", 1), ReturnValues="ALL_OLD")
    assert gone["Attributes"]["v"] == {"N": "1"}
    assert "Item" not in ddb.get_item(TableName="events", Key=key("a", 1))


def test_update_set_remove_add(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), "stale": {"S": "x"}, "count": {"N": "1"}})
    ddb.update_item(TableName="events", Key=key("a", 1), UpdateExpression="SET #s = :s REMOVE stale ADD #c :one, tags :t",
                    ExpressionAttributeNames={"#s": "status", "#c": "count"},
                    ExpressionAttributeValues={":s": {"S": "done"}, ":one": {"N": "1"}, ":t": {"SS": ["p"]}})
    item = ddb.get_item(TableName="events", Key=key("a", 1))["Item"]
    assert item == {**key("a", 1), "status": {"S": "done"}, "count": {"N": "2"}, "tags": {"SS": ["p"]}}


def test_update_creates_missing_item(ddb):
    ddb.update_item(TableName="events", Key=key("new", 1), UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"N": "3"}})
    assert ddb.get_item(TableName="events", Key=key("new", 1))["Item"] == {**key("new", 1), "v": {"N": "3"}}


@pytest.mark.parametrize("mode, expected", [
    ("NONE", None),
    ("ALL_OLD", {"pk": {"S": "a"}, "sk": {"N": "1"}, "a": {"N": "1"}, "b": {"S": "keep"}}),
    ("UPDATED_OLD", {"a": {"N": "1"}}),
    ("ALL_NEW", {"pk": {"S": "a"}, "sk": {"N": "1"}, "a": {"N": "5"}, "b": {"S": "keep"}, "c": {"S": "new"}}),
    ("UPDATED_NEW", {"a": {"N": "5"}, "c": {"S": "new"}}),
])
def test_update_return_values(ddb, mode, expected):
    ddb.put_item(TableName="events", Item={**key("a", 1), "a": {"N": "1"}, "b": {"S": "keep"}})
    got = ddb.update_item(TableName="events", Key=key("a", 1), UpdateExpression="SET a = :five, c = :new",
                          ExpressionAttributeValues={":five": {"N": "5"}, ":new": {"S": "new"}}, ReturnValues=mode)
    assert got.get("Attributes") == expected


def test_update_condition_failure_changes_nothing(ddb):
    ddb.put_item(TableName="events", Item={**key("a", 1), "v": {"N": "1"}})
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.update_item(TableName="events", Key=key("a", 1), UpdateExpression="SET v = :nine",
                        ConditionExpression="v > :nine", ExpressionAttributeValues={":nine": {"N": "9"}})
    assert ddb.get_item(TableName="events", Key=key("a", 1))["Item"]["v"] == {"N": "1"}


def test_key_attributes_cannot_be_updated(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.update_item(TableName="events", Key=key("a", 1), UpdateExpression="SET sk = :v",
                        ExpressionAttributeValues={":v": {"N": "2"}})
    assert code(caught) == "ValidationException" and "part of the key" in message(caught)


def test_unused_attribute_value_is_refused(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName="events", Item=key("a", 1), ConditionExpression="attribute_not_exists(pk)",
                     ExpressionAttributeValues={":unused": {"S": "x"}})
    assert code(caught) == "ValidationException"
    assert "unused in expressions: keys: {:unused}" in message(caught)
    assert "Item" not in ddb.get_item(TableName="events", Key=key("a", 1))


def test_missing_key_attribute_is_refused(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName="events", Item={"pk": {"S": "a"}})
    assert code(caught) == "ValidationException" and "Missing the key sk" in message(caught)
    with pytest.raises(ClientError) as caught:
        ddb.get_item(TableName="events", Key={"pk": {"S": "a"}})
    assert message(caught) == "The provided key element does not match the schema"


def test_wrong_key_type_is_refused(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName="events", Item={"pk": {"S": "a"}, "sk": {"S": "1"}})
    assert code(caught) == "ValidationException" and "Type mismatch for key sk expected: N actual: S" in message(caught)
    with pytest.raises(ClientError) as caught:
        ddb.get_item(TableName="events", Key={"pk": {"N": "1"}, "sk": {"N": "1"}})
    assert code(caught) == "ValidationException"


# -- Query -----------------------------------------------------------------------------------------

def query(ddb, condition="pk = :p", values=None, **extra):
    return ddb.query(TableName="events", KeyConditionExpression=condition,
                     ExpressionAttributeValues={":p": {"S": "user"}, **(values or {})}, **extra)


def sort_keys(page):
    return [int(item["sk"]["N"]) for item in page["Items"]]


def test_query_returns_one_partition_in_sort_key_order(ddb):
    for n in (10, 2, 33, 1):  # numbers sort by value, not as text
        ddb.put_item(TableName="events", Item=key("user", n))
    ddb.put_item(TableName="events", Item=key("other", 5))
    assert sort_keys(query(ddb)) == [1, 2, 10, 33]
    assert sort_keys(query(ddb, ScanIndexForward=False)) == [33, 10, 2, 1]


def test_query_sort_key_conditions(ddb):
    fill(ddb, count=10)
    assert sort_keys(query(ddb, "pk = :p AND sk BETWEEN :lo AND :hi", {":lo": {"N": "3"}, ":hi": {"N": "5"}})) == [3, 4, 5]
    assert sort_keys(query(ddb, "pk = :p AND sk > :n", {":n": {"N": "7"}})) == [8, 9]


def test_query_begins_with_on_a_string_sort_key(acct):
    ddb = acct.client("dynamodb")
    ddb.create_table(TableName="posts", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}])
    for sk in ("POST#2", "COMMENT#1", "POST#1", "POSTER"):
        ddb.put_item(TableName="posts", Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    got = ddb.query(TableName="posts", KeyConditionExpression="pk = :p AND begins_with(sk, :pre)",
                    ExpressionAttributeValues={":p": {"S": "u"}, ":pre": {"S": "POST#"}})
    assert [i["sk"]["S"] for i in got["Items"]] == ["POST#1", "POST#2"]


def test_query_pagination_with_limit(ddb):
    fill(ddb, count=5)
    seen, start, pages = [], None, 0
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = query(ddb, Limit=2, **extra)
        seen += sort_keys(page)
        pages += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == [0, 1, 2, 3, 4] and pages == 3
    first = query(ddb, Limit=2)
    assert first["LastEvaluatedKey"] == key("user", 1)
    backwards = query(ddb, Limit=2, ScanIndexForward=False, ExclusiveStartKey=key("user", 3))
    assert sort_keys(backwards) == [2, 1]


def test_filter_applies_after_reading(ddb):
    fill(ddb, count=10, pad="p" * 1000)
    got = query(ddb, FilterExpression="kind = :k", values={":k": {"S": "odd"}}, Limit=4, ReturnConsumedCapacity="TOTAL")
    assert sort_keys(got) == [1, 3]
    assert (got["Count"], got["ScannedCount"]) == (2, 4)
    assert got["ConsumedCapacity"]["CapacityUnits"] == 0.5  # 4 items of ~1 KB read, one 4 KB block, eventual
    all_read = query(ddb, FilterExpression="kind = :k", values={":k": {"S": "none"}}, ReturnConsumedCapacity="TOTAL",
                     ConsistentRead=True)
    assert (all_read["Count"], all_read["ScannedCount"], all_read["Items"]) == (0, 10, [])
    assert all_read["ConsumedCapacity"]["CapacityUnits"] == 3.0  # ~10.3 KB read, even though none returned


def test_query_select_count_and_projection(ddb):
    fill(ddb, count=3)
    counted = query(ddb, Select="COUNT")
    assert counted["Count"] == 3 and "Items" not in counted
    projected = query(ddb, ProjectionExpression="kind")
    assert projected["Items"][0] == {"kind": {"S": "even"}}


def test_query_pages_stop_at_one_megabyte_read(acct, ddb):
    # 300 KB writes cost ~293 WCU each; one partition key takes 1,000 WCU a second, so space them out.
    for n in range(5):
        fill_one = {**key("user", n), "kind": {"S": "x"}, "pad": {"S": "x" * 300_000}}
        ddb.put_item(TableName="events", Item=fill_one)
        acct.clock.advance(1)
    page = query(ddb, ReturnConsumedCapacity="TOTAL")
    assert page["ScannedCount"] == 4 and page["LastEvaluatedKey"] == key("user", 3)
    rest = query(ddb, ExclusiveStartKey=page["LastEvaluatedKey"])
    assert sort_keys(rest) == [4] and "LastEvaluatedKey" not in rest


def test_query_key_condition_errors(ddb):
    with pytest.raises(ClientError) as caught:
        query(ddb, "pk = :p AND sk = :s", {":s": {"S": "one"}})
    assert "Condition parameter type does not match schema type" in message(caught)
    with pytest.raises(ClientError) as caught:
        ddb.query(TableName="events", KeyConditionExpression="sk = :s", ExpressionAttributeValues={":s": {"N": "1"}})
    assert "missed key schema element: pk" in message(caught)


# -- Scan ------------------------------------------------------------------------------------------

def test_scan_filter_limit_and_pagination(ddb):
    fill(ddb, "a", 4)
    fill(ddb, "b", 4)
    everything = ddb.scan(TableName="events")
    assert everything["Count"] == 8 and "LastEvaluatedKey" not in everything
    filtered = ddb.scan(TableName="events", FilterExpression="kind = :k", ExpressionAttributeValues={":k": {"S": "odd"}})
    assert (filtered["Count"], filtered["ScannedCount"]) == (4, 8)
    seen, start = [], None
    while True:
        page = ddb.scan(TableName="events", Limit=3, **({"ExclusiveStartKey": start} if start else {}))
        seen += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == everything["Items"]


def test_scan_segments_split_the_table_by_partition(ddb):
    for pk in "abcdefghij":
        fill(ddb, pk, 2)
    parts = [ddb.scan(TableName="events", Segment=s, TotalSegments=3)["Items"] for s in range(3)]
    keys = [(i["pk"]["S"], i["sk"]["N"]) for part in parts for i in part]
    assert len(keys) == 20 and len(set(keys)) == 20
    assert sum(1 for part in parts if part) >= 2
    for part in parts:  # a partition never straddles segments
        others = {i["pk"]["S"] for p in parts if p is not part for i in p}
        assert not {i["pk"]["S"] for i in part} & others
    with pytest.raises(ClientError) as caught:
        ddb.scan(TableName="events", Segment=3, TotalSegments=3)
    assert "out of bounds" in message(caught)


def test_legacy_parameters_are_not_silently_ignored(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.scan(TableName="events", AttributesToGet=["pk"])
    assert code(caught) == "NotModeledBySimulator"


# -- templates -------------------------------------------------------------------------------------

TEMPLATE = """Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 2, WriteCapacityUnits: 1}
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  Simple:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: code, Type: Number}
Outputs:
  Arn:
    Value: !GetAtt Orders.Arn
"""


def test_template_tables_are_deployed_and_usable(acct):
    stack = acct.deploy(TEMPLATE)
    name = stack.physical_id("Orders")
    assert stack.attribute("Orders", "Arn") == f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}"
    assert stack.attribute("Orders", "StreamArn").startswith(stack.attribute("Orders", "Arn") + "/stream/")
    ddb = acct.client("dynamodb")
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    ddb.put_item(TableName=name, Item={"id": {"S": "o-1"}, "total": {"N": "12.50"}})
    assert ddb.get_item(TableName=name, Key={"id": {"S": "o-1"}})["Item"]["total"] == {"N": "12.5"}
    simple = ddb.describe_table(TableName=stack.physical_id("Simple"))["Table"]
    assert simple["KeySchema"] == [{"AttributeName": "code", "KeyType": "HASH"}]
    assert simple["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_the_call_log_holds_capacity_and_latency_of_each_request(acct, ddb):
    fill(ddb, count=1)
    ddb.get_item(TableName="events", Key=key("user", 0))
    entry = acct.calls[-1]
    assert (entry["operation"], entry["table"], entry["read_units"], entry["latency_ms"]) == (
        "GetItem", "events", 0.5, 4.0)
    with pytest.raises(ClientError):
        ddb.get_item(TableName="nope", Key=key("user", 0))
    assert acct.calls[-1]["error"] == "ResourceNotFoundException" and "latency_ms" not in acct.calls[-1]


def test_an_update_table_refused_in_one_part_changes_nothing(ddb):
    """Each feature validates before any applies: an index asked for together with a stream change
    DynamoDB refuses is not made."""
    ddb.update_table(TableName="events", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    gsi = {"Create": {"IndexName": "by-kind", "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                      "Projection": {"ProjectionType": "ALL"}}}
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="events", AttributeDefinitions=[{"AttributeName": "kind", "AttributeType": "S"}],
                         GlobalSecondaryIndexUpdates=[gsi],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    assert code(caught) == "ValidationException" and "already has an enabled stream" in message(caught)
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="events")["Table"]
    ddb.update_table(TableName="events", AttributeDefinitions=[{"AttributeName": "kind", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[gsi])
    assert [i["IndexName"] for i in ddb.describe_table(TableName="events")["Table"]["GlobalSecondaryIndexes"]] == [
        "by-kind"]
