"""On-demand backups, point-in-time recovery and restores, through a real botocore client."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from course.sim.dynamodb.backups import BACKUP_CREATION_SECONDS
from course.sim.dynamodb.history import RESTORE_LAG_SECONDS

KEYS = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="orders", BillingMode="PROVISIONED",
                        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 2},
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}, **KEYS)
    return client


def put(ddb, pk, table="orders", **attrs):
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items()}})


def keys(ddb, table):
    return sorted(item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"])


def code(caught):
    return caught.value.response["Error"]["Code"]


def at(seconds):
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


# -- on-demand backups --------------------------------------------------------------------------------

def test_backup_is_creating_then_available_and_restores_into_a_new_table(acct, ddb):
    put(ddb, "a", note="first")
    details = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]
    assert details["BackupStatus"] == "CREATING" and details["BackupType"] == "USER"
    assert details["BackupArn"].startswith("arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/")
    put(ddb, "b")  # after the backup: not in it
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_from_backup(TargetTableName="orders-copy", BackupArn=details["BackupArn"])
    assert code(caught) == "BackupInUseException"
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    assert ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]["BackupDetails"][
        "BackupStatus"] == "AVAILABLE"
    restored = ddb.restore_table_from_backup(TargetTableName="orders-copy", BackupArn=details["BackupArn"])
    summary = restored["TableDescription"]["RestoreSummary"]
    assert summary["SourceBackupArn"] == details["BackupArn"] and summary["RestoreInProgress"] is False
    assert keys(ddb, "orders-copy") == ["a"] and keys(ddb, "orders") == ["a", "b"]
    copy = ddb.describe_table(TableName="orders-copy")["Table"]
    assert copy["ProvisionedThroughput"]["ReadCapacityUnits"] == 3  # restored
    assert "StreamSpecification" not in copy  # stream settings are not restored


def test_restore_does_not_bring_back_ttl_pitr_or_streams(acct, ddb):
    ddb.update_continuous_backups(TableName="orders",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    ddb.restore_table_from_backup(TargetTableName="orders-copy", BackupArn=arn)
    pitr = ddb.describe_continuous_backups(TableName="orders-copy")["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    source = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert source["SourceTableFeatureDetails"]["StreamDescription"]["StreamViewType"] == "NEW_IMAGE"
    assert source["SourceTableDetails"]["BillingMode"] == "PROVISIONED"


def test_restore_overrides_billing_mode(acct, ddb):
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    made = ddb.restore_table_from_backup(TargetTableName="orders-od", BackupArn=arn,
                                         BillingModeOverride="PAY_PER_REQUEST")["TableDescription"]
    assert made["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_restore_target_must_not_exist(acct, ddb):
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_from_backup(TargetTableName="orders", BackupArn=arn)
    assert code(caught) == "TableAlreadyExistsException"


def test_backup_errors(acct, ddb):
    with pytest.raises(ClientError) as caught:
        ddb.create_backup(TableName="missing", BackupName="nightly")
    assert code(caught) == "TableNotFoundException"
    with pytest.raises(ClientError) as caught:
        ddb.create_backup(TableName="orders", BackupName="no spaces")
    assert code(caught) == "ValidationException"
    missing = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01767225600000-00000000"
    for call in (lambda: ddb.describe_backup(BackupArn=missing), lambda: ddb.delete_backup(BackupArn=missing),
                 lambda: ddb.restore_table_from_backup(TargetTableName="x-copy", BackupArn=missing)):
        with pytest.raises(ClientError) as caught:
            call()
        assert code(caught) == "BackupNotFoundException"


def test_backups_outlive_their_table_until_deleted(acct, ddb):
    put(ddb, "a")
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    with pytest.raises(ClientError) as caught:
        ddb.delete_backup(BackupArn=arn)  # still being created
    assert code(caught) == "BackupInUseException"
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    ddb.delete_table(TableName="orders")
    assert [b["BackupArn"] for b in ddb.list_backups()["BackupSummaries"]] == [arn]
    ddb.restore_table_from_backup(TargetTableName="orders", BackupArn=arn)
    assert keys(ddb, "orders") == ["a"]
    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
    assert deleted["BackupStatus"] == "DELETED"
    assert ddb.list_backups()["BackupSummaries"] == []


def test_list_backups_filters_and_pages(acct, ddb):
    ddb.create_table(TableName="other", BillingMode="PAY_PER_REQUEST", **KEYS)
    made = []
    for n in range(3):
        made.append(ddb.create_backup(TableName="orders", BackupName=f"b-{n}")["BackupDetails"]["BackupArn"])
        acct.clock.advance(60)
    ddb.create_backup(TableName="other", BackupName="o-1")
    assert [b["BackupArn"] for b in ddb.list_backups(TableName="orders")["BackupSummaries"]] == made
    first = ddb.list_backups(TableName="orders", Limit=2)
    assert len(first["BackupSummaries"]) == 2
    rest = ddb.list_backups(TableName="orders", ExclusiveStartBackupArn=first["LastEvaluatedBackupArn"])
    assert [b["BackupArn"] for b in rest["BackupSummaries"]] == made[2:]
    start = acct.clock.now() - 3 * 60  # when the first backup was made
    window = ddb.list_backups(TableName="orders", TimeRangeLowerBound=at(start + 30), TimeRangeUpperBound=at(start + 90))
    assert [b["BackupArn"] for b in window["BackupSummaries"]] == made[1:2]


# -- point-in-time recovery ----------------------------------------------------------------------------

def enable_pitr(ddb, days=None, table="orders"):
    spec = {"PointInTimeRecoveryEnabled": True}
    if days is not None:
        spec["RecoveryPeriodInDays"] = days
    return ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification=spec)[
        "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]


def test_pitr_window_defaults_to_35_days_and_lags_five_minutes(acct, ddb):
    off = ddb.describe_continuous_backups(TableName="orders")["ContinuousBackupsDescription"]
    assert off["PointInTimeRecoveryDescription"] == {"PointInTimeRecoveryStatus": "DISABLED"}
    enabled_at = acct.clock.now()
    described = enable_pitr(ddb)
    assert described["PointInTimeRecoveryStatus"] == "ENABLED" and described["RecoveryPeriodInDays"] == 35
    acct.clock.advance(3600)
    pitr = ddb.describe_continuous_backups(TableName="orders")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert pitr["EarliestRestorableDateTime"] == at(enabled_at)
    assert pitr["LatestRestorableDateTime"] == at(acct.clock.now() - RESTORE_LAG_SECONDS)
    acct.clock.advance(40 * 86400)
    pitr = ddb.describe_continuous_backups(TableName="orders")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert pitr["EarliestRestorableDateTime"] == at(acct.clock.now() - 35 * 86400)


def test_recovery_period_must_be_1_to_35_days(ddb):
    with pytest.raises(ParamValidationError):  # botocore itself checks the lower bound
        enable_pitr(ddb, 0)
    with pytest.raises(ClientError) as caught:
        enable_pitr(ddb, 36)
    assert code(caught) == "ValidationException"
    assert enable_pitr(ddb, 1)["RecoveryPeriodInDays"] == 1
    assert enable_pitr(ddb, 35)["RecoveryPeriodInDays"] == 35


def test_point_in_time_restore_reflects_the_items_at_that_time(acct, ddb):
    enable_pitr(ddb)
    put(ddb, "a", v="1")
    acct.clock.advance(600)
    checkpoint = acct.clock.now()
    acct.clock.advance(600)
    put(ddb, "a", v="2")
    put(ddb, "b")
    ddb.delete_item(TableName="orders", Key={"pk": {"S": "a"}})
    acct.clock.advance(600)
    ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                       RestoreDateTime=at(checkpoint))
    assert ddb.scan(TableName="orders-then")["Items"] == [{"pk": {"S": "a"}, "v": {"S": "1"}}]
    latest = ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-now",
                                                UseLatestRestorableTime=True)["TableDescription"]
    assert keys(ddb, "orders-now") == ["b"]
    assert latest["RestoreSummary"]["SourceTableArn"].endswith("table/orders")
    assert "StreamSpecification" not in latest


def test_point_in_time_restore_outside_the_window(acct, ddb):
    enable_pitr(ddb, days=1)
    acct.clock.advance(2 * 86400)
    for when in (acct.clock.now() - 86400 - 1, acct.clock.now() - 60):  # too old; newer than the latest
        with pytest.raises(ClientError) as caught:
            ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                               RestoreDateTime=at(when))
        assert code(caught) == "InvalidRestoreTimeException"
    ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                       RestoreDateTime=at(acct.clock.now() - 3600))


def test_point_in_time_restore_needs_pitr_a_source_and_a_free_target(acct, ddb):
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                           UseLatestRestorableTime=True)
    assert code(caught) == "PointInTimeRecoveryUnavailableException"
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_to_point_in_time(SourceTableName="missing", TargetTableName="orders-then",
                                           UseLatestRestorableTime=True)
    assert code(caught) == "SourceTableNotFoundException"
    enable_pitr(ddb)
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders",
                                           UseLatestRestorableTime=True)
    assert code(caught) == "TableAlreadyExistsException"


def test_disabling_pitr_discards_the_history(acct, ddb):
    enable_pitr(ddb)
    put(ddb, "a")
    acct.clock.advance(3600)
    ddb.update_continuous_backups(TableName="orders",
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    enable_pitr(ddb)
    pitr = ddb.describe_continuous_backups(TableName="orders")["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert pitr["EarliestRestorableDateTime"] == at(acct.clock.now())
    with pytest.raises(ClientError) as caught:
        ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                           RestoreDateTime=at(acct.clock.now() - 1800))
    assert code(caught) == "InvalidRestoreTimeException"


def test_deleting_a_pitr_table_leaves_a_system_backup(acct, ddb):
    enable_pitr(ddb, days=3)
    put(ddb, "a")
    ddb.delete_table(TableName="orders")
    assert ddb.list_backups()["BackupSummaries"] == []  # USER backups only, by default
    system = ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"]
    assert [b["BackupName"] for b in system] == ["orders$DeletedTableBackup"]
    assert system[0]["BackupExpiryDateTime"] == at(acct.clock.now() + 3 * 86400)
    ddb.restore_table_from_backup(TargetTableName="orders", BackupArn=system[0]["BackupArn"])
    assert keys(ddb, "orders") == ["a"]


def test_continuous_backups_of_a_missing_table(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.describe_continuous_backups(TableName="missing")
    assert code(caught) == "TableNotFoundException"
    with pytest.raises(ClientError) as caught:
        enable_pitr(ddb, table="missing")
    assert code(caught) == "TableNotFoundException"


def test_restored_items_consume_no_capacity(acct, ddb):
    enable_pitr(ddb)
    for n in range(5):
        put(ddb, f"k{n}")
        acct.clock.advance(1)  # within the table's 2 WCU
    acct.clock.advance(600)
    before = sum(c.get("write_units", 0) for c in acct.calls)
    ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                       UseLatestRestorableTime=True)
    assert sum(c.get("write_units", 0) for c in acct.calls) == before
    assert len(keys(ddb, "orders-then")) == 5


TEMPLATE = """Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
        RecoveryPeriodInDays: 14
"""


def test_template_pitr_specification(acct):
    stack = acct.deploy(TEMPLATE)
    ddb = acct.client("dynamodb")
    pitr = ddb.describe_continuous_backups(TableName=stack.physical_id("Orders"))["ContinuousBackupsDescription"]
    assert pitr["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 14


def test_ttl_is_recorded_in_the_backup_but_not_restored(acct, ddb):
    ddb.update_time_to_live(TableName="orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    enable_pitr(ddb)
    arn = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]["BackupArn"]
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    features = ddb.describe_backup(BackupArn=arn)["BackupDescription"]["SourceTableFeatureDetails"]
    assert features["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}
    ddb.restore_table_from_backup(TargetTableName="from-backup", BackupArn=arn)
    acct.clock.advance(600)
    ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="from-pitr",
                                       UseLatestRestorableTime=True)
    for name in ("from-backup", "from-pitr"):
        ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl["TimeToLiveStatus"] == "DISABLED"
    assert ddb.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]["TimeToLiveStatus"] != "DISABLED"


BY_TEAM = [{"IndexName": "by-team", "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}}]


def test_restore_keeps_secondary_indexes_unless_overridden(acct):
    ddb = acct.client("dynamodb")
    ddb.create_table(TableName="players", BillingMode="PAY_PER_REQUEST", GlobalSecondaryIndexes=BY_TEAM,
                     KeySchema=KEYS["KeySchema"], AttributeDefinitions=[
                         *KEYS["AttributeDefinitions"], {"AttributeName": "team", "AttributeType": "S"}])
    ddb.put_item(TableName="players", Item={"pk": {"S": "p1"}, "team": {"S": "red"}})
    arn = ddb.create_backup(TableName="players", BackupName="nightly")["BackupDetails"]["BackupArn"]
    acct.clock.advance(BACKUP_CREATION_SECONDS)
    kept = ddb.restore_table_from_backup(TargetTableName="players-copy", BackupArn=arn)["TableDescription"]
    assert [i["IndexName"] for i in kept["GlobalSecondaryIndexes"]] == ["by-team"]
    found = ddb.query(TableName="players-copy", IndexName="by-team", KeyConditionExpression="team = :t",
                      ExpressionAttributeValues={":t": {"S": "red"}})
    assert found["Count"] == 1
    dropped = ddb.restore_table_from_backup(TargetTableName="players-bare", BackupArn=arn,
                                            GlobalSecondaryIndexOverride=[])["TableDescription"]
    assert "GlobalSecondaryIndexes" not in dropped
    assert [d["AttributeName"] for d in dropped["AttributeDefinitions"]] == ["pk"]


def test_changes_older_than_the_period_still_count_at_its_start(acct, ddb):
    enable_pitr(ddb, days=1)
    put(ddb, "a", v="old")
    acct.clock.advance(2 * 86400)
    put(ddb, "b")  # history older than the period is folded into the state at its start
    acct.clock.advance(600)
    ddb.restore_table_to_point_in_time(SourceTableName="orders", TargetTableName="orders-then",
                                       RestoreDateTime=at(acct.clock.now() - 86400))
    assert ddb.scan(TableName="orders-then")["Items"] == [{"pk": {"S": "a"}, "v": {"S": "old"}}]
