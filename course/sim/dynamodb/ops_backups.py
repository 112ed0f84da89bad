"""On-demand backups, point-in-time recovery and restores (export and import: ``ops_transfers.py``).

A backup and a point-in-time restore end the same way: CreateTable for a new table with the old
definition, then the old items written into it. Going through CreateTable means a restore cannot
bring back what CreateTable is not given (streams, TTL, PITR), which is AWS's documented behaviour,
and a restored table is in every other way an ordinary table. Restored items consume no capacity.

Sources (Amazon DynamoDB API Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/):
CreateBackup, DescribeBackup, ListBackups, DeleteBackup, RestoreTableFromBackup,
UpdateContinuousBackups, DescribeContinuousBackups, RestoreTableToPointInTime (their errors:
TableNotFoundException, BackupNotFoundException, BackupInUseException, TableAlreadyExistsException,
SourceTableNotFoundException, PointInTimeRecoveryUnavailableException, InvalidRestoreTimeException);
facts.md §13. When a table with PITR is deleted, DynamoDB keeps a system backup of it for the
recovery period ("Restoring a deleted table",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html).
What is and is not restored: see ``backups.py``.
"""

from __future__ import annotations

import copy
import re

from course.sim.dynamodb.backups import BACKUP_CREATION_SECONDS, Backup, backup_suffix, creation_params
from course.sim.dynamodb.errors import (
    BackupInUseException,
    BackupNotFoundException,
    DynamoDBError,
    InvalidRestoreTimeException,
    PointInTimeRecoveryUnavailableException,
    ResourceNotFoundException,
    SourceTableNotFoundException,
    TableAlreadyExistsException,
    TableNotFoundException,
    ValidationException,
)
from course.sim.dynamodb.history import DAY, DEFAULT_RECOVERY_DAYS, MAX_RECOVERY_DAYS, MIN_RECOVERY_DAYS, PitrHistory
from course.sim.dynamodb.ops_transfers import epoch, utc
from course.sim.errors import NotModeled
from course.sim.service import operation

_BACKUP_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
MSG_BACKUP_IN_USE = ("There is another ongoing conflicting backup control plane operation on the table. "
                     "The backup is either being created, deleted or restored to a table.")



class BackupOps:
    HANDLES: tuple[str, ...] = ()

    # -- state kept by the service, since backups outlive their tables ---------------------------

    @property
    def backups(self) -> dict[str, Backup]:
        store = self.__dict__.get("_backups")
        if store is None:
            store = self.__dict__["_backups"] = {}
        return store

    def _now(self) -> float:
        return self.account.clock.now()

    def _known_table(self, name: str, missing: type[DynamoDBError] = TableNotFoundException):
        try:
            return self.table(name)
        except ResourceNotFoundException:
            where = "Source table" if missing is SourceTableNotFoundException else "Table"
            raise missing(f"{where} not found: {name}") from None

    def _backup(self, arn: str) -> Backup:
        backup = self.backups.get(arn)
        if backup is None:
            raise BackupNotFoundException(f"Backup not found: {arn}")
        return backup

    def _snapshot(self, table, name: str, kind: str, expires: float | None = None) -> Backup:
        now = self._now()
        arn = f"{table.arn}/backup/{backup_suffix(f'{table.arn}/{len(self.backups)}/{name}', now)}"
        backup = Backup(arn, name, kind, now, expires, now + (BACKUP_CREATION_SECONDS if kind == "USER" else 0),
                        table.name, table.arn, table.table_id, self.describe(table), dict(table.items),
                        self._features(table))
        self.backups[arn] = backup
        return backup

    def _features(self, table) -> dict:
        """The stream and TTL settings a backup records (and a restore does not bring back)."""
        out = {}
        if table.stream_arn:
            out["StreamDescription"] = dict(table.stream)
        ttl = getattr(self, "ttl_states", {}).get(table.name)
        if ttl is not None and ttl.table is table and ttl.enabled and ttl.attribute:
            out["TimeToLiveDescription"] = {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl.attribute}
        return out

    # -- on-demand backups --------------------------------------------------------------------------

    @operation("CreateBackup")
    def create_backup(self, params: dict) -> dict:
        name = params["BackupName"]
        if not _BACKUP_NAME.fullmatch(name):
            raise ValidationException(f"1 validation error detected: Value '{name}' at 'backupName' failed to satisfy "
                                      "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        table = self._known_table(params["TableName"])
        return {"BackupDetails": self._snapshot(table, name, "USER").details(self._now())}

    @operation("DescribeBackup")
    def describe_backup(self, params: dict) -> dict:
        return {"BackupDescription": self._backup(params["BackupArn"]).full_description(self._now())}

    @operation("DeleteBackup")
    def delete_backup(self, params: dict) -> dict:
        backup = self._backup(params["BackupArn"])
        if backup.status(self._now()) != "AVAILABLE":
            raise BackupInUseException(MSG_BACKUP_IN_USE)
        del self.backups[backup.arn]
        backup.deleted = True
        return {"BackupDescription": backup.full_description(self._now())}

    @operation("ListBackups")
    def list_backups(self, params: dict) -> dict:
        now = self._now()
        kind = params.get("BackupType") or "USER"
        wanted = {"USER": ("USER",), "SYSTEM": ("SYSTEM",), "AWS_BACKUP": (), "ALL": ("USER", "SYSTEM")}[kind]
        low = epoch(params["TimeRangeLowerBound"]) if params.get("TimeRangeLowerBound") is not None else None
        high = epoch(params["TimeRangeUpperBound"]) if params.get("TimeRangeUpperBound") is not None else None
        name = params.get("TableName")
        found = [b for b in sorted(self.backups.values(), key=lambda b: (b.created, b.arn))
                 if b.kind in wanted and (name is None or b.table_name == name)
                 and (low is None or b.created >= low) and (high is None or b.created <= high)]
        start = params.get("ExclusiveStartBackupArn")
        if start:
            arns = [b.arn for b in found]
            found = found[arns.index(start) + 1:] if start in arns else found
        limit = params.get("Limit") or 100
        out = {"BackupSummaries": [b.summary(now) for b in found[:limit]]}
        if len(found) > limit:
            out["LastEvaluatedBackupArn"] = found[limit - 1].arn
        return out

    @operation("RestoreTableFromBackup")
    def restore_table_from_backup(self, params: dict) -> dict:
        backup = self._backup(params["BackupArn"])
        if backup.status(self._now()) != "AVAILABLE":
            raise BackupInUseException(MSG_BACKUP_IN_USE)
        create = self._restore_params(backup.description, params)
        table = self._restore(create, backup.items)
        table.restore_summary = {"SourceBackupArn": backup.arn, "SourceTableArn": backup.table_arn,
                                 "RestoreDateTime": utc(backup.created), "RestoreInProgress": False}
        return {"TableDescription": self.describe(table)}

    # -- point-in-time recovery ---------------------------------------------------------------------

    def _continuous(self, table) -> dict:
        history: PitrHistory | None = getattr(table, "pitr", None)
        pitr = {"PointInTimeRecoveryStatus": "DISABLED"}
        if history is not None:
            now = self._now()
            pitr = {"PointInTimeRecoveryStatus": "ENABLED", "RecoveryPeriodInDays": history.days,
                    "EarliestRestorableDateTime": utc(history.earliest(now)),
                    "LatestRestorableDateTime": utc(history.latest(now))}
        return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": pitr}

    @operation("UpdateContinuousBackups")
    def update_continuous_backups(self, params: dict) -> dict:
        spec = params["PointInTimeRecoverySpecification"]
        days = spec.get("RecoveryPeriodInDays")
        if days is not None and not MIN_RECOVERY_DAYS <= days <= MAX_RECOVERY_DAYS:
            bound = ("greater than or equal to 1" if days < MIN_RECOVERY_DAYS else "less than or equal to 35")
            raise ValidationException(f"1 validation error detected: Value '{days}' at "
                                      "'pointInTimeRecoverySpecification.recoveryPeriodInDays' "
                                      f"failed to satisfy constraint: Member must have value {bound}")
        table = self._known_table(params["TableName"])
        history: PitrHistory | None = getattr(table, "pitr", None)
        if spec["PointInTimeRecoveryEnabled"]:
            if history is None:
                history = table.pitr = PitrHistory(table, self.account.clock, days or DEFAULT_RECOVERY_DAYS)
                table.listeners.append(history)
            elif days is not None:
                history.days = days
        else:
            if days is not None:
                raise ValidationException("RecoveryPeriodInDays can only be set "
                                          "when PointInTimeRecoveryEnabled is true")
            if history is not None:
                # Turning PITR off discards the history: nothing before re-enabling can be restored.
                table.listeners.remove(history)
                table.pitr = None
        return {"ContinuousBackupsDescription": self._continuous(table)}

    @operation("DescribeContinuousBackups")
    def describe_continuous_backups(self, params: dict) -> dict:
        return {"ContinuousBackupsDescription": self._continuous(self._known_table(params["TableName"]))}

    def _history(self, table) -> PitrHistory:
        history = getattr(table, "pitr", None)
        if history is None:
            raise PointInTimeRecoveryUnavailableException("Point in time recovery is not "
                                                          f"enabled for table '{table.name}'")
        history.compact(self._now())
        return history

    @operation("RestoreTableToPointInTime")
    def restore_table_to_point_in_time(self, params: dict) -> dict:
        name = params.get("SourceTableName") or (params.get("SourceTableArn") or "").split("/", 1)[-1]
        if not name:
            raise ValidationException("Either SourceTableArn or SourceTableName must be specified")
        if params.get("SourceTableName") and params.get("SourceTableArn"):
            raise ValidationException("Only one of SourceTableArn or SourceTableName can be specified")
        source = self._known_table(name, SourceTableNotFoundException)
        use_latest = bool(params.get("UseLatestRestorableTime"))
        if use_latest and params.get("RestoreDateTime") is not None:
            raise ValidationException("Only one of RestoreDateTime or UseLatestRestorableTime can be specified")
        if not use_latest and params.get("RestoreDateTime") is None:
            raise ValidationException("Either RestoreDateTime or UseLatestRestorableTime must be specified")
        if params["TargetTableName"] in self.tables:
            raise TableAlreadyExistsException(f"Table already exists: {params['TargetTableName']}")
        history = self._history(source)
        now = self._now()
        when = history.latest(now) if use_latest else epoch(params["RestoreDateTime"])
        if not history.contains(when, now):
            raise InvalidRestoreTimeException(f"Only RestoreDateTime between {utc(history.earliest(now)).isoformat()} "
                                              f"and {utc(history.latest(now)).isoformat()} can be used.")
        create = self._restore_params(self.describe(source), params)
        table = self._restore(create, history.items_at(when))
        table.restore_summary = {"SourceTableArn": source.arn, "RestoreDateTime": utc(when),
                                 "RestoreInProgress": False}
        return {"TableDescription": self.describe(table)}

    # -- what both restores share ------------------------------------------------------------------

    def _restore_params(self, description: dict, params: dict) -> dict:
        for name in ("SSESpecificationOverride", "OnDemandThroughputOverride"):
            if params.get(name) is not None:
                raise NotModeled("dynamodb", f"parameter {name}")
        target = params["TargetTableName"]
        if target in self.tables:
            raise TableAlreadyExistsException(f"Table already exists: {target}")
        create = creation_params(description, target)
        for name, key in (("GlobalSecondaryIndexOverride", "GlobalSecondaryIndexes"),
                          ("LocalSecondaryIndexOverride", "LocalSecondaryIndexes")):
            if params.get(name) is not None:
                create[key] = copy.deepcopy(params[name])
                if not create[key]:
                    del create[key]
        # Attributes only a dropped index used would no longer be key attributes, which CreateTable refuses.
        used = {k["AttributeName"] for k in create["KeySchema"]}
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            used.update(k["AttributeName"] for index in create.get(kind, ()) for k in index["KeySchema"])
        create["AttributeDefinitions"] = [d for d in create["AttributeDefinitions"] if d["AttributeName"] in used]
        billing = params.get("BillingModeOverride")
        if billing:
            create["BillingMode"] = billing
        if params.get("ProvisionedThroughputOverride"):
            create["ProvisionedThroughput"] = dict(params["ProvisionedThroughputOverride"])
        if create["BillingMode"] == "PAY_PER_REQUEST":
            create.pop("ProvisionedThroughput", None)
            for index in create.get("GlobalSecondaryIndexes", ()):
                index.pop("ProvisionedThroughput", None)
        return create

    def _restore(self, create: dict, items: dict):
        self.create_table(create)
        table = self.tables[create["TableName"]]
        with self.indexes_built_with_table():
            for where, item in items.items():
                table.write(where, copy.deepcopy(item))
        return table

    # -- table hooks -----------------------------------------------------------------------------------

    def _describe_backups(self, table, out: dict) -> None:
        summary = getattr(table, "restore_summary", None)
        if summary:
            out["RestoreSummary"] = dict(summary)

    def _delete_table_backups(self, table) -> None:
        history = getattr(table, "pitr", None)
        if history is not None:
            # The system backup AWS keeps of a deleted table with PITR, for the recovery period.
            self._snapshot(table, f"{table.name}$DeletedTableBackup", "SYSTEM",
                           expires=self._now() + history.days * DAY)
            table.listeners.remove(history)
            table.pitr = None
