"""The capacity exercises graded for real: starters fail for the right reason, solutions pass, and
plausible wrong answers fail with a message that explains why. Also the table_load step's format."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.grading.vocabulary import load_exercises
from tests.unit.exercise_support import bundled_exercise
from tests.unit.exercise_support import graded as grade_files
from tests.unit.test_grading_support import write_pack


def graded(tmp_path: Path, exercise_id: str, *, solution: bool, edits=()):
    return grade_files(bundled_exercise(exercise_id), tmp_path, solution=solution, edits=edits)[1]


def messages(check) -> str:
    return " ".join(e.message for e in check.expectations if not e.passed)


# -- dynamodb-capacity-mode ---------------------------------------------------------------------------

def test_capacity_starter_is_throttled_in_the_sale_but_within_budget(tmp_path):
    checks = graded(tmp_path, "dynamodb-capacity-mode", solution=False)
    assert not checks["sale-served"].passed and checks["within-budget"].passed
    assert "270,000 of 630,000 purchases were throttled" in messages(checks["sale-served"])
    assert "ProvisionedThroughputExceededException" in messages(checks["sale-served"])


def test_capacity_solution_on_demand_passes(tmp_path):
    checks = graded(tmp_path, "dynamodb-capacity-mode", solution=True)
    assert all(c.passed for c in checks.values()), {k: messages(c) for k, c in checks.items()}


def test_provisioning_for_the_sale_all_hour_breaks_the_budget(tmp_path):
    checks = graded(tmp_path, "dynamodb-capacity-mode", solution=False,
                    edits=[("template.yaml", "WriteCapacityUnits: 100", "WriteCapacityUnits: 1000")])
    assert checks["sale-served"].passed and not checks["within-budget"].passed
    text = messages(checks["within-budget"])
    assert "With PROVISIONED billing this traffic costs $474." in text and "730,000 WCU-hours" in text


def test_auto_scaling_reacts_too_late_for_a_five_minute_sale(tmp_path):
    scaling = """
  WriteTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: dynamodb
      ResourceId: !Sub table/${Purchases}
      ScalableDimension: dynamodb:table:WriteCapacityUnits
      MinCapacity: 100
      MaxCapacity: 1500
  WritePolicy:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: purchases-writes
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref WriteTarget
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 70
        PredefinedMetricSpecification:
          PredefinedMetricType: DynamoDBWriteCapacityUtilization
"""
    checks = graded(tmp_path, "dynamodb-capacity-mode", solution=False,
                    edits=[("template.yaml", "WriteCapacityUnits: 100\n", "WriteCapacityUnits: 100\n" + scaling)])
    assert not checks["sale-served"].passed and checks["within-budget"].passed


def test_an_on_demand_maximum_below_the_sale_throttles(tmp_path):
    checks = graded(tmp_path, "dynamodb-capacity-mode", solution=True, edits=[(
        "template.yaml", "BillingMode: PAY_PER_REQUEST",
        "BillingMode: PAY_PER_REQUEST\n      OnDemandThroughput:\n        MaxWriteRequestUnits: 500")])
    assert not checks["sale-served"].passed
    assert "ThrottlingException" in messages(checks["sale-served"])


# -- dynamodb-hot-partition ---------------------------------------------------------------------------

def test_hot_partition_starter_throttles_on_one_key(tmp_path):
    checks = graded(tmp_path, "dynamodb-hot-partition", solution=False)
    assert not checks["sale-not-throttled"].passed and checks["orders-stored"].passed
    text = messages(checks["sale-not-throttled"])
    assert "TableWriteKeyRangeThroughputExceeded" in text
    assert "Partition key value 2026-03-14 took 1,000 WCU in a second" in text


def test_hot_partition_solution_passes(tmp_path):
    checks = graded(tmp_path, "dynamodb-hot-partition", solution=True)
    assert all(c.passed for c in checks.values()), {k: messages(c) for k, c in checks.items()}


def test_more_provisioned_capacity_does_not_lift_the_partition_limit(tmp_path):
    checks = graded(tmp_path, "dynamodb-hot-partition", solution=False, edits=[(
        "template.yaml", "BillingMode: PAY_PER_REQUEST",
        "BillingMode: PROVISIONED\n      ProvisionedThroughput:\n        ReadCapacityUnits: 100\n"
        "        WriteCapacityUnits: 10000")])
    assert not checks["sale-not-throttled"].passed
    text = messages(checks["sale-not-throttled"])
    assert "TableWriteKeyRangeThroughputExceeded" in text
    assert "one partition serves at most 1,000 WCU a second, however much capacity the table has" in text


def test_a_high_cardinality_key_also_passes(tmp_path):
    edits = [("template.yaml", "AttributeName: orderDate, KeyType: HASH", "AttributeName: orderId, KeyType: HASH"),
             ("template.yaml", "        - {AttributeName: orderId, KeyType: RANGE}\n", ""),
             ("template.yaml", "        - {AttributeName: orderDate, AttributeType: S}\n", "")]
    checks = graded(tmp_path, "dynamodb-hot-partition", solution=False, edits=edits)
    assert all(c.passed for c in checks.values()), {k: messages(c) for k, c in checks.items()}


def test_dropping_the_day_fails_the_stored_check(tmp_path):
    # keyed by the order id alone, and the date attribute dropped: spread, but a day's orders are lost
    edits = [("src/app.py", '"pk": shard_key(order["date"], order["id"]),', '"pk": order["id"],'),
             ("src/app.py", '"orderDate": order["date"],\n', "")]
    checks = graded(tmp_path, "dynamodb-hot-partition", solution=True, edits=edits)
    assert checks["sale-not-throttled"].passed and not checks["orders-stored"].passed
    assert "Only 0 of the 20 stored orders" in messages(checks["orders-stored"])


# -- the step's format --------------------------------------------------------------------------------

def _load_step(tmp_path, step: str):
    text = ("id: t\ntitle: T\nmodule: demo\ndifficulty: easy\nbrief: b\nfiles: [template.yaml]\n"
            "solution: [template.yaml]\nhints: [h]\nchecks:\n  - id: c\n    title: C\n    steps:\n"
            f"      - table_load: {step}\n"
            "    expect:\n      - {query: steps.table_load.throttled, equals: 0}\n"
            "    hint: h\n    docs: https://docs.aws.amazon.com/\n")
    root = write_pack(tmp_path / "pack", {"t": text}, {"t": {"starter/template.yaml": "x: 1\n",
                                                            "solution/template.yaml": "x: 1\n"}})
    return load_exercises(root)


def test_a_table_load_step_reads_its_settings(tmp_path):
    (ex,), problems = _load_step(tmp_path, "{table: T, rate_per_s: 10, duration_s: 5, key_distribution: hot}")
    assert problems == []
    args = ex.checks[0].steps[0].args
    assert args["table"] == "T" and args["key_distribution"] == "hot" and args["item_kb"] == 1.0
    assert args["phases"] is None and args["keys"] == 100 and args["consistent"] is False


@pytest.mark.parametrize("step, fragment", [
    ("{table: T, rate_per_s: 10, duration_s: 5, phases: [{duration_s: 1, rate_per_s: 1}]}", "not both"),
    ("{table: T, phases: [{duration_s: 1}]}", "expected a list of {duration_s, rate_per_s}"),
    ("{table: T, rate_per_s: 10, duration_s: 5, key_distribution: normal}", "normal"),
    ("{table: T, rate_per_s: 10, duration_s: 50000}", "at most 21,600"),
    ("{table: T, rate_per_s: 10, duration_s: 5, write_fraction: 2}", "write_fraction"),
    ("{rate_per_s: 10, duration_s: 5}", "table"),
])
def test_bad_table_load_steps_are_reported(tmp_path, step, fragment):
    _, problems = _load_step(tmp_path, step)
    assert problems and any(fragment in str(p) for p in problems), [str(p) for p in problems]
