"""CreateTable, DescribeTable, ListTables, DeleteTable and UpdateTable.

Features that add to a table's definition (indexes, streams, TTL, table classes…) plug in through
``_create_table_<x>`` / ``_update_table_<x>`` hooks on their own family, so this file knows only
the key schema, billing mode and provisioned throughput.
"""

from __future__ import annotations

import re

from course.sim.dynamodb.errors import ResourceInUseException, ResourceNotFoundException, ValidationException
from course.sim.dynamodb.tables import Table, check_billing, check_definition
from course.sim.service import operation

_TABLE_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


class TableOps:
    HANDLES = ("AttributeDefinitions",)

    @operation("CreateTable")
    def create_table(self, params: dict) -> dict:
        self.refuse_unmodeled(params)
        name = params["TableName"]
        if not _TABLE_NAME.fullmatch(name):
            raise ValidationException(f"1 validation error detected: Value '{name}' at 'tableName' failed "
                                      "to satisfy constraint: Member must satisfy regular expression "
                                      "pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 255")
        key_schema, definitions, billing, throughput = check_definition(params)
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        table = Table(name, self.account.arn("dynamodb", f"table/{name}"), key_schema, definitions, billing,
                      throughput, self.account.clock.datetime())
        for hook in self._hooks["_create_table_"]:
            hook(table, params)
        self.tables[name] = table
        return {"TableDescription": self.describe(table)}

    def describe(self, table: Table, status: str = "ACTIVE") -> dict:
        """A table's description, with what each feature family adds (``_describe_<x>`` hooks)."""
        out = table.description(status)
        for name in dir(type(self)):
            if name.startswith("_describe_"):
                getattr(self, name)(table, out)
        return out

    @operation("DescribeTable")
    def describe_table(self, params: dict) -> dict:
        try:
            table = self.table(params["TableName"])
        except ResourceNotFoundException:
            raise ResourceNotFoundException("Requested resource not found: Table: "
                                            f"{params['TableName']} not found") from None
        return {"Table": self.describe(table)}

    @operation("ListTables")
    def list_tables(self, params: dict) -> dict:
        limit = params.get("Limit", 100)
        names = sorted(self.tables)
        start = params.get("ExclusiveStartTableName")
        if start:
            names = [n for n in names if n > start]
        out = {"TableNames": names[:limit]}
        if len(names) > limit:
            out["LastEvaluatedTableName"] = names[limit - 1]
        return out

    @operation("DeleteTable")
    def delete_table(self, params: dict) -> dict:
        table = self.table(params["TableName"])
        description = self.describe(table, "DELETING")
        del self.tables[table.name]
        for name in dir(type(self)):
            if name.startswith("_delete_table_"):
                getattr(self, name)(table)
        return {"TableDescription": description}

    @operation("UpdateTable")
    def update_table(self, params: dict) -> dict:
        """Billing mode and provisioned throughput here; each feature's ``_update_table_<x>`` hook
        validates its own parameters and returns the change it would make (or None). Nothing is
        changed until every part of the request has been validated, so a request DynamoDB refuses
        leaves the table as it was. Changes then take effect at once."""
        self.refuse_unmodeled(params)
        table = self.table(params["TableName"])
        changes = [change for hook in self._hooks["_update_table_"] if (change := hook(table, params))]
        if params.get("BillingMode") is None and params.get("ProvisionedThroughput") is None:
            if not changes:
                raise ValidationException("At least one of ProvisionedThroughput, BillingMode, "
                                          "UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
                                          "SSESpecification or ReplicaUpdates is required")
            billing, throughput = table.billing, table.throughput
        else:
            billing = params.get("BillingMode") or table.billing
            requested = params.get("ProvisionedThroughput")
            if billing == "PROVISIONED" and requested is None:
                requested = table.throughput
            if billing == table.billing and requested is not None and requested == table.throughput:
                current = table.throughput
                raise ValidationException(
                    "The provisioned throughput for the table will not change. The requested value equals the "
                    f"current value. Current ReadCapacityUnits provisioned for the table: "
                    f"{current['ReadCapacityUnits']}. Requested ReadCapacityUnits: {requested['ReadCapacityUnits']}. "
                    f"Current WriteCapacityUnits provisioned for the table: {current['WriteCapacityUnits']}. "
                    f"Requested WriteCapacityUnits: {requested['WriteCapacityUnits']}. Refer to the Amazon DynamoDB "
                    "Developer Guide for current limits and how to request higher limits.")
            billing, throughput = check_billing(billing, requested)
        # Features see the table as it was (the capacity meter needs the old throughput), then the
        # table takes its new billing mode and throughput.
        for change in changes:
            change()
        if billing != table.billing:
            table.billing_changed = self.account.clock.datetime()
        table.billing, table.throughput = billing, throughput
        return {"TableDescription": self.describe(table)}
