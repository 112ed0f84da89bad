"""Lambda price arithmetic, with exact figures for worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from course.sim.awslambda import pricing
from course.sim.awslambda.invocations import Invocation


def test_worked_example_3m_requests_120ms_512mb_x86():
    cost = pricing.workload_cost(3_000_000, 120, 512)
    assert cost.gb_seconds == Decimal(180_000)
    assert cost.request_usd == Decimal("0.60")
    assert cost.compute_usd == Decimal("3.0000060")  # 180,000 GB-s x $0.0000166667
    assert cost.total_usd == Decimal("3.6000060")


def test_worked_example_on_arm64():
    cost = pricing.workload_cost(3_000_000, 120, 512, architecture="arm64")
    assert cost.compute_usd == Decimal("2.4000120")  # 180,000 GB-s x $0.0000133334
    assert cost.total_usd == Decimal("3.0000120")


def test_worked_example_with_the_free_tier():
    cost = pricing.workload_cost(3_000_000, 120, 512, free_tier=True)
    assert cost.request_usd == Decimal("0.40")  # 2M billable requests
    assert cost.compute_usd == 0  # 180,000 GB-s is inside the 400,000 free
    assert cost.as_dict()["total_usd"] == pytest.approx(0.40)


def test_aws_pricing_page_example_1():
    """AWS's own example: 512 MB, 3M calls of 1 s, free tier applied. AWS shows $18.74 with the
    rounded rate $0.00001667; at $0.0000166667 the compute is $18.33337."""
    cost = pricing.workload_cost(3_000_000, 1000, 512, free_tier=True)
    assert cost.gb_seconds == Decimal(1_500_000)
    assert cost.compute_usd == Decimal("18.3333700")
    assert cost.request_usd == Decimal("0.40")
    assert round(cost.total_usd, 2) == Decimal("18.73")


def test_duration_is_billed_in_whole_milliseconds_rounded_up():
    assert pricing.billed_ms(120.0) == 120
    assert pricing.billed_ms(120.01) == 121
    assert pricing.billed_ms(0.2) == 1
    assert pricing.workload_cost(1, 120.01, 1024).gb_seconds == Decimal("0.121")


def test_gb_seconds_use_1024_mb_gigabytes():
    assert pricing.gb_seconds(1536, 2000) == Decimal(3)
    assert pricing.gb_seconds(128, 100, count=8) == Decimal("0.1")


def test_unknown_architecture_is_an_error():
    with pytest.raises(ValueError, match="x86_64"):
        pricing.cost(1, Decimal(1), "sparc")


def test_cost_of_logged_invocations_skips_throttles():
    rows = [Invocation(0, "f", None, "$LATEST", "a", "RequestResponse", billed_ms=1000, memory_mb=1024),
            Invocation(0, "f", None, "$LATEST", "b", "RequestResponse", billed_ms=500, memory_mb=1024,
                       architecture="arm64"),
            Invocation(0, "f", None, "$LATEST", "c", "RequestResponse", throttled=True)]
    costs = pricing.log_cost(rows)
    assert costs["x86_64"].requests == 1 and costs["x86_64"].gb_seconds == Decimal(1)
    assert costs["arm64"].compute_usd == Decimal("0.0000066667")
