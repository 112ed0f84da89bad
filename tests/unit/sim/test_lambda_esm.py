"""Event source mappings for streams: the API, and how the poller batches, retries and gives up."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from tests.unit.sim.test_lambda_support import client, error_of, fake, make  # noqa: F401

FAILED_QUEUE = "arn:aws:sqs:us-east-1:123456789012:failed"


@pytest.fixture
def kin(acct):
    client = acct.client("kinesis")
    client.create_stream(StreamName="clicks", ShardCount=1)
    return client


@pytest.fixture
def stream_arn(kin):
    return kin.describe_stream_summary(StreamName="clicks")["StreamDescriptionSummary"]["StreamARN"]


def put(kin, *values, key="k"):
    return [kin.put_record(StreamName="clicks", Data=json.dumps(v).encode(), PartitionKey=key)["SequenceNumber"]
            for v in values]


def decoded(event) -> list:
    return [json.loads(base64.b64decode(r["kinesis"]["data"])) for r in event["Records"]]


def mapping(client, stream_arn, **extra) -> dict:
    params = {"FunctionName": "fn", "EventSourceArn": stream_arn, "StartingPosition": "TRIM_HORIZON"}
    params.update(extra)
    return client.create_event_source_mapping(**params)


# ---- the API ---------------------------------------------------------------------------------

def test_create_get_list_update_delete(client, fake, stream_arn, acct):
    make(client)
    made = mapping(client, stream_arn)
    assert made["State"] == "Creating" and made["BatchSize"] == 100
    assert made["MaximumRetryAttempts"] == -1 and made["MaximumRecordAgeInSeconds"] == -1
    assert made["ParallelizationFactor"] == 1 and made["MaximumBatchingWindowInSeconds"] == 0
    assert made["FunctionArn"].endswith(":function:fn")
    assert made["EventSourceMappingArn"].endswith(f":event-source-mapping:{made['UUID']}")
    acct.clock.advance(1)
    assert client.get_event_source_mapping(UUID=made["UUID"])["State"] == "Enabled"
    assert [m["UUID"] for m in client.list_event_source_mappings(FunctionName="fn")["EventSourceMappings"]] == \
        [made["UUID"]]
    assert client.list_event_source_mappings(EventSourceArn=stream_arn + "x")["EventSourceMappings"] == []
    updated = client.update_event_source_mapping(UUID=made["UUID"], BatchSize=10, Enabled=False)
    assert updated["BatchSize"] == 10 and updated["State"] == "Disabling"
    acct.clock.advance(1)
    assert client.get_event_source_mapping(UUID=made["UUID"])["State"] == "Disabled"
    assert client.delete_event_source_mapping(UUID=made["UUID"])["State"] == "Deleting"
    with pytest.raises(ClientError) as err:
        client.get_event_source_mapping(UUID=made["UUID"])
    assert error_of(err)[0] == "ResourceNotFoundException"


def test_validation(client, fake, stream_arn):
    make(client)
    cases = [
        ({"StartingPosition": None}, "InvalidParameterValueException"),
        ({"MaximumRecordAgeInSeconds": 30}, "InvalidParameterValueException"),
        ({"DestinationConfig": {"OnSuccess": {"Destination": FAILED_QUEUE}}}, "InvalidParameterValueException"),
        ({"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:lambda:us-east-1:123456789012:function:x"}}},
         "InvalidParameterValueException"),
        ({"StartingPosition": "AT_TIMESTAMP"}, "InvalidParameterValueException"),
        ({"FilterCriteria": {"Filters": [{"Pattern": "not json"}]}}, "InvalidParameterValueException"),
        ({"FilterCriteria": {"Filters": [{"Pattern": '{"eventName": "INSERT"}'}]}}, "InvalidParameterValueException"),
        ({"FilterCriteria": {"Filters": [{"Pattern": '{"a": ["x"]}'}] * 6}}, "InvalidParameterValueException"),
        ({"TumblingWindowInSeconds": 60}, "NotModeledBySimulator"),
        ({"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q"}, "NotModeledBySimulator"),
        ({"EventSourceArn": stream_arn.replace("clicks", "missing")}, "InvalidParameterValueException"),
        ({"FunctionName": "nope"}, "ResourceNotFoundException"),
    ]
    for extra, code in cases:
        params = {"FunctionName": "fn", "EventSourceArn": stream_arn, "StartingPosition": "TRIM_HORIZON", **extra}
        params = {k: v for k, v in params.items() if v is not None}
        with pytest.raises(ClientError) as err:
            client.create_event_source_mapping(**params)
        assert error_of(err)[0] == code, extra
    mapping(client, stream_arn)
    with pytest.raises(ClientError) as err:
        mapping(client, stream_arn)
    assert error_of(err)[0] == "ResourceConflictException"


# ---- polling and batching ------------------------------------------------------------------------

def test_kinesis_records_reach_the_function_in_order_with_the_documented_shape(client, fake, kin, stream_arn,
                                                                               acct):
    make(client)
    put(kin, 1, 2, 3)
    mapping(client, stream_arn)
    acct.clock.advance(1)
    (event,) = [e for env in fake.made for e in env.events]
    assert decoded(event) == [1, 2, 3]
    record = event["Records"][0]
    assert record["eventSource"] == "aws:kinesis" and record["eventName"] == "aws:kinesis:record"
    assert record["eventSourceARN"] == stream_arn and record["kinesis"]["partitionKey"] == "k"
    assert record["eventID"] == f"shardId-000000000000:{record['kinesis']['sequenceNumber']}"


def test_latest_skips_what_was_there_and_idle_pollers_wake_on_new_records(client, fake, kin, stream_arn, acct):
    make(client)
    put(kin, "old")
    mapping(client, stream_arn, StartingPosition="LATEST")
    put(kin, "new")
    service = acct.service("lambda")
    assert service.drain() == 1
    acct.clock.advance(3600)
    put(kin, "later")
    acct.clock.advance(1)
    assert [decoded(e) for env in fake.made for e in env.events] == [["new"], ["later"]]


def test_batch_size_and_batching_window(client, fake, kin, stream_arn, acct):
    make(client)
    put(kin, *range(5))
    mapping(client, stream_arn, BatchSize=2)
    acct.clock.advance(1)
    assert [decoded(e) for e in fake.made[0].events] == [[0, 1], [2, 3], [4]]
    fake.made[0].events.clear()
    put(kin, 5)
    client.update_event_source_mapping(UUID=client.list_event_source_mappings()["EventSourceMappings"][0]["UUID"],
                                       MaximumBatchingWindowInSeconds=10)
    acct.clock.advance(5)
    assert fake.made[0].events == []
    acct.clock.advance(6)
    assert [decoded(e) for e in fake.made[0].events] == [[5]]


def test_retries_until_exhausted_then_the_failure_record_and_the_stream_moves_on(client, fake, kin, stream_arn,
                                                                                  acct):
    def handler(event, env):
        if "bad" in decoded(event):
            raise ValueError("cannot handle")
        return {}

    fake.handler = handler
    make(client)
    sequences = put(kin, "bad")
    put(kin, "good")
    made = mapping(client, stream_arn, BatchSize=1, MaximumRetryAttempts=2,
                   DestinationConfig={"OnFailure": {"Destination": FAILED_QUEUE}})
    service = acct.service("lambda")
    service.drain()
    assert [decoded(e) for e in fake.made[0].events] == [["bad"], ["bad"], ["bad"], ["good"]]
    stats = service.mappings[made["UUID"]].stats
    assert (stats["retries"], stats["failed_batches"], stats["batches"]) == (2, 1, 1)
    (delivery,) = service.deliveries
    assert delivery["kind"] == "OnFailure" and delivery["destination"] == FAILED_QUEUE
    record = delivery["record"]
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["KinesisBatchInfo"]
    assert (info["shardId"], info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == \
        ("shardId-000000000000", sequences[0], sequences[0], 1)


def test_infinite_retries_block_the_shard_until_the_records_expire(client, fake, kin, stream_arn, acct):
    fake.handler = lambda event, env: (_ for _ in ()).throw(RuntimeError("always"))
    make(client)
    put(kin, "poison")
    made = mapping(client, stream_arn)
    acct.clock.advance(3600)
    stats = acct.service("lambda").mappings[made["UUID"]].stats
    assert stats["failed_batches"] == 0 and stats["retries"] > 5
    acct.clock.advance(24 * 3600)
    assert stats["failed_batches"] == 1
    (failure,) = acct.service("lambda").mappings[made["UUID"]].failures
    assert failure["requestContext"]["condition"] == "MaximumRecordAgeExceeded"


def test_maximum_record_age_discards_old_records(client, fake, kin, stream_arn, acct):
    fake.handler = lambda event, env: (_ for _ in ()).throw(RuntimeError("always"))
    make(client)
    put(kin, "x")
    made = mapping(client, stream_arn, MaximumRecordAgeInSeconds=60)
    acct.clock.advance(120)
    assert acct.service("lambda").mappings[made["UUID"]].stats["discarded_records"] == 1


def test_bisect_isolates_the_bad_record(client, fake, kin, stream_arn, acct):
    def handler(event, env):
        if "bad" in decoded(event):
            raise ValueError("bad record")
        return {}

    fake.handler = handler
    make(client)
    put(kin, "a", "b", "bad", "d")
    made = mapping(client, stream_arn, BisectBatchOnFunctionError=True, MaximumRetryAttempts=0)
    acct.service("lambda").drain()
    calls = [decoded(e) for e in fake.made[0].events]
    assert calls[0] == ["a", "b", "bad", "d"]
    assert ["a", "b"] in calls and ["d"] in calls and calls.count(["bad"]) == 1
    (failure,) = acct.service("lambda").mappings[made["UUID"]].failures
    assert failure["KinesisBatchInfo"]["batchSize"] == 1


def test_report_batch_item_failures_retries_from_the_failed_record(client, fake, kin, stream_arn, acct):
    state = {"failed": False}

    def handler(event, env):
        records = event["Records"]
        if not state["failed"]:
            state["failed"] = True
            return {"batchItemFailures": [{"itemIdentifier": records[1]["kinesis"]["sequenceNumber"]}]}
        return {"batchItemFailures": []}

    fake.handler = handler
    make(client)
    put(kin, 1, 2, 3)
    mapping(client, stream_arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    acct.service("lambda").drain()
    assert [decoded(e) for e in fake.made[0].events] == [[1, 2, 3], [2, 3]]


def test_without_report_batch_item_failures_the_response_is_ignored(client, fake, kin, stream_arn, acct):
    fake.handler = lambda event, env: {"batchItemFailures": [{"itemIdentifier": "whatever"}]}
    make(client)
    put(kin, 1, 2)
    mapping(client, stream_arn)
    acct.service("lambda").drain()
    assert [decoded(e) for e in fake.made[0].events] == [[1, 2]]


def test_parallelization_keeps_each_partition_key_in_order(client, fake, kin, stream_arn, acct):
    make(client)
    for n in range(4):
        put(kin, f"a{n}", key="alpha")
        put(kin, f"b{n}", key="beta")
    mapping(client, stream_arn, ParallelizationFactor=2, BatchSize=2)
    acct.service("lambda").drain()
    seen = [v for e in fake.made[0].events for v in decoded(e)]
    assert [v for v in seen if v.startswith("a")] == ["a0", "a1", "a2", "a3"]
    assert [v for v in seen if v.startswith("b")] == ["b0", "b1", "b2", "b3"]
    assert all(len({v[0] for v in decoded(e)}) == 1 for e in fake.made[0].events)


def test_a_disabled_mapping_does_not_poll_and_resumes_where_it_was(client, fake, kin, stream_arn, acct):
    make(client)
    made = mapping(client, stream_arn, Enabled=False)
    put(kin, 1)
    acct.clock.advance(10)
    assert fake.made == []
    client.update_event_source_mapping(UUID=made["UUID"], Enabled=True)
    acct.clock.advance(1)
    assert [decoded(e) for e in fake.made[0].events] == [[1]]


def test_drain_stops_after_its_limit_when_a_batch_keeps_failing(client, fake, kin, stream_arn, acct):
    fake.handler = lambda event, env: (_ for _ in ()).throw(RuntimeError("always"))
    make(client)
    put(kin, "x")
    made = mapping(client, stream_arn)
    start = acct.clock.now()
    acct.service("lambda").drain()
    assert 3600 - 181 <= acct.clock.now() - start <= 3600
    assert acct.service("lambda").mappings[made["UUID"]].poller.busy()


# ---- templates -------------------------------------------------------------------------------------

SAM_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Counter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return {}\\n"
      Events:
        FromClicks:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            BatchSize: 5
            MaximumRetryAttempts: 3
            DestinationConfig:
              OnFailure:
                Type: SQS
                Destination: arn:aws:sqs:us-east-1:123456789012:failed
"""


def test_a_sam_kinesis_event_becomes_an_event_source_mapping(acct, fake, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE)
    stack = acct.deploy(template)
    made = stack.resources["CounterFromClicks"]
    assert made.type == "AWS::Lambda::EventSourceMapping"
    config = acct.client("lambda").get_event_source_mapping(UUID=made.physical_id)
    assert config["BatchSize"] == 5 and config["MaximumRetryAttempts"] == 3
    assert config["DestinationConfig"] == {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:failed"}}
    assert config["EventSourceArn"] == stack.attribute("Clicks", "Arn")
    assert not [n for n in stack.notes if "Kinesis" in n.message]
    acct.client("kinesis").put_record(StreamName=stack.physical_id("Clicks"), Data=b"{}", PartitionKey="k")
    acct.clock.advance(1)
    assert len(fake.made[0].events) == 1


def test_sam_stream_event_properties_are_checked_where_they_are_written(acct, tmp_path):
    from course.sim.errors import TemplateError

    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE.replace("BatchSize: 5", "BatchSize: 20000"))
    with pytest.raises(TemplateError) as err:
        acct.deploy(template)
    assert "Resources.Counter.Properties.Events.FromClicks.Properties.BatchSize" in str(err.value)


def test_an_event_source_mapping_resource_with_an_alias(acct, fake, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Counter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return {}\\n"
      AutoPublishAlias: live
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Counter.Alias
      EventSourceArn: !GetAtt Clicks.Arn
      StartingPosition: LATEST
      ParallelizationFactor: 2
""")
    stack = acct.deploy(template)
    config = acct.client("lambda").get_event_source_mapping(UUID=stack.physical_id("Mapping"))
    assert config["FunctionArn"].endswith(":function:" + stack.physical_id("Counter") + ":live")
    assert config["ParallelizationFactor"] == 2
    assert stack.attribute("Mapping", "EventSourceMappingArn") == config["EventSourceMappingArn"]


# ---- DynamoDB streams ------------------------------------------------------------------------------

@pytest.fixture
def sessions(acct):
    ddb = acct.client("dynamodb")
    ddb.create_table(TableName="sessions", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST",
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    ddb.update_time_to_live(TableName="sessions",
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    return ddb, ddb.describe_table(TableName="sessions")["Table"]["LatestStreamArn"]


def test_dynamodb_stream_records_and_ttl_deletes_reach_the_function(client, fake, acct, sessions):
    ddb, stream_arn = sessions
    make(client)
    made = mapping(client, stream_arn, StartingPosition="LATEST")
    now = int(acct.clock.now())
    ddb.put_item(TableName="sessions", Item={"id": {"S": "a"}, "user": {"S": "ada"}, "expires": {"N": str(now + 60)}})
    ddb.put_item(TableName="sessions", Item={"id": {"S": "b"}, "user": {"S": "bob"}})
    ddb.delete_item(TableName="sessions", Key={"id": {"S": "b"}})
    acct.clock.advance(1)
    records = [r for e in fake.made[0].events for r in e["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "INSERT", "REMOVE"]
    assert all(r["eventSourceARN"] == stream_arn and r["eventSource"] == "aws:dynamodb" for r in records)
    assert "userIdentity" not in records[2] and records[2]["dynamodb"]["OldImage"]["user"] == {"S": "bob"}
    assert isinstance(records[0]["dynamodb"]["ApproximateCreationDateTime"], float)
    acct.clock.advance(2 * 3600)
    expired = [r for env in fake.made for e in env.events for r in e["Records"]][3:]
    assert [r["eventName"] for r in expired] == ["REMOVE"]
    assert expired[0]["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert expired[0]["dynamodb"]["OldImage"]["user"] == {"S": "ada"}
    assert acct.service("lambda").mappings[made["UUID"]].stats["records"] == 4


def test_dynamodb_streams_take_no_at_timestamp_and_failures_name_the_stream_batch(client, fake, acct, sessions):
    ddb, stream_arn = sessions
    make(client)
    with pytest.raises(ClientError) as err:
        mapping(client, stream_arn, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=0)
    assert error_of(err)[0] == "InvalidParameterValueException"
    fake.handler = lambda event, env: (_ for _ in ()).throw(KeyError("NewImage"))
    made = mapping(client, stream_arn, MaximumRetryAttempts=0)
    ddb.put_item(TableName="sessions", Item={"id": {"S": "a"}})
    acct.service("lambda").drain()
    (failure,) = acct.service("lambda").mappings[made["UUID"]].failures
    info = failure["DDBStreamBatchInfo"]
    assert info["streamArn"] == stream_arn and info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]


def test_the_poller_follows_shard_rollover_across_a_long_quiet_spell(client, fake, acct, sessions):
    ddb, stream_arn = sessions
    make(client)
    mapping(client, stream_arn, StartingPosition="TRIM_HORIZON")
    ddb.put_item(TableName="sessions", Item={"id": {"S": "first"}})
    acct.clock.advance(30 * 3600)
    ddb.put_item(TableName="sessions", Item={"id": {"S": "second"}})
    acct.clock.advance(1)
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for env in fake.made for e in env.events for r in e["Records"]]
    assert keys == ["first", "second"]
    shards = acct.client("dynamodbstreams").describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    assert len(shards) > 1  # the stream rolled over to new shards meanwhile


# ---- event filtering ---------------------------------------------------------------------------------

TTL_ONLY = json.dumps({"eventName": ["REMOVE"],
                       "userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}})


def test_a_filter_passes_only_ttl_deletes(client, fake, acct, sessions):
    ddb, stream_arn = sessions
    make(client)
    made = mapping(client, stream_arn, FilterCriteria={"Filters": [{"Pattern": TTL_ONLY}]})
    assert made["FilterCriteria"] == {"Filters": [{"Pattern": TTL_ONLY}]}
    now = int(acct.clock.now())
    ddb.put_item(TableName="sessions", Item={"id": {"S": "gone"}, "expires": {"N": str(now + 10)}})
    ddb.put_item(TableName="sessions", Item={"id": {"S": "out"}})
    ddb.delete_item(TableName="sessions", Key={"id": {"S": "out"}})
    acct.clock.advance(2 * 3600)
    records = [r for env in fake.made for e in env.events for r in e["Records"]]
    assert [(r["eventName"], r["dynamodb"]["Keys"]["id"]["S"]) for r in records] == [("REMOVE", "gone")]
    assert acct.service("lambda").mappings[made["UUID"]].stats["filtered_records"] == 3


def test_kinesis_filters_match_the_json_in_data(client, fake, kin, stream_arn, acct):
    make(client)
    put(kin, {"kind": "order", "total": 120}, {"kind": "order", "total": 5}, {"kind": "refund", "total": 300},
        "not an object")
    patterns = [{"data": {"kind": ["order"], "total": [{"numeric": [">", 100]}]}},
                {"data": {"kind": [{"prefix": "ref"}]}}]
    mapping(client, stream_arn, FilterCriteria={"Filters": [{"Pattern": json.dumps(p)} for p in patterns]})
    acct.clock.advance(1)
    assert [v["total"] for e in fake.made[0].events for v in decoded(e)] == [120, 300]


def test_filter_rules(client, fake, kin, stream_arn, acct):
    from course.sim.awslambda.esm_filters import compile_filters, matches_any

    record = {"eventName": "MODIFY", "dynamodb": {"NewImage": {"status": {"S": "PAID"}, "n": 3}}, "flag": None}
    cases = [({"eventName": [{"anything-but": ["INSERT", "REMOVE"]}]}, True),
             ({"eventName": [{"anything-but": "MODIFY"}]}, False),
             ({"dynamodb": {"NewImage": {"status": {"S": [{"equals-ignore-case": "paid"}]}}}}, True),
             ({"dynamodb": {"NewImage": {"status": {"S": [{"suffix": "ID"}]}}}}, True),
             ({"dynamodb": {"OldImage": [{"exists": False}]}}, True),
             ({"dynamodb": {"OldImage": [{"exists": True}]}}, False),
             ({"dynamodb": {"NewImage": {"n": [{"numeric": [">=", 3, "<", 4]}]}}}, True),
             ({"dynamodb": {"NewImage": {"n": [{"numeric": [">", 3]}]}}}, False),
             ({"flag": [None]}, True),
             ({"eventName": ["INSERT", "MODIFY"], "flag": [None]}, True),
             ({"eventName": ["INSERT"]}, False)]
    for pattern, expected in cases:
        assert matches_any(compile_filters({"Filters": [{"Pattern": json.dumps(pattern)}]}), record) is expected, \
            pattern


def test_throttled_batches_back_off_and_do_not_use_up_retries(client, fake, kin, stream_arn, acct):
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    put(kin, "x")
    made = mapping(client, stream_arn, MaximumRetryAttempts=1)
    acct.clock.advance(3600)
    stats = acct.service("lambda").mappings[made["UUID"]].stats
    assert 10 < stats["throttles"] < 60 and stats["failed_batches"] == 0
    client.delete_function_concurrency(FunctionName="fn")
    acct.clock.advance(200)
    assert stats["batches"] == 1 and [decoded(e) for e in fake.made[0].events] == [["x"]]


def test_kinesis_at_timestamp_starts_at_the_first_record_written_then(client, fake, kin, stream_arn, acct):
    make(client)
    put(kin, "before")
    acct.clock.advance(60)
    start = acct.clock.now()
    put(kin, "after")
    mapping(client, stream_arn, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=start - 1)
    acct.clock.advance(1)
    assert [decoded(e) for e in fake.made[0].events] == [["after"]]
