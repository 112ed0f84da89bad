"""Simulated concurrent writers: "another client" changing an item at a chosen moment.

A lost update needs two writers whose read-modify-write cycles overlap. In a real system that
happens by chance; an exercise needs it every time, at the same point. So a scenario registers an
``Interference``: when the learner's code makes a matching call (before it runs, or after it
answers), the simulator makes a competing write as if a second client had made it in between,
through the same ``Account.call`` door every client uses, so it is logged, metered and seen by
every table listener. A handler that reads, computes and writes back blindly then overwrites the
competitor's change; one that writes with a ConditionExpression notices.

Competing writes never trigger interference themselves, and each rule fires a fixed number of
times, so a scenario stays deterministic however the learner's code retries.

The call log gains two marks for checks to read: ``competitor: true`` on the competing writes, and
``condition: true`` on any DynamoDB call whose request carried a ConditionExpression (so a check
can ask whether the learner's writes were conditional without reading their code).

Conditional writes as the guard against lost updates (optimistic locking with a version attribute,
or an atomic update with a condition): "Condition expressions" and "Optimistic locking with version
number", Amazon DynamoDB Developer Guide,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBMapper.OptimisticLocking.html
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from course.sim.errors import AwsError

#: The single-item and single-table calls a rule can hang off.
TRIGGERS = ("GetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem")
#: What the competing client may do.
COMPETING_WRITES = ("PutItem", "UpdateItem", "DeleteItem")
_KEYED = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")


@dataclass
class Interference:
    """A competing write made ``when`` ("before" or "after") each of the next ``times`` calls
    matching ``triggers`` on ``table`` (and ``key``, when given)."""

    table: str
    when: str
    triggers: tuple[str, ...]
    operation: str
    params: dict
    times: int = 1
    key: dict | None = None
    fired: int = 0
    #: What each competing write answered: the response, or ``{"error": code}``.
    results: list = field(default_factory=list)

    def describe(self) -> dict:
        return {"table": self.table, self.when: list(self.triggers), "key": self.key, "times": self.times,
                "operation": self.operation, "params": copy.deepcopy(self.params)}


class Interleaving:
    """The DynamoDB service's side: rules, and the ``call`` wrapper that fires them."""

    def interfere(self, *, table: str, operation: str, params: dict, before=None, after=None,
                  times: int = 1, key: dict | None = None) -> Interference:
        """Register a competing writer. Refuses what could never fire or never write, so a
        scenario with a typo fails loudly instead of passing a learner who was never tested."""
        if (before is None) == (after is None):
            raise ValueError("an interference happens either before or after the calls it follows, not both")
        when, triggers = ("before", before) if before is not None else ("after", after)
        triggers = (triggers,) if isinstance(triggers, str) else tuple(triggers)
        unknown = [t for t in triggers if t not in TRIGGERS] or ([] if triggers else ["(none)"])
        if unknown:
            raise ValueError(f"interference can follow {', '.join(TRIGGERS)}; not {', '.join(unknown)}")
        if operation not in COMPETING_WRITES:
            raise ValueError(f"the competing write is one of {', '.join(COMPETING_WRITES)}; not {operation}")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise ValueError(f"times must be a whole number of at least 1, got {times!r}")
        resolved = self.table(table)
        if key is not None:
            if any(t not in _KEYED for t in triggers):
                raise ValueError(f"key narrows {', '.join(_KEYED)} calls only")
            key = resolved.check_key(key)
        rule = Interference(resolved.name, when, triggers, operation, {"TableName": resolved.name, **params},
                            times, key)
        self._interference_rules().append(rule)
        return rule

    def _interference_rules(self) -> list[Interference]:
        rules = getattr(self, "_rules", None)
        if rules is None:
            rules = self._rules = []
        return rules

    def call(self, operation_name: str, params: dict) -> dict:
        if getattr(self, "_competing", False) or not getattr(self, "_rules", None):
            return super().call(operation_name, params)
        self._fire("before", operation_name, params)
        out = super().call(operation_name, params)
        self._fire("after", operation_name, params)
        return out

    def _fire(self, when: str, operation_name: str, params: dict) -> None:
        for rule in list(self._rules):
            if rule.when != when or operation_name not in rule.triggers or not self._matches(rule, params):
                continue
            rule.fired += 1
            if rule.fired >= rule.times:
                self._rules.remove(rule)
            self._compete(rule)

    def _matches(self, rule: Interference, params: dict) -> bool:
        try:
            table = self.table(params.get("TableName"))
        except AwsError:
            return False
        if table.name != rule.table:
            return False
        if rule.key is None:
            return True
        try:
            given = params.get("Key") if "Key" in params else table.key_of(params.get("Item") or {})
            return table.storage_key(table.check_key(given)) == table.storage_key(rule.key)
        except (AwsError, KeyError):
            return False

    def _compete(self, rule: Interference) -> None:
        """The competing client's write, through the account like any other client's call.

        Before a call, the competing write is moved ahead of that call's entry in the log: it did
        happen first, and the call's own capacity must land on its own entry, the newest one."""
        calls = self.account.calls
        trigger = calls[-1] if calls else None
        self._competing = True
        try:
            rule.results.append(self.account.call(self.name, rule.operation, copy.deepcopy(rule.params)))
        except AwsError as error:
            rule.results.append({"error": error.code})
        finally:
            self._competing = False
            if calls and calls[-1] is not trigger:
                competitor = calls.pop()
                competitor["competitor"] = True
                if rule.when == "before" and trigger is not None and calls and calls[-1] is trigger:
                    calls.pop()
                    calls.extend((competitor, trigger))
                else:
                    calls.append(competitor)
