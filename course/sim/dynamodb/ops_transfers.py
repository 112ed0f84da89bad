"""Export to S3 (ExportTableToPointInTime, DescribeExport, ListExports) and import from S3
(ImportTable, DescribeImport, ListImports).

Export reads the point-in-time history (``history.py``), never the table through the request path,
so it consumes no read capacity, and it needs PITR. It runs in the background: IN_PROGRESS when the
call returns, COMPLETED (or FAILED) once ``EXPORT_SECONDS`` of simulated time have passed, when it
writes the documented layout into the simulated S3 bucket. Import always creates a new table and
writes the items straight into it, so it consumes no write capacity; lines it cannot use are
counted in ``ErrorCount`` and kept, with file, line and reason, in ``import_errors(arn)`` — what
DynamoDB sends to the CloudWatch Logs group ``/aws-dynamodb/imports``.

Sources: facts.md §14; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport_Requesting.html
(PITR required, else PointInTimeRecoveryUnavailableException; any time in the recovery period; full
or incremental), S3DataExport.HowItWorks.html (no read capacity), S3DataExport.Output.html (layout:
``<prefix>/AWSDynamoDB/<ExportId>/manifest-summary.json``, ``manifest-files.json``, their
``.checksum`` files, an empty ``_started`` file and gzip data files under ``data/``),
S3DataImport.HowItWorks.html (new table, no write capacity, CSV/DynamoDB JSON/Ion, GZIP/ZSTD),
S3DataImport.Validation.html (errors to /aws-dynamodb/imports, duplicate keys overwrite silently).

Assumptions, AWS publishes no figure: an export takes ``EXPORT_SECONDS``. The simulator runs an
import at once, inside the ImportTable call (AWS takes minutes, the table being CREATING meanwhile):
so ImportTable returns COMPLETED, and a template's ``ImportSourceSpecification`` (CloudFormation
waits for the import) has its table ready when the resource is. A missing export bucket fails the
export when it starts, with failure code ``S3NoSuchBucket``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import datetime, timezone

from course.sim.dynamodb.backups import backup_suffix
from course.sim.dynamodb.errors import (
    ExportConflictException,
    ExportNotFoundException,
    ImportConflictException,
    ImportNotFoundException,
    InvalidExportTimeException,
    ResourceInUseException,
    ValidationException,
)
from course.sim.dynamodb.imports import item_line_ion, item_line_json, read_csv, read_ion, read_json_lines
from course.sim.dynamodb.items import validate_item
from course.sim.errors import AwsError, NotModeled
from course.sim.service import operation

#: How long an export runs before COMPLETED: an assumption (AWS: "minutes", no figure).
EXPORT_SECONDS = 5 * 60
IMPORT_LOG_GROUP = "/aws-dynamodb/imports"
CSV_DELIMITERS = (",", ";", ":", "|", "\t", " ")


def utc(when: float) -> datetime:
    return datetime.fromtimestamp(when, tz=timezone.utc)


def epoch(value) -> float:
    """A timestamp parameter as the caller gave it to boto3 (datetime, ISO text or epoch seconds)."""
    from botocore.utils import parse_to_aware_datetime

    return parse_to_aware_datetime(value).timestamp()


def _iso(when: float) -> str:
    return utc(when).strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(when * 1000) % 1000:03d}Z"


def _zstd():
    """A zstd decompressor if this Python has one; the simulator adds no dependency for it."""
    for name in ("compression.zstd", "zstandard"):
        try:
            module = __import__(name, fromlist=["_"])
        except ImportError:
            continue
        if hasattr(module, "decompress"):
            return module.decompress
        return lambda data: module.ZstdDecompressor().decompressobj().decompress(data)
    return None


class TransferOps:
    # -- state ---------------------------------------------------------------------------------------

    def _store(self, name: str) -> dict:
        store = self.__dict__.get(name)
        if store is None:
            store = self.__dict__[name] = {}
        return store

    def _s3(self):
        # Bucket names are global: every Region's DynamoDB sees the account's one S3 namespace.
        return getattr(self.account, "home", self.account).service("s3")

    # -- export -----------------------------------------------------------------------------------------

    @operation("ExportTableToPointInTime")
    def export_table_to_point_in_time(self, params: dict) -> dict:
        exports = self._store("_exports")
        token = params.get("ClientToken")
        if token:
            for export in exports.values():
                if export["ClientToken"] == token:
                    if export["request"] != params:
                        raise ExportConflictException("There was a conflict when writing to the specified S3 bucket.")
                    return {"ExportDescription": self._export_out(export)}
        fmt = params.get("ExportFormat") or "DYNAMODB_JSON"
        kind = params.get("ExportType") or "FULL_EXPORT"
        if params.get("S3BucketOwner") not in (None, self.account.account_id):
            raise NotModeled("dynamodb", "exports to a bucket in another account")
        table = self._known_table(params["TableArn"].split("/", 1)[-1] if "/" in params["TableArn"]
                                  else params["TableArn"])
        history = self._history(table)
        now = self.account.clock.now()
        earliest = history.earliest(now)
        spec = None
        if kind == "FULL_EXPORT":
            if params.get("IncrementalExportSpecification") is not None:
                raise ValidationException("IncrementalExportSpecification can only "
                                          "be used with ExportType INCREMENTAL_EXPORT")
            when = epoch(params["ExportTime"]) if params.get("ExportTime") is not None else now
            if not earliest <= when <= now:
                raise InvalidExportTimeException("Export time is outside the point in time "
                                                 f"recovery window: {_iso(earliest)} to {_iso(now)}")
            records = [{"Item": item} for item in history.items_at(when).values()]
        else:
            given = params.get("IncrementalExportSpecification")
            if given is None or params.get("ExportTime") is not None:
                raise ValidationException("An incremental export takes IncrementalExportSpecification, not ExportTime")
            start = epoch(given["ExportFromTime"]) if given.get("ExportFromTime") is not None else None
            if start is None:
                raise ValidationException("IncrementalExportSpecification.ExportFromTime must be specified")
            end = epoch(given["ExportToTime"]) if given.get("ExportToTime") is not None else history.latest(now)
            view = given.get("ExportViewType") or "NEW_AND_OLD_IMAGES"
            if not earliest <= start < end <= now:
                raise InvalidExportTimeException("The incremental export period must lie within the point "
                                                 f"in time recovery window ({_iso(earliest)} to {_iso(now)}) "
                                                 "and ExportFromTime must be before ExportToTime")
            when = end
            spec = {"ExportFromTime": utc(start), "ExportToTime": utc(end), "ExportViewType": view}
            records = []
            for old, new, changed in history.changes_between(start, end).values():
                record = {"Metadata": {"WriteTimestampMicros": {"N": str(int(changed * 1_000_000))}},
                          "Keys": table.key_of(new if new is not None else old)}
                if new is not None:
                    record["NewImage"] = new
                if old is not None and view == "NEW_AND_OLD_IMAGES":
                    record["OldImage"] = old
                records.append(record)
        export_id = backup_suffix(f"{table.arn}/export/{len(exports)}", now)
        export = {
            "ExportArn": f"{table.arn}/export/{export_id}", "ExportStatus": "IN_PROGRESS", "StartTime": now,
            "TableArn": table.arn, "TableId": table.table_id, "ExportTime": when, "ClientToken": token or export_id,
            "S3Bucket": params["S3Bucket"], "S3BucketOwner": self.account.account_id,
            "S3Prefix": params.get("S3Prefix"), "S3SseAlgorithm": params.get("S3SseAlgorithm") or "AES256",
            "ExportFormat": fmt, "ExportType": kind, "IncrementalExportSpecification": spec,
            "request": dict(params), "id": export_id, "records": records,
        }
        exports[export["ExportArn"]] = export
        if params["S3Bucket"] in self._s3().buckets:
            self._s3().put(params["S3Bucket"], self._export_root(export) + "_started", b"")
            self.account.clock.call_at(now + EXPORT_SECONDS, lambda: self._finish_export(export))
        else:
            export.update(ExportStatus="FAILED", EndTime=now, FailureCode="S3NoSuchBucket",
                          FailureMessage="The specified bucket does not exist")
        return {"ExportDescription": self._export_out(export)}

    @staticmethod
    def _export_root(export: dict) -> str:
        prefix = export["S3Prefix"]
        return (prefix.rstrip("/") + "/" if prefix else "") + f"AWSDynamoDB/{export['id']}/"

    def _finish_export(self, export: dict) -> None:
        s3, bucket, root = self._s3(), export["S3Bucket"], self._export_root(export)
        now = self.account.clock.now()
        if bucket not in s3.buckets:
            export.update(ExportStatus="FAILED", EndTime=now, FailureCode="S3NoSuchBucket",
                          FailureMessage="The specified bucket does not exist")
            return
        ion = export["ExportFormat"] == "ION"
        lines = [(item_line_ion if ion else item_line_json)(record) for record in export.pop("records")]
        body = gzip.compress(("\n".join(lines) + ("\n" if lines else "")).encode(), mtime=0)
        data_key = f"{root}data/{base64.b32encode(hashlib.sha256(root.encode()).digest()).decode().lower()[:26]}" \
                   f"{'.ion.gz' if ion else '.json.gz'}"
        s3.put(bucket, data_key, body)
        digest = hashlib.md5(body)
        files = json.dumps({"itemCount": len(lines), "md5Checksum": base64.b64encode(digest.digest()).decode(),
                            "etag": digest.hexdigest(), "dataFileS3Key": data_key})
        summary = json.dumps({
            "version": "2020-06-30", "exportArn": export["ExportArn"], "startTime": _iso(export["StartTime"]),
            "endTime": _iso(now), "tableArn": export["TableArn"], "tableId": export["TableId"],
            "exportTime": _iso(export["ExportTime"]), "s3Bucket": bucket, "s3Prefix": export["S3Prefix"],
            "s3SseAlgorithm": export["S3SseAlgorithm"], "s3SseKmsKeyId": None,
            "manifestFilesS3Key": f"{root}manifest-files.json", "billedSizeBytes": len(body),
            "itemCount": len(lines), "outputFormat": export["ExportFormat"], "exportType": export["ExportType"],
        }, indent=3)
        for name, text in (("manifest-files", files + "\n"), ("manifest-summary", summary)):
            s3.put(bucket, f"{root}{name}.json", text.encode())
            s3.put(bucket, f"{root}{name}.checksum", hashlib.md5(text.encode()).hexdigest().encode())
        export.update(ExportStatus="COMPLETED", EndTime=now, ExportManifest=f"{root}manifest-summary.json",
                      ItemCount=len(lines), BilledSizeBytes=len(body))

    def _export_out(self, export: dict) -> dict:
        out = {k: v for k, v in export.items() if k not in ("request", "id", "records") and v is not None}
        for name in ("StartTime", "EndTime", "ExportTime"):
            if name in out:
                out[name] = utc(out[name])
        return out

    def _export(self, arn: str) -> dict:
        export = self._store("_exports").get(arn)
        if export is None:
            raise ExportNotFoundException(f"Export not found: {arn}")
        return export

    @operation("DescribeExport")
    def describe_export(self, params: dict) -> dict:
        return {"ExportDescription": self._export_out(self._export(params["ExportArn"]))}

    @operation("ListExports")
    def list_exports(self, params: dict) -> dict:
        found = [e for e in self._store("_exports").values()
                 if params.get("TableArn") in (None, e["TableArn"])]
        return self._page(found, params, "ExportSummaries", lambda e: {
            "ExportArn": e["ExportArn"], "ExportStatus": e["ExportStatus"], "ExportType": e["ExportType"]})

    @staticmethod
    def _page(found: list, params: dict, key: str, shape) -> dict:
        start = int(params.get("NextToken") or 0)
        limit = params.get("MaxResults") or params.get("PageSize") or 25
        out = {key: [shape(x) for x in found[start:start + limit]]}
        if start + limit < len(found):
            out["NextToken"] = str(start + limit)
        return out

    # -- import ---------------------------------------------------------------------------------------

    @operation("ImportTable")
    def import_table(self, params: dict) -> dict:
        imports = self._store("_imports")
        token = params.get("ClientToken")
        for existing in imports.values():
            if token and existing["ClientToken"] == token:
                if existing["request"] != params:
                    raise ImportConflictException("There was a conflict when importing from the specified S3 source.")
                return {"ImportTableDescription": self._import_out(existing)}
        fmt = params["InputFormat"]
        compression = params.get("InputCompressionType") or "NONE"
        source = params["S3BucketSource"]
        creation = dict(params["TableCreationParameters"])
        options = (params.get("InputFormatOptions") or {}).get("Csv") or {}
        delimiter = options.get("Delimiter") or ","
        if fmt != "CSV" and params.get("InputFormatOptions"):
            raise ValidationException("InputFormatOptions can only be used with InputFormat CSV")
        if delimiter not in CSV_DELIMITERS:
            raise ValidationException(f"1 validation error detected: Value '{delimiter}' at "
                                      "'inputFormatOptions.csv.delimiter' failed to satisfy constraint: "
                                      "Member must satisfy regular expression pattern: [,;:|\\t ]")
        decompress = {"NONE": bytes, "GZIP": gzip.decompress, "ZSTD": _zstd()}[compression]
        if decompress is None:
            raise NotModeled("dynamodb", "ZSTD import sources (this Python has no zstd module)")
        if source.get("S3BucketOwner") not in (None, self.account.account_id):
            raise NotModeled("dynamodb", "imports from a bucket in another account")
        if creation.get("SSESpecification") is not None:
            raise NotModeled("dynamodb", "parameter TableCreationParameters.SSESpecification")
        name = creation["TableName"]
        if name in self.tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        now = self.account.clock.now()
        import_id = backup_suffix(f"{name}/import/{len(imports)}", now)
        table_arn = self.account.arn("dynamodb", f"table/{name}")
        record = {
            "ImportArn": f"{table_arn}/import/{import_id}", "ImportStatus": "IN_PROGRESS", "TableArn": table_arn,
            "ClientToken": token or import_id, "S3BucketSource": dict(source), "ErrorCount": 0,
            "CloudWatchLogGroupArn": self.account.arn("logs", f"log-group:{IMPORT_LOG_GROUP}:*"),
            "InputFormat": fmt, "InputCompressionType": compression, "TableCreationParameters": creation,
            "StartTime": now, "ProcessedSizeBytes": 0, "ProcessedItemCount": 0, "ImportedItemCount": 0,
            "request": dict(params), "errors": [],
        }
        if params.get("InputFormatOptions"):
            record["InputFormatOptions"] = params["InputFormatOptions"]
        s3 = self._s3()
        if source["S3Bucket"] not in s3.buckets:
            record.update(ImportStatus="FAILED", EndTime=now, FailureCode="S3NoSuchBucket",
                          FailureMessage="The specified bucket does not exist")
            imports[record["ImportArn"]] = record
            return {"ImportTableDescription": self._import_out(record)}
        self.create_table(creation)  # validation of the new table's definition, before any effect
        table = self.tables[name]
        imports[record["ImportArn"]] = record
        record["TableId"] = table.table_id
        types = {d["AttributeName"]: d["AttributeType"] for d in creation.get("AttributeDefinitions") or []}
        prefix = source.get("S3KeyPrefix") or ""
        with self.indexes_built_with_table():  # built before the new table is ACTIVE
            for key in s3.keys(source["S3Bucket"], prefix):
                raw = s3.bucket(source["S3Bucket"]).objects[key].body
                try:
                    text = decompress(raw).decode("utf-8")
                except (OSError, EOFError, UnicodeDecodeError, ValueError) as error:
                    record["errors"].append({"file": f"s3://{source['S3Bucket']}/{key}", "line": 0,
                                             "reason": f"cannot read the object as {compression}: {error}"})
                    continue
                record["ProcessedSizeBytes"] += len(text.encode())
                if fmt == "CSV":
                    lines = read_csv(text, delimiter, options.get("HeaderList"), types)
                else:
                    lines = (read_json_lines if fmt == "DYNAMODB_JSON" else read_ion)(text)
                for line, item, reason in lines:
                    record["ProcessedItemCount"] += 1
                    if item is not None:
                        try:
                            item = validate_item(item, table.keys)
                        except AwsError as error:
                            item, reason = None, error.message
                    if item is None:
                        record["errors"].append({"file": f"s3://{source['S3Bucket']}/{key}", "line": line,
                                                 "reason": reason})
                        continue
                    # Duplicate keys: the later line silently replaces the earlier one, as DynamoDB does.
                    table.write(table.storage_key(item), item)
        record.update(ImportStatus="COMPLETED", EndTime=now, ErrorCount=len(record["errors"]),
                      ImportedItemCount=len(table.items))
        return {"ImportTableDescription": self._import_out(record)}

    def import_errors(self, import_arn: str) -> list[dict]:
        """The lines an import could not use, as ``{"file", "line", "reason"}``: what DynamoDB
        writes to the /aws-dynamodb/imports log group, for checks and tests to read."""
        return [dict(e) for e in self._import(import_arn)["errors"]]

    def _import(self, arn: str) -> dict:
        found = self._store("_imports").get(arn)
        if found is None:
            raise ImportNotFoundException(f"Import not found: {arn}")
        return found

    def _import_out(self, record: dict) -> dict:
        out = {k: v for k, v in record.items() if k not in ("request", "errors") and v is not None}
        for name in ("StartTime", "EndTime"):
            if name in out:
                out[name] = utc(out[name])
        return out

    @operation("DescribeImport")
    def describe_import(self, params: dict) -> dict:
        return {"ImportTableDescription": self._import_out(self._import(params["ImportArn"]))}

    @operation("ListImports")
    def list_imports(self, params: dict) -> dict:
        found = [r for r in self._store("_imports").values() if params.get("TableArn") in (None, r["TableArn"])]
        return self._page(found, params, "ImportSummaryList", lambda r: {
            "ImportArn": r["ImportArn"], "ImportStatus": r["ImportStatus"], "TableArn": r["TableArn"],
            "S3BucketSource": dict(r["S3BucketSource"]), "CloudWatchLogGroupArn": r["CloudWatchLogGroupArn"],
            "InputFormat": r["InputFormat"], "StartTime": utc(r["StartTime"]),
            **({"EndTime": utc(r["EndTime"])} if "EndTime" in r else {})})
