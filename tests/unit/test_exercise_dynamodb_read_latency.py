"""The read-latency exercise graded against the real simulator: DAX for hot reads, a GSI for lookups.

Handler code really runs in worker processes, so each grading takes a few seconds. Wrong answers
are built from the reference solution by changing one decision each, so each must fail exactly the
check about that decision.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.unit.exercise_support import bundled_exercise, failed, graded

EXERCISE = "dynamodb-read-latency"
SOLUTION_APP = ROOT / "exercises" / EXERCISE / "solution" / "src" / "app.py"
STARTER_APP = ROOT / "exercises" / EXERCISE / "starter" / "src" / "app.py"
PAGE_READ = 'dax.get_item(TableName=TABLE, Key={"sku": {"S": sku}}).get("Item")'
CHECKOUT_READ = 'dynamodb.get_item(TableName=TABLE, Key={"sku": {"S": sku}}, ConsistentRead=True)'


def solution_with(old: str, new: str) -> str:
    text = SOLUTION_APP.read_text()
    assert text.count(old) == 1, old
    return text.replace(old, new)


def dax_scan_lookup() -> str:
    """The solution, but barcodes looked up with the starter's Scan sent through DAX."""
    solution = SOLUTION_APP.read_text()
    starter = STARTER_APP.read_text()
    lookup = starter[starter.index("def find_by_barcode"):].replace("dynamodb.scan", "dax.scan")
    return solution[:solution.index("def find_by_barcode")] + lookup


MEMORY = '''\
import os

import boto3

TABLE = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")
PAGES = {}


def handler(event, context):
    if event["action"] == "browse":
        return {"pages": [page(sku) for sku in event["skus"] * int(event.get("repeat", 1))]}
    return {"error": "not written"}


def page(sku):
    if sku not in PAGES:
        item = dynamodb.get_item(TableName=TABLE, Key={"sku": {"S": sku}})["Item"]
        PAGES[sku] = {"sku": sku, "name": item["name"]["S"], "price": int(item["price"]["N"]),
                      "in_stock": int(item["stock"]["N"]) > 0}
    return PAGES[sku]
'''


@pytest.fixture(scope="module")
def exercise():
    return bundled_exercise(EXERCISE)


def statuses(checks):
    return {name: check.status for name, check in checks.items()}


def test_the_starter_is_slow_and_costly_but_fresh(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path)
    assert report.status == "failed"
    assert statuses(checks) == {"hot-pages-fast": "failed", "hot-pages-cost": "failed", "checkout-fresh": "passed",
                                "barcode-lookup-cost": "failed"}
    (fast,) = failed(checks["hot-pages-fast"])
    assert fast.actual == 0 and "only a DAX cache hit answers in microseconds" in fast.message
    (cost,) = failed(checks["hot-pages-cost"])
    assert cost.actual == 100.0  # 200 eventually consistent reads of a ~3 KB item, half a unit each
    (lookup,) = failed(checks["barcode-lookup-cost"])
    assert lookup.actual > 400 and "A Scan reads (and pays for) every item" in lookup.message


def test_the_solution_passes(exercise, tmp_path):
    report, _ = graded(exercise, tmp_path, solution=True)
    assert report.status == "passed", report.text()


def test_checkout_through_the_cache_sells_stock_that_is_gone(exercise, tmp_path):
    app = solution_with(CHECKOUT_READ, 'dax.get_item(TableName=TABLE, Key={"sku": {"S": sku}})')
    report, checks = graded(exercise, tmp_path, solution=True, files={"src/app.py": app})
    assert statuses(checks) == {"hot-pages-fast": "passed", "hot-pages-cost": "passed", "checkout-fresh": "failed",
                                "barcode-lookup-cost": "passed"}
    stale = failed(checks["checkout-fresh"])[0]
    assert stale.query == "steps.sold_out.payload.error"
    assert "DAX learns about a write only when the write goes through DAX" in stale.message
    assert "ConsistentRead=True" in stale.message


def test_strongly_consistent_reads_through_dax_are_never_hits(exercise, tmp_path):
    app = solution_with(PAGE_READ, 'dax.get_item(TableName=TABLE, Key={"sku": {"S": sku}}, '
                                   'ConsistentRead=True).get("Item")')
    report, checks = graded(exercise, tmp_path, solution=True, files={"src/app.py": app})
    assert statuses(checks) == {"hot-pages-fast": "failed", "hot-pages-cost": "failed", "checkout-fresh": "passed",
                                "barcode-lookup-cost": "passed"}
    (fast,) = failed(checks["hot-pages-fast"])
    assert fast.actual == 0 and "passes through DAX to DynamoDB every time" in fast.message
    (cost,) = failed(checks["hot-pages-cost"])
    assert cost.actual == 200.0  # a whole unit per strongly consistent read, every one reaching the table


def test_a_cache_does_not_make_distinct_scans_cheap(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path, solution=True, files={"src/app.py": dax_scan_lookup()})
    assert statuses(checks)["barcode-lookup-cost"] == "failed"
    assert statuses(checks)["hot-pages-fast"] == "passed"
    (lookup,) = failed(checks["barcode-lookup-cost"])
    assert lookup.actual > 400 and "each one misses" in lookup.message


def test_products_kept_in_memory_skip_the_catalogue(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path, files={"src/app.py": MEMORY})
    fast = checks["hot-pages-fast"]
    assert fast.status == "failed"
    reads = next(e for e in failed(fast) if "!via])" in e.query)
    assert reads.actual == 5 and "every page view must read the catalogue" in reads.message
