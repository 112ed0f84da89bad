"""The single-table design exercise, graded for real: the template deploys a table with its
indexes, the learner's handler runs in a Lambda worker and its boto3 calls reach the simulated
DynamoDB, whose call log (operation, read units) the checks read.

Graded here: the starter (every pattern answers, but by Scan), the solution (all pass), and two
plausible wrong answers: GSIs in place but one pattern still Scans; and a pattern that uses only
Query but reads far more than it returns.
"""

from __future__ import annotations

import pytest

from course.grading.vocabulary import load_exercises
from course.grading.runner import grade
from course.grading.workspace import copy_files
from tests.conftest import ROOT
from tests.unit.test_grading_e2e import real_template

pytestmark = real_template

PATTERNS = ["customer", "orders-for-customer", "order-by-id", "open-orders"]
SCANS = "calls.ask[?service=='dynamodb' && operation!='Query' && operation!='GetItem'].operation"
UNITS = "sum(calls.ask[?service=='dynamodb'].read_units)"


@pytest.fixture(scope="module")
def exercise():
    return next(e for e in load_exercises(ROOT)[0] if e.id == "dynamodb-single-table")


def failures(report) -> dict[str, list[str]]:
    """Check id → the queries of its failed expectations."""
    return {c.id: [e.query for e in c.expectations if not e.passed] for c in report.checks if c.status != "passed"}


def test_the_starter_answers_right_but_scans(exercise, tmp_path):
    copy_files(exercise, tmp_path)
    report = grade(exercise, tmp_path)
    assert failures(report) == {cid: [SCANS, UNITS] for cid in PATTERNS}, report.text()
    scan = next(e for e in report.checks[0].expectations if e.query == SCANS)
    assert scan.actual == ["Scan"] and "charged for all of them" in scan.message
    units = next(e for e in report.checks[0].expectations if e.query == UNITS)
    assert units.actual > 1.5


def test_the_solution_passes(exercise, tmp_path):
    copy_files(exercise, tmp_path, solution=True)
    report = grade(exercise, tmp_path)
    assert report.status == "passed", report.text()


def _variant(exercise, tmp_path, old: str, new: str):
    copy_files(exercise, tmp_path, solution=True)
    app = tmp_path / "src" / "app.py"
    text = app.read_text()
    assert old in text
    text = text.replace(old, new).replace("conditions import Key", "conditions import Attr, Key")
    app.write_text(text)
    return grade(exercise, tmp_path)


def test_indexes_in_place_but_the_handler_still_scans(exercise, tmp_path):
    report = _variant(exercise, tmp_path, '''    page = table.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("OPEN"))
    return {"ids": [o["id"] for o in page["Items"]]}''', '''    page = table.scan(FilterExpression=Attr("status").eq("OPEN"))
    return {"ids": [o["id"] for o in sorted(page["Items"], key=lambda o: o["placed"])]}''')
    assert failures(report) == {"open-orders": [SCANS, UNITS]}, report.text()


def test_a_query_that_reads_every_order_is_too_expensive(exercise, tmp_path):
    # Only Query calls, right answer, but each status partition is read whole and filtered.
    report = _variant(exercise, tmp_path, '''    page = table.query(KeyConditionExpression=Key("pk").eq(f"CUSTOMER#{event['customer']}")
                       & Key("sk").begins_with("ORDER#"), ScanIndexForward=False)
    return {"ids": [o["id"] for o in page["Items"]]}''', '''    found = []
    for status in ("OPEN", "SHIPPED", "DELIVERED", "CANCELLED"):
        found += table.query(IndexName="by-status", KeyConditionExpression=Key("status").eq(status),
                             FilterExpression=Attr("customer").eq(event["customer"]))["Items"]
    found.sort(key=lambda o: o["placed"], reverse=True)
    return {"ids": [o["id"] for o in found]}''')
    assert failures(report) == {"orders-for-customer": [UNITS]}, report.text()
