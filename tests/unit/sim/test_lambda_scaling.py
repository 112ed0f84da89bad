"""The load scenario: concurrency, cold starts, throttles, provisioned concurrency, SnapStart, cost.

Expected figures are worked out by hand from the model in ``scaling``'s docstring, so a change to
the model shows up here as a changed number, not as a silently different report.
"""

from __future__ import annotations

from decimal import Decimal

import jmespath
import pytest

from course.sim.awslambda import pricing
from course.sim.awslambda.scaling import run_load
from tests.unit.sim.test_lambda_support import client, fake, make  # noqa: F401

RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT = "ConcurrentInvocationLimitExceeded"


def load(acct, name="fn", **kw):
    kw.setdefault("handler_ms", 100)
    kw.setdefault("init_ms", 250)
    return run_load(acct, name, **kw)


def test_throttling_at_reserved_concurrency(client, acct):
    make(client, MemorySize=512)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=10)
    report = load(acct, rate_per_s=200, duration_s=60)
    # Second 0: 10 new environments, each serving its cold call then 6.5 more -> 75 served.
    # Then 10 warm environments x 10 calls a second = 100 served, 100 throttled, every second.
    assert (report.requests, report.served, report.throttled) == (12_000, 5_975, 6_025)
    assert report.throttled_by == {RESERVED: 6_025}
    assert (report.cold_starts, report.peak_environments, report.concurrency_cap) == (10, 10, 10)
    assert report.peak_concurrency <= 10
    data = report.as_dict()
    assert jmespath.search("length(series[?throttled > `0`])", data) == 60
    assert jmespath.search("series[0].[served, throttled, cold_starts]", data) == [75, 125, 10]


def test_without_a_reservation_the_same_load_is_served(client, acct):
    make(client, MemorySize=512)
    report = load(acct, rate_per_s=200, duration_s=60)
    assert (report.served, report.throttled, report.cold_starts) == (12_000, 0, 27)
    assert report.concurrency_cap == 1000 and report.throttled_by == {}


def test_the_account_pool_left_by_other_reservations_caps_a_function(client, acct):
    make(client)
    make(client, "big")
    client.put_function_concurrency(FunctionName="big", ReservedConcurrentExecutions=900)
    report = load(acct, rate_per_s=2000, duration_s=10)
    assert report.concurrency_cap == 100 and set(report.throttled_by) == {ACCOUNT}
    assert report.series[-1].served == 1000


def test_provisioned_concurrency_removes_cold_starts(client, acct):
    make(client, MemorySize=512)
    client.publish_version(FunctionName="fn")
    client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    cold = load(acct, qualifier="live", rate_per_s=200, duration_s=60)
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=25)
    acct.clock.advance(60)
    warm = load(acct, qualifier="live", rate_per_s=200, duration_s=60)
    assert cold.cold_starts == 27 and cold.max_latency_ms == 350
    assert (warm.provisioned, warm.cold_starts, warm.throttled, warm.max_latency_ms) == (25, 0, 0, 100)


def test_provisioned_concurrency_helps_only_once_ready(client, acct):
    make(client)
    client.publish_version(FunctionName="fn")
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=25)
    report = load(acct, qualifier="1", rate_per_s=200, duration_s=90)
    assert report.provisioned == 0 and report.cold_starts == 27  # IN_PROGRESS for the first 60 s
    assert report.series[60].environments == 27


def test_provisioned_beyond_the_traffic_still_spills_over_cold(client, acct):
    make(client)
    client.publish_version(FunctionName="fn")
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=5)
    acct.clock.advance(60)
    report = load(acct, qualifier="1", rate_per_s=200, duration_s=10)
    # 5 provisioned serve 50 at once; the other 150 need ceil(150 / 7.5) = 20 new, cold environments.
    assert report.cold_starts == 20 and report.series[0].environments == 25


def test_snapstart_shortens_cold_starts_on_published_versions_only(client, acct):
    make(client, SnapStart={"ApplyOn": "PublishedVersions"})
    client.publish_version(FunctionName="fn")
    latest = load(acct, rate_per_s=200, duration_s=10, init_ms=1000)
    version = load(acct, qualifier="1", rate_per_s=200, duration_s=10, init_ms=1000)
    assert (latest.snapstart, latest.cold_init_ms) == (False, 1000)
    assert (version.snapstart, version.cold_init_ms) == (True, 100.0)
    # A 1 s init leaves no time in the first second: 200 cold environments; a 0.1 s restore leaves 0.8 s.
    assert (latest.cold_starts, version.cold_starts) == (200, 23)
    assert (latest.max_latency_ms, version.max_latency_ms) == (1100, 200)
    assert version.avg_latency_ms < latest.avg_latency_ms
    # Init is billed on $LATEST's cold starts; a restore is not billed as duration.
    assert latest.gb_seconds == float(pricing.gb_seconds(128, 100, 2000 - 200) + pricing.gb_seconds(128, 1100, 200))
    assert version.gb_seconds == float(pricing.gb_seconds(128, 100, 2000))


def test_scaling_rate_is_1000_new_environments_per_10_seconds(client, acct):
    acct.service("lambda").concurrency_limit = 5000
    make(client)
    report = load(acct, rate_per_s=3000, duration_s=30, handler_ms=1000, init_ms=500)
    assert [report.series[t].environments for t in (0, 9, 10, 19, 20, 29)] == [1000, 1000, 2000, 2000, 3000, 3000]
    assert (report.served, report.throttled) == (60_000, 30_000)
    assert report.throttled_by == {"ScalingRateLimit": 30_000}


def test_idle_environments_are_reclaimed_between_bursts(client, acct):
    make(client)

    def bursts(gap):
        return lambda t: 10 if t < 5 or 5 + gap <= t < 10 + gap else 0

    short = load(acct, rate_per_s=bursts(300), duration_s=310)
    long = load(acct, rate_per_s=bursts(700), duration_s=710)
    assert short.cold_starts == 2 and long.cold_starts == 4


def test_cost_and_month_extrapolation(client, acct):
    make(client, MemorySize=512)
    report = load(acct, rate_per_s=200, duration_s=60)
    expected = pricing.gb_seconds(512, 100, 12_000 - 27) + pricing.gb_seconds(512, 350, 27)
    assert report.gb_seconds == float(expected) == 603.375
    assert report.run_cost["compute_usd"] == float(expected * Decimal("0.0000166667"))
    assert report.run_cost["request_usd"] == pytest.approx(0.0024)
    assert report.month_cost["requests"] == 12_000 * 43_800  # 730 h / 60 s
    assert report.month_cost["gb_seconds"] == 603.375 * 43_800


def test_arm64_is_priced_at_the_arm_rate(client, acct):
    make(client, Architectures=["arm64"], MemorySize=512)
    report = load(acct, rate_per_s=200, duration_s=60)
    assert report.architecture == "arm64"
    assert report.run_cost["compute_usd"] == float(Decimal("603.375") * Decimal("0.0000133334"))


def test_report_is_kept_and_time_passes(client, acct):
    make(client)
    start = acct.clock.now()
    report = load(acct, rate_per_s=5, duration_s=120)
    assert acct.service("lambda").load_reports == [report]
    assert acct.clock.now() == start + 120
    assert report.assumptions[-1] == "month = 730 hours at the run's average load"


def test_default_init_is_an_assumption_that_is_said(client, acct):
    make(client)
    report = run_load(acct, "fn", rate_per_s=1, duration_s=1, handler_ms=50)
    assert (report.init_source, report.init_ms) == ("default", 250.0)
    assert report.assumptions[0].startswith("init duration not given: 250 ms assumed for python")


def test_measured_durations_come_from_real_invocations(client, acct, fake):
    fake.duration_ms, fake.init_ms = 40.0, 300.0
    make(client)
    report = run_load(acct, "fn", rate_per_s=50, duration_s=10)
    assert (report.init_source, report.handler_ms, report.init_ms) == ("measured", 40.0, 300.0)
    assert len(acct.service("lambda").invocation_log) == 4  # one cold, three warm


def test_a_function_that_cannot_run_needs_a_declared_duration(client, acct):
    client.create_function(FunctionName="img", Role="arn:aws:iam::123456789012:role/r", PackageType="Image",
                           Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"})
    with pytest.raises(ValueError, match="pass handler_ms"):
        run_load(acct, "img", rate_per_s=1, duration_s=1)
    assert run_load(acct, "img", rate_per_s=1, duration_s=1, handler_ms=20).served == 1
