"""Capacity settings on CreateTable/UpdateTable: switching rules, table classes, on-demand maximums.

The meter that throttles requests lives in ``throughput.py``; this family gives every table one and
keeps the settings the meter reads. Sources:

- Switching modes: "You can switch tables from provisioned capacity mode to on-demand mode up to
  four times in a 24-hour rolling window. You can switch tables from on-demand mode to provisioned
  capacity mode at any time." (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-switching-capacity-modes.html;
  facts.md section 8: the one-switch-a-day rule is outdated). The error is LimitExceededException;
  its text is DynamoDB's "Subscriber limit exceeded: Update to PayPerRequest mode are limited to ..."
  (as recorded in https://github.com/serverless/serverless/issues/3183 for the old once-a-day rule),
  here with the current limit of 4 and the time the oldest switch in the window leaves it.
- Table classes STANDARD and STANDARD_INFREQUENT_ACCESS, changeable later, indexes follow the
  table (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.TableClasses.html).
- ``OnDemandThroughput``: MaxReadRequestUnits/MaxWriteRequestUnits at least 1, or -1 to remove the
  maximum (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_OnDemandThroughput.html,
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode-max-throughput.html).
- ``NumberOfDecreasesToday``, ``LastIncreaseDateTime``, ``LastDecreaseDateTime``: counted per UTC
  day (API_ProvisionedThroughputDescription). The daily cap on decreases is NOT enforced: its current
  figure could not be read from the ServiceQuotas page here.
"""

from __future__ import annotations

from datetime import datetime, timezone

from course.sim.dynamodb.errors import LimitExceededException, ValidationException
from course.sim.dynamodb.tables import check_billing
from course.sim.dynamodb.throughput import Meter

TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
#: Provisioned → on-demand switches allowed in a rolling window of this many seconds.
SWITCHES_TO_ON_DEMAND = 4
SWITCH_WINDOW_S = 24 * 3600


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%a %b %d %H:%M:%S UTC %Y")


class CapacityOps:
    HANDLES: tuple[str, ...] = ("OnDemandThroughput", "TableClass")

    # -- CreateTable ---------------------------------------------------------------------------

    def _create_table_capacity(self, table, params: dict) -> None:
        table_class = _table_class(params.get("TableClass"))
        billing = params.get("BillingMode") or "PROVISIONED"
        maximums = _maximums(params.get("OnDemandThroughput"), billing)
        now = self.account.clock.now()
        table.table_class = table_class or "STANDARD"
        table.table_class_given = table_class is not None
        table.table_class_updated = None
        table.on_demand_throughput = maximums
        table.switches_to_on_demand = []
        table.last_on_demand = now if billing == "PAY_PER_REQUEST" else None
        table.throughput_changes = []   # (time, "increase" | "decrease")
        table.meter = Meter(table, self._meter_settings(table))

    def _meter_settings(self, table):
        def settings(index):
            if index is None:
                return table.billing, table.throughput, table.on_demand_throughput
            return table.billing, _index_throughput(table, index), None
        return settings

    # -- UpdateTable ---------------------------------------------------------------------------

    def _update_table_capacity(self, table, params: dict):
        """Validate everything first; the change is returned, to be applied once the whole
        UpdateTable request is known to be acceptable."""
        if not hasattr(table, "table_class_given"):
            self._create_table_capacity(table, {"BillingMode": table.billing})
        now = self.account.clock.now()
        table_class = _table_class(params.get("TableClass"))
        billing = params.get("BillingMode") or table.billing
        maximums = params.get("OnDemandThroughput")
        if maximums is not None:
            maximums = _maximums(maximums, billing)
        requested = params.get("ProvisionedThroughput")
        switching = billing == "PAY_PER_REQUEST" and table.billing == "PROVISIONED"
        if params.get("BillingMode") is not None or requested is not None:
            check_billing(billing, requested if billing == "PAY_PER_REQUEST" else (requested or table.throughput))
        recent = [t for t in table.switches_to_on_demand if t > now - SWITCH_WINDOW_S]
        if switching and len(recent) >= SWITCHES_TO_ON_DEMAND:
            raise LimitExceededException("Subscriber limit exceeded: Update to PayPerRequest mode "
                                         f"are limited to {SWITCHES_TO_ON_DEMAND} times in 1 "
                                         f"day(s). Last update at {_when(recent[-1])}. Next update "
                                         f"can be made at {_when(recent[0] + SWITCH_WINDOW_S)}")
        if not (switching or requested or maximums is not None
                or (table_class is not None and table_class != table.table_class)):
            return None

        def apply():
            if switching:
                table.switches_to_on_demand = recent + [now]
                table.last_on_demand = now
                table.meter.switched_to_on_demand(table.throughput)
            elif billing == "PROVISIONED" and table.billing == "PROVISIONED" and requested and table.throughput \
                    and requested != table.throughput:
                for name in ("ReadCapacityUnits", "WriteCapacityUnits"):
                    if requested.get(name, table.throughput[name]) < table.throughput[name]:
                        table.throughput_changes.append((now, "decrease"))
                        break
                else:
                    table.throughput_changes.append((now, "increase"))
            if table_class is not None and table_class != table.table_class:
                table.table_class, table.table_class_given, table.table_class_updated = table_class, True, now
            if maximums is not None:
                table.on_demand_throughput = maximums
        return apply

    # -- DescribeTable -------------------------------------------------------------------------

    def _describe_capacity(self, table, out: dict) -> None:
        if not hasattr(table, "table_class_given"):
            return  # a table this family never saw being created
        if table.table_class_given:
            summary = {"TableClass": table.table_class}
            if table.table_class_updated is not None:
                summary["LastUpdateDateTime"] = _datetime(table.table_class_updated)
            out["TableClassSummary"] = summary
        if table.on_demand_throughput:
            out["OnDemandThroughput"] = dict(table.on_demand_throughput)
        if table.last_on_demand is not None:
            out["BillingModeSummary"] = {"BillingMode": table.billing,
                                         "LastUpdateToPayPerRequestDateTime": _datetime(table.last_on_demand)}
        throughput = out.get("ProvisionedThroughput")
        if throughput is not None:
            day = int(self.account.clock.now() // 86400)
            throughput["NumberOfDecreasesToday"] = sum(1 for when, kind in table.throughput_changes
                                                       if kind == "decrease" and int(when // 86400) == day)
            for kind, field in (("increase", "LastIncreaseDateTime"), ("decrease", "LastDecreaseDateTime")):
                times = [when for when, k in table.throughput_changes if k == kind]
                if times:
                    throughput[field] = _datetime(times[-1])


def _datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _table_class(value) -> str | None:
    if value is None:
        return None
    if value not in TABLE_CLASSES:
        raise ValidationException(f"1 validation error detected: Value '{value}' at 'tableClass' "
                                  "failed to satisfy constraint: Member must satisfy enum value "
                                  "set: [STANDARD_INFREQUENT_ACCESS, STANDARD]")
    return value


def _maximums(value, billing: str) -> dict | None:
    """``OnDemandThroughput`` needs at least one maximum, each ≥ 1 or -1 (remove), and only makes
    sense on an on-demand table (the message's wording is the simulator's own)."""
    if value is None:
        return None
    if not value or not any(k in value for k in ("MaxReadRequestUnits", "MaxWriteRequestUnits")):
        raise ValidationException("One or more parameter values were invalid: OnDemandThroughput "
                                  "must specify MaxReadRequestUnits, MaxWriteRequestUnits, or both")
    value = {k: int(v) if isinstance(v, str) and v.lstrip("-").isdigit() else v for k, v in value.items()}
    for name in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
        amount = value.get(name)
        if amount is not None and amount != -1 and amount < 1:
            raise ValidationException(f"One or more parameter values were invalid: {name} must "
                                      f"be at least 1, or -1 to remove the maximum; got {amount}")
    if billing != "PAY_PER_REQUEST":
        raise ValidationException("One or more parameter values were invalid: OnDemandThroughput "
                                  "can only be specified when BillingMode is PAY_PER_REQUEST")
    return {name: value[name] for name in ("MaxReadRequestUnits", "MaxWriteRequestUnits") if name in value}


def _index_throughput(table, index: str) -> dict | None:
    """A global secondary index's own provisioned throughput, if the indexes family keeps one the
    meter can read; otherwise None (the index is then limited per partition only)."""
    for attr in ("indexes", "gsis", "global_indexes"):
        found = getattr(table, attr, None)
        if isinstance(found, dict) and index in found:
            entry = found[index]
            throughput = entry.get("ProvisionedThroughput") if isinstance(entry, dict) \
                else getattr(entry, "throughput", None)
            if throughput and throughput.get("ReadCapacityUnits"):
                return throughput
    return None
