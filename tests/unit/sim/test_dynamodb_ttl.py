"""Time to Live through real botocore clients: the settings API, its rules, and expired items that
stay readable until the sweeper deletes them for free, as service deletes in the stream."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim import Account
from course.sim.dynamodb.ops_ttl import TTL_DELETION_WINDOW_SECONDS

HASH = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}
HOUR = 3600
YEAR = 365 * 24 * HOUR


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="sessions", **HASH)
    return client


def enable(ddb, attribute="expires", enabled=True):
    return ddb.update_time_to_live(TableName="sessions",
                                   TimeToLiveSpecification={"Enabled": enabled, "AttributeName": attribute})


def put(ddb, pk, expires=None, kind="N"):
    item = {"pk": {"S": pk}}
    if expires is not None:
        item["expires"] = {kind: str(expires)}
    ddb.put_item(TableName="sessions", Item=item)


def keys(ddb):
    return sorted(i["pk"]["S"] for i in ddb.scan(TableName="sessions")["Items"])


def status(ddb):
    return ddb.describe_time_to_live(TableName="sessions")["TimeToLiveDescription"]


def code(caught):
    return caught.value.response["Error"]["Code"]


def message(caught):
    return caught.value.response["Error"]["Message"]


# -- the settings API -------------------------------------------------------------------------------


def test_enable_then_describe(ddb):
    assert status(ddb) == {"TimeToLiveStatus": "DISABLED"}
    answer = enable(ddb)
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    assert status(ddb) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}


def test_enabling_twice_is_refused(acct, ddb):
    enable(ddb)
    acct.clock.advance(2 * HOUR)
    with pytest.raises(ClientError) as caught:
        enable(ddb)
    assert code(caught) == "ValidationException" and message(caught) == "TimeToLive is already enabled"


def test_disabling_when_disabled_is_refused(ddb):
    with pytest.raises(ClientError) as caught:
        enable(ddb, enabled=False)
    assert code(caught) == "ValidationException" and message(caught) == "TimeToLive is already disabled"


def test_a_different_attribute_while_enabled_is_refused(acct, ddb):
    enable(ddb)
    acct.clock.advance(2 * HOUR)
    for enabled in (True, False):
        with pytest.raises(ClientError) as caught:
            enable(ddb, "other", enabled)
        assert message(caught) == "TimeToLive is active on a different AttributeName: current AttributeName is expires"


def test_one_change_per_hour(acct, ddb):
    enable(ddb)
    acct.clock.advance(HOUR - 1)
    with pytest.raises(ClientError) as caught:
        enable(ddb, enabled=False)
    assert code(caught) == "ValidationException"
    assert message(caught) == "Time to live has been modified multiple times within a fixed interval"
    assert status(ddb)["TimeToLiveStatus"] == "ENABLED"
    acct.clock.advance(1)
    enable(ddb, enabled=False)
    assert status(ddb) == {"TimeToLiveStatus": "DISABLED"}


def test_missing_table_is_not_found(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.describe_time_to_live(TableName="nothing")
    assert code(caught) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        ddb.update_time_to_live(TableName="nothing", TimeToLiveSpecification={"Enabled": True,
                                                                               "AttributeName": "x"})
    assert code(caught) == "ResourceNotFoundException"


def test_attribute_name_longer_than_255_is_refused(ddb):
    with pytest.raises(ClientError) as caught:
        enable(ddb, "a" * 256)
    assert code(caught) == "ValidationException"
    enable(ddb, "a" * 255)


# -- expiry and deletion -------------------------------------------------------------------------------


def test_expired_items_stay_readable_until_deleted_then_vanish(acct, ddb):
    enable(ddb)
    now = int(acct.clock.now())
    put(ddb, "expired", now - 10)
    put(ddb, "soon", now + 60)
    put(ddb, "later", now + 10 * HOUR)
    put(ddb, "forever")
    acct.clock.advance(61)
    # Expired, but not necessarily deleted yet: reads must filter expired items themselves.
    got = ddb.get_item(TableName="sessions", Key={"pk": {"S": "soon"}})
    assert got["Item"]["expires"] == {"N": str(now + 60)}
    filtered = ddb.scan(TableName="sessions", FilterExpression="attribute_not_exists(expires) OR expires > :now",
                        ExpressionAttributeValues={":now": {"N": str(int(acct.clock.now()))}})
    assert sorted(i["pk"]["S"] for i in filtered["Items"]) == ["forever", "later"]
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 60)
    assert keys(ddb) == ["forever", "later"]
    acct.clock.advance(10 * HOUR)
    assert keys(ddb) == ["forever"]


def test_deletion_is_not_instant_and_is_spread_over_the_window(acct, ddb):
    enable(ddb)
    expiry = int(acct.clock.now()) + 100
    for n in range(40):
        put(ddb, f"k{n:02}", expiry)
    acct.clock.set(expiry)
    assert len(keys(ddb)) == 40
    acct.clock.set(expiry + TTL_DELETION_WINDOW_SECONDS // 2)
    halfway = len(keys(ddb))
    assert 0 < halfway < 40
    acct.clock.set(expiry + TTL_DELETION_WINDOW_SECONDS)
    assert keys(ddb) == []


def test_deletion_times_are_repeatable(ddb):
    def remaining_at(offset):
        with Account() as account:
            client = account.client("dynamodb")
            client.create_table(TableName="sessions", **HASH)
            enable(client)
            expiry = int(account.clock.now()) + 10
            for n in range(20):
                put(client, f"k{n}", expiry)
            account.clock.set(expiry + offset)
            return keys(client)

    assert remaining_at(1800) == remaining_at(1800)


def test_the_window_is_configurable_per_account(acct, ddb):
    acct.service("dynamodb").ttl_deletion_window_seconds = 0
    enable(ddb)
    put(ddb, "gone", int(acct.clock.now()) + 5)
    acct.clock.advance(5)
    assert keys(ddb) == []


def test_ttl_deletes_consume_no_capacity(acct, ddb):
    enable(ddb)
    put(ddb, "a", int(acct.clock.now()) + 1)
    calls_before = len(acct.calls)
    units_before = sum(c.get("write_units", 0) for c in acct.calls)
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 2)
    assert keys(ddb) == []
    assert [c["operation"] for c in list(acct.calls)[calls_before:]] == ["Scan"]  # only the test's own read
    assert sum(c.get("write_units", 0) for c in acct.calls) == units_before == 1


def test_non_number_and_ancient_values_are_ignored(acct, ddb):
    enable(ddb)
    now = int(acct.clock.now())
    put(ddb, "text", now - 100, kind="S")
    put(ddb, "ancient", now - 6 * YEAR)
    put(ddb, "recent-past", now - 4 * YEAR)
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 1)
    assert keys(ddb) == ["ancient", "text"]


def test_items_already_expired_when_ttl_is_enabled_are_deleted_after_it(acct, ddb):
    put(ddb, "stale", int(acct.clock.now()) - HOUR)
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS * 2)
    assert keys(ddb) == ["stale"]  # TTL is off: nothing expires
    enable(ddb)
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 1)
    assert keys(ddb) == []


def test_extending_the_expiry_saves_the_item(acct, ddb):
    enable(ddb)
    now = int(acct.clock.now())
    put(ddb, "a", now + 10)
    ddb.update_item(TableName="sessions", Key={"pk": {"S": "a"}}, UpdateExpression="SET expires = :e",
                    ExpressionAttributeValues={":e": {"N": str(now + 100 * HOUR)}})
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 20)
    assert keys(ddb) == ["a"]


def test_disabling_ttl_stops_deletions(acct, ddb):
    enable(ddb)
    put(ddb, "a", int(acct.clock.now()) + 2 * HOUR)
    acct.clock.advance(HOUR)
    enable(ddb, enabled=False)
    acct.clock.advance(2 * HOUR + TTL_DELETION_WINDOW_SECONDS)
    assert keys(ddb) == ["a"]


def test_a_recreated_table_starts_without_ttl(acct, ddb):
    enable(ddb)
    put(ddb, "a", int(acct.clock.now()) + 10)
    ddb.delete_table(TableName="sessions")
    ddb.create_table(TableName="sessions", **HASH)
    put(ddb, "a", int(acct.clock.now()) + 10)
    assert status(ddb) == {"TimeToLiveStatus": "DISABLED"}
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 20)
    assert keys(ddb) == ["a"]


# -- streams ---------------------------------------------------------------------------------------------


def test_ttl_deletes_reach_the_stream_as_service_deletes(acct):
    ddb = acct.client("dynamodb")
    streams = acct.client("dynamodbstreams")
    made = ddb.create_table(TableName="sessions", StreamSpecification={"StreamEnabled": True,
                                                                       "StreamViewType": "OLD_IMAGE"}, **HASH)
    arn = made["TableDescription"]["LatestStreamArn"]
    enable(ddb)
    put(ddb, "user-gone", int(acct.clock.now()) + 30)
    put(ddb, "user-deleted")
    ddb.delete_item(TableName="sessions", Key={"pk": {"S": "user-deleted"}})
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 31)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    position = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=position["ShardIterator"])["Records"]
    removes = [r for r in records if r["eventName"] == "REMOVE"]
    by_key = {r["dynamodb"]["Keys"]["pk"]["S"]: r for r in removes}
    assert set(by_key) == {"user-gone", "user-deleted"}
    assert by_key["user-gone"]["userIdentity"] == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
    assert by_key["user-gone"]["dynamodb"]["OldImage"]["pk"] == {"S": "user-gone"}
    assert "userIdentity" not in by_key["user-deleted"]


def test_time_to_live_in_templates(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sessions:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: sessions
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      TimeToLiveSpecification: {AttributeName: expires, Enabled: true}
""")
    acct.deploy(template)
    ddb = acct.client("dynamodb")
    assert status(ddb) == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    put(ddb, "a", int(acct.clock.now()) + 1)
    acct.clock.advance(TTL_DELETION_WINDOW_SECONDS + 2)
    assert keys(ddb) == []
