"""TransactWriteItems and TransactGetItems: all-or-nothing groups of item actions.

A transaction is checked in three passes, so that it either happens whole or not at all:
1. the request itself (action shapes, tables, keys, expressions, one action per item): a problem
   here is a plain ValidationException, as for a single-item call;
2. every action is planned against the items as they are *before* the transaction, so no action
   sees another's effect: a failed condition, or an item the action would make invalid (too big,
   an update on a wrong type), cancels the whole transaction with TransactionCanceledException
   and one CancellationReason per action, in request order;
3. only then are the writes charged and applied.

This family also carries the simulated concurrent writers of ``interleave.py``: transactions and
conditional writes are DynamoDB's two answers to concurrent writers, and exercises need a
deterministic "other writer" to show why.

Sources:
- "TransactWriteItems" and "TransactGetItems", Amazon DynamoDB API Reference (up to 100 actions,
  4 MB aggregate item size, no two actions on one item, ClientRequestToken valid for 10 minutes
  after the first request that uses it completes, IdempotentParameterMismatch when the same token
  comes with other parameters, later identical calls reporting read units),
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
- "TransactionCanceledException" and "CancellationReason" (codes None, ConditionalCheckFailed,
  ValidationError, ProvisionedThroughputExceeded, ThrottlingError ...; Item for ReturnValuesOnConditionCheckFailure),
  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CancellationReason.html
- Capacity: a transactional write costs 2 WCU per 1 KB, a transactional read 2 RCU per 4 KB
  ("Constraints in Amazon DynamoDB"; /work/shared/facts.md section 8).

Assumptions the documentation does not settle, made explicit: a ConditionCheck is charged as a
transactional write sized on the item it checks; secondary-index writes are charged at their
ordinary (not doubled) rate; a cancelled transaction consumes no capacity;
only a transaction that succeeded claims its ClientRequestToken (a retry of a cancelled one runs
again). The 4 MB limit counts the items the actions write (or, for ConditionCheck and Delete,
the items they read); its error text is the simulator's own.
"""

from __future__ import annotations

import copy
import json

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import (
    ConditionalCheckFailedException,
    DynamoDBError,
    IdempotentParameterMismatchException,
    ProvisionedThroughputExceededException,
    Throttled,
    ThrottlingException,
    TransactionCanceledException,
    ValidationException,
)
from course.sim.dynamodb.indexes import GSI
from course.sim.dynamodb.items import INVALID, item_size, validate_item
from course.sim.dynamodb.ops_items import Write
from course.sim.service import operation

MAX_TRANSACT_ITEMS = 100
MAX_TRANSACT_BYTES = 4 * 1024 * 1024
#: "A client request token is valid for 10 minutes after the first request that uses it is completed."
IDEMPOTENCY_WINDOW_S = 10 * 60
WRITE_ACTIONS = ("ConditionCheck", "Put", "Update", "Delete")
MSG_SAME_ITEM = "Transaction request cannot include multiple operations on one item"
MSG_TOO_BIG = "Transaction size has exceeded the maximum allowed size of 4 MB"
MSG_TOKEN_MISMATCH = "The request uses the same client token as a previous, but non-identical request."
#: Errors that cancel a transaction instead of failing it, and the CancellationReason code each
#: becomes; the meter refuses provisioned tables with the first throttling error, on-demand with the second.
_REASONS = {ConditionalCheckFailedException: "ConditionalCheckFailed", ValidationException: "ValidationError",
            ProvisionedThroughputExceededException: "ProvisionedThroughputExceeded",
            ThrottlingException: "ThrottlingError"}
_CANCELLING = tuple(_REASONS)


def _cancelled(reasons: list[dict]) -> TransactionCanceledException:
    """botocore lifts CancellationReasons to the top of the parsed error (``err.response``)."""
    codes = ", ".join(r["Code"] for r in reasons)
    return TransactionCanceledException("Transaction cancelled, please refer cancellation reasons "
                                        f"for specific reasons [{codes}]", extra={"CancellationReasons": reasons})


def _reason(error: DynamoDBError) -> dict:
    reason = {"Code": next(code for kind, code in _REASONS.items() if isinstance(error, kind)),
              "Message": error.message}
    if error.extra.get("Item") is not None:
        reason["Item"] = error.extra["Item"]
    return reason


class TransactOps:
    HANDLES: tuple[str, ...] = ()

    # -- TransactWriteItems ----------------------------------------------------------------------

    @operation("TransactWriteItems")
    def transact_write_items(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        actions = params.get("TransactItems") or []
        if len(actions) > MAX_TRANSACT_ITEMS:
            raise ValidationException("1 validation error detected: Value at 'transactItems' failed to satisfy "
                                      f"constraint: Member must have length less than or equal to {MAX_TRANSACT_ITEMS}")
        token = params.get("ClientRequestToken")
        fingerprint = json.dumps({k: v for k, v in params.items() if k not in ("ClientRequestToken",
                                                                                "ReturnConsumedCapacity")},
                                 sort_keys=True, default=repr)
        tokens = self._transaction_tokens()
        now = self.account.clock.now()
        for old in [t for t, (_, done) in tokens.items() if now - done >= IDEMPOTENCY_WINDOW_S]:
            del tokens[old]
        if token is not None and token in tokens:
            if tokens[token][0] != fingerprint:
                raise IdempotentParameterMismatchException(MSG_TOKEN_MISMATCH)
            return self._replayed(actions, params)

        checked = self._check_write_actions(actions)
        writes, reasons = [], []
        for kind, action, table in checked:
            try:
                writes.append(self._plan_action(kind, action, table))
                reasons.append({"Code": "None"})
            except _CANCELLING as error:
                writes.append(None)
                reasons.append(_reason(error))
        if any(r["Code"] != "None" for r in reasons):
            raise _cancelled(reasons)
        if sum(item_size(w.new if w.new is not None else w.old or {}) for w in writes) > MAX_TRANSACT_BYTES:
            raise ValidationException(MSG_TOO_BIG)

        usage = {}
        for position, write in enumerate(writes):
            try:
                self._charge_transactional(write, usage)
            except Throttled as error:
                raise _cancelled([_reason(error) if i == position else {"Code": "None"} for i in range(len(writes))])
        for (kind, _, _), write in zip(checked, writes):
            if kind != "ConditionCheck":
                self.apply(write)
        if token is not None:
            tokens[token] = (fingerprint, self.account.clock.now())
        return self._consumed(usage, params)

    def _check_write_actions(self, actions: list) -> list[tuple[str, dict, object]]:
        """Pass 1: whatever is wrong with the request itself, before any item is looked at."""
        checked, seen = [], set()
        for entry in actions:
            kinds = [k for k in WRITE_ACTIONS if entry.get(k) is not None]
            if len(kinds) != 1:
                raise ValidationException("TransactItems can only contain one of ConditionCheck, Put, Update or Delete")
            kind = kinds[0]
            action = entry[kind]
            self.refuse_unmodeled(action)
            table = self.table(action["TableName"])
            if kind == "Put":
                key = table.key_of(validate_item(action["Item"], table.keys))
            else:
                key = table.check_key(action["Key"])
            exprs = self._expressions(action)
            if action.get("ConditionExpression"):
                exprs.condition(action["ConditionExpression"])
            if kind == "Update":
                for path in exprs.update(action["UpdateExpression"]).paths():
                    if path.elements[0] in key:
                        raise ValidationException(INVALID + f"Cannot update attribute {path.elements[0]}. "
                                                  "This attribute is part of the key")
            exprs.check_unused()
            where = (table.name, table.storage_key(key))
            if where in seen:
                raise ValidationException(MSG_SAME_ITEM)
            seen.add(where)
            checked.append((kind, action, table))
        return checked

    def _plan_action(self, kind: str, action: dict, table) -> Write:
        """Pass 2: the action against the items as they were before the transaction, with
        transactional (doubled) write units. A ConditionCheck is a Write that changes nothing."""
        if kind == "Put":
            write = self.plan_put(table, action)
            write.units = capacity.put_write(item_size(write.new), write.old and item_size(write.old), True)
        elif kind == "Update":
            write = self.plan_update(table, action)
            write.units = capacity.update_write(item_size(write.new), write.old and item_size(write.old), True)
        elif kind == "Delete":
            write = self.plan_delete(table, action)
            write.units = capacity.delete_write(write.old and item_size(write.old), True)
        else:
            key = table.check_key(action["Key"])
            where = table.storage_key(key)
            old = table.items.get(where)
            exprs = self._expressions(action)
            condition = exprs.condition(action["ConditionExpression"])
            exprs.check_unused()
            if not condition.evaluate(old or {}):
                raise self._condition_failed(action, old)
            units = capacity.failed_condition_write(old and item_size(old), True)
            write = Write(table, where, key, old, old, units)
        return write

    def _charge_transactional(self, write: Write, usage: dict) -> None:
        """Admit an action's table units and its secondary-index units before any action lands,
        so a throttled index cancels the transaction instead of leaving it half applied. The
        index units are then taken off the Write, so applying it does not charge them again."""
        table = write.table
        consumption = usage.setdefault(table.name, capacity.Consumption(table.name))
        self._charge(table, {}, write=write.units, key=write.key)
        consumption.add(write=write.units)
        for name, units in (getattr(write, "index_units", None) or {}).items():
            if not units:
                continue
            gsi = table.indexes[name].kind == GSI
            self._charge(table, {}, write=units, index=name if gsi else None)
            consumption.add(write=units, **{"gsi" if gsi else "lsi": name})
        write.index_units = {}

    def _replayed(self, actions: list, params: dict) -> dict:
        """A repeat of a finished transaction changes nothing; it reports the read units of
        reading the items it names, as the API Reference says."""
        usage = {}
        for entry in actions:
            kind = next(k for k in WRITE_ACTIONS if entry.get(k) is not None)
            action = entry[kind]
            table = self.table(action["TableName"])
            key = table.key_of(validate_item(action["Item"], table.keys)) if kind == "Put" else table.check_key(action["Key"])
            item = table.items.get(table.storage_key(key))
            units = capacity.get_item_read(item and item_size(item), capacity.STRONG)
            self._charge(table, {}, read=units, key=key)
            usage.setdefault(table.name, capacity.Consumption(table.name)).add(read=units)
        return self._consumed(usage, params)

    def _transaction_tokens(self) -> dict:
        """ClientRequestToken → (the request's other parameters, when it completed)."""
        tokens = getattr(self, "_tokens", None)
        if tokens is None:
            tokens = self._tokens = {}
        return tokens

    @staticmethod
    def _consumed(usage: dict, params: dict) -> dict:
        consumed = capacity.responses(list(usage.values()), params.get("ReturnConsumedCapacity"))
        return {"ConsumedCapacity": consumed} if consumed else {}

    # -- TransactGetItems ------------------------------------------------------------------------

    @operation("TransactGetItems")
    def transact_get_items(self, params: dict) -> dict:
        """Reads every item at one moment; each costs a transactional read (2 RCU per 4 KB)."""
        self.refuse_unmodeled(params)
        actions = params.get("TransactItems") or []
        if len(actions) > MAX_TRANSACT_ITEMS:
            raise ValidationException("1 validation error detected: Value at 'transactItems' failed to satisfy "
                                      f"constraint: Member must have length less than or equal to {MAX_TRANSACT_ITEMS}")
        plans, seen = [], set()
        for entry in actions:
            get = entry["Get"]
            self.refuse_unmodeled(get)
            table = self.table(get["TableName"])
            key = table.check_key(get["Key"])
            exprs = self._expressions(get)
            projection = exprs.projection(get["ProjectionExpression"]) if get.get("ProjectionExpression") else None
            exprs.check_unused()
            where = table.storage_key(key)
            if (table.name, where) in seen:
                raise ValidationException(MSG_SAME_ITEM)
            seen.add((table.name, where))
            plans.append((table, key, table.items.get(where), projection))
        if sum(item_size(item) for _, _, item, _ in plans if item) > MAX_TRANSACT_BYTES:
            raise ValidationException(MSG_TOO_BIG)
        usage = {}
        for index, (table, key, item, _) in enumerate(plans):
            units = capacity.get_item_read(item and item_size(item), capacity.TRANSACTIONAL)
            try:
                self._charge(table, {}, read=units, key=key)
            except Throttled as error:
                raise _cancelled([_reason(error) if i == index else {"Code": "None"} for i in range(len(plans))])
            usage.setdefault(table.name, capacity.Consumption(table.name)).add(read=units)
        responses = []
        for _, _, item, projection in plans:
            if item is None:
                responses.append({})
            else:
                responses.append({"Item": projection.apply(item) if projection else copy.deepcopy(item)})
        return {"Responses": responses, **self._consumed(usage, params)}
