"""DynamoDB secondary indexes (GSIs and LSIs), driven through a real botocore client."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from course.sim.dynamodb import indexes

KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def defs(**types):
    return [{"AttributeName": name, "AttributeType": kind} for name, kind in types.items()]


def gsi(name, hash_key, range_key=None, projection="ALL", non_key=None, throughput=None):
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    spec = {"IndexName": name, "KeySchema": keys, "Projection": {"ProjectionType": projection}}
    if non_key is not None:
        spec["Projection"]["NonKeyAttributes"] = non_key
    if throughput:
        spec["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput[0], "WriteCapacityUnits": throughput[1]}
    return spec


def lsi(name, range_key, projection="ALL", non_key=None, hash_key="pk"):
    return gsi(name, hash_key, range_key, projection, non_key)


@pytest.fixture
def ddb(acct):
    # These tests check what an index holds; how late a GSI sees a write is tested on its own below.
    acct.service("dynamodb").gsi_propagation_seconds = 0
    return acct.client("dynamodb")


def create(ddb, name="orders", **extra):
    params = {"TableName": name, "KeySchema": KEYS, "AttributeDefinitions": defs(pk="S", sk="S", status="S", placed="N"),
              "BillingMode": "PAY_PER_REQUEST",
              "GlobalSecondaryIndexes": [gsi("by-status", "status", "placed", "INCLUDE", ["total"])],
              "LocalSecondaryIndexes": [lsi("by-placed", "placed", "KEYS_ONLY")]}
    params.update(extra)
    params = {k: v for k, v in params.items() if v is not None}
    return ddb.create_table(**params)["TableDescription"]


def order(pk, sk, status=None, placed=None, total=10, note="n"):
    item = {"pk": {"S": pk}, "sk": {"S": sk}, "total": {"N": str(total)}, "note": {"S": note}}
    if status is not None:
        item["status"] = {"S": status}
    if placed is not None:
        item["placed"] = {"N": str(placed)}
    return item


def fill(ddb, table="orders"):
    rows = [("c1", "o1", "OPEN", 5), ("c1", "o2", "SHIPPED", 3), ("c2", "o3", "OPEN", 5), ("c2", "o4", None, 9),
            ("c3", "o5", "OPEN", 1), ("c1", "o6", "OPEN", 7)]
    for pk, sk, status, placed in rows:
        ddb.put_item(TableName=table, Item=order(pk, sk, status, placed))


def error(caught):
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def refused(call, **params):
    with pytest.raises(ClientError) as caught:
        call(**params)
    return error(caught)


def ids(page):
    return [item["sk"]["S"] for item in page["Items"]]


def open_orders(ddb, **extra):
    return ddb.query(TableName="orders", IndexName="by-status", KeyConditionExpression="#s = :s",
                     ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}},
                     **extra)


# -- CreateTable ------------------------------------------------------------------------------------

def test_create_table_with_indexes_is_described(ddb):
    described = create(ddb)
    (g,) = described["GlobalSecondaryIndexes"]
    assert g["IndexName"] == "by-status" and g["IndexStatus"] == "ACTIVE"
    assert g["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}
    assert g["IndexArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-status"
    assert g["ProvisionedThroughput"]["ReadCapacityUnits"] == 0  # on-demand: no capacity of its own
    (l,) = described["LocalSecondaryIndexes"]
    assert l["KeySchema"][1] == {"AttributeName": "placed", "KeyType": "RANGE"}
    assert "IndexStatus" not in l and "ProvisionedThroughput" not in l
    fill(ddb)
    table = ddb.describe_table(TableName="orders")["Table"]
    assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == 5  # o4 has no status: sparse
    assert table["LocalSecondaryIndexes"][0]["ItemCount"] == 6
    assert 0 < table["GlobalSecondaryIndexes"][0]["IndexSizeBytes"] < table["TableSizeBytes"]


def test_attribute_definitions_must_cover_index_keys_and_nothing_else(ddb):
    code, msg = refused(create, ddb=ddb, AttributeDefinitions=defs(pk="S", sk="S", placed="N"))
    assert code == "ValidationException"
    assert "Some index key attributes are not defined in AttributeDefinitions. Keys: [status, placed]" in msg
    code, msg = refused(create, ddb=ddb, AttributeDefinitions=defs(pk="S", sk="S", status="S", placed="N", x="S"))
    assert msg.endswith("Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, status, placed, x], "
                        "keys used: [pk, sk, placed, status]")
    # without indexes, the old rule and its message
    code, msg = refused(ddb.create_table, TableName="plain", KeySchema=KEYS, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=defs(pk="S", sk="S", status="S"))
    assert "Number of attributes in KeySchema does not exactly match" in msg


def test_index_key_schema_rules(ddb):
    bad = gsi("bad", "status", "placed")
    bad["KeySchema"] = list(reversed(bad["KeySchema"]))
    assert refused(create, ddb=ddb, GlobalSecondaryIndexes=[bad])[1].endswith(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    same = gsi("same", "status", "status")
    assert "Both the Hash Key and the Range Key element in the KeySchema have the same name" in \
        refused(create, ddb=ddb, GlobalSecondaryIndexes=[same])[1]
    assert refused(create, ddb=ddb, GlobalSecondaryIndexes=[gsi("has space", "status")])[1].endswith(
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    # a GSI with a partition key only is fine
    create(ddb, GlobalSecondaryIndexes=[gsi("by-status", "status")], AttributeDefinitions=defs(pk="S", sk="S",
                                                                                               status="S", placed="N"))


def test_projection_rules(ddb):
    assert refused(create, ddb=ddb, GlobalSecondaryIndexes=[gsi("gsi1", "status", non_key=["x"])])[1].endswith(
        "ProjectionType is ALL, but NonKeyAttributes is specified")
    assert refused(create, ddb=ddb, GlobalSecondaryIndexes=[gsi("gsi1", "status", "placed", "KEYS_ONLY", ["x"])])[1] \
        .endswith("ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified")
    no_type = gsi("gsi1", "status", "placed")
    no_type["Projection"] = {}
    assert refused(create, ddb=ddb, GlobalSecondaryIndexes=[no_type])[1].endswith("Unknown ProjectionType: null")


def test_duplicate_index_names_are_refused(ddb):
    msg = refused(create, ddb=ddb, LocalSecondaryIndexes=[lsi("same", "placed")],
                  GlobalSecondaryIndexes=[gsi("same", "status")])[1]
    assert msg.endswith("Duplicate index name: same")
    msg = refused(create, ddb=ddb, LocalSecondaryIndexes=None,
                  GlobalSecondaryIndexes=[gsi("twice", "status"), gsi("twice", "placed")])[1]
    assert msg.endswith("Duplicate index name: twice")


def test_gsi_throughput_follows_the_billing_mode(ddb):
    on_demand = refused(create, ddb=ddb, GlobalSecondaryIndexes=[gsi("gsi1", "status", "placed", throughput=(1, 1))])
    assert on_demand[1].endswith("ProvisionedThroughput should not be specified for index: gsi1 when BillingMode is "
                                 "PAY_PER_REQUEST")
    provisioned = {"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}
    missing = refused(create, ddb=ddb, GlobalSecondaryIndexes=[gsi("gsi1", "status", "placed")], **provisioned)
    assert missing[1].endswith("ProvisionedThroughput must be specified for index: gsi1")
    made = create(ddb, GlobalSecondaryIndexes=[gsi("gsi1", "status", "placed", throughput=(4, 2))], **provisioned)
    assert made["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 4, "WriteCapacityUnits": 2}


def test_lsi_rules(ddb):
    other_hash = lsi("lsi1", "placed", hash_key="status")
    assert refused(create, ddb=ddb, LocalSecondaryIndexes=[other_hash])[1].endswith(
        "Index KeySchema does not have the same leading hash key as table KeySchema for index: lsi1. "
        "index hash key: status, table hash key: pk")
    no_range = gsi("lsi1", "pk")
    assert refused(create, ddb=ddb, LocalSecondaryIndexes=[no_range])[1].endswith(
        "Index KeySchema does not have a range key for index: lsi1")
    _, msg = refused(ddb.create_table, TableName="flat", KeySchema=KEYS[:1], BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=defs(pk="S", placed="N"), LocalSecondaryIndexes=[lsi("lsi1", "placed")])
    assert msg.endswith("Table KeySchema does not have a range key, which is required when specifying a "
                        "LocalSecondaryIndex")


def test_at_most_five_lsis_and_twenty_gsis(ddb):
    names = {f"a{n}": "S" for n in range(21)}
    five = [lsi(f"lsi{n}", f"a{n}") for n in range(5)]
    create(ddb, name="five", AttributeDefinitions=defs(pk="S", sk="S", **{f"a{n}": "S" for n in range(5)}),
           GlobalSecondaryIndexes=None, LocalSecondaryIndexes=five)
    six = [lsi(f"lsi{n}", f"a{n}") for n in range(6)]
    msg = refused(create, ddb=ddb, name="six", AttributeDefinitions=defs(pk="S", sk="S", **{f"a{n}": "S" for n in range(6)}),
                  GlobalSecondaryIndexes=None, LocalSecondaryIndexes=six)[1]
    assert msg.endswith("Number of LocalSecondaryIndexes exceeds per-table limit of 5")
    twenty = [gsi(f"gsi{n}", f"a{n}") for n in range(20)]
    create(ddb, name="twenty", AttributeDefinitions=defs(pk="S", sk="S", **{f"a{n}": "S" for n in range(20)}),
           GlobalSecondaryIndexes=twenty, LocalSecondaryIndexes=None)
    msg = refused(create, ddb=ddb, name="many", AttributeDefinitions=defs(pk="S", sk="S", **names),
                  GlobalSecondaryIndexes=[gsi(f"gsi{n}", f"a{n}") for n in range(21)], LocalSecondaryIndexes=None)[1]
    assert msg.endswith("GlobalSecondaryIndex count exceeds the per-table limit of 20")


# -- index maintenance ------------------------------------------------------------------------------

def test_sparse_index_and_projection(ddb):
    create(ddb)
    fill(ddb)
    page = open_orders(ddb)
    assert ids(page) == ["o5", "o1", "o3", "o6"]  # by placed, then ties (5) by table key (c1/o1 before c2/o3)
    assert page["Items"][0] == {"pk": {"S": "c3"}, "sk": {"S": "o5"}, "status": {"S": "OPEN"},
                                "placed": {"N": "1"}, "total": {"N": "10"}}  # INCLUDE: keys + total, no note
    # an update that removes the index key takes the item out; adding it back puts it in
    ddb.update_item(TableName="orders", Key={"pk": {"S": "c3"}, "sk": {"S": "o5"}}, UpdateExpression="REMOVE #s",
                    ExpressionAttributeNames={"#s": "status"})
    assert ids(open_orders(ddb)) == ["o1", "o3", "o6"]
    ddb.update_item(TableName="orders", Key={"pk": {"S": "c2"}, "sk": {"S": "o4"}}, UpdateExpression="SET #s = :s",
                    ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}})
    assert ids(open_orders(ddb)) == ["o1", "o3", "o6", "o4"]
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}})
    assert ids(open_orders(ddb)) == ["o3", "o6", "o4"]
    assert ids(open_orders(ddb, ScanIndexForward=False)) == ["o4", "o6", "o3"]


def test_index_key_type_mismatch_is_refused_before_the_write(ddb):
    create(ddb)
    item = order("c1", "o1", "OPEN")
    item["placed"] = {"S": "yesterday"}
    code, msg = refused(ddb.put_item, TableName="orders", Item=item)
    assert code == "ValidationException"
    assert msg == ("One or more parameter values were invalid: Type mismatch for Index Key placed Expected: N "
                   "Actual: S IndexName: by-placed")
    assert "Item" not in ddb.get_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}})
    code, msg = refused(ddb.update_item, TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                        UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                        ExpressionAttributeValues={":s": {"N": "1"}})
    assert "Type mismatch for Index Key status Expected: S Actual: N IndexName: by-status" in msg
    empty = order("c1", "o1", "")
    assert "A value specified for a secondary index key is not supported" in \
        refused(ddb.put_item, TableName="orders", Item=empty)[1]
    ddb.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 2))  # the right types pass


def test_new_gsi_is_backfilled_and_deleted(acct, ddb):
    ddb.create_table(TableName="orders", KeySchema=KEYS, AttributeDefinitions=defs(pk="S", sk="S"),
                     BillingMode="PAY_PER_REQUEST")
    fill(ddb)
    out = ddb.update_table(TableName="orders", AttributeDefinitions=defs(status="S", placed="N"),
                           GlobalSecondaryIndexUpdates=[{"Create": gsi("by-status", "status", "placed", "KEYS_ONLY")}])
    described = out["TableDescription"]
    assert described["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    assert described["GlobalSecondaryIndexes"][0]["Backfilling"] is True
    assert {d["AttributeName"] for d in described["AttributeDefinitions"]} == {"pk", "sk", "status", "placed"}
    assert refused(open_orders, ddb=ddb)[1] == "Cannot read from backfilling global secondary index: by-status"
    ddb.put_item(TableName="orders", Item=order("c4", "o7", "OPEN", 8))  # written while backfilling
    acct.clock.advance(indexes.GSI_BACKFILL_SECONDS)
    described = ddb.describe_table(TableName="orders")["Table"]["GlobalSecondaryIndexes"][0]
    assert described["IndexStatus"] == "ACTIVE" and "Backfilling" not in described and described["ItemCount"] == 6
    assert ids(open_orders(ddb)) == ["o5", "o1", "o3", "o6", "o7"]
    assert set(open_orders(ddb)["Items"][0]) == {"pk", "sk", "status", "placed"}
    ddb.update_table(TableName="orders", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-status"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="orders")["Table"]
    assert refused(open_orders, ddb=ddb)[1] == "The table does not have the specified index: by-status"


def test_update_table_index_rules(acct, ddb):
    create(ddb, AttributeDefinitions=defs(pk="S", sk="S", status="S", placed="N", a="S"),
           GlobalSecondaryIndexes=[gsi("by-status", "status", "placed"), gsi("by-a", "a")], LocalSecondaryIndexes=None)
    two = [{"Create": gsi("gsi1", "b")}, {"Delete": {"IndexName": "by-a"}}]
    code, msg = refused(ddb.update_table, TableName="orders", AttributeDefinitions=defs(b="S"),
                        GlobalSecondaryIndexUpdates=two)
    assert (code, msg) == ("LimitExceededException", ("Subscriber limit exceeded: Only 1 online index can be created "
                                                      "or deleted simultaneously per table"))
    assert "by-a" in [g["IndexName"] for g in ddb.describe_table(TableName="orders")["Table"]["GlobalSecondaryIndexes"]]
    assert refused(ddb.update_table, TableName="orders",
                   GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi1", "b")}])[1].startswith(
        "One or more parameter values were invalid: Some index key attributes are not defined")
    assert refused(ddb.update_table, TableName="orders", GlobalSecondaryIndexUpdates=[
        {"Create": gsi("by-a", "a")}])[1] == "Attempting to create an index which already exists"
    assert refused(ddb.update_table, TableName="orders", GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "nope"}}])[0] == "ResourceNotFoundException"
    assert refused(ddb.update_table, TableName="orders", GlobalSecondaryIndexUpdates=[
        {"Create": gsi("gsi2", "b", throughput=(1, 1))}], AttributeDefinitions=defs(b="S"))[1].endswith(
        "ProvisionedThroughput should not be specified for index: gsi2 when BillingMode is PAY_PER_REQUEST")
    ddb.update_table(TableName="orders", AttributeDefinitions=defs(b="S"),
                     GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi1", "b")}])
    assert len(ddb.describe_table(TableName="orders")["Table"]["GlobalSecondaryIndexes"]) == 3
    # a second index cannot be created while the first is still backfilling
    code, msg = refused(ddb.update_table, TableName="orders", AttributeDefinitions=defs(c="S"),
                        GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi2", "c")}])
    assert code == "LimitExceededException"
    acct.clock.advance(indexes.GSI_BACKFILL_SECONDS)
    ddb.update_table(TableName="orders", AttributeDefinitions=defs(c="S"),
                     GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi2", "c")}])


def test_lsis_cannot_be_added_later(ddb):
    create(ddb)
    with pytest.raises(ParamValidationError):
        ddb.update_table(TableName="orders", LocalSecondaryIndexUpdates=[{"Create": lsi("lsi2", "placed")}])


def test_gsi_throughput_update_and_billing_switch(ddb):
    create(ddb, BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
           GlobalSecondaryIndexes=[gsi("by-status", "status", "placed", throughput=(1, 1))])
    ddb.update_table(TableName="orders", GlobalSecondaryIndexUpdates=[{"Update": {
        "IndexName": "by-status", "ProvisionedThroughput": {"ReadCapacityUnits": 7, "WriteCapacityUnits": 3}}}])
    g = ddb.describe_table(TableName="orders")["Table"]["GlobalSecondaryIndexes"][0]
    assert (g["ProvisionedThroughput"]["ReadCapacityUnits"], g["ProvisionedThroughput"]["WriteCapacityUnits"]) == (7, 3)
    ddb.update_table(TableName="orders", BillingMode="PAY_PER_REQUEST")
    back = refused(ddb.update_table, TableName="orders", BillingMode="PROVISIONED",
                   ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert back[1].endswith("ProvisionedThroughput must be specified for index: by-status")
    ddb.update_table(TableName="orders", BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                     GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "by-status", "ProvisionedThroughput": {
                         "ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}}])
    g = ddb.describe_table(TableName="orders")["Table"]["GlobalSecondaryIndexes"][0]
    assert g["ProvisionedThroughput"]["ReadCapacityUnits"] == 2


# -- reading an index -------------------------------------------------------------------------------

def test_consistent_reads_on_indexes(ddb):
    create(ddb)
    fill(ddb)
    code, msg = refused(open_orders, ddb=ddb, ConsistentRead=True)
    assert (code, msg) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert refused(ddb.scan, TableName="orders", IndexName="by-status", ConsistentRead=True)[1] == \
        "Consistent reads are not supported on global secondary indexes"
    page = ddb.query(TableName="orders", IndexName="by-placed", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "c1"}}, ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
    assert ids(page) == ["o2", "o1", "o6"]  # placed 3, 5, 7
    assert page["ConsumedCapacity"]["LocalSecondaryIndexes"]["by-placed"]["ReadCapacityUnits"] == 1.0  # strong


def test_select_on_indexes(acct, ddb):
    create(ddb)
    fill(ddb)
    assert ids(open_orders(ddb, Select="ALL_PROJECTED_ATTRIBUTES")) == ["o5", "o1", "o3", "o6"]
    assert refused(ddb.query, TableName="orders", KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "c1"}}, Select="ALL_PROJECTED_ATTRIBUTES")[1].endswith(
        "Select type ALL_PROJECTED_ATTRIBUTES is only valid when querying an index")
    assert refused(open_orders, ddb=ddb, Select="ALL_ATTRIBUTES")[1].endswith(
        "Select type ALL_ATTRIBUTES is not supported for global secondary index by-status because its projection "
        "type is not ALL")
    assert open_orders(ddb, Select="COUNT")["Count"] == 4
    ddb.update_table(TableName="orders", GlobalSecondaryIndexUpdates=[{"Create": gsi("all-status", "status")}])
    acct.clock.advance(indexes.GSI_BACKFILL_SECONDS)
    everything = ddb.query(TableName="orders", IndexName="all-status", KeyConditionExpression="#s = :s",
                           ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}},
                           Select="ALL_ATTRIBUTES")
    assert everything["Count"] == 4 and all("note" in item for item in everything["Items"])  # ALL projection


def test_lsi_fetches_unprojected_attributes_from_the_table_at_extra_cost(ddb):
    create(ddb)
    fill(ddb)
    query = {"TableName": "orders", "IndexName": "by-placed", "KeyConditionExpression": "pk = :p",
             "ExpressionAttributeValues": {":p": {"S": "c1"}}, "ReturnConsumedCapacity": "INDEXES"}
    projected = ddb.query(**query)
    assert set(projected["Items"][0]) == {"pk", "sk", "placed"}  # KEYS_ONLY
    assert "Table" not in projected["ConsumedCapacity"] or projected["ConsumedCapacity"]["Table"]["CapacityUnits"] == 0
    fetched = ddb.query(Select="ALL_ATTRIBUTES", **query)
    assert fetched["Items"][0]["note"] == {"S": "n"}
    consumed = fetched["ConsumedCapacity"]
    assert consumed["LocalSecondaryIndexes"]["by-placed"]["ReadCapacityUnits"] == 0.5
    assert consumed["Table"]["ReadCapacityUnits"] == 1.5  # three items, each read whole: 3 × 0.5
    assert consumed["CapacityUnits"] == 2.0
    filtered = ddb.query(FilterExpression="note = :n", **{**query, "ExpressionAttributeValues": {
        ":p": {"S": "c1"}, ":n": {"S": "n"}}})
    assert filtered["Count"] == 3 and filtered["ConsumedCapacity"]["Table"]["ReadCapacityUnits"] == 1.5
    named = ddb.query(ProjectionExpression="note", **query)
    assert named["Items"] == [{"note": {"S": "n"}}] * 3 and named["ConsumedCapacity"]["Table"]["ReadCapacityUnits"] == 1.5


def test_index_reads_are_charged_to_the_index(acct, ddb):
    create(ddb)
    fill(ddb)
    page = open_orders(ddb, ReturnConsumedCapacity="INDEXES")
    assert page["ConsumedCapacity"]["GlobalSecondaryIndexes"] == {
        "by-status": {"CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}}
    assert open_orders(ddb, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"] == {
        "TableName": "orders", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}
    assert acct.calls[-1]["index"] == "by-status" and acct.calls[-1]["read_units"] == 0.5


def test_index_pagination_keys_hold_table_and_index_keys(ddb):
    create(ddb)
    fill(ddb)
    seen, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = open_orders(ddb, Limit=1, **extra)
        seen += ids(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"status", "placed", "pk", "sk"}
    assert seen == ["o5", "o1", "o3", "o6"]
    partial = {"status": {"S": "OPEN"}, "placed": {"N": "5"}}
    assert refused(open_orders, ddb=ddb, ExclusiveStartKey=partial)[1].startswith("The provided starting key is invalid")


def test_scan_an_index(ddb):
    create(ddb)
    fill(ddb)
    page = ddb.scan(TableName="orders", IndexName="by-status", ReturnConsumedCapacity="INDEXES")
    assert sorted(ids(page)) == ["o1", "o2", "o3", "o5", "o6"]
    assert "by-status" in page["ConsumedCapacity"]["GlobalSecondaryIndexes"]
    halves = [ddb.scan(TableName="orders", IndexName="by-status", Segment=s, TotalSegments=2) for s in (0, 1)]
    assert sorted(ids(halves[0]) + ids(halves[1])) == ["o1", "o2", "o3", "o5", "o6"]
    assert refused(ddb.scan, TableName="orders", IndexName="nope")[1] == \
        "The table does not have the specified index: nope"


# -- writes cost index units -----------------------------------------------------------------------

def test_writes_consume_units_on_each_affected_index(acct, ddb):
    create(ddb)
    put = ddb.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 1), ReturnConsumedCapacity="INDEXES")
    consumed = put["ConsumedCapacity"]
    assert consumed["Table"]["WriteCapacityUnits"] == 1.0
    assert consumed["GlobalSecondaryIndexes"]["by-status"]["WriteCapacityUnits"] == 1.0
    assert consumed["LocalSecondaryIndexes"]["by-placed"]["WriteCapacityUnits"] == 1.0
    assert consumed["CapacityUnits"] == 3.0 and acct.calls[-1]["write_units"] == 3.0
    # an item outside both indexes costs the table only
    sparse = ddb.put_item(TableName="orders", Item=order("c1", "o2"), ReturnConsumedCapacity="INDEXES")
    assert sparse["ConsumedCapacity"] == {"TableName": "orders", "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0,
                                          "Table": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}}
    # changing the GSI key: delete + put in the index (2); the LSI entry does not change (0)
    moved = ddb.update_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                            UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                            ExpressionAttributeValues={":s": {"S": "SHIPPED"}}, ReturnConsumedCapacity="INDEXES")
    assert moved["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by-status"]["WriteCapacityUnits"] == 2.0
    assert "LocalSecondaryIndexes" not in moved["ConsumedCapacity"]
    # an attribute no index projects: the table only
    note = ddb.update_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                           UpdateExpression="SET note = :n", ExpressionAttributeValues={":n": {"S": "x"}},
                           ReturnConsumedCapacity="INDEXES")
    assert "GlobalSecondaryIndexes" not in note["ConsumedCapacity"]
    # a projected attribute (total is INCLUDEd in the GSI): one write on that index
    total = ddb.update_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                            UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "total"},
                            ExpressionAttributeValues={":t": {"N": "99"}}, ReturnConsumedCapacity="INDEXES")
    assert total["ConsumedCapacity"]["GlobalSecondaryIndexes"]["by-status"]["WriteCapacityUnits"] == 1.0
    gone = ddb.delete_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                           ReturnConsumedCapacity="TOTAL")
    assert gone["ConsumedCapacity"]["CapacityUnits"] == 3.0


# -- item collections --------------------------------------------------------------------------------

def test_item_collection_limit_with_lsis(ddb, monkeypatch):
    monkeypatch.setattr(indexes, "ITEM_COLLECTION_LIMIT_BYTES", 400)
    create(ddb)
    ddb.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 1, note="x" * 150))
    code, _ = refused(ddb.put_item, TableName="orders", Item=order("c1", "o2", "OPEN", 2, note="x" * 150))
    assert code == "ItemCollectionSizeLimitExceededException"
    ddb.put_item(TableName="orders", Item=order("c2", "o2", "OPEN", 2, note="x" * 150))  # another collection
    ddb.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 1, note="short"))   # shrinking is allowed
    ddb.put_item(TableName="orders", Item=order("c1", "o3", "OPEN", 3, note="x" * 100))
    # without LSIs there is no item collection limit
    ddb.create_table(TableName="free", KeySchema=KEYS, AttributeDefinitions=defs(pk="S", sk="S"),
                     BillingMode="PAY_PER_REQUEST")
    for n in range(3):
        ddb.put_item(TableName="free", Item=order("c1", f"o{n}", note="x" * 300))


# -- templates ---------------------------------------------------------------------------------------

TEMPLATE = """\
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: S}
        - {AttributeName: status, AttributeType: S}
        - {AttributeName: placed, AttributeType: N}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: by-status
          KeySchema:
            - {AttributeName: status, KeyType: HASH}
            - {AttributeName: placed, KeyType: RANGE}
          Projection: {ProjectionType: ALL}
          ProvisionedThroughput: {ReadCapacityUnits: 3, WriteCapacityUnits: "2"}
      LocalSecondaryIndexes:
        - IndexName: by-placed
          KeySchema:
            - {AttributeName: pk, KeyType: HASH}
            - {AttributeName: placed, KeyType: RANGE}
          Projection: {ProjectionType: KEYS_ONLY}
"""


def test_template_tables_with_indexes_deploy(acct, tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    stack = acct.deploy(path)
    ddb = acct.client("dynamodb")
    name = stack.physical_id("Orders")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"] == 2
    assert table["LocalSecondaryIndexes"][0]["IndexName"] == "by-placed"
    ddb.put_item(TableName=name, Item=order("c1", "o1", "OPEN", 4))
    acct.clock.advance(1)  # a GSI sees a write a moment later
    page = ddb.query(TableName=name, IndexName="by-status", KeyConditionExpression="#s = :s",
                     ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}})
    assert ids(page) == ["o1"]


def test_template_refuses_an_lsi_on_another_partition_key(acct, tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.replace("- {AttributeName: pk, KeyType: HASH}\n            - {AttributeName: placed",
                                     "- {AttributeName: status, KeyType: HASH}\n            - {AttributeName: placed"))
    with pytest.raises(Exception) as caught:
        acct.deploy(path)
    assert "Index KeySchema does not have the same leading hash key" in str(caught.value)


def test_an_empty_list_of_index_updates_changes_nothing(ddb):
    create(ddb)
    code, msg = refused(ddb.update_table, TableName="orders", GlobalSecondaryIndexUpdates=[])
    assert code == "ValidationException" and msg.startswith("At least one of ProvisionedThroughput")


def test_a_gsi_sees_a_write_a_moment_later_and_an_lsi_at_once(acct):
    """GSIs are updated asynchronously ("within a fraction of a second"): a Query on a GSI at the
    moment of a write misses it; an LSI, updated with the table, does not."""
    client = acct.client("dynamodb")
    create(client)
    client.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 5))
    assert ids(open_orders(client)) == []
    by_placed = dict(TableName="orders", IndexName="by-placed", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "c1"}})
    assert ids(client.query(**by_placed)) == ["o1"]
    client.update_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                       UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":s": {"S": "SHIPPED"}})
    acct.clock.advance(indexes_delay(acct))
    assert ids(open_orders(client)) == []  # the put and then the update reached the GSI, in order
    client.update_item(TableName="orders", Key={"pk": {"S": "c1"}, "sk": {"S": "o1"}},
                       UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":s": {"S": "OPEN"}})
    acct.clock.advance(indexes_delay(acct) / 2)
    assert ids(open_orders(client)) == []
    acct.clock.advance(indexes_delay(acct) / 2)
    assert ids(open_orders(client)) == ["o1"]


def indexes_delay(acct):
    return acct.service("dynamodb").gsi_propagation_seconds


def test_a_restored_table_has_its_gsis_built(acct):
    client = acct.client("dynamodb")
    create(client)
    client.put_item(TableName="orders", Item=order("c1", "o1", "OPEN", 5))
    acct.clock.advance(1)
    backup = client.create_backup(TableName="orders", BackupName="before")["BackupDetails"]["BackupArn"]
    acct.clock.advance(60)
    client.restore_table_from_backup(TargetTableName="restored", BackupArn=backup)
    found = client.query(TableName="restored", IndexName="by-status", KeyConditionExpression="#s = :s",
                         ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "OPEN"}})
    assert ids(found) == ["o1"]
