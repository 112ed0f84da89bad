"""Kinesis Data Streams through a real boto3 client: streams, shards, records, iterators, retention."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError



@pytest.fixture
def kin(acct):
    return acct.client("kinesis")


def _code(err) -> str:
    return err.value.response["Error"]["Code"]


def _iterator(kin, shard="shardId-000000000000", kind="TRIM_HORIZON", **extra):
    return kin.get_shard_iterator(StreamName="s", ShardId=shard, ShardIteratorType=kind, **extra)["ShardIterator"]


def test_create_describe_and_list(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=2)
    desc = kin.describe_stream(StreamName="s")["StreamDescription"]
    assert desc["StreamStatus"] == "ACTIVE"
    assert desc["RetentionPeriodHours"] == 24
    assert desc["StreamARN"] == f"arn:aws:kinesis:us-east-1:{acct.account_id}:stream/s"
    ranges = [(int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"]))
              for s in desc["Shards"]]
    assert ranges[0][0] == 0 and ranges[-1][1] == 2 ** 128 - 1 and ranges[0][1] + 1 == ranges[1][0]
    assert kin.list_streams()["StreamNames"] == ["s"]
    summary = kin.describe_stream_summary(StreamARN=desc["StreamARN"])["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 2


def test_on_demand_stream_gets_four_shards_and_provisioned_needs_a_count(kin):
    kin.create_stream(StreamName="s", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert len(kin.list_shards(StreamName="s")["Shards"]) == 4
    with pytest.raises(ClientError) as err:
        kin.create_stream(StreamName="t")
    assert _code(err) == "ValidationException"


def test_duplicate_and_missing_streams(kin):
    kin.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as err:
        kin.create_stream(StreamName="s", ShardCount=1)
    assert _code(err) == "ResourceInUseException"
    with pytest.raises(ClientError) as err:
        kin.describe_stream(StreamName="nope")
    assert _code(err) == "ResourceNotFoundException"
    assert "nope" in err.value.response["Error"]["Message"]
    kin.delete_stream(StreamName="s")
    with pytest.raises(ClientError) as err:
        kin.put_record(StreamName="s", Data=b"x", PartitionKey="k")
    assert _code(err) == "ResourceNotFoundException"


def test_partition_key_md5_picks_the_shard_and_sequence_numbers_increase(kin):
    kin.create_stream(StreamName="s", ShardCount=4)
    shards = kin.describe_stream(StreamName="s")["StreamDescription"]["Shards"]
    previous = -1
    for key in ("alpha", "beta", "gamma", "delta", "epsilon"):
        out = kin.put_record(StreamName="s", Data=key.encode(), PartitionKey=key)
        hashed = int.from_bytes(hashlib.md5(key.encode()).digest(), "big")
        expected = next(s["ShardId"] for s in shards if int(s["HashKeyRange"]["StartingHashKey"]) <= hashed
                        <= int(s["HashKeyRange"]["EndingHashKey"]))
        assert out["ShardId"] == expected
        assert int(out["SequenceNumber"]) > previous
        previous = int(out["SequenceNumber"])


def test_explicit_hash_key_overrides_the_partition_key(kin):
    kin.create_stream(StreamName="s", ShardCount=2)
    out = kin.put_record(StreamName="s", Data=b"x", PartitionKey="any", ExplicitHashKey=str(2 ** 128 - 1))
    assert out["ShardId"] == "shardId-000000000001"


def test_put_records_and_read_them_back_in_order(kin):
    kin.create_stream(StreamName="s", ShardCount=1)
    out = kin.put_records(StreamName="s", Records=[{"Data": f"r{i}".encode(), "PartitionKey": "k"} for i in range(5)])
    assert out["FailedRecordCount"] == 0 and len(out["Records"]) == 5
    got = kin.get_records(ShardIterator=_iterator(kin), Limit=3)
    assert [r["Data"] for r in got["Records"]] == [b"r0", b"r1", b"r2"]
    rest = kin.get_records(ShardIterator=got["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [b"r3", b"r4"]
    assert kin.get_records(ShardIterator=rest["NextShardIterator"])["Records"] == []


def test_millis_behind_latest_says_how_far_a_reader_lags(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=1)
    kin.put_records(StreamName="s", Records=[{"Data": b"x", "PartitionKey": "k"}] * 2)
    acct.clock.advance(2)
    got = kin.get_records(ShardIterator=_iterator(kin), Limit=1)
    assert got["MillisBehindLatest"] == 2000
    assert kin.get_records(ShardIterator=got["NextShardIterator"])["MillisBehindLatest"] == 0


def test_iterator_types(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=1)
    first = kin.put_record(StreamName="s", Data=b"a", PartitionKey="k")["SequenceNumber"]
    acct.clock.advance(10)
    kin.put_record(StreamName="s", Data=b"b", PartitionKey="k")
    latest = _iterator(kin, kind="LATEST")
    kin.put_record(StreamName="s", Data=b"c", PartitionKey="k")
    assert [r["Data"] for r in kin.get_records(ShardIterator=latest)["Records"]] == [b"c"]
    at = _iterator(kin, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=first)
    assert [r["Data"] for r in kin.get_records(ShardIterator=at)["Records"]] == [b"a", b"b", b"c"]
    after = _iterator(kin, kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first)
    assert [r["Data"] for r in kin.get_records(ShardIterator=after)["Records"]] == [b"b", b"c"]
    when = datetime.fromtimestamp(acct.clock.now() - 5, tz=UTC)
    stamped = _iterator(kin, kind="AT_TIMESTAMP", Timestamp=when)
    assert [r["Data"] for r in kin.get_records(ShardIterator=stamped)["Records"]] == [b"b", b"c"]


def test_iterator_parameters_are_checked(kin):
    kin.create_stream(StreamName="s", ShardCount=1)
    with pytest.raises(ClientError) as err:
        _iterator(kin, kind="AT_SEQUENCE_NUMBER")
    assert _code(err) == "InvalidArgumentException"
    with pytest.raises(ClientError) as err:
        _iterator(kin, kind="AT_TIMESTAMP")
    assert _code(err) == "InvalidArgumentException"
    with pytest.raises(ClientError) as err:
        _iterator(kin, shard="shardId-000000000009")
    assert _code(err) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        kin.get_records(ShardIterator="made-up")
    assert _code(err) == "InvalidArgumentException"


def test_shard_iterator_expires_after_five_minutes(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=1)
    fresh = _iterator(kin)
    acct.clock.advance(300)
    assert kin.get_records(ShardIterator=fresh)["Records"] == []
    stale = _iterator(kin)
    acct.clock.advance(301)
    with pytest.raises(ClientError) as err:
        kin.get_records(ShardIterator=stale)
    assert _code(err) == "ExpiredIteratorException"


def test_records_are_trimmed_after_the_retention_period(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=1)
    kin.put_record(StreamName="s", Data=b"old", PartitionKey="k")
    acct.clock.advance(23 * 3600)
    kin.put_record(StreamName="s", Data=b"new", PartitionKey="k")
    assert len(kin.get_records(ShardIterator=_iterator(kin))["Records"]) == 2
    acct.clock.advance(3600 + 1)
    assert [r["Data"] for r in kin.get_records(ShardIterator=_iterator(kin))["Records"]] == [b"new"]


def test_retention_can_grow_to_a_year_and_keeps_records_longer(kin, acct):
    kin.create_stream(StreamName="s", ShardCount=1)
    kin.increase_stream_retention_period(StreamName="s", RetentionPeriodHours=8760)
    kin.put_record(StreamName="s", Data=b"kept", PartitionKey="k")
    acct.clock.advance(300 * 24 * 3600)
    assert len(kin.get_records(ShardIterator=_iterator(kin))["Records"]) == 1
    for call, hours in ((kin.increase_stream_retention_period, 8761), (kin.decrease_stream_retention_period, 23),
                        (kin.increase_stream_retention_period, 48)):
        with pytest.raises(ClientError) as err:
            call(StreamName="s", RetentionPeriodHours=hours)
        assert _code(err) == "InvalidArgumentException"
    kin.decrease_stream_retention_period(StreamName="s", RetentionPeriodHours=24)
    assert kin.get_records(ShardIterator=_iterator(kin))["Records"] == []


def test_record_size_limit(kin):
    kin.create_stream(StreamName="s", ShardCount=1)
    kin.put_record(StreamName="s", Data=b"x" * (1024 * 1024 - 1), PartitionKey="k")
    with pytest.raises(ClientError) as err:
        kin.put_record(StreamName="s", Data=b"x" * (1024 * 1024), PartitionKey="k")
    assert _code(err) == "ValidationException"


def test_unmodeled_parameters_are_refused(kin):
    with pytest.raises(ClientError) as err:
        kin.create_stream(StreamName="s", ShardCount=1, MaxRecordSizeInKiB=2048)
    assert _code(err) == "NotModeledBySimulator"


def test_stream_in_a_template(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 2
      RetentionPeriodHours: 48
Outputs:
  Arn:
    Value: !GetAtt Clicks.Arn
""")
    stack = acct.deploy(template)
    name = stack.physical_id("Clicks")
    summary = acct.client("kinesis").describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["RetentionPeriodHours"] == 48 and summary["OpenShardCount"] == 2
    assert stack.outputs["Arn"] == summary["StreamARN"]


# ---- Kinesis Data Streams for DynamoDB -----------------------------------------------------------

@pytest.fixture
def table_and_stream(acct, kin):
    ddb = acct.client("dynamodb")
    ddb.create_table(TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    kin.create_stream(StreamName="s", ShardCount=1)
    arn = kin.describe_stream_summary(StreamName="s")["StreamDescriptionSummary"]["StreamARN"]
    return ddb, arn


def _changes(kin) -> list[dict]:
    import json

    return [json.loads(r["Data"]) for r in kin.get_records(ShardIterator=_iterator(kin))["Records"]]


def test_item_changes_become_kinesis_records_with_both_images(kin, table_and_stream):
    ddb, arn = table_and_stream
    enabled = ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=arn)
    assert enabled["DestinationStatus"] == "ENABLING"
    described = ddb.describe_kinesis_streaming_destination(TableName="orders")["KinesisDataStreamDestinations"]
    assert described == [{"StreamArn": arn, "DestinationStatus": "ACTIVE",
                          "ApproximateCreationDateTimePrecision": "MICROSECOND"}]
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "1"}})
    ddb.update_item(TableName="orders", Key={"id": {"S": "1"}}, UpdateExpression="SET n = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName="orders", Key={"id": {"S": "1"}})
    insert, modify, remove = _changes(kin)
    assert [c["eventName"] for c in (insert, modify, remove)] == ["INSERT", "MODIFY", "REMOVE"]
    assert insert["tableName"] == "orders" and insert["recordFormat"] == "application/json"
    assert insert["eventSource"] == "aws:dynamodb" and insert["userIdentity"] is None
    assert "OldImage" not in insert["dynamodb"] and insert["dynamodb"]["NewImage"]["n"] == {"N": "1"}
    assert modify["dynamodb"]["OldImage"]["n"] == {"N": "1"} and modify["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    assert "NewImage" not in remove["dynamodb"] and remove["dynamodb"]["Keys"] == {"id": {"S": "1"}}
    assert insert["dynamodb"]["ApproximateCreationDateTime"] == (1_767_225_600 * 1_000_000)


def test_disable_stops_the_records_and_errors_name_the_problem(kin, table_and_stream):
    ddb, arn = table_and_stream
    with pytest.raises(ClientError) as err:
        ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=arn.replace(":stream/s", ":stream/x"))
    assert _code(err) == "ValidationException"
    with pytest.raises(ClientError) as err:
        ddb.disable_kinesis_streaming_destination(TableName="orders", StreamArn=arn)
    assert _code(err) == "ValidationException"
    ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=arn,
                                             EnableKinesisStreamingConfiguration={
                                                 "ApproximateCreationDateTimePrecision": "MILLISECOND"})
    with pytest.raises(ClientError) as err:
        ddb.enable_kinesis_streaming_destination(TableName="orders", StreamArn=arn)
    assert _code(err) == "ValidationException"
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
    assert ddb.disable_kinesis_streaming_destination(TableName="orders", StreamArn=arn)["DestinationStatus"] == \
        "DISABLING"
    ddb.put_item(TableName="orders", Item={"id": {"S": "2"}})
    (only,) = _changes(kin)
    assert only["dynamodb"]["Keys"] == {"id": {"S": "1"}}
    assert only["dynamodb"]["ApproximateCreationDateTime"] == 1_767_225_600_000
    status = ddb.describe_kinesis_streaming_destination(TableName="orders")["KinesisDataStreamDestinations"]
    assert status[0]["DestinationStatus"] == "DISABLED"
    with pytest.raises(ClientError) as err:
        ddb.describe_kinesis_streaming_destination(TableName="missing")
    assert _code(err) == "ResourceNotFoundException"


def test_table_template_with_a_kinesis_stream_specification(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""
Resources:
  Changes:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      KinesisStreamSpecification:
        StreamArn: !GetAtt Changes.Arn
""")
    stack = acct.deploy(template)
    ddb, kin = acct.client("dynamodb"), acct.client("kinesis")
    ddb.put_item(TableName=stack.physical_id("Orders"), Item={"id": {"S": "a"}})
    shard = kin.list_shards(StreamName=stack.physical_id("Changes"))["Shards"][0]["ShardId"]
    iterator = kin.get_shard_iterator(StreamName=stack.physical_id("Changes"), ShardId=shard,
                                      ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert len(kin.get_records(ShardIterator=iterator)["Records"]) == 1
