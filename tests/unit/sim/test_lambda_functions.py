"""Functions, versions, aliases, event-invoke settings and resource policies through botocore."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from tests.unit.sim.test_lambda_support import ARN, ROLE, client, error_of, fake, make  # noqa: F401


def fails(call, **params) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return error_of(caught)


# ---- create / get / update / delete / list ----------------------------------------------------

def test_create_answers_a_function_configuration(client):
    made = make(client, MemorySize=256, Description="greets", Environment={"Variables": {"STAGE": "dev"}})
    assert made["FunctionArn"] == ARN + "fn"
    assert made["Version"] == "$LATEST" and made["State"] == "Active"
    assert made["LastModified"] == "2026-01-01T00:00:00.000+0000"
    assert made["Environment"] == {"Variables": {"STAGE": "dev"}}
    assert made["CodeSize"] > 0 and len(made["CodeSha256"]) == 44


def test_get_function_and_its_configuration(client):
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=5)
    got = client.get_function(FunctionName="fn")
    assert got["Configuration"]["FunctionName"] == "fn"
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    by_arn = client.get_function_configuration(FunctionName=ARN + "fn")
    assert by_arn["Handler"] == "index.handler"


def test_missing_function_error_quotes_the_arn(client):
    assert fails(client.get_function, FunctionName="nope") == (
        "ResourceNotFoundException", f"Function not found: {ARN}nope", 404)
    make(client)
    assert fails(client.get_function, FunctionName="fn", Qualifier="7") == (
        "ResourceNotFoundException", f"Function not found: {ARN}fn:7", 404)


def test_qualifier_in_the_name_must_agree_with_qualifier(client):
    make(client)
    client.publish_version(FunctionName="fn")
    assert client.get_function(FunctionName="fn:1")["Configuration"]["Version"] == "1"
    code, message, _ = fails(client.get_function, FunctionName="fn:1", Qualifier="2")
    assert (code, message) == ("InvalidParameterValueException",
                               "The derived qualifier from the function name does not match the specified qualifier.")


def test_update_configuration_changes_latest_and_revision(client):
    made = make(client)
    updated = client.update_function_configuration(FunctionName="fn", MemorySize=1024, Timeout=30)
    assert (updated["MemorySize"], updated["Timeout"]) == (1024, 30)
    assert updated["RevisionId"] != made["RevisionId"]
    code, _, status = fails(client.update_function_configuration, FunctionName="fn", MemorySize=512,
                            RevisionId=made["RevisionId"])
    assert (code, status) == ("PreconditionFailedException", 412)


def test_update_configuration_applies_the_same_rules(client):
    make(client)
    code, message, _ = fails(client.update_function_configuration, FunctionName="fn", Timeout=901)
    assert code == "ValidationException" and message.endswith("less than or equal to 900")
    assert client.get_function_configuration(FunctionName="fn")["Timeout"] == 3


def test_update_code_from_a_zip(client):
    make(client)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(e, c):\n    return 2\n")
    before = client.get_function(FunctionName="fn")["Configuration"]["CodeSha256"]
    after = client.update_function_code(FunctionName="fn", ZipFile=buffer.getvalue())
    assert after["CodeSha256"] != before and after["CodeSize"] == len(buffer.getvalue())


def test_bytes_that_are_not_a_zip_are_refused(client):
    make(client)
    assert fails(client.update_function_code, FunctionName="fn", ZipFile=b"not a zip") == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.", 400)


def test_code_from_s3_is_named_as_not_simulated(client):
    code, message, _ = fails(make, client=client, Code={"S3Bucket": "bucket", "S3Key": "k.zip"})
    assert code == "InvalidParameterValueException" and "s3://bucket/k.zip" in message


def test_delete_function(client):
    make(client)
    assert client.delete_function(FunctionName="fn")["StatusCode"] == 204
    assert fails(client.get_function, FunctionName="fn")[0] == "ResourceNotFoundException"


def test_list_functions_pages_with_markers(client):
    for n in range(5):
        make(client, f"fn{n}")
    first = client.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["fn0", "fn1"]
    rest = client.list_functions(Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == ["fn2", "fn3", "fn4"] and "NextMarker" not in rest
    paginated = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2})
    assert sum(len(page["Functions"]) for page in paginated) == 5


# ---- versions ----------------------------------------------------------------------------------

def test_publish_freezes_configuration(client):
    make(client, MemorySize=256)
    one = client.publish_version(FunctionName="fn", Description="first")
    assert (one["Version"], one["FunctionArn"], one["Description"]) == ("1", ARN + "fn:1", "first")
    client.update_function_configuration(FunctionName="fn", MemorySize=512)
    assert client.get_function_configuration(FunctionName="fn", Qualifier="1")["MemorySize"] == 256
    two = client.publish_version(FunctionName="fn")
    assert two["Version"] == "2" and two["MemorySize"] == 512


def test_publishing_an_unchanged_function_returns_the_last_version(client):
    make(client)
    assert client.publish_version(FunctionName="fn")["Version"] == "1"
    assert client.publish_version(FunctionName="fn")["Version"] == "1"
    versions = client.list_versions_by_function(FunctionName="fn")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]


def test_publish_checks_code_sha(client):
    make(client)
    code, message, _ = fails(client.publish_version, FunctionName="fn", CodeSha256="abc")
    assert code == "InvalidParameterValueException" and message.startswith("CodeSHA256 (abc) is different")


def test_create_with_publish(client):
    make(client, Publish=True)
    assert [v["Version"] for v in client.list_versions_by_function(FunctionName="fn")["Versions"]] == ["$LATEST", "1"]


def test_delete_a_version(client):
    make(client)
    client.publish_version(FunctionName="fn")
    client.delete_function(FunctionName="fn", Qualifier="1")
    assert [v["Version"] for v in client.list_versions_by_function(FunctionName="fn")["Versions"]] == ["$LATEST"]
    code, message, _ = fails(client.delete_function, FunctionName="fn", Qualifier="$LATEST")
    assert message == "$LATEST version cannot be deleted without deleting the function."


# ---- aliases -----------------------------------------------------------------------------------

def test_alias_lifecycle(client):
    make(client)
    client.publish_version(FunctionName="fn")
    made = client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1", Description="prod")
    assert (made["AliasArn"], made["FunctionVersion"]) == (ARN + "fn:live", "1")
    assert client.get_alias(FunctionName="fn", Name="live")["Description"] == "prod"
    client.update_function_configuration(FunctionName="fn", Timeout=10)
    client.publish_version(FunctionName="fn")
    assert client.update_alias(FunctionName="fn", Name="live", FunctionVersion="2")["FunctionVersion"] == "2"
    assert client.get_function_configuration(FunctionName="fn:live")["Timeout"] == 10
    assert [a["Name"] for a in client.list_aliases(FunctionName="fn")["Aliases"]] == ["live"]
    assert client.list_aliases(FunctionName="fn", FunctionVersion="1")["Aliases"] == []
    client.delete_alias(FunctionName="fn", Name="live")
    assert fails(client.get_alias, FunctionName="fn", Name="live") == (
        "ResourceNotFoundException", f"Alias not found: {ARN}fn:live", 404)


def test_alias_errors(client):
    make(client)
    client.create_alias(FunctionName="fn", Name="dev", FunctionVersion="$LATEST")
    assert fails(client.create_alias, FunctionName="fn", Name="dev", FunctionVersion="$LATEST") == (
        "ResourceConflictException", f"Alias already exists: {ARN}fn:dev", 409)
    assert fails(client.create_alias, FunctionName="fn", Name="x", FunctionVersion="9") == (
        "ResourceNotFoundException", f"Function not found: {ARN}fn:9", 404)
    assert fails(client.create_alias, FunctionName="fn", Name="123", FunctionVersion="$LATEST")[0] == \
        "ValidationException"


def test_weighted_alias_rules(client):
    make(client)
    client.publish_version(FunctionName="fn")
    client.update_function_configuration(FunctionName="fn", Timeout=9)
    client.publish_version(FunctionName="fn")
    made = client.create_alias(FunctionName="fn", Name="canary", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    assert made["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}
    code, message, _ = fails(client.create_alias, FunctionName="fn", Name="bad", FunctionVersion="$LATEST",
                             RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    assert message == "$LATEST is not supported for an alias pointing to more than 1 version"


def test_a_version_behind_an_alias_cannot_be_deleted(client):
    make(client)
    client.publish_version(FunctionName="fn")
    client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert fails(client.delete_function, FunctionName="fn", Qualifier="1") == (
        "ResourceConflictException", "Unable to delete version because the following aliases reference it: "
                                     "['live']", 409)


# ---- event invoke config -----------------------------------------------------------------------

def test_event_invoke_config(client):
    make(client)
    put = client.put_function_event_invoke_config(
        FunctionName="fn", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=3600,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:failed"}})
    assert put["FunctionArn"] == ARN + "fn:$LATEST"
    got = client.get_function_event_invoke_config(FunctionName="fn")
    assert (got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]) == (1, 3600)
    assert got["DestinationConfig"]["OnFailure"]["Destination"].endswith(":failed")


def test_event_invoke_config_limits(client):
    make(client)
    code, message, _ = fails(client.put_function_event_invoke_config, FunctionName="fn", MaximumRetryAttempts=3)
    assert code == "ValidationException" and message.endswith("less than or equal to 2")
    code, message, _ = fails(client.put_function_event_invoke_config, FunctionName="fn",
                             MaximumEventAgeInSeconds=21_601)
    assert code == "ValidationException" and message.endswith("less than or equal to 21600")
    assert fails(client.get_function_event_invoke_config, FunctionName="fn") == (
        "ResourceNotFoundException", f"The function {ARN}fn:$LATEST doesn't have an EventInvokeConfig", 404)


# ---- resource policy ---------------------------------------------------------------------------

def test_add_permission_and_get_policy(client, acct):
    make(client)
    statement = json.loads(client.add_permission(
        FunctionName="fn", StatementId="apigw", Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn="arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/hello")["Statement"])
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Resource"] == ARN + "fn"
    policy = json.loads(client.get_policy(FunctionName="fn")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["apigw"]
    service = acct.service("lambda")
    assert service.allows("fn", "apigateway.amazonaws.com",
                          "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/hello")
    assert not service.allows("fn", "apigateway.amazonaws.com",
                              "arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/hello")
    assert not service.allows("fn", "s3.amazonaws.com")


def test_policy_errors(client):
    make(client)
    assert fails(client.get_policy, FunctionName="fn") == (
        "ResourceNotFoundException", "The resource you requested does not exist.", 404)
    client.add_permission(FunctionName="fn", StatementId="s1", Action="lambda:InvokeFunction",
                          Principal="s3.amazonaws.com")
    code, message, status = fails(client.add_permission, FunctionName="fn", StatementId="s1",
                                  Action="lambda:InvokeFunction", Principal="s3.amazonaws.com")
    assert (code, status) == ("ResourceConflictException", 409) and "(s1)" in message
    client.remove_permission(FunctionName="fn", StatementId="s1")
    assert fails(client.get_policy, FunctionName="fn")[0] == "ResourceNotFoundException"


def test_unmodeled_operation_is_named(client):
    code, message, status = fails(client.list_layers)
    assert (code, status) == ("NotModeledBySimulator", 501) and "lambda:ListLayers" in message
