"""Capacity through boto3: provisioned throttling with burst capacity, on-demand limits, partition
limits, switching rules, table classes, and Application Auto Scaling over simulated time."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from course.sim.account import Account
from course.sim.dynamodb.load import run_table_load
from course.sim.dynamodb.throughput import Throttled

KEY = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
       "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}


def make(acct: Account, name: str = "Tickets", wcu: int | None = 5, rcu: int = 5, **extra) -> None:
    billing = {"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": rcu,
                                                                      "WriteCapacityUnits": wcu}} \
        if wcu is not None else {"BillingMode": "PAY_PER_REQUEST"}
    acct.client("dynamodb").create_table(TableName=name, **KEY, **billing, **extra)


def puts(ddb, count: int, key=lambda i: f"k{i}", size: int = 10, table: str = "Tickets") -> tuple[int, list]:
    ok, errors = 0, []
    for i in range(count):
        try:
            ddb.put_item(TableName=table, Item={"pk": {"S": key(i)}, "v": {"S": "x" * size}})
            ok += 1
        except ClientError as error:
            errors.append(error.response)
    return ok, errors


# -- provisioned ----------------------------------------------------------------------------------

def test_a_provisioned_table_serves_its_wcu_a_second_then_throttles(acct):
    make(acct)
    ddb = acct.client("dynamodb")
    ok, errors = puts(ddb, 7)
    assert ok == 5 and len(errors) == 2
    error = errors[0]
    assert error["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert error["Error"]["Message"] == ("The level of configured provisioned throughput for the table was exceeded. "
                                         "Consider increasing your provisioning level with the UpdateTable API.")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ThrottlingReasons"] == [{"reason": "TableWriteProvisionedThroughputExceeded",
                                           "resource": "arn:aws:dynamodb:us-east-1:123456789012:table/Tickets"}]
    # a throttled write changes nothing
    assert "Item" not in ddb.get_item(TableName="Tickets", Key={"pk": {"S": "k5"}})
    acct.clock.advance(1)
    assert puts(ddb, 5, key=lambda i: f"n{i}")[0] == 5


def test_unused_capacity_is_kept_as_burst_for_at_most_300_seconds(acct):
    make(acct)
    ddb = acct.client("dynamodb")
    puts(ddb, 1)                     # second 0 uses 1 of 5: 4 go to the burst pool
    acct.clock.advance(10)           # nine idle seconds: 45 more
    ok, _ = puts(ddb, 60)
    assert ok == 5 + 4 + 45
    acct.clock.advance(2000)         # far longer than 300 s: the pool holds 300 × 5 at most
    ok, _ = puts(ddb, 2000)
    assert ok == 5 + 300 * 5


def test_reads_are_metered_apart_from_writes_and_eventual_reads_cost_half(acct):
    make(acct, rcu=2, wcu=1)
    ddb = acct.client("dynamodb")
    ddb.put_item(TableName="Tickets", Item={"pk": {"S": "a"}})
    served = 0
    for _ in range(6):
        try:
            ddb.get_item(TableName="Tickets", Key={"pk": {"S": "a"}})
            served += 1
        except ClientError as error:
            assert error.response["ThrottlingReasons"][0]["reason"] == "TableReadProvisionedThroughputExceeded"
    assert served == 4               # 2 RCU = 4 eventually consistent reads of up to 4 KB
    acct.clock.advance(1)
    strong = 0
    for _ in range(4):
        try:
            ddb.get_item(TableName="Tickets", Key={"pk": {"S": "a"}}, ConsistentRead=True)
            strong += 1
        except ClientError:
            pass
    assert strong == 2 + 0           # 2 RCU = 2 strongly consistent reads (the burst pool is empty)


def test_one_partition_key_is_held_to_1000_wcu_however_much_is_provisioned(acct):
    make(acct, wcu=5000)
    ddb = acct.client("dynamodb")
    ok, errors = puts(ddb, 101, key=lambda i: "hot", size=10 * 1024 - 10)   # 10 WCU each
    assert ok == 100
    assert errors[0]["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert errors[0]["ThrottlingReasons"][0]["reason"] == "TableWriteKeyRangeThroughputExceeded"
    assert puts(ddb, 1, key=lambda i: "cold")[0] == 1          # other keys are not affected


# -- on-demand ------------------------------------------------------------------------------------

def test_on_demand_hot_keys_get_throttling_exception(acct):
    make(acct, wcu=None)
    ddb = acct.client("dynamodb")
    ok, errors = puts(ddb, 101, key=lambda i: "2026-03-14", size=10 * 1024 - 20)
    assert ok == 100
    error = errors[0]
    assert error["Error"]["Code"] == "ThrottlingException"
    assert error["Error"]["Message"].startswith("Throughput exceeds the current capacity of your table or index.")
    assert error["ThrottlingReasons"][0]["reason"] == "TableWriteKeyRangeThroughputExceeded"
    acct.clock.advance(1)
    assert puts(ddb, 1, key=lambda i: "2026-03-14")[0] == 1


def test_on_demand_maximum_throughput_caps_the_table(acct):
    make(acct, wcu=None, OnDemandThroughput={"MaxWriteRequestUnits": 3})
    ddb = acct.client("dynamodb")
    table = ddb.describe_table(TableName="Tickets")["Table"]
    assert table["OnDemandThroughput"] == {"MaxWriteRequestUnits": 3}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ok, errors = puts(ddb, 4)
    assert ok == 3
    assert errors[0]["Error"]["Code"] == "ThrottlingException"
    assert errors[0]["ThrottlingReasons"][0]["reason"] == "TableWriteMaxOnDemandThroughputExceeded"
    ddb.update_table(TableName="Tickets", OnDemandThroughput={"MaxWriteRequestUnits": -1})
    acct.clock.advance(1)
    assert puts(ddb, 10, key=lambda i: f"n{i}")[0] == 10


@pytest.mark.parametrize("params, fragment", [
    ({"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
      "OnDemandThroughput": {"MaxWriteRequestUnits": 5}}, "only be specified when BillingMode is PAY_PER_REQUEST"),
    ({"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {"MaxWriteRequestUnits": 0}}, "at least 1, or -1"),
    ({"BillingMode": "PAY_PER_REQUEST", "OnDemandThroughput": {}}, "MaxReadRequestUnits, MaxWriteRequestUnits"),
    ({"BillingMode": "PAY_PER_REQUEST", "TableClass": "GLACIER"}, "Member must satisfy enum value set"),
])
def test_capacity_settings_are_validated(acct, params, fragment):
    with pytest.raises(ClientError) as caught:
        acct.client("dynamodb").create_table(TableName="Tickets", **KEY, **params)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert fragment in caught.value.response["Error"]["Message"]
    assert acct.client("dynamodb").list_tables()["TableNames"] == []


def test_a_new_on_demand_table_serves_4000_wru_then_doubles_a_peak_30_minutes_old(acct):
    make(acct, wcu=None)
    table = acct.service("dynamodb").table("Tickets")
    now = acct.clock.now
    table.meter.consume(now(), write=4000)
    with pytest.raises(Throttled) as caught:
        table.meter.consume(now(), write=1)
    assert caught.value.code == "ThrottlingException"
    acct.clock.advance(60)
    with pytest.raises(Throttled):
        table.meter.consume(now(), write=4001)          # the peak is 4,000, reached a minute ago
    acct.clock.advance(30 * 60)
    table.meter.consume(now(), write=8000)               # twice a peak reached 30 minutes before
    with pytest.raises(Throttled):
        table.meter.consume(now(), write=1)


def test_switching_to_on_demand_keeps_the_provisioned_throughput_at_once(acct):
    make(acct, wcu=10_000)
    acct.client("dynamodb").update_table(TableName="Tickets", BillingMode="PAY_PER_REQUEST")
    table = acct.service("dynamodb").table("Tickets")
    table.meter.consume(acct.clock.now(), write=10_000)
    with pytest.raises(Throttled):
        table.meter.consume(acct.clock.now(), write=1)


# -- switching, table classes, decreases ----------------------------------------------------------

def test_four_switches_to_on_demand_in_24_hours_then_limit_exceeded(acct):
    make(acct)
    ddb = acct.client("dynamodb")
    provisioned = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    for _ in range(4):
        ddb.update_table(TableName="Tickets", BillingMode="PAY_PER_REQUEST")
        acct.clock.advance(3600)
        ddb.update_table(TableName="Tickets", BillingMode="PROVISIONED", ProvisionedThroughput=provisioned)
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="Tickets", BillingMode="PAY_PER_REQUEST")
    error = caught.value.response["Error"]
    assert error["Code"] == "LimitExceededException"
    assert error["Message"].startswith("Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times")
    assert "Next update can be made at Fri Jan 02 00:00:00 UTC 2026" in error["Message"]
    assert ddb.describe_table(TableName="Tickets")["Table"]["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    acct.clock.set(1_767_225_600 + 24 * 3600 + 1)    # the first switch has left the window
    ddb.update_table(TableName="Tickets", BillingMode="PAY_PER_REQUEST")


def test_on_demand_to_provisioned_is_allowed_any_time(acct):
    make(acct, wcu=None)
    ddb = acct.client("dynamodb")
    for n in range(6):
        ddb.update_table(TableName="Tickets", BillingMode="PROVISIONED",
                         ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5 + n})
        table = acct.service("dynamodb").table("Tickets")
        table.billing, table.throughput = "PAY_PER_REQUEST", None   # back without using up a switch
    assert acct.service("dynamodb").table("Tickets").switches_to_on_demand == []


def test_table_class_is_set_described_and_changed(acct):
    make(acct, wcu=None)
    make(acct, name="Archive", wcu=None, TableClass="STANDARD_INFREQUENT_ACCESS")
    ddb = acct.client("dynamodb")
    assert "TableClassSummary" not in ddb.describe_table(TableName="Tickets")["Table"]
    assert ddb.describe_table(TableName="Archive")["Table"]["TableClassSummary"] == {
        "TableClass": "STANDARD_INFREQUENT_ACCESS"}
    acct.clock.advance(60)
    ddb.update_table(TableName="Archive", TableClass="STANDARD")
    summary = ddb.describe_table(TableName="Archive")["Table"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD"
    assert summary["LastUpdateDateTime"].timestamp() == acct.clock.now()
    with pytest.raises(ClientError) as caught:
        ddb.update_table(TableName="Archive", TableClass="COLD")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_decreases_are_counted_per_utc_day(acct):
    make(acct, wcu=10, rcu=10)
    ddb = acct.client("dynamodb")
    ddb.update_table(TableName="Tickets", ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 20})
    ddb.update_table(TableName="Tickets", ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 8})
    ddb.update_table(TableName="Tickets", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 8})
    throughput = ddb.describe_table(TableName="Tickets")["Table"]["ProvisionedThroughput"]
    assert throughput["NumberOfDecreasesToday"] == 2
    assert "LastIncreaseDateTime" in throughput and "LastDecreaseDateTime" in throughput
    acct.clock.advance(86_400)
    assert ddb.describe_table(TableName="Tickets")["Table"]["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0


# -- Application Auto Scaling ---------------------------------------------------------------------

TARGET = {"ServiceNamespace": "dynamodb", "ResourceId": "table/Tickets",
          "ScalableDimension": "dynamodb:table:WriteCapacityUnits"}
POLICY = {**TARGET, "PolicyName": "writes", "PolicyType": "TargetTrackingScaling",
          "TargetTrackingScalingPolicyConfiguration": {
              "TargetValue": 70.0,
              "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBWriteCapacityUtilization"}}}


def test_scaling_api_validates_targets_and_policies(acct):
    scaling = acct.client("application-autoscaling")
    with pytest.raises(ClientError) as caught:
        scaling.register_scalable_target(**TARGET, MinCapacity=5, MaxCapacity=50)
    assert caught.value.response["Error"]["Code"] == "ValidationException"          # no such table
    make(acct)
    with pytest.raises(ClientError) as caught:
        scaling.put_scaling_policy(**POLICY)
    assert caught.value.response["Error"]["Code"] == "ObjectNotFoundException"
    with pytest.raises(ClientError) as caught:
        scaling.register_scalable_target(**TARGET, MinCapacity=50, MaxCapacity=5)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    scaling.register_scalable_target(**TARGET, MinCapacity=5, MaxCapacity=50)
    for bad in ({"TargetValue": 95.0}, {"PredefinedMetricSpecification": {
            "PredefinedMetricType": "DynamoDBReadCapacityUtilization"}}):
        config = {**POLICY["TargetTrackingScalingPolicyConfiguration"], **bad}
        with pytest.raises(ClientError) as caught:
            scaling.put_scaling_policy(**{**POLICY, "TargetTrackingScalingPolicyConfiguration": config})
        assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        scaling.put_scaling_policy(**{**POLICY, "PolicyType": "StepScaling"})
    assert caught.value.response["Error"]["Code"] == "NotModeledBySimulator"
    made = scaling.put_scaling_policy(**POLICY)
    assert ":scalingPolicy:" in made["PolicyARN"] and len(made["Alarms"]) == 4
    targets = scaling.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]
    assert [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [("table/Tickets", 5, 50)]
    policies = scaling.describe_scaling_policies(ServiceNamespace="dynamodb")["ScalingPolicies"]
    assert [p["PolicyName"] for p in policies] == ["writes"]


def test_target_tracking_scales_out_after_two_minutes_and_in_after_fifteen(acct):
    from course.sim.autoscaling.models import ALARM_DELAY_S, UPDATE_DELAY_S

    make(acct, wcu=100)
    scaling = acct.client("application-autoscaling")
    scaling.register_scalable_target(**TARGET, MinCapacity=50, MaxCapacity=1000)
    scaling.put_scaling_policy(**POLICY)
    report = run_table_load(acct, "Tickets", duration_s=900, rate_per_s=150)
    changes = [row for prev, row in zip(report.series, report.series[1:])
               if row["provisioned_wcu"] != prev["provisioned_wcu"]]
    assert changes, "auto scaling never changed the capacity"
    first = changes[0]
    assert first["t"] >= 120 + ALARM_DELAY_S + UPDATE_DELAY_S - 60
    assert first["provisioned_wcu"] > 100
    assert report.throttled > 0                      # throttled while it reacted
    # consumption is capped by throttling, so each step is at most 1/0.7 of the last capacity:
    # 100 → 143 (still short of 150) → 205, after which nothing is throttled
    assert [row["provisioned_wcu"] for row in changes] == [143, 205]
    after = [row for row in report.series if row["t"] >= changes[-1]["t"]]
    assert sum(row["throttled"] for row in after) == 0
    quiet = run_table_load(acct, "Tickets", duration_s=1800, rate_per_s=10)
    assert quiet.provisioned_end["WriteCapacityUnits"] < report.provisioned_end["WriteCapacityUnits"]
    activities = scaling.describe_scaling_activities(ServiceNamespace="dynamodb")["ScalingActivities"]
    assert {a["StatusCode"] for a in activities} == {"Successful"} and len(activities) >= 2


def test_on_demand_tables_are_not_scaled(acct):
    make(acct, wcu=100)
    scaling = acct.client("application-autoscaling")
    scaling.register_scalable_target(**TARGET, MinCapacity=50, MaxCapacity=1000)
    scaling.put_scaling_policy(**POLICY)
    acct.client("dynamodb").update_table(TableName="Tickets", BillingMode="PAY_PER_REQUEST")
    report = run_table_load(acct, "Tickets", duration_s=600, rate_per_s=150)
    assert report.throttled == 0 and report.provisioned_end is None
    assert scaling.describe_scaling_activities(ServiceNamespace="dynamodb")["ScalingActivities"] == []


def test_scaling_resources_deploy_from_a_template(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""\
Resources:
  Tickets:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Tickets
      BillingMode: PROVISIONED
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 100}
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
  WriteTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ResourceId: !Sub table/${Tickets}
      ScalableDimension: dynamodb:table:WriteCapacityUnits
      MinCapacity: 100
      MaxCapacity: 2000
  WritePolicy:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: writes
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref WriteTarget
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 70
        PredefinedMetricSpecification:
          PredefinedMetricType: DynamoDBWriteCapacityUtilization
""")
    stack = acct.deploy(template)
    assert stack.physical_id("WriteTarget") == "table/Tickets|dynamodb:table:WriteCapacityUnits|dynamodb"
    policies = acct.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="dynamodb")["ScalingPolicies"]
    assert policies[0]["PolicyARN"] == stack.physical_id("WritePolicy")
    assert policies[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0


def test_table_class_and_on_demand_maximums_deploy_from_a_template(acct, tmp_path):
    template = tmp_path / "template.yaml"
    template.write_text("""\
Parameters:
  MaxWrites: {Type: String, Default: "250"}
Resources:
  Archive:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Archive
      BillingMode: PAY_PER_REQUEST
      TableClass: STANDARD_INFREQUENT_ACCESS
      OnDemandThroughput: {MaxWriteRequestUnits: !Ref MaxWrites}
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
""")
    acct.deploy(template)
    table = acct.client("dynamodb").describe_table(TableName="Archive")["Table"]
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert table["OnDemandThroughput"] == {"MaxWriteRequestUnits": 250}
    report = run_table_load(acct, "Archive", duration_s=2, rate_per_s=300)
    assert report.throttled == 2 * 50
    assert report.throttle_reasons == {"TableWriteMaxOnDemandThroughputExceeded": 100}
