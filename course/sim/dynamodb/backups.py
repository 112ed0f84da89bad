"""What an on-demand backup holds, and how a restore turns a table's definition back into a table.

A backup is a copy of a table's definition and items at one moment, kept by the service rather than
the table, because backups outlive the table they came from. A restore, from a backup or from
point-in-time recovery, always makes a new table through CreateTable, so it meets every rule a new
table meets; what CreateTable is not given (streams, TTL, PITR, auto scaling, tags, alarms) is
simply not there on the new table, which is what AWS documents.

Sources:
- restore creates a new table; on-demand backups stay until deleted, even after their table is
  deleted, and cannot be copied to other Regions or accounts (AWS Backup does that): facts.md §13;
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/BackupRestore.html
- "You must manually set up the following on the restored table: auto scaling policies, IAM
  policies, Amazon CloudWatch metrics and alarms, tags, stream settings, Time to Live (TTL)
  settings" (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_RestoreTableFromBackup.html
  and API_RestoreTableToPointInTime.html); point-in-time recovery itself is off on the new table
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html).
  Restored: key schema, secondary indexes (which ``*IndexOverride`` may drop), billing mode and
  provisioned throughput (which the overrides may change), encryption.
- BackupDescription / BackupDetails / BackupSummary shapes: the API reference pages of those names.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

#: An on-demand backup reports CREATING before AVAILABLE; AWS says backups take seconds whatever
#: the table's size but publishes no figure, so this duration is an assumption. While a backup is
#: CREATING, restoring or deleting it answers BackupInUseException.
BACKUP_CREATION_SECONDS = 5.0


def backup_suffix(seed: str, when: float) -> str:
    """``01234567890123-a1b2c3d4``: milliseconds since the epoch and a token, the form AWS uses in
    backup and export ARNs; derived from ``seed`` so every run names things the same way."""
    return f"{int(when * 1000):014d}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"


def creation_params(description: dict, name: str) -> dict:
    """CreateTable's parameters for a table described by ``description`` (DescribeTable's shape):
    the definition a backup keeps and a restore or a new replica re-creates."""
    billing = (description.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
    params = {"TableName": name, "KeySchema": copy.deepcopy(description["KeySchema"]),
              "AttributeDefinitions": copy.deepcopy(description["AttributeDefinitions"]), "BillingMode": billing}
    if billing == "PROVISIONED":
        throughput = description["ProvisionedThroughput"]
        params["ProvisionedThroughput"] = {"ReadCapacityUnits": throughput["ReadCapacityUnits"],
                                           "WriteCapacityUnits": throughput["WriteCapacityUnits"]}
    indexes = []
    for index in description.get("GlobalSecondaryIndexes") or []:
        made = {k: copy.deepcopy(index[k]) for k in ("IndexName", "KeySchema", "Projection")}
        if billing == "PROVISIONED" and index.get("ProvisionedThroughput"):
            made["ProvisionedThroughput"] = {k: index["ProvisionedThroughput"][k]
                                             for k in ("ReadCapacityUnits", "WriteCapacityUnits")}
        indexes.append(made)
    if indexes:
        params["GlobalSecondaryIndexes"] = indexes
    local = [{k: copy.deepcopy(index[k]) for k in ("IndexName", "KeySchema", "Projection")}
             for index in description.get("LocalSecondaryIndexes") or []]
    if local:
        params["LocalSecondaryIndexes"] = local
    return params


def index_summaries(description: dict) -> dict:
    """``SourceTableFeatureDetails``' index part: what the backup will restore."""
    out = {}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if description.get(kind):
            out[kind] = [{k: copy.deepcopy(index[k]) for k in ("IndexName", "KeySchema", "Projection")
                          if k in index} for index in description[kind]]
    return out


@dataclass
class Backup:
    arn: str
    name: str
    kind: str  # USER or SYSTEM
    created: float
    expires: float | None
    available_at: float
    table_name: str
    table_arn: str
    table_id: str
    description: dict  # the source table's DescribeTable output at backup time
    items: dict[tuple, dict] = field(default_factory=dict)
    features: dict = field(default_factory=dict)  # StreamDescription, TimeToLiveDescription, ...
    deleted: bool = False

    def status(self, now: float) -> str:
        if self.deleted:
            return "DELETED"
        return "AVAILABLE" if now >= self.available_at else "CREATING"

    @property
    def size(self) -> int:
        return self.description.get("TableSizeBytes", 0)

    def details(self, now: float) -> dict:
        out = {"BackupArn": self.arn, "BackupName": self.name, "BackupSizeBytes": self.size,
               "BackupStatus": self.status(now), "BackupType": self.kind,
               "BackupCreationDateTime": _dt(self.created)}
        if self.expires is not None:
            out["BackupExpiryDateTime"] = _dt(self.expires)
        return out

    def summary(self, now: float) -> dict:
        details = self.details(now)
        return {"TableName": self.table_name, "TableId": self.table_id, "TableArn": self.table_arn, **details}

    def full_description(self, now: float) -> dict:
        source = self.description
        billing = (source.get("BillingModeSummary") or {}).get("BillingMode") or "PROVISIONED"
        throughput = source["ProvisionedThroughput"]
        return {
            "BackupDetails": self.details(now),
            "SourceTableDetails": {
                "TableName": self.table_name, "TableId": self.table_id, "TableArn": self.table_arn,
                "TableSizeBytes": source.get("TableSizeBytes", 0), "KeySchema": copy.deepcopy(source["KeySchema"]),
                "TableCreationDateTime": source["CreationDateTime"],
                "ProvisionedThroughput": {"ReadCapacityUnits": throughput["ReadCapacityUnits"],
                                          "WriteCapacityUnits": throughput["WriteCapacityUnits"]},
                "ItemCount": source.get("ItemCount", 0), "BillingMode": billing,
            },
            "SourceTableFeatureDetails": {**index_summaries(source), **copy.deepcopy(self.features)},
        }


def _dt(when: float) -> datetime:
    return datetime.fromtimestamp(when, tz=timezone.utc)
