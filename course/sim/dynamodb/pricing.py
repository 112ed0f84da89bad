"""What DynamoDB throughput costs: request units on demand, capacity-unit hours when provisioned.

Prices are US East (N. Virginia). The AWS pricing pages (https://aws.amazon.com/dynamodb/pricing/on-demand/
and .../provisioned/) render their rate tables in the browser, so the figures were read from copies
of them, as the Lambda Arm rate was (``course/sim/awslambda/pricing.py``):

- on-demand, Standard: $0.625 per million write request units and $0.125 per million read request
  units, the rates since AWS halved on-demand prices on 2024-11-01 (quoted in Airbyte's
  "DynamoDB pricing" guide, 2025);
- provisioned, Standard: $0.00065 per WCU-hour and $0.00013 per RCU-hour (quoted in several 2025–2026
  cost guides, unchanged since provisioned prices were last cut).
- Standard-IA: no us-east-1 copy could be found. AWS's China Regions pricing page
  (https://www.amazonaws.cn/en/dynamodb/pricing/) lists Standard-IA throughput at 1.25 times
  Standard (¥0.0725 against ¥0.058 per 10 WCU-hours, provisioned); ASSUMPTION: the same ratio holds in
  us-east-1, for on-demand request units too.

That is why the scenarios also report the billed *units* (request units, capacity-unit hours):
those come from the documented unit sizes and do not depend on a price list. Storage, backups,
streams, global-table replication, reserved capacity and the free tier are left out. Provisioned
capacity is billed per hour for what is provisioned, not what is used (facts.md section 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PRICE_DATE = "on-demand rates from 2024-11-01; provisioned rates as quoted 2025-2026; read from copies of the pricing pages"
PRICING_URL = "https://aws.amazon.com/dynamodb/pricing/"
#: The AWS Pricing Calculator's month: 730 hours.
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600

_IA = Decimal("1.25")
ON_DEMAND_PER_MILLION = {
    "STANDARD": {"read": Decimal("0.125"), "write": Decimal("0.625")},
    "STANDARD_INFREQUENT_ACCESS": {"read": Decimal("0.125") * _IA, "write": Decimal("0.625") * _IA},
}
PROVISIONED_PER_UNIT_HOUR = {
    "STANDARD": {"read": Decimal("0.00013"), "write": Decimal("0.00065")},
    "STANDARD_INFREQUENT_ACCESS": {"read": Decimal("0.00013") * _IA, "write": Decimal("0.00065") * _IA},
}


@dataclass(frozen=True)
class Cost:
    """A period's throughput charge. Unit figures are exact; dollars follow the rates above."""

    billing: str
    table_class: str
    read_request_units: float
    write_request_units: float
    rcu_hours: float
    wcu_hours: float
    read_usd: Decimal
    write_usd: Decimal

    @property
    def total_usd(self) -> Decimal:
        return self.read_usd + self.write_usd

    def scaled(self, factor: float) -> "Cost":
        """The same usage repeated ``factor`` times (a run's hour turned into a month, say)."""
        f = Decimal(str(factor))
        return Cost(self.billing, self.table_class, self.read_request_units * factor,
                    self.write_request_units * factor, self.rcu_hours * factor, self.wcu_hours * factor,
                    self.read_usd * f, self.write_usd * f)

    def as_dict(self) -> dict:
        return {"billing": self.billing, "table_class": self.table_class,
                "read_request_units": self.read_request_units, "write_request_units": self.write_request_units,
                "rcu_hours": self.rcu_hours, "wcu_hours": self.wcu_hours, "read_usd": float(self.read_usd),
                "write_usd": float(self.write_usd), "total_usd": float(self.total_usd)}


def _class(table_class: str | None) -> str:
    table_class = table_class or "STANDARD"
    if table_class not in ON_DEMAND_PER_MILLION:
        raise ValueError(f"table class must be one of {sorted(ON_DEMAND_PER_MILLION)}, got {table_class!r}")
    return table_class


def on_demand_cost(read_units: float, write_units: float, table_class: str = "STANDARD") -> Cost:
    """Request units consumed (throttled requests consume none and cost nothing)."""
    rates = ON_DEMAND_PER_MILLION[_class(table_class)]
    return Cost("PAY_PER_REQUEST", _class(table_class), read_units, write_units, 0.0, 0.0,
                rates["read"] * Decimal(str(read_units)) / 1_000_000,
                rates["write"] * Decimal(str(write_units)) / 1_000_000)


def provisioned_cost(rcu_hours: float, wcu_hours: float, table_class: str = "STANDARD") -> Cost:
    """Capacity-unit hours provisioned, whatever was used of them."""
    rates = PROVISIONED_PER_UNIT_HOUR[_class(table_class)]
    return Cost("PROVISIONED", _class(table_class), 0.0, 0.0, rcu_hours, wcu_hours,
                rates["read"] * Decimal(str(rcu_hours)), rates["write"] * Decimal(str(wcu_hours)))


def combine(costs) -> Cost:
    """Several stretches of one table (billed differently as its mode changed) as one charge."""
    costs = list(costs)
    modes = {c.billing for c in costs}
    return Cost(modes.pop() if len(modes) == 1 else "MIXED", costs[0].table_class if costs else "STANDARD",
                sum(c.read_request_units for c in costs), sum(c.write_request_units for c in costs),
                sum(c.rcu_hours for c in costs), sum(c.wcu_hours for c in costs),
                sum((c.read_usd for c in costs), Decimal(0)), sum((c.write_usd for c in costs), Decimal(0)))
