"""What Lambda charges: requests plus GB-seconds of billed duration.

Prices are US East (N. Virginia), first pricing tier, as published on
https://aws.amazon.com/lambda/pricing/ :

- requests: $0.20 per 1M (facts.md section 1, from
  https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/lambda.html);
- x86_64 duration: $0.0000166667 per GB-second (same source);
- arm64 duration: $0.0000133334 per GB-second. The pricing page renders its rate
  tables in the browser, so this figure was read from copies of that page
  (artillery's Lambda price table, a 2024 Lambda pricing guide), not from AWS
  directly. It is the rate published since Arm functions launched (September
  2021) and was still the one quoted in 2024–2026.

Duration is rounded up to the next 1 ms. The pricing page states that duration
charges cover "initialization code that is declared outside of the handler", so
a cold start's init is billed with the handler's time. The free tier (1M
requests and 400,000 GB-seconds a month, for both architectures) is optional.

Left out, because no AWS-published figure could be sourced here: provisioned
concurrency charges, SnapStart cache and restore charges, ephemeral storage
above 512 MB, the cheaper tiers past 6 billion (x86) / 7.5 billion (Arm)
GB-seconds a month, and per-64 KB request charges for large async payloads.
Decimal arithmetic keeps worked examples exact to the cent and beyond.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

PRICE_DATE = "rates in effect 2021-09 onward; checked against facts.md (2026) and copies of the pricing page"
PRICING_URL = "https://aws.amazon.com/lambda/pricing/"
REQUEST_PRICE_PER_MILLION = Decimal("0.20")
GB_SECOND_PRICE = {"x86_64": Decimal("0.0000166667"), "arm64": Decimal("0.0000133334")}
FREE_REQUESTS = 1_000_000
FREE_GB_SECONDS = Decimal(400_000)
#: The AWS Pricing Calculator's month: 730 hours.
SECONDS_PER_MONTH = 730 * 3600


def billed_ms(duration_ms: float) -> int:
    """Lambda bills in 1 ms steps, rounding up."""
    return max(1, math.ceil(duration_ms))


def gb_seconds(memory_mb: int, billed: int | float, count: int = 1) -> Decimal:
    """Memory in GB (1024 MB) times billed seconds, for ``count`` invocations."""
    return Decimal(memory_mb) / 1024 * Decimal(str(billed)) / 1000 * count


@dataclass(frozen=True)
class Cost:
    requests: int
    gb_seconds: Decimal
    architecture: str
    free_tier: bool
    request_usd: Decimal
    compute_usd: Decimal

    @property
    def total_usd(self) -> Decimal:
        return self.request_usd + self.compute_usd

    def as_dict(self) -> dict:
        return {"requests": self.requests, "gb_seconds": float(self.gb_seconds), "architecture": self.architecture,
                "free_tier": self.free_tier, "request_usd": float(self.request_usd),
                "compute_usd": float(self.compute_usd), "total_usd": float(self.total_usd)}


def cost(requests: int, total_gb_seconds: Decimal, architecture: str = "x86_64", free_tier: bool = False) -> Cost:
    """A month's (or any period's) charge for the given usage."""
    if architecture not in GB_SECOND_PRICE:
        raise ValueError(f"architecture must be one of {sorted(GB_SECOND_PRICE)}, got {architecture!r}")
    billable_requests = max(0, requests - FREE_REQUESTS) if free_tier else requests
    billable_gbs = max(Decimal(0), total_gb_seconds - FREE_GB_SECONDS) if free_tier else total_gb_seconds
    return Cost(requests, total_gb_seconds, architecture, free_tier,
                REQUEST_PRICE_PER_MILLION * billable_requests / 1_000_000,
                GB_SECOND_PRICE[architecture] * billable_gbs)


def workload_cost(requests: int, duration_ms: float, memory_mb: int, architecture: str = "x86_64",
                  free_tier: bool = False) -> Cost:
    """``requests`` invocations that each run ``duration_ms`` (billed rounded up) with ``memory_mb``."""
    return cost(requests, gb_seconds(memory_mb, billed_ms(duration_ms), requests), architecture, free_tier)


def log_cost(records, free_tier: bool = False) -> dict[str, Cost]:
    """Cost of the invocation log's rows, per architecture; throttled calls are not billed."""
    usage: dict[str, tuple[int, Decimal]] = {}
    for row in records:
        if row.throttled:
            continue
        count, gbs = usage.get(row.architecture, (0, Decimal(0)))
        usage[row.architecture] = (count + 1, gbs + gb_seconds(row.memory_mb, row.billed_ms))
    return {arch: cost(count, gbs, arch, free_tier) for arch, (count, gbs) in usage.items()}
