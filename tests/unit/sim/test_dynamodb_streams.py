"""DynamoDB Streams: StreamSpecification on tables and the dynamodbstreams API, through real botocore clients."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError


HASH = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
HOUR = 3600


@pytest.fixture
def ddb(acct):
    return acct.client("dynamodb")


@pytest.fixture
def streams(acct):
    return acct.client("dynamodbstreams")


def make_table(ddb, view="NEW_AND_OLD_IMAGES", name="orders") -> str:
    spec = {"StreamEnabled": True, "StreamViewType": view}
    made = ddb.create_table(TableName=name, StreamSpecification=spec, **HASH)["TableDescription"]
    return made["LatestStreamArn"]


def put(ddb, pk, name="orders", **attrs):
    item = {"pk": {"S": pk}, **{k: {"N": str(v)} if isinstance(v, int) else {"S": v} for k, v in attrs.items()}}
    ddb.put_item(TableName=name, Item=item)


def shards(streams, arn):
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]


def iterator(streams, arn, kind="TRIM_HORIZON", shard=None, **extra):
    shard = shard or shards(streams, arn)[0]["ShardId"]
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]


def read_all(streams, arn, kind="TRIM_HORIZON"):
    return streams.get_records(ShardIterator=iterator(streams, arn, kind))["Records"]


def code(caught):
    return caught.value.response["Error"]["Code"]


def message(caught):
    return caught.value.response["Error"]["Message"]


# -- records ----------------------------------------------------------------------------------------


def test_insert_modify_remove_records_in_order_with_both_images(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a", qty=1)
    ddb.update_item(TableName="orders", Key={"pk": {"S": "a"}}, UpdateExpression="SET qty = :q",
                    ExpressionAttributeValues={":q": {"N": "2"}})
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "a"}})
    records = read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert insert["NewImage"] == {"pk": {"S": "a"}, "qty": {"N": "1"}} and "OldImage" not in insert
    assert modify["OldImage"]["qty"] == {"N": "1"} and modify["NewImage"]["qty"] == {"N": "2"}
    assert remove["OldImage"]["qty"] == {"N": "2"} and "NewImage" not in remove
    assert all(r["Keys"] == {"pk": {"S": "a"}} for r in (insert, modify, remove))
    numbers = [int(r["SequenceNumber"]) for r in (insert, modify, remove)]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert all(len(r["SequenceNumber"]) >= 21 and r["SequenceNumber"].isdigit() for r in (insert, modify, remove))
    first = records[0]
    assert (first["eventVersion"], first["eventSource"], first["awsRegion"]) == ("1.1", "aws:dynamodb", "us-east-1")
    assert len({r["eventID"] for r in records}) == 3
    assert "userIdentity" not in first
    assert insert["StreamViewType"] == "NEW_AND_OLD_IMAGES" and insert["SizeBytes"] > 0


@pytest.mark.parametrize("view, new, old", [("KEYS_ONLY", False, False), ("NEW_IMAGE", True, False),
                                            ("OLD_IMAGE", False, True), ("NEW_AND_OLD_IMAGES", True, True)])
def test_view_type_decides_which_images_a_record_carries(ddb, streams, view, new, old):
    arn = make_table(ddb, view)
    put(ddb, "a", qty=1)
    put(ddb, "a", qty=2)
    modify = read_all(streams, arn)[1]["dynamodb"]
    assert ("NewImage" in modify, "OldImage" in modify) == (new, old)
    assert modify["Keys"] == {"pk": {"S": "a"}} and modify["StreamViewType"] == view


def test_a_write_that_changes_nothing_writes_no_record(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a", qty=1)
    put(ddb, "a", qty=1)
    ddb.update_item(TableName="orders", Key={"pk": {"S": "a"}}, UpdateExpression="SET qty = :q",
                    ExpressionAttributeValues={":q": {"N": "1"}})
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "missing"}})
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"]


def test_approximate_creation_time_is_the_simulated_time_rounded_down(acct, ddb, streams):
    arn = make_table(ddb)
    acct.clock.advance(90.7)
    put(ddb, "a")
    stamp = read_all(streams, arn)[0]["dynamodb"]["ApproximateCreationDateTime"]
    assert stamp.timestamp() == int(acct.clock.now())


def test_records_are_copies_a_reader_cannot_change(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a", qty=1)
    read_all(streams, arn)[0]["dynamodb"]["NewImage"]["qty"]["N"] = "99"
    assert read_all(streams, arn)[0]["dynamodb"]["NewImage"]["qty"] == {"N": "1"}


# -- reading: iterators and pages -------------------------------------------------------------------


def test_get_records_pages_with_limit_and_next_iterator(ddb, streams):
    arn = make_table(ddb)
    for n in range(5):
        put(ddb, f"k{n}")
    page = streams.get_records(ShardIterator=iterator(streams, arn), Limit=2)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["k0", "k1"]
    rest = streams.get_records(ShardIterator=page["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in rest["Records"]] == ["k2", "k3", "k4"]
    empty = streams.get_records(ShardIterator=rest["NextShardIterator"])
    assert empty["Records"] == [] and empty["NextShardIterator"]
    put(ddb, "k5")
    later = streams.get_records(ShardIterator=empty["NextShardIterator"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in later["Records"]] == ["k5"]


def test_get_records_stops_at_one_megabyte(ddb, streams):
    arn = make_table(ddb, "NEW_IMAGE")
    for n in range(4):
        put(ddb, f"k{n}", blob="x" * 300_000)
    first = streams.get_records(ShardIterator=iterator(streams, arn))
    assert len(first["Records"]) == 3 and sum(r["dynamodb"]["SizeBytes"] for r in first["Records"]) <= 1024 * 1024
    assert len(streams.get_records(ShardIterator=first["NextShardIterator"])["Records"]) == 1


def test_limit_above_1000_is_refused(ddb, streams):
    arn = make_table(ddb)
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=iterator(streams, arn), Limit=1001)
    assert code(caught) == "ValidationException" and "less than or equal to 1000" in message(caught)
    assert streams.get_records(ShardIterator=iterator(streams, arn), Limit=1000)["Records"] == []


def test_latest_reads_only_what_comes_after(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "old")
    latest = iterator(streams, arn, "LATEST")
    put(ddb, "new")
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=latest)["Records"]]
    assert keys == ["new"]


def test_at_and_after_sequence_number(ddb, streams):
    arn = make_table(ddb)
    for n in range(3):
        put(ddb, f"k{n}")
    second = read_all(streams, arn)[1]["dynamodb"]["SequenceNumber"]
    at = iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    after = iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=at)["Records"]] == ["k1", "k2"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=after)["Records"]] == ["k2"]


def test_sequence_number_required_only_for_sequence_iterators(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a")
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, "AT_SEQUENCE_NUMBER")
    assert code(caught) == "ValidationException"
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, "TRIM_HORIZON", SequenceNumber="100000000000000000001")
    assert code(caught) == "ValidationException"
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber="999999999999999999999999")
    assert code(caught) == "ValidationException"


def test_at_timestamp_starts_at_the_first_record_at_or_after_it(acct, ddb, streams):
    arn = make_table(ddb)
    put(ddb, "early")
    acct.clock.advance(60)
    middle = acct.clock.datetime()
    put(ddb, "late")
    for stamp in (middle, middle.timestamp(), middle.isoformat()):
        at = iterator(streams, arn, "AT_TIMESTAMP", Timestamp=stamp)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=at)["Records"]] == ["late"]
    before = iterator(streams, arn, "AT_TIMESTAMP", Timestamp=middle - datetime.timedelta(hours=30))
    assert len(streams.get_records(ShardIterator=before)["Records"]) == 2  # older than the horizon: from the start
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, "AT_TIMESTAMP", Timestamp=middle + datetime.timedelta(hours=1))
    assert code(caught) == "ValidationException"


def test_iterators_expire_after_15_minutes(acct, ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a")
    fresh = iterator(streams, arn)
    acct.clock.advance(15 * 60)
    assert len(streams.get_records(ShardIterator=fresh)["Records"]) == 1
    acct.clock.advance(1)
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=fresh)
    assert code(caught) == "ExpiredIteratorException"


def test_a_mangled_iterator_is_a_validation_error(ddb, streams):
    make_table(ddb)
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator="not-an-iterator")
    assert code(caught) == "ValidationException"


def test_unknown_stream_and_shard_are_not_found(ddb, streams):
    arn = make_table(ddb)
    with pytest.raises(ClientError) as caught:
        streams.describe_stream(StreamArn=arn.replace("orders", "nothing"))
    assert code(caught) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, shard="shardId-00000000000000000000-00000000")
    assert code(caught) == "ResourceNotFoundException"


# -- retention and trimming ---------------------------------------------------------------------------


def test_records_older_than_24_hours_are_trimmed(acct, ddb, streams):
    acct.service("dynamodb").stream_shard_rollover_seconds = None
    arn = make_table(ddb)
    put(ddb, "old")
    stale = iterator(streams, arn)
    old_number = read_all(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    acct.clock.advance(12 * HOUR)
    put(ddb, "young")
    acct.clock.advance(12 * HOUR + 1)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_all(streams, arn)] == ["young"]
    with pytest.raises(ClientError) as caught:
        iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=old_number)
    assert code(caught) == "TrimmedDataAccessException"
    with pytest.raises(ClientError) as caught:  # expired first: it is 24 hours old
        streams.get_records(ShardIterator=stale)
    assert code(caught) == "ExpiredIteratorException"


def test_an_iterator_overtaken_by_trimming_is_refused(acct, ddb, streams):
    acct.service("dynamodb").stream_shard_rollover_seconds = None
    arn = make_table(ddb)
    put(ddb, "a")
    acct.clock.advance(24 * HOUR - 60)
    horizon = iterator(streams, arn)  # points before "a", which is trimmed 60 seconds later
    acct.clock.advance(61)
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=horizon)
    assert code(caught) == "TrimmedDataAccessException"


# -- shards ---------------------------------------------------------------------------------------------


def test_shards_roll_over_with_parent_links_and_closed_shards_end(acct, ddb, streams):
    arn = make_table(ddb)
    put(ddb, "first")
    acct.clock.advance(4 * HOUR)
    put(ddb, "second")
    parent, child = shards(streams, arn)
    assert child["ParentShardId"] == parent["ShardId"] and "ParentShardId" not in parent
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
    assert int(parent["SequenceNumberRange"]["EndingSequenceNumber"]) < int(
        child["SequenceNumberRange"]["StartingSequenceNumber"])
    old = streams.get_records(ShardIterator=iterator(streams, arn, shard=parent["ShardId"]))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in old["Records"]] == ["first"]
    assert old.get("NextShardIterator") is None  # a closed shard read to its end
    new = streams.get_records(ShardIterator=iterator(streams, arn, shard=child["ShardId"]))
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in new["Records"]] == ["second"]
    assert new["NextShardIterator"]
    children = streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS",
                                                                   "ShardId": parent["ShardId"]})
    assert [s["ShardId"] for s in children["StreamDescription"]["Shards"]] == [child["ShardId"]]


def test_a_poller_following_shards_sees_every_record_once_in_order(acct, ddb, streams):
    arn = make_table(ddb)
    for n in range(12):
        put(ddb, "item", n=n)
        acct.clock.advance(HOUR)
    seen = []
    for shard in shards(streams, arn):
        position = iterator(streams, arn, shard=shard["ShardId"])
        while position:
            page = streams.get_records(ShardIterator=position)
            seen += [int(r["dynamodb"]["NewImage"]["n"]["N"]) for r in page["Records"]]
            if not page["Records"] and "EndingSequenceNumber" not in shard["SequenceNumberRange"]:
                break
            position = page.get("NextShardIterator")
    assert seen == list(range(12))


def test_describe_stream_pages_shards(acct, ddb, streams):
    arn = make_table(ddb)
    acct.clock.advance(9 * HOUR)
    assert len(shards(streams, arn)) == 3
    first = streams.describe_stream(StreamArn=arn, Limit=2)["StreamDescription"]
    assert len(first["Shards"]) == 2 and first["LastEvaluatedShardId"] == first["Shards"][1]["ShardId"]
    rest = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=first["LastEvaluatedShardId"])
    assert len(rest["StreamDescription"]["Shards"]) == 1 and "LastEvaluatedShardId" not in rest["StreamDescription"]


# -- enabling, disabling, listing -------------------------------------------------------------------


def test_describe_stream_reports_the_stream(ddb, streams):
    arn = make_table(ddb, "KEYS_ONLY")
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED" and description["StreamViewType"] == "KEYS_ONLY"
    assert description["TableName"] == "orders" and description["KeySchema"] == HASH["KeySchema"]
    assert arn.endswith("/stream/" + description["StreamLabel"])


def test_create_table_stream_specification_rules(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="bad", StreamSpecification={"StreamEnabled": True}, **HASH)
    assert code(caught) == "ValidationException"
    with pytest.raises(ClientError) as caught:
        ddb.create_table(TableName="bad", StreamSpecification={"StreamEnabled": False,
                                                                "StreamViewType": "KEYS_ONLY"}, **HASH)
    assert code(caught) == "ValidationException"
    made = ddb.create_table(TableName="plain", StreamSpecification={"StreamEnabled": False}, **HASH)
    assert "LatestStreamArn" not in made["TableDescription"]


def test_enable_on_update_table_then_disable_keeps_records_readable_24_hours(acct, ddb, streams):
    ddb.create_table(TableName="orders", **HASH)
    assert streams.list_streams(TableName="orders")["Streams"] == []
    made = ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": True,
                                                                     "StreamViewType": "NEW_IMAGE"})
    arn = made["TableDescription"]["LatestStreamArn"]
    assert made["TableDescription"]["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    put(ddb, "a")
    acct.clock.advance(60)
    off = ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})["TableDescription"]
    assert "StreamSpecification" not in off and off["LatestStreamArn"] == arn
    put(ddb, "b")  # not recorded: the stream is disabled
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert all("EndingSequenceNumber" in s["SequenceNumberRange"] for s in description["Shards"])
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in read_all(streams, arn)] == ["a"]
    acct.clock.advance(24 * HOUR + 1)
    with pytest.raises(ClientError) as caught:
        streams.describe_stream(StreamArn=arn)
    assert code(caught) == "ResourceNotFoundException"


def test_re_enabling_makes_a_new_stream(acct, ddb, streams):
    first = make_table(ddb)
    ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})
    second = ddb.update_table(TableName="orders", StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]["LatestStreamArn"]
    assert second != first
    put(ddb, "a")
    assert read_all(streams, first) == [] and len(read_all(streams, second)) == 1
    listed = streams.list_streams(TableName="orders")["Streams"]
    assert {s["StreamArn"] for s in listed} == {first, second}


def test_update_table_stream_rules(ddb):
    make_table(ddb)
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": True,
                                                                  "StreamViewType": "KEYS_ONLY"})
    assert code(caught) == "ValidationException"
    assert message(caught) == "Table already has an enabled stream: TableName: orders"
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False,
                                                                  "StreamViewType": "KEYS_ONLY"})
    assert code(caught) == "ValidationException"
    ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})
    assert message(caught) == "Table has no stream to disable: TableName: orders"
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="orders", StreamSpecification={"StreamEnabled": True})
    assert code(caught) == "ValidationException"


def test_a_stream_change_cannot_ride_with_provisioned_capacity(ddb, streams):
    ddb.create_table(TableName="orders", KeySchema=HASH["KeySchema"], AttributeDefinitions=HASH["AttributeDefinitions"],
                     ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    enable = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    for extra in ({"ProvisionedThroughput": {"ReadCapacityUnits": 6, "WriteCapacityUnits": 6}},
                  {"BillingMode": "PROVISIONED"}):
        with pytest.raises(ClientError) as caught:
            ddb.update_table(TableName="orders", StreamSpecification=enable, **extra)
        assert message(caught).endswith("You cannot modify stream status while updating table IOPS")
    assert streams.list_streams(TableName="orders")["Streams"] == []
    both = ddb.update_table(TableName="orders", StreamSpecification=enable, BillingMode="PAY_PER_REQUEST")
    assert both["TableDescription"]["LatestStreamArn"]
    assert both["TableDescription"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_list_streams_filters_by_table_and_pages(ddb, streams):
    for name in ("alpha", "bravo", "charlie"):
        make_table(ddb, name=name)
    assert [s["TableName"] for s in streams.list_streams()["Streams"]] == ["alpha", "bravo", "charlie"]
    assert [s["TableName"] for s in streams.list_streams(TableName="bravo")["Streams"]] == ["bravo"]
    page = streams.list_streams(Limit=2)
    assert len(page["Streams"]) == 2 and page["LastEvaluatedStreamArn"] == page["Streams"][1]["StreamArn"]
    rest = streams.list_streams(ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])
    assert [s["TableName"] for s in rest["Streams"]] == ["charlie"] and "LastEvaluatedStreamArn" not in rest
    with pytest.raises(ClientError) as caught:
        streams.list_streams(TableName="nothing")
    assert code(caught) == "ResourceNotFoundException"


def test_deleting_the_table_disables_its_stream(ddb, streams):
    arn = make_table(ddb)
    put(ddb, "a")
    ddb.delete_table(TableName="orders")
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert len(read_all(streams, arn)) == 1


def test_batch_writes_record_each_item(ddb, streams):
    arn = make_table(ddb)
    ddb.batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": {"pk": {"S": f"k{n}"}}}}
                                                  for n in range(3)]})
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"] * 3


def test_stream_arn_in_templates(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
Outputs:
  Stream:
    Value: !GetAtt Orders.StreamArn
""")
    stack = acct.deploy(template)
    arn = stack.attribute("Orders", "StreamArn")
    described = acct.client("dynamodbstreams").describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamViewType"] == "NEW_AND_OLD_IMAGES" and described["StreamStatus"] == "ENABLED"



def _poller(streams, arn):
    """A reader that has started polling: its iterator continues a chain."""
    return streams.get_records(ShardIterator=iterator(streams, arn))["NextShardIterator"]


def test_a_third_simultaneous_poller_of_a_shard_is_throttled(acct, ddb, streams):
    arn = make_table(ddb)
    first, second, third = (_poller(streams, arn) for _ in range(3))
    first = streams.get_records(ShardIterator=first)["NextShardIterator"]
    second = streams.get_records(ShardIterator=second)["NextShardIterator"]
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=third)
    assert code(caught) == "LimitExceededException"
    for _ in range(3):  # one-off reads with fresh iterators are not pollers
        streams.get_records(ShardIterator=iterator(streams, arn))
    acct.clock.advance(1)  # the other two have gone quiet for a second: the third gets its turn
    streams.get_records(ShardIterator=third)
    streams.get_records(ShardIterator=first)
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=second)
    assert code(caught) == "LimitExceededException"


def test_two_pollers_are_fine_and_the_limit_can_be_lifted(acct, ddb, streams):
    arn = make_table(ddb)
    pollers = [_poller(streams, arn) for _ in range(2)]
    for _ in range(5):
        pollers = [streams.get_records(ShardIterator=p)["NextShardIterator"] for p in pollers]
    acct.service("dynamodb").stream_max_readers_per_shard = None
    pollers.append(_poller(streams, arn))
    pollers = [streams.get_records(ShardIterator=p)["NextShardIterator"] for p in pollers]
    assert len(pollers) == 3 and all(pollers)
