"""The table load scenario: throttling per second and per partition key, burst capacity, cost."""

from __future__ import annotations

import pytest

from course.sim.account import Account
from course.sim.dynamodb import pricing
from course.sim.dynamodb.load import run_table_load
from course.sim.errors import AwsError


def make(acct, wcu=None, rcu=5, range_key=False, **extra):
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": "S"}]
    if range_key:
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
        definitions.append({"AttributeName": "sk", "AttributeType": "S"})
    billing = {"BillingMode": "PAY_PER_REQUEST"} if wcu is None else {
        "BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu}}
    acct.client("dynamodb").create_table(TableName="Events", KeySchema=keys, AttributeDefinitions=definitions,
                                         **billing, **extra)


def test_a_hot_key_throttles_and_sharding_the_same_traffic_does_not(acct):
    make(acct)
    hot = run_table_load(acct, "Events", duration_s=10, rate_per_s=3000, key_distribution="hot", hot_fraction=0.5)
    assert hot.throttled == 10 * 500                     # key-0 gets 1,500 writes/s, serves 1,000
    assert hot.throttle_reasons == {"TableWriteKeyRangeThroughputExceeded": 5000}
    assert hot.throttled_by == {"ThrottlingException": 5000}
    assert hot.hot_key == "key-0" and hot.hot_key_peak_wcu_per_s == 1000
    assert hot.partitions[0] == {"key": "key-0", "share": 0.5, "requests": 15000, "throttled": 5000,
                                 "consumed_rcu": 0.0, "consumed_wcu": 10000.0, "peak_rcu_per_s": 0.0,
                                 "peak_wcu_per_s": 1000.0}
    sharded = run_table_load(acct, "Events", duration_s=10, rate_per_s=3000, key_distribution="sharded", shards=10)
    assert sharded.throttled == 0 and sharded.key_count == 10
    assert {p["key"] for p in sharded.partitions} == {f"key#{i}" for i in range(10)}
    assert all(p["peak_wcu_per_s"] == 300 for p in sharded.partitions)


def test_burst_capacity_absorbs_the_start_of_a_spike_exactly(acct):
    make(acct, wcu=100)
    report = run_table_load(acct, "Events", phases=[{"duration_s": 60, "rate_per_s": 50},
                                                     {"duration_s": 10, "rate_per_s": 500}], keys=10)
    # 60 quiet seconds leave 60 × 50 = 3,000 units of burst; the spike needs 10 × 400 above 100 WCU
    assert report.throttled == 10 * 400 - 3000
    assert report.throttled_by == {"ProvisionedThroughputExceededException": 1000}
    spike = report.series[60:]
    assert [row["served"] for row in spike[:7]] == [500] * 7
    assert sum(row["served"] for row in spike) == 5000 - 1000


def test_reads_cost_by_item_size_and_consistency(acct):
    make(acct)
    strong = run_table_load(acct, "Events", duration_s=5, rate_per_s=100, write_fraction=0, item_kb=6,
                            consistent=True)
    assert strong.reads == 500 and strong.consumed_rcu == 500 * 2       # 6 KB = two 4 KB blocks
    eventual = run_table_load(acct, "Events", duration_s=5, rate_per_s=100, write_fraction=0, item_kb=6)
    assert eventual.consumed_rcu == 500 * 1
    mixed = run_table_load(acct, "Events", duration_s=10, rate_per_s=100, write_fraction=0.2, item_kb=2.5, keys=4)
    assert mixed.writes == 200 and mixed.reads == 800
    assert mixed.consumed_wcu == 200 * 3                               # 2.5 KB rounds up to 3 KB


def test_on_demand_bills_request_units_and_provisioned_bills_capacity_hours(acct):
    make(acct)
    report = run_table_load(acct, "Events", duration_s=3600, rate_per_s=10, keys=10)
    assert report.run_cost["write_request_units"] == 36_000
    assert report.run_cost["total_usd"] == pytest.approx(36_000 * 0.625 / 1e6)
    assert report.month_cost["total_usd"] == pytest.approx(36_000 * 0.625 / 1e6 * 730)
    other = Account()
    other.client("dynamodb").create_table(
        TableName="Events", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 20},
        TableClass="STANDARD_INFREQUENT_ACCESS")
    provisioned = run_table_load(other, "Events", duration_s=1800, rate_per_s=1, keys=10)
    assert provisioned.run_cost["wcu_hours"] == 10 and provisioned.run_cost["rcu_hours"] == 2
    expected = (10 * 0.00065 + 2 * 0.00013) * 1.25
    assert provisioned.run_cost["total_usd"] == pytest.approx(expected)
    assert provisioned.month_cost["wcu_hours"] == 20 * 730
    assert provisioned.table_class == "STANDARD_INFREQUENT_ACCESS"


def test_prices_are_the_published_rates():
    assert float(pricing.on_demand_cost(0, 1_000_000).total_usd) == 0.625
    assert float(pricing.on_demand_cost(1_000_000, 0).total_usd) == 0.125
    assert float(pricing.provisioned_cost(1000, 1000).total_usd) == pytest.approx(0.13 + 0.65)
    with pytest.raises(ValueError):
        pricing.on_demand_cost(1, 1, "GLACIER")


def test_table_distribution_follows_the_items_the_table_holds(acct):
    make(acct, range_key=True)
    ddb = acct.client("dynamodb")
    for i in range(8):
        ddb.put_item(TableName="Events", Item={"pk": {"S": "2026-03-14"}, "sk": {"S": f"o{i}"}})
    for i in range(2):
        ddb.put_item(TableName="Events", Item={"pk": {"S": "2026-03-15"}, "sk": {"S": f"o{i}"}})
    report = run_table_load(acct, "Events", duration_s=5, rate_per_s=2000, key_distribution="table")
    assert report.key_count == 2
    assert [(p["key"], p["share"]) for p in report.partitions] == [("2026-03-14", 0.8), ("2026-03-15", 0.2)]
    assert report.throttled == 5 * 600                               # 1,600 a second on one key
    # the load stores one item per partition key value it wrote to
    assert ddb.describe_table(TableName="Events")["Table"]["ItemCount"] == 10 + 2


def test_table_distribution_needs_items(acct):
    make(acct)
    with pytest.raises(AwsError) as caught:
        run_table_load(acct, "Events", duration_s=1, rate_per_s=1, key_distribution="table")
    assert caught.value.code == "ValidationException"


def test_zipf_puts_the_most_traffic_on_the_first_key_and_runs_are_repeatable(acct):
    make(acct)
    first = run_table_load(acct, "Events", duration_s=20, rate_per_s=500, key_distribution="zipf", keys=50)
    shares = [p["share"] for p in first.partitions]
    assert shares == sorted(shares, reverse=True) and first.partitions[0]["key"] == "key-0"
    again = Account()
    again.client("dynamodb").create_table(
        TableName="Events", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    second = run_table_load(again, "Events", duration_s=20, rate_per_s=500, key_distribution="zipf", keys=50)
    assert first.as_dict()["partitions"] == second.as_dict()["partitions"]
    # fractional requests carry over to the next second, so a few are still to come at the end
    assert first.requests == second.requests and 10_000 - 50 <= first.requests <= 10_000


def test_bad_settings_are_refused(acct):
    make(acct)
    for settings in ({"duration_s": 0, "rate_per_s": 1}, {"duration_s": 1, "rate_per_s": 1, "write_fraction": 2},
                     {"duration_s": 1, "rate_per_s": 1, "key_distribution": "normal"}):
        with pytest.raises(ValueError):
            run_table_load(acct, "Events", **settings)
    with pytest.raises(AwsError) as caught:
        run_table_load(acct, "Missing", duration_s=1, rate_per_s=1)
    assert caught.value.code == "ResourceNotFoundException"
