"""The lost-updates exercise graded against the real simulator, and the `interfere` step it uses.

Handler code really runs in worker processes, so each grading takes a second or two.
"""

from __future__ import annotations

import textwrap

import pytest

from course.grading.vocabulary import load_exercises
from tests.unit.exercise_support import bundled_exercise, failed, graded
from tests.unit.test_grading_support import template, write_pack

EXERCISE = "dynamodb-lost-updates"

ATOMIC = '''\
import os

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    sku, quantity = event["sku"], int(event["quantity"])
    try:
        out = TABLE.update_item(
            Key={"sku": sku},
            UpdateExpression="SET stock = stock - :n",
            ConditionExpression="stock >= :n",
            ExpressionAttributeValues={":n": quantity},
            ReturnValues="UPDATED_NEW",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return {"error": f"sold out: not {quantity} of {sku} left"}
        raise
    return {"booked": quantity, "remaining": int(out["Attributes"]["stock"])}
'''

# The condition is there, but a refused write is ignored and reported as booked.
SWALLOWED = '''\
import os

import boto3
from botocore.exceptions import ClientError

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    sku, quantity = event["sku"], int(event["quantity"])
    item = TABLE.get_item(Key={"sku": sku}, ConsistentRead=True)["Item"]
    stock, version = int(item["stock"]), int(item["version"])
    if stock < quantity:
        return {"error": f"sold out: only {stock} of {sku} left"}
    try:
        TABLE.update_item(
            Key={"sku": sku},
            UpdateExpression="SET stock = :new, version = :next",
            ConditionExpression="version = :seen",
            ExpressionAttributeValues={":new": stock - quantity, ":next": version + 1, ":seen": version},
        )
    except ClientError:
        pass
    return {"booked": quantity, "remaining": stock - quantity}
'''


@pytest.fixture(scope="module")
def exercise():
    return bundled_exercise(EXERCISE)


def test_the_starter_loses_the_other_checkouts_sales(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path)
    assert report.status == "failed"
    lost = checks["no-lost-update"]
    assert lost.status == "failed"
    (stock,) = failed(lost)
    # 20 - 2 (other checkout) - 5 (bookings) = 13; blind writes overwrote both competing sales.
    assert (stock.expected, stock.actual) == (13, 15)
    assert "holds 15: an update was lost" in stock.message
    assert checks["conditional-write"].status == "failed"
    assert failed(checks["conditional-write"])[0].actual == 1
    assert checks["sold-out"].status == "failed"


def test_the_optimistic_locking_solution_passes(exercise, tmp_path):
    report, _ = graded(exercise, tmp_path, solution=True)
    assert report.status == "passed", report.text()


def test_an_atomic_conditional_update_also_passes(exercise, tmp_path):
    report, _ = graded(exercise, tmp_path, files={"src/app.py": ATOMIC})
    assert report.status == "passed", report.text()


def test_a_swallowed_conditional_failure_fails_for_the_booking_it_loses(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path, files={"src/app.py": SWALLOWED})
    assert checks["conditional-write"].status == "passed"  # the condition is there ...
    lost = checks["no-lost-update"]  # ... but the refused bookings were reported as made
    assert lost.status == "failed"
    (stock,) = failed(lost)
    assert (stock.expected, stock.actual) == (13, 18)
    sold_out = checks["sold-out"]
    assert sold_out.status == "failed"
    assert [e.query for e in failed(sold_out)] == ["steps.book.payload.booked", "steps.book.payload.error"]
    assert "cannot have happened" in failed(sold_out)[0].message


# -- the interfere step in exercise.yaml ----------------------------------------------------------

STEP = """\
- id: race
  title: race
  steps:
    - interfere:
{settings}
  expect:
    - {{query: last, exists: true}}
  hint: Think.
  docs: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
"""


def problems_for(tmp_path, settings: str):
    checks = STEP.format(settings=textwrap.indent(settings, " " * 8))
    text = ("id: ex\ntitle: An exercise\nmodule: demo\ndifficulty: easy\nbrief: Do it.\n"
            "files: [template.yaml]\nsolution: [template.yaml]\nhints: [Think.]\nchecks:\n"
            + textwrap.indent(checks, "  "))
    files = {"starter/template.yaml": template(), "solution/template.yaml": template()}
    root = write_pack(tmp_path / "pack", {"ex": text}, {"ex": files})
    return [str(p) for p in load_exercises(root)[1]]


def test_a_well_formed_interfere_step_loads(tmp_path):
    assert problems_for(tmp_path, textwrap.dedent("""\
        table: Inventory
        after: GetItem
        times: 2
        operation: PutItem
        params: {Item: {sku: {S: x}}}""")) == []


@pytest.mark.parametrize("settings, problem", [
    ("table: T\noperation: PutItem\nparams: {}", "needs before or after"),
    ("table: T\nbefore: GetItem\nafter: GetItem\noperation: PutItem\nparams: {}", "not both"),
    ("table: T\nafter: BatchGetItem\noperation: PutItem\nparams: {}", "'BatchGetItem' is not one of"),
    ("table: T\nafter: GetItem\noperation: Scan\nparams: {}", "'Scan' is not one of: PutItem"),
    ("table: T\nafter: GetItem\noperation: PutItem\nparams: {}\ntimes: 0", "times: must be at least 1"),
    ("table: T\nafter: GetItem\noperation: PutItem", "params: required field is missing"),
    ("table: T\nafter: GetItem\noperation: PutItem\nparams: {}\nkey: widget", "expected the item's key"),
])
def test_interfere_step_problems_are_reported(tmp_path, settings, problem):
    found = problems_for(tmp_path, settings)
    assert any(problem in p for p in found), found


# -- the interfere step at run time ---------------------------------------------------------------

@pytest.fixture
def scenario(tmp_path):
    from course.grading.steps import Scenario
    from course.sim.account import Account

    account = Account()
    account.client("dynamodb").create_table(
        TableName="stock", KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    account.client("dynamodb").put_item(TableName="stock", Item={"sku": {"S": "w"}, "n": {"N": "5"}})
    yield Scenario(account, None, tmp_path, {})
    account.close()


def interfere_args(**overrides):
    args = {"table": "stock", "before": None, "after": ["GetItem"], "key": None, "times": 1,
            "operation": "UpdateItem", "params": {"Key": {"sku": {"S": "w"}}, "UpdateExpression": "SET n = n + :one",
                                                  "ExpressionAttributeValues": {":one": {"N": "1"}}}}
    args.update(overrides)
    return args


def test_the_interfere_step_makes_the_competing_write_during_a_later_step(scenario):
    from course.content.exercise_steps import Step

    result = scenario.run(Step("interfere", "interfere", interfere_args()))
    assert result["table"] == "stock" and result["after"] == ["GetItem"]
    read = scenario.run(Step("call", "read", {"service": "dynamodb", "operation": "GetItem",
                                              "params": {"TableName": "stock", "Key": {"sku": {"S": "w"}}}}))
    assert read["Item"]["n"] == {"N": "5"}  # the read saw the item before the competing write
    calls = scenario.document["calls"]["read"]
    assert [(c["operation"], c.get("competitor", False)) for c in calls] == [("GetItem", False), ("UpdateItem", True)]
    item = scenario.account.client("dynamodb").get_item(TableName="stock", Key={"sku": {"S": "w"}})["Item"]
    assert item["n"] == {"N": "6"}


def test_a_malformed_competing_write_is_a_fault_in_the_check(scenario):
    from course.content.exercise_steps import Step
    from course.grading.steps import CheckBug

    with pytest.raises(CheckBug, match="not a valid request"):
        scenario.run(Step("interfere", "interfere", interfere_args(params={"UpdateExpression": 7})))


def test_a_missing_table_fails_the_step(scenario):
    from course.content.exercise_steps import Step
    from course.grading.steps import StepFailed

    with pytest.raises(StepFailed, match="ResourceNotFoundException"):
        scenario.run(Step("interfere", "interfere", interfere_args(table="other")))
