"""DynamoDB export to S3 and import from S3, and the Ion codec, through real botocore clients."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from course.sim.dynamodb.imports import IonReader, ion_value, read_ion
from course.sim.dynamodb.ops_transfers import EXPORT_SECONDS

KEYS = dict(KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
ITEM = {"pk": {"S": "book-103"}, "Authors": {"SS": ["Author1", "Author2"]}, "Price": {"N": "2000"},
        "Ratio": {"N": "1.5"}, "InPublication": {"BOOL": False}, "Cover": {"B": b"\x00\x01"},
        "Tags": {"L": [{"S": "a"}, {"N": "2"}, {"NULL": True}]}, "Dims": {"M": {"w x h": {"S": "8.5 x 11"}}},
        "Scores": {"NS": ["1", "2.5"]}, "Blobs": {"BS": [b"x"]}}


@pytest.fixture
def ddb(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="books", BillingMode="PAY_PER_REQUEST", **KEYS)
    acct.client("s3").create_bucket(Bucket="exports")
    return client


def code(caught):
    return caught.value.response["Error"]["Code"]


def at(seconds):
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def arn(ddb, table="books"):
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def pitr(ddb, table="books"):
    ddb.update_continuous_backups(TableName=table,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


def objects(acct, prefix=""):
    listing = acct.client("s3").list_objects_v2(Bucket="exports", Prefix=prefix)
    return [o["Key"] for o in listing.get("Contents", [])]


def read(acct, key):
    return acct.client("s3").get_object(Bucket="exports", Key=key)["Body"].read()


# -- export ----------------------------------------------------------------------------------------------

def test_export_needs_pitr(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports")
    assert code(caught) == "PointInTimeRecoveryUnavailableException"


def test_export_of_a_missing_table(ddb):
    with pytest.raises(ClientError) as caught:
        ddb.export_table_to_point_in_time(TableArn=arn(ddb).replace("books", "nothing"), S3Bucket="exports")
    assert code(caught) == "TableNotFoundException"


def test_full_export_writes_the_documented_layout_after_it_completes(acct, ddb):
    pitr(ddb)
    ddb.put_item(TableName="books", Item=ITEM)
    ddb.put_item(TableName="books", Item={"pk": {"S": "book-104"}})
    reads_before = sum(c.get("read_units", 0) for c in acct.calls)
    started = ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports", S3Prefix="nightly")[
        "ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS" and started["ExportFormat"] == "DYNAMODB_JSON"
    export_id = started["ExportArn"].rsplit("/", 1)[1]
    root = f"nightly/AWSDynamoDB/{export_id}/"
    assert objects(acct) == [root + "_started"]
    acct.clock.advance(EXPORT_SECONDS)
    done = ddb.describe_export(ExportArn=started["ExportArn"])["ExportDescription"]
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 2
    assert done["ExportManifest"] == root + "manifest-summary.json"
    summary = json.loads(read(acct, root + "manifest-summary.json"))
    assert summary["itemCount"] == 2 and summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["manifestFilesS3Key"] == root + "manifest-files.json"
    files = [json.loads(line) for line in read(acct, root + "manifest-files.json").decode().splitlines()]
    assert files[0]["dataFileS3Key"].startswith(root + "data/") and files[0]["dataFileS3Key"].endswith(".json.gz")
    lines = gzip.decompress(read(acct, files[0]["dataFileS3Key"])).decode().splitlines()
    exported = {json.loads(line)["Item"]["pk"]["S"]: json.loads(line)["Item"] for line in lines}
    assert exported["book-103"]["Cover"] == {"B": "AAE="} and exported["book-103"]["Price"] == {"N": "2000"}
    assert {root + name for name in ("manifest-summary.checksum", "manifest-files.checksum")} <= set(objects(acct))
    assert sum(c.get("read_units", 0) for c in acct.calls) == reads_before  # exports read no capacity


def test_export_at_a_past_time_and_outside_the_window(acct, ddb):
    pitr(ddb)
    ddb.put_item(TableName="books", Item={"pk": {"S": "early"}})
    acct.clock.advance(600)
    checkpoint = acct.clock.now()
    acct.clock.advance(600)
    ddb.put_item(TableName="books", Item={"pk": {"S": "late"}})
    with pytest.raises(ClientError) as caught:
        ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports", ExportTime=at(checkpoint - 3600))
    assert code(caught) == "InvalidExportTimeException"
    started = ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports", ExportTime=at(checkpoint))
    acct.clock.advance(EXPORT_SECONDS)
    key = next(k for k in objects(acct) if k.endswith(".gz"))
    assert [json.loads(line)["Item"]["pk"]["S"] for line in gzip.decompress(read(acct, key)).decode().splitlines()] \
        == ["early"]
    assert ddb.describe_export(ExportArn=started["ExportDescription"]["ExportArn"])["ExportDescription"][
        "ExportTime"] == at(checkpoint)


def test_export_to_a_missing_bucket_fails(acct, ddb):
    pitr(ddb)
    failed = ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="no-such-bucket")["ExportDescription"]
    assert failed["ExportStatus"] == "FAILED" and failed["FailureCode"] == "S3NoSuchBucket"


def test_ion_export_uses_annotations_for_sets_and_round_trips_through_import(acct, ddb):
    pitr(ddb)
    ddb.put_item(TableName="books", Item=ITEM)
    ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports", ExportFormat="ION")
    acct.clock.advance(EXPORT_SECONDS)
    key = next(k for k in objects(acct) if k.endswith(".ion.gz"))
    line = gzip.decompress(read(acct, key)).decode().strip()
    assert line.startswith("$ion_1_0 {Item:{") and 'Authors:$dynamodb_SS::["Author1","Author2"]' in line
    assert "Price:2000." in line and "Cover:{{AAE=}}" in line and '"w x h":"8.5 x 11"' in line
    made = ddb.import_table(S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": key}, InputFormat="ION",
                            InputCompressionType="GZIP",
                            TableCreationParameters={"TableName": "books-copy", "BillingMode": "PAY_PER_REQUEST",
                                                     **KEYS})["ImportTableDescription"]
    assert made["ImportStatus"] == "COMPLETED" and made["ErrorCount"] == 0 and made["ImportedItemCount"] == 1
    assert ddb.get_item(TableName="books-copy", Key={"pk": {"S": "book-103"}})["Item"] == \
        ddb.get_item(TableName="books", Key={"pk": {"S": "book-103"}})["Item"]


def test_incremental_export_writes_changes_with_old_and_new_images(acct, ddb):
    pitr(ddb)
    ddb.put_item(TableName="books", Item={"pk": {"S": "kept"}, "v": {"N": "1"}})
    ddb.put_item(TableName="books", Item={"pk": {"S": "gone"}})
    acct.clock.advance(60)
    start = acct.clock.now()
    ddb.put_item(TableName="books", Item={"pk": {"S": "kept"}, "v": {"N": "2"}})
    ddb.delete_item(TableName="books", Key={"pk": {"S": "gone"}})
    acct.clock.advance(3600)
    ddb.export_table_to_point_in_time(
        TableArn=arn(ddb), S3Bucket="exports", ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={"ExportFromTime": at(start), "ExportToTime": at(start + 1800)})
    acct.clock.advance(EXPORT_SECONDS)
    key = next(k for k in objects(acct) if k.endswith(".gz"))
    records = {json.loads(line)["Keys"]["pk"]["S"]: json.loads(line)
               for line in gzip.decompress(read(acct, key)).decode().splitlines()}
    assert records["kept"]["OldImage"]["v"] == {"N": "1"} and records["kept"]["NewImage"]["v"] == {"N": "2"}
    assert "NewImage" not in records["gone"] and records["gone"]["OldImage"] == {"pk": {"S": "gone"}}
    assert records["kept"]["Metadata"]["WriteTimestampMicros"]["N"] == str(int(start * 1_000_000))
    with pytest.raises(ClientError) as caught:
        ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports", ExportType="INCREMENTAL_EXPORT",
                                          IncrementalExportSpecification={"ExportFromTime": at(start - 7200)})
    assert code(caught) == "InvalidExportTimeException"


def test_list_exports_and_missing_export(acct, ddb):
    pitr(ddb)
    made = ddb.export_table_to_point_in_time(TableArn=arn(ddb), S3Bucket="exports")["ExportDescription"]
    listed = ddb.list_exports(TableArn=arn(ddb))["ExportSummaries"]
    assert listed == [{"ExportArn": made["ExportArn"], "ExportStatus": "IN_PROGRESS", "ExportType": "FULL_EXPORT"}]
    with pytest.raises(ClientError) as caught:
        ddb.describe_export(ExportArn=made["ExportArn"] + "0")
    assert code(caught) == "ExportNotFoundException"


# -- import -------------------------------------------------------------------------------------------------

def put_object(acct, key, body):
    acct.client("s3").put_object(Bucket="exports", Key=key, Body=body)


def import_csv(ddb, prefix="csv/", table="people", **extra):
    return ddb.import_table(
        S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": prefix}, InputFormat="CSV",
        TableCreationParameters={"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                                 "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}]},
        **extra)["ImportTableDescription"]


def test_csv_import_types_keys_and_overwrites_duplicates_silently(acct, ddb):
    put_object(acct, "csv/people.csv", "id,name,age\n1,Ana,30\n2,Bo,41\n1,Ana B,31\nx,Bad,1\n3,Cy\n")
    made = import_csv(ddb)
    assert made["ImportStatus"] == "COMPLETED" and made["ImportedItemCount"] == 2 and made["ErrorCount"] == 2
    assert made["CloudWatchLogGroupArn"].endswith(":log-group:/aws-dynamodb/imports:*")
    item = ddb.get_item(TableName="people", Key={"id": {"N": "1"}})["Item"]
    assert item == {"id": {"N": "1"}, "name": {"S": "Ana B"}, "age": {"S": "31"}}  # non-key columns are strings
    errors = acct.service("dynamodb").import_errors(made["ImportArn"])
    assert [(e["file"], e["line"]) for e in errors] == [("s3://exports/csv/people.csv", 5),
                                                         ("s3://exports/csv/people.csv", 6)]
    assert all(e["reason"] for e in errors)


def test_csv_header_list_and_delimiter(acct, ddb):
    put_object(acct, "csv/people.csv", "1|Ana\n2|Bo\n")
    made = import_csv(ddb, InputFormatOptions={"Csv": {"Delimiter": "|", "HeaderList": ["id", "name"]}})
    assert made["ImportedItemCount"] == 2
    assert ddb.get_item(TableName="people", Key={"id": {"N": "2"}})["Item"]["name"] == {"S": "Bo"}
    with pytest.raises(ClientError) as caught:
        import_csv(ddb, table="people2", InputFormatOptions={"Csv": {"Delimiter": "#"}})
    assert code(caught) == "ValidationException"


def test_import_consumes_no_write_capacity_and_needs_a_new_table(acct, ddb):
    put_object(acct, "csv/people.csv", "id,name\n1,Ana\n")
    writes_before = sum(c.get("write_units", 0) for c in acct.calls)
    import_csv(ddb)
    assert sum(c.get("write_units", 0) for c in acct.calls) == writes_before
    with pytest.raises(ClientError) as caught:
        import_csv(ddb)
    assert code(caught) == "ResourceInUseException"


def test_dynamodb_json_import_with_gzip_and_bad_lines(acct, ddb):
    lines = [json.dumps({"Item": {"pk": {"S": "a"}, "blob": {"B": "AAE="}}}), "not json",
             json.dumps({"Item": {"other": {"S": "no key"}}}), json.dumps({"Item": {"pk": {"S": "b"}}})]
    put_object(acct, "json/part-1.json.gz", gzip.compress("\n".join(lines).encode()))
    made = ddb.import_table(S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": "json/"},
                            InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
                            TableCreationParameters={"TableName": "copy", "BillingMode": "PAY_PER_REQUEST", **KEYS})[
        "ImportTableDescription"]
    assert made["ImportedItemCount"] == 2 and made["ErrorCount"] == 2
    assert ddb.get_item(TableName="copy", Key={"pk": {"S": "a"}})["Item"]["blob"] == {"B": b"\x00\x01"}
    errors = acct.service("dynamodb").import_errors(made["ImportArn"])
    assert [e["line"] for e in errors] == [2, 3] and "Missing the key pk" in errors[1]["reason"]
    described = ddb.describe_import(ImportArn=made["ImportArn"])["ImportTableDescription"]
    assert described["ImportStatus"] == "COMPLETED"
    assert [i["ImportArn"] for i in ddb.list_imports()["ImportSummaryList"]] == [made["ImportArn"]]


def test_import_zstd_without_a_zstd_module_is_refused(acct, ddb, monkeypatch):
    from course.sim.dynamodb import ops_transfers as transfers

    monkeypatch.setattr(transfers, "_zstd", lambda: None)
    with pytest.raises(ClientError) as caught:
        import_csv(ddb, InputCompressionType="ZSTD")
    assert code(caught) == "NotModeledBySimulator"


def test_import_from_a_missing_bucket_fails_without_a_table(acct, ddb):
    made = ddb.import_table(S3BucketSource={"S3Bucket": "nothing-here"}, InputFormat="DYNAMODB_JSON",
                            TableCreationParameters={"TableName": "copy", "BillingMode": "PAY_PER_REQUEST", **KEYS})[
        "ImportTableDescription"]
    assert made["ImportStatus"] == "FAILED"
    assert "copy" not in ddb.list_tables()["TableNames"]
    with pytest.raises(ClientError) as caught:
        ddb.describe_import(ImportArn=made["ImportArn"] + "x")
    assert code(caught) == "ImportNotFoundException"


TEMPLATE = """Resources:
  People:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: N}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      ImportSourceSpecification:
        InputFormat: CSV
        S3BucketSource: {S3Bucket: exports, S3KeyPrefix: csv/}
"""


def test_template_import_source_fills_the_table_before_the_stack_is_ready(acct, ddb):
    put_object(acct, "csv/people.csv", "id,name\n7,Ana\n")
    stack = acct.deploy(TEMPLATE)
    item = ddb.get_item(TableName=stack.physical_id("People"), Key={"id": {"N": "7"}})["Item"]
    assert item["name"] == {"S": "Ana"}


# -- the Ion codec ---------------------------------------------------------------------------------------------

def test_ion_reader_reads_what_the_writer_writes_and_the_documented_example():
    documented = ('$ion_1_0 {\n    Item:{\n        Authors:$dynamodb_SS::["Author1","Author2"],\n'
                  '        Id:103.,\n        InPublication:false,\n        PageCount:6d2,\n'
                  '        Title:"Book 103 Title"\n    }\n}\n')
    [(line, item, reason)] = list(read_ion(documented))
    assert reason is None and line == 1
    assert item["Authors"] == {"SS": ["Author1", "Author2"]} and item["Id"] == {"N": "103"}
    assert item["PageCount"] == {"N": "6E2"} and item["InPublication"] == {"BOOL": False}
    written = "{" + ",".join(f'"{k}":{ion_value(v)}' for k, v in ITEM.items()) + "}"
    back = IonReader(written).next_top()[1]["M"]
    assert back["Blobs"] == {"BS": [b"x"]} and back["Scores"] == {"NS": ["1", "2.5"]}
    assert back["Tags"] == ITEM["Tags"] and back["Dims"] == ITEM["Dims"]


def test_ion_reader_reports_bad_lines_and_carries_on():
    text = '$ion_1_0 {Item:{pk:"a"}}\n$ion_1_0 {Item:{pk:"b"\n$ion_1_0 {Item:{pk:"c"}}\n$ion_1_0 {Other:1}\n'
    results = list(read_ion(text))
    assert [(line, item is not None) for line, item, _ in results] == [(1, True), (2, False), (3, True), (4, False)]


def test_import_can_define_secondary_indexes(acct, ddb):
    put_object(acct, "csv/scores.csv", "id,team,score\n1,red,5\n2,blue,7\n3,red,9\n")
    made = ddb.import_table(
        S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": "csv/"}, InputFormat="CSV",
        TableCreationParameters={
            "TableName": "scores", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"},
                                     {"AttributeName": "team", "AttributeType": "S"},
                                     {"AttributeName": "score", "AttributeType": "N"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by-team", "Projection": {"ProjectionType": "ALL"},
                                        "KeySchema": [{"AttributeName": "team", "KeyType": "HASH"},
                                                      {"AttributeName": "score", "KeyType": "RANGE"}]}]})
    assert made["ImportTableDescription"]["ImportedItemCount"] == 3
    found = ddb.query(TableName="scores", IndexName="by-team", KeyConditionExpression="team = :t",
                      ExpressionAttributeValues={":t": {"S": "red"}}, ScanIndexForward=False)["Items"]
    assert [i["score"] for i in found] == [{"N": "9"}, {"N": "5"}]  # index keys typed as defined
