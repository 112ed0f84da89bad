"""The table load scenario: steady or phased traffic against one table over simulated time.

It answers "does this table design and capacity hold this traffic, and what does it cost?" Each
simulated second, the traffic is split over partition key values by a key distribution; each key's
reads and writes go through the table's capacity meter (``throughput.py``), so throttling follows
exactly the rules an API call meets, per table and per partition key. The clock moves a second at a
time, so auto scaling and other timers act during the run.

Choices made for speed, none of which changes what is throttled or billed:
- requests are played through the model, not boto3, and identical requests of one key in one second
  are admitted together (``Meter.admit_many``), keys in a fixed order, reads before writes;
- a key's admitted writes store its item once per second (the same item each time: the load's
  items are one per partition key, sized ``item_kb``); reads change nothing and touch no item;
- traffic is split deterministically (fractional requests carry over to the next second), so every
  run of a scenario gives the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from course.sim.dynamodb import capacity, pricing
from course.sim.dynamodb.errors import ValidationException
from course.sim.dynamodb.items import item_size, key_order
from course.sim.dynamodb.throughput import Meter, estimated_partitions

DISTRIBUTIONS = ("uniform", "hot", "zipf", "sharded", "table")
MAX_KEYS = 10_000
MAX_SECONDS = 6 * 3600
#: Spreads keys' first requests over the first second instead of firing them all at once.
_SPREAD = 0.6180339887


@dataclass
class TableLoadReport:
    table: str
    billing: str
    table_class: str
    duration_s: int
    key_distribution: str
    requests: int = 0
    reads: int = 0
    writes: int = 0
    served: int = 0
    throttled: int = 0
    throttled_reads: int = 0
    throttled_writes: int = 0
    throttled_by: dict = field(default_factory=dict)
    throttle_reasons: dict = field(default_factory=dict)
    consumed_rcu: float = 0.0
    consumed_wcu: float = 0.0
    peak_rcu_per_s: float = 0.0
    peak_wcu_per_s: float = 0.0
    provisioned_start: dict | None = None
    provisioned_end: dict | None = None
    key_count: int = 0
    estimated_partitions: int = 1
    hot_key: str | None = None
    hot_key_peak_wcu_per_s: float = 0.0
    hot_key_peak_rcu_per_s: float = 0.0
    partitions: list = field(default_factory=list)
    run_cost: dict = field(default_factory=dict)
    month_cost: dict = field(default_factory=dict)
    series: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _key_value(kind: str, text: str, number: int) -> dict:
    """A generated partition key value of the table's key type (numbers for an N key)."""
    if kind == "N":
        return {"N": str(number)}
    if kind == "B":
        return {"B": text.encode()}
    return {"S": text}


def _plain(value: dict) -> str:
    kind, raw = next(iter(value.items()))
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _keys(table, distribution: str, keys: int, hot_fraction: float, shards: int, zipf_s: float,
          prefix: str) -> list[tuple[dict, float]]:
    """Partition key values and the share of traffic each gets."""
    kind = table.keys[0][1]
    if distribution == "table":
        counts: dict = {}
        for item in table.items.values():
            value = item[table.hash_key]
            entry = counts.setdefault(key_order(value), [value, 0])
            entry[1] += 1
        if not counts:
            raise ValidationException(f"table {table.name} holds no items to take partition keys from")
        total = sum(n for _, n in counts.values())
        return [(value, n / total) for value, n in sorted(counts.values(), key=lambda e: -e[1])]
    if distribution == "sharded":
        return [(_key_value(kind, f"{prefix}#{i}", i), 1 / shards) for i in range(shards)]
    values = [_key_value(kind, f"{prefix}-{i}", i) for i in range(keys)]
    if distribution == "uniform":
        return [(v, 1 / keys) for v in values]
    if distribution == "hot":
        rest = (1 - hot_fraction) / (keys - 1) if keys > 1 else 0.0
        return [(v, hot_fraction if i == 0 else rest) for i, v in enumerate(values)]
    weights = [1 / (i + 1) ** zipf_s for i in range(keys)]
    total = sum(weights)
    return [(v, w / total) for v, w in zip(values, weights)]


def _item(table, value: dict, item_kb: float) -> dict:
    """The load's item for one partition key, padded to ``item_kb`` (its size sets the units)."""
    item = {table.hash_key: value}
    if table.range_key:
        kind = table.keys[1][1]
        item[table.range_key] = {"S": "load"} if kind == "S" else {"N": "0"} if kind == "N" else {"B": b"load"}
    pad = int(round(item_kb * 1024)) - item_size(item) - len("payload")
    if pad > 0:
        item["payload"] = {"S": "x" * pad}
    return item


def run_table_load(account, table_name: str, *, duration_s: float | None = None, rate_per_s: float | None = None,
                   phases: list[dict] | None = None, key_distribution: str = "uniform", keys: int = 100,
                   hot_fraction: float = 0.4, shards: int = 10, zipf_s: float = 1.1, key_prefix: str = "key",
                   write_fraction: float = 1.0, item_kb: float = 1.0, consistent: bool = False) -> TableLoadReport:
    """Play the traffic and report per second and per partition key. ``phases`` (a list of
    ``{duration_s, rate_per_s}``) replaces ``duration_s``/``rate_per_s`` for traffic that changes."""
    if key_distribution not in DISTRIBUTIONS:
        raise ValueError(f"key_distribution must be one of {', '.join(DISTRIBUTIONS)}, got {key_distribution!r}")
    plan = [(int(p["duration_s"]), float(p["rate_per_s"])) for p in phases] if phases else \
        [(int(duration_s), float(rate_per_s))]
    total_s = sum(d for d, _ in plan)
    if not 0 < total_s <= MAX_SECONDS or any(d <= 0 or r < 0 for d, r in plan):
        raise ValueError(f"the load must last 1 to {MAX_SECONDS} seconds, with rates of 0 or more")
    if not 0 <= write_fraction <= 1 or item_kb <= 0 or not 1 <= keys <= MAX_KEYS or not 1 <= shards <= MAX_KEYS:
        raise ValueError("write_fraction is 0 to 1, item_kb more than 0, keys and shards 1 to 10,000")
    service = account.service("dynamodb")
    table = service.table(table_name)
    if table.meter is None:
        table.meter = Meter(table)
    meter = table.meter
    spread = _keys(table, key_distribution, keys, hot_fraction, shards, zipf_s, key_prefix)
    items = [_item(table, value, item_kb) for value, _ in spread]
    wunits = [capacity.put_write(item_size(item)) for item in items]
    runits = [capacity.get_item_read(item_size(item), capacity.consistency(consistent)) for item in items]
    where = [table.storage_key(item) for item in items]
    parts = [key_order(value) for value, _ in spread]
    n = len(spread)
    carry_w = [(i * _SPREAD) % 1 for i in range(n)]
    carry_r = [((i + 0.5) * _SPREAD) % 1 for i in range(n)]
    per_key = [{"requests": 0, "throttled": 0, "rcu": 0.0, "wcu": 0.0, "peak_rcu": 0.0, "peak_wcu": 0.0}
               for _ in range(n)]
    report = TableLoadReport(table.name, table.billing, getattr(table, "table_class", "STANDARD"), total_s,
                             key_distribution, provisioned_start=_throughput(table), key_count=n)
    od = {"read": 0.0, "write": 0.0}
    prov = {"read": 0.0, "write": 0.0}
    clock = account.clock
    start = math.floor(clock.now()) + 1
    second = 0
    for length, rate in plan:
        for _ in range(length):
            clock.set(start + second)
            now = clock.now()
            row = {"t": second, "requests": 0, "served": 0, "throttled": 0, "rcu": 0.0, "wcu": 0.0}
            for i, (value, share) in enumerate(spread):
                carry_r[i] += rate * share * (1 - write_fraction)
                carry_w[i] += rate * share * write_fraction
                n_r, n_w = int(carry_r[i]), int(carry_w[i])
                carry_r[i] -= n_r
                carry_w[i] -= n_w
                if not n_r and not n_w:
                    continue
                stats = per_key[i]
                for kind, count, units in (("read", n_r, runits[i]), ("write", n_w, wunits[i])):
                    if not count:
                        continue
                    ok, error = meter.admit_many(now, kind, units, count, partition=parts[i])
                    used = ok * units
                    row["requests"] += count
                    row["served"] += ok
                    stats["requests"] += count
                    if kind == "read":
                        row["rcu"] += used
                        stats["rcu"] += used
                        stats["peak_rcu"] = max(stats["peak_rcu"], used)
                        report.reads += count
                    else:
                        row["wcu"] += used
                        stats["wcu"] += used
                        stats["peak_wcu"] = max(stats["peak_wcu"], used)
                        report.writes += count
                        if ok:
                            table.write(where[i], dict(items[i]))
                    if error is not None:
                        refused = count - ok
                        row["throttled"] += refused
                        stats["throttled"] += refused
                        report.throttled_by[error.code] = report.throttled_by.get(error.code, 0) + refused
                        report.throttle_reasons[error.reason] = report.throttle_reasons.get(error.reason, 0) + refused
                        if kind == "read":
                            report.throttled_reads += refused
                        else:
                            report.throttled_writes += refused
            _bill(table, row, od, prov)
            report.requests += row["requests"]
            report.served += row["served"]
            report.throttled += row["throttled"]
            report.consumed_rcu += row["rcu"]
            report.consumed_wcu += row["wcu"]
            report.peak_rcu_per_s = max(report.peak_rcu_per_s, row["rcu"])
            report.peak_wcu_per_s = max(report.peak_wcu_per_s, row["wcu"])
            throughput = _throughput(table)
            row["provisioned_rcu"] = throughput["ReadCapacityUnits"] if throughput else None
            row["provisioned_wcu"] = throughput["WriteCapacityUnits"] if throughput else None
            report.series.append(row)
            second += 1
    clock.set(start + second)
    _finish(report, table, spread, per_key, od, prov, total_s)
    return report


def _throughput(table) -> dict | None:
    return dict(table.throughput) if table.billing == "PROVISIONED" and table.throughput else None


def _bill(table, row: dict, od: dict, prov: dict) -> None:
    """On-demand bills the units served; provisioned bills what is provisioned, second by second."""
    if table.billing == "PAY_PER_REQUEST":
        od["read"] += row["rcu"]
        od["write"] += row["wcu"]
    else:
        prov["read"] += table.throughput["ReadCapacityUnits"]
        prov["write"] += table.throughput["WriteCapacityUnits"]


def _finish(report: TableLoadReport, table, spread, per_key, od: dict, prov: dict, total_s: int) -> None:
    report.billing = table.billing
    report.provisioned_end = _throughput(table)
    table_class = getattr(table, "table_class", "STANDARD")
    pieces = []
    if od["read"] or od["write"] or not (prov["read"] or prov["write"]):
        pieces.append(pricing.on_demand_cost(od["read"], od["write"], table_class))
    if prov["read"] or prov["write"]:
        pieces.append(pricing.provisioned_cost(prov["read"] / 3600, prov["write"] / 3600, table_class))
    run = pricing.combine(pieces)
    report.run_cost = run.as_dict()
    report.month_cost = run.scaled(pricing.SECONDS_PER_MONTH / total_s).as_dict()
    rows = []
    for (value, share), stats in zip(spread, per_key):
        rows.append({"key": _plain(value), "share": round(share, 6), "requests": stats["requests"],
                     "throttled": stats["throttled"], "consumed_rcu": stats["rcu"], "consumed_wcu": stats["wcu"],
                     "peak_rcu_per_s": stats["peak_rcu"], "peak_wcu_per_s": stats["peak_wcu"]})
    rows.sort(key=lambda r: (-(r["consumed_wcu"] + r["consumed_rcu"] + r["throttled"]), r["key"]))
    report.partitions = rows[:20]
    if rows:
        report.hot_key = rows[0]["key"]
        report.hot_key_peak_wcu_per_s = rows[0]["peak_wcu_per_s"]
        report.hot_key_peak_rcu_per_s = rows[0]["peak_rcu_per_s"]
    peak = {"read": report.peak_rcu_per_s, "write": report.peak_wcu_per_s}
    report.estimated_partitions = estimated_partitions(table.throughput if table.billing == "PROVISIONED" else None,
                                                       table.size_bytes(), peak)
    report.assumptions = [
        "each partition key value is limited to 3,000 RCU and 1,000 WCU a second (adaptive capacity is taken to "
        "isolate every key on a partition of its own); real tables may throttle sooner, never later",
        "burst capacity keeps up to 300 seconds of unused provisioned capacity; a new table starts with none",
        "a new on-demand table serves 4,000 WRU / 12,000 RRU a second at once and up to twice a peak reached 30 "
        "minutes before",
        "month_cost repeats this run's traffic for a 730-hour month; prices are us-east-1 (see pricing.py)",
    ]
