"""PutItem, GetItem, UpdateItem and DeleteItem.

Each write is planned first (validate, evaluate the condition, compute the new item and its
write units) and applied second, so batch writes and transactions reuse the same rules: a
transaction plans every action before it applies any.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from course.sim.dynamodb import capacity
from course.sim.dynamodb.errors import ConditionalCheckFailedException, ValidationException
from course.sim.dynamodb.expressions_eval import Projection
from course.sim.dynamodb.items import INVALID, copy_item, item_size, validate_item, validate_sized_item
from course.sim.dynamodb.tables import Table
from course.sim.service import operation


@dataclass
class Write:
    """One planned item change: where, the item before and after, and its write units."""

    table: Table
    where: tuple
    key: dict
    old: dict | None
    new: dict | None
    units: float
    paths: list | None = None  # UpdateItem's updated paths, for UPDATED_OLD / UPDATED_NEW


class ItemOps:
    # -- planning, shared with batch writes and transactions ------------------------------------

    def plan_put(self, table: Table, params: dict, *, conditions: bool = True) -> Write:
        item, size = validate_sized_item(params["Item"], table.keys)
        exprs = self._expressions(params)
        text = params.get("ConditionExpression") if conditions else None
        condition = exprs.condition(text) if text is not None else None  # "" is refused as empty
        exprs.check_unused()
        where = table.storage_key(item)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        units = capacity.put_write(size, old and item_size(old))
        return Write(table, where, table.key_of(item), old, item, units)

    def plan_delete(self, table: Table, params: dict, *, conditions: bool = True) -> Write:
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        text = params.get("ConditionExpression") if conditions else None
        condition = exprs.condition(text) if text is not None else None
        exprs.check_unused()
        where = table.storage_key(key)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        return Write(table, where, key, old, None, capacity.delete_write(old and item_size(old)))

    def plan_update(self, table: Table, params: dict) -> Write:
        """An upsert: a missing item is created from its key. Every right-hand side reads the item
        as it was before the update, and key attributes may not be touched at all."""
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        update = exprs.update(params["UpdateExpression"]) if params.get("UpdateExpression") is not None else None
        condition = (exprs.condition(params["ConditionExpression"])
                     if params.get("ConditionExpression") is not None else None)
        exprs.check_unused()
        paths = update.paths() if update else []
        for path in paths:
            if path.elements[0] in key:
                raise ValidationException(INVALID + f"Cannot update attribute {path.elements[0]}. "
                                          "This attribute is part of the key")
        where = table.storage_key(key)
        old = table.items.get(where)
        if condition is not None and not condition.evaluate(old or {}):
            raise self._condition_failed(params, old)
        base = copy_item(old) if old is not None else dict(key)
        new = validate_item(update.apply(base) if update else base, table.keys)
        units = capacity.update_write(item_size(new), old and item_size(old))
        return Write(table, where, key, old, new, units, paths)

    def apply(self, write: Write) -> None:
        write.table.write(write.where, write.new)

    def _plan_single(self, plan, table: Table, params: dict) -> Write:
        """A single-item write whose condition fails still consumes write capacity, sized on the
        existing item and at least one unit ("Conditional writes", WorkingWithItems.html); a
        transaction's failed condition cancels it instead, so only these operations charge it."""
        try:
            return plan(table, params)
        except ConditionalCheckFailedException as error:
            key = table.check_key({name: params["Item"][name] for name, _ in table.keys}) \
                if "Item" in params else table.check_key(params["Key"])
            self._charge(table, {}, write=capacity.failed_condition_write(error.existing_size), key=key)
            raise

    # -- operations ------------------------------------------------------------------------------

    @operation("PutItem")
    def put_item(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD"))
        write = self._plan_single(self.plan_put, table, params)
        out = self._charge(table, params, write=write.units, key=write.key)
        self.apply(write)
        if mode == "ALL_OLD" and write.old is not None:
            out["Attributes"] = copy.deepcopy(write.old)
        return out

    @operation("GetItem")
    def get_item(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        key = table.check_key(params["Key"])
        exprs = self._expressions(params)
        projection = (exprs.projection(params["ProjectionExpression"])
                      if params.get("ProjectionExpression") is not None else None)
        exprs.check_unused()
        item = table.items.get(table.storage_key(key))
        mode = capacity.consistency(params.get("ConsistentRead"))
        out = self._charge(table, params, read=capacity.get_item_read(item and item_size(item), mode), key=key)
        if item is not None:
            out["Item"] = projection.apply(item) if projection else copy_item(item)
        return out

    @operation("DeleteItem")
    def delete_item(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD"))
        write = self._plan_single(self.plan_delete, table, params)
        out = self._charge(table, params, write=write.units, key=write.key)
        self.apply(write)
        if mode == "ALL_OLD" and write.old is not None:
            out["Attributes"] = write.old
        return out

    @operation("UpdateItem")
    def update_item(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        mode = self._return_values(params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
        write = self._plan_single(self.plan_update, table, params)
        out = self._charge(table, params, write=write.units, key=write.key)
        self.apply(write)
        old, new, paths = write.old, write.new, write.paths
        returned = None
        if mode == "ALL_OLD":
            returned = old
        elif mode == "ALL_NEW":
            returned = new
        elif mode in ("UPDATED_OLD", "UPDATED_NEW") and paths:
            returned = Projection(paths).apply((old or {}) if mode == "UPDATED_OLD" else new) or None
        if returned:
            out["Attributes"] = copy.deepcopy(returned)
        return out
