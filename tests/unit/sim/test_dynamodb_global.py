"""Global tables (2019.11.21) across simulated Regions, through real botocore clients per Region."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim.dynamodb.replication import REPLICATION_DELAY_SECONDS
from course.sim.errors import TemplateError

KEYS = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


@pytest.fixture
def east(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="carts", BillingMode="PAY_PER_REQUEST", **KEYS)
    return client


@pytest.fixture
def west(acct):
    return acct.client("dynamodb", region="eu-west-1")


def add_replica(client, region, table="carts"):
    return client.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": region}}])[
        "TableDescription"]


def get(client, pk, table="carts"):
    return client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")


def put(client, pk, value, table="carts", **extra):
    client.put_item(TableName=table, Item={"pk": {"S": pk}, "v": {"S": value}}, **extra)


def code(caught):
    return caught.value.response["Error"]["Code"]


def test_regions_have_separate_tables_and_one_clock(acct, east, west):
    assert west.list_tables()["TableNames"] == []
    with pytest.raises(ClientError) as caught:
        west.describe_table(TableName="carts")
    assert code(caught) == "ResourceNotFoundException"
    west.create_table(TableName="carts-eu", BillingMode="PAY_PER_REQUEST", **KEYS)
    described = west.describe_table(TableName="carts-eu")["Table"]
    assert described["TableArn"] == "arn:aws:dynamodb:eu-west-1:123456789012:table/carts-eu"
    assert "carts-eu" not in east.list_tables()["TableNames"]
    made = [c for c in acct.calls if c["operation"] == "CreateTable"]
    assert "region" not in made[0] and made[1]["region"] == "eu-west-1"  # one call log, Regions marked


def test_adding_a_replica_copies_items_turns_on_a_stream_and_lists_replicas(east, west):
    put(east, "a", "1")
    made = add_replica(east, "eu-west-1")
    assert made["GlobalTableVersion"] == "2019.11.21"
    assert [r["RegionName"] for r in made["Replicas"]] == ["eu-west-1"]
    assert made["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    replica = west.describe_table(TableName="carts")["Table"]
    assert [r["RegionName"] for r in replica["Replicas"]] == ["us-east-1"]
    assert replica["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    assert get(west, "a") == {"pk": {"S": "a"}, "v": {"S": "1"}}


def test_an_existing_stream_view_type_is_kept(acct):
    east = acct.client("dynamodb")
    east.create_table(TableName="carts", BillingMode="PAY_PER_REQUEST",
                      StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}, **KEYS)
    assert add_replica(east, "eu-west-1")["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"


def test_writes_replicate_both_ways_after_the_delay(acct, east, west):
    add_replica(east, "eu-west-1")
    put(east, "from-east", "1")
    put(west, "from-west", "2")
    assert get(west, "from-east") is None and get(east, "from-west") is None
    acct.clock.advance(REPLICATION_DELAY_SECONDS)
    assert get(west, "from-east")["v"] == {"S": "1"} and get(east, "from-west")["v"] == {"S": "2"}
    west.delete_item(TableName="carts", Key={"pk": {"S": "from-east"}})
    acct.clock.advance(REPLICATION_DELAY_SECONDS)
    assert get(east, "from-east") is None
    assert acct.service("dynamodb").replicated_write_units("carts") == {"us-east-1": 2.0, "eu-west-1": 1.0}


def test_concurrent_writes_in_two_regions_converge_on_the_later_one(acct, east, west):
    """Last writer wins: the earlier write is lost in every Region, even where it was made."""
    add_replica(east, "eu-west-1")
    put(east, "x", "east")
    acct.clock.advance(REPLICATION_DELAY_SECONDS / 5)
    put(west, "x", "west")
    assert get(east, "x")["v"] == {"S": "east"} and get(west, "x")["v"] == {"S": "west"}  # diverged for now
    acct.clock.advance(REPLICATION_DELAY_SECONDS)
    assert get(east, "x")["v"] == {"S": "west"} and get(west, "x")["v"] == {"S": "west"}


def test_a_condition_in_one_region_does_not_protect_against_a_write_in_another(acct, east, west):
    add_replica(east, "eu-west-1")
    # Two users claim the same seat at almost the same moment, each "only if nobody has it".
    put(east, "seat-1", "alice", ConditionExpression="attribute_not_exists(pk)")
    acct.clock.advance(0.1)
    put(west, "seat-1", "bob", ConditionExpression="attribute_not_exists(pk)")  # succeeds: west has no copy yet
    acct.clock.advance(1)
    assert get(east, "seat-1")["v"] == {"S": "bob"} and get(west, "seat-1")["v"] == {"S": "bob"}  # alice lost
    with pytest.raises(ClientError) as caught:  # once replicated, the condition does see the item
        put(east, "seat-1", "carol", ConditionExpression="attribute_not_exists(pk)")
    assert code(caught) == "ConditionalCheckFailedException"


def test_replica_rules(acct, east, west):
    add_replica(east, "eu-west-1")
    with pytest.raises(ClientError) as caught:  # one replica per Region
        add_replica(east, "eu-west-1")
    assert code(caught) == "ValidationException" and "already existed" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        add_replica(east, "mars-north-1")
    assert code(caught) == "ValidationException"
    with pytest.raises(ClientError) as caught:
        east.update_table(TableName="carts", StreamSpecification={"StreamEnabled": False})
    assert "Disabling Stream is not allowed" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        east.update_table(TableName="carts", ReplicaUpdates=[{"Delete": {"RegionName": "ap-south-1"}}])
    assert code(caught) == "ValidationException"


def test_a_table_already_in_the_region_blocks_the_replica(acct, east, west):
    west.create_table(TableName="carts", BillingMode="PAY_PER_REQUEST", **KEYS)
    with pytest.raises(ClientError) as caught:
        add_replica(east, "eu-west-1")
    assert code(caught) == "ValidationException"


def test_provisioned_write_capacity_must_be_auto_scaled(acct):
    east = acct.client("dynamodb")
    east.create_table(TableName="carts", BillingMode="PROVISIONED",
                      ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, **KEYS)
    with pytest.raises(ClientError) as caught:
        add_replica(east, "eu-west-1")
    assert caught.value.response["Error"]["Message"] == \
        "Table write capacity should either be Pay-Per-Request or AutoScaled."
    east.update_table(TableName="carts", BillingMode="PAY_PER_REQUEST")
    assert add_replica(east, "eu-west-1")["Replicas"][0]["RegionName"] == "eu-west-1"


def test_removing_a_replica_stops_replication(acct, east, west):
    add_replica(east, "eu-west-1")
    add_replica(east, "ap-southeast-2")
    sydney = acct.client("dynamodb", region="ap-southeast-2")
    east.update_table(TableName="carts", ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    assert "carts" not in west.list_tables()["TableNames"]
    assert [r["RegionName"] for r in east.describe_table(TableName="carts")["Table"]["Replicas"]] == ["ap-southeast-2"]
    put(east, "a", "1")
    acct.clock.advance(1)
    assert get(sydney, "a")["v"] == {"S": "1"}
    sydney.delete_table(TableName="carts")  # the last other replica: east is a plain table again
    assert "Replicas" not in east.describe_table(TableName="carts")["Table"]
    put(east, "b", "2")
    acct.clock.advance(1)
    assert "carts" not in sydney.list_tables()["TableNames"]


def test_three_regions_converge(acct, east, west):
    add_replica(east, "eu-west-1")
    add_replica(west, "ap-southeast-2")  # any replica can add one
    sydney = acct.client("dynamodb", region="ap-southeast-2")
    for client, value in ((east, "1"), (west, "2"), (sydney, "3")):
        put(client, "k", value)
        acct.clock.advance(0.01)
    acct.clock.advance(1)
    assert {get(c, "k")["v"]["S"] for c in (east, west, sydney)} == {"3"}


TEMPLATE = """Resources:
  Carts:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: carts
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
      Replicas:
        - Region: us-east-1
        - Region: eu-west-1
          PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}
"""


def test_template_global_table(acct):
    stack = acct.deploy(TEMPLATE)
    assert stack.attribute("Carts", "Arn") == "arn:aws:dynamodb:us-east-1:123456789012:table/carts"
    west = acct.client("dynamodb", region="eu-west-1")
    assert [r["RegionName"] for r in west.describe_table(TableName="carts")["Table"]["Replicas"]] == ["us-east-1"]
    pitr = west.describe_continuous_backups(TableName="carts")["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    east_pitr = acct.client("dynamodb").describe_continuous_backups(TableName="carts")["ContinuousBackupsDescription"]
    assert east_pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


@pytest.mark.parametrize("change", [
    ("      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}\n", ""),  # required with 2 replicas
    ("        - Region: us-east-1\n", ""),  # the stack's Region must hold a replica
    ("      BillingMode: PAY_PER_REQUEST\n", "      BillingMode: PROVISIONED\n"),  # not modeled
])
def test_template_global_table_rules(acct, change):
    with pytest.raises(TemplateError):
        acct.deploy(TEMPLATE.replace(*change))
    assert "carts" not in acct.client("dynamodb").list_tables()["TableNames"]


def stream_records(acct, region, table="carts"):
    client = acct.client("dynamodb", region=region)
    streams = acct.client("dynamodbstreams", region=region)
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    return records


def test_ttl_deletes_replicate_as_ordinary_deletes_with_replicated_writes(acct, east, west):
    from course.sim.dynamodb.ops_ttl import TTL_DELETION_WINDOW_SECONDS

    add_replica(east, "eu-west-1")
    east.update_time_to_live(TableName="carts", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    east.put_item(TableName="carts", Item={"pk": {"S": "old"}, "exp": {"N": str(int(acct.clock.now()) - 10)}})
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 2 * REPLICATION_DELAY_SECONDS + 1)
    assert get(east, "old") is None and get(west, "old") is None
    east_remove = [r for r in stream_records(acct, "us-east-1") if r["eventName"] == "REMOVE"]
    west_remove = [r for r in stream_records(acct, "eu-west-1") if r["eventName"] == "REMOVE"]
    assert east_remove[0]["userIdentity"]["PrincipalId"] == "dynamodb.amazonaws.com"  # a TTL delete here
    assert len(west_remove) == 1 and "userIdentity" not in west_remove[0]  # an ordinary delete there
    assert acct.service("dynamodb").replicated_write_units("carts")["eu-west-1"] == 2.0  # the put and the delete


def test_a_transaction_is_atomic_only_in_its_own_region(acct, east, west):
    add_replica(east, "eu-west-1")
    put(east, "from", "100")
    put(east, "to", "0")
    acct.clock.advance(1)
    east.transact_write_items(TransactItems=[
        {"Put": {"TableName": "carts", "Item": {"pk": {"S": "from"}, "v": {"S": "50"}}}},
        {"Put": {"TableName": "carts", "Item": {"pk": {"S": "to"}, "v": {"S": "50"}}}}])
    acct.clock.advance(0.1)
    put(west, "to", "7")  # a later write in another Region, before the transaction has arrived there
    acct.clock.advance(1)
    for client in (east, west):  # half of the transaction survives everywhere
        assert (get(client, "from")["v"]["S"], get(client, "to")["v"]["S"]) == ("50", "7")


def test_a_replica_has_the_tables_indexes(acct):
    east = acct.client("dynamodb")
    east.create_table(TableName="carts", BillingMode="PAY_PER_REQUEST", KeySchema=KEYS["KeySchema"],
                      AttributeDefinitions=[*KEYS["AttributeDefinitions"],
                                            {"AttributeName": "owner", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[{"IndexName": "by-owner", "Projection": {"ProjectionType": "ALL"},
                                               "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}]}])
    add_replica(east, "eu-west-1")
    east.put_item(TableName="carts", Item={"pk": {"S": "c1"}, "owner": {"S": "ana"}})
    acct.clock.advance(1)
    west = acct.client("dynamodb", region="eu-west-1")
    found = west.query(TableName="carts", IndexName="by-owner", KeyConditionExpression="#o = :o",
                       ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": {"S": "ana"}})
    assert found["Count"] == 1


def test_reset_forgets_every_region(acct, east, west):
    add_replica(east, "eu-west-1")
    acct.reset()
    assert acct.client("dynamodb", region="eu-west-1").list_tables()["TableNames"] == []
