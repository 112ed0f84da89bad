"""Reserved and provisioned concurrency rules, the account pool, and throttling of live calls."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from course.sim.errors import AwsError
from tests.unit.sim.test_lambda_support import client, error_of, fake, make  # noqa: F401

BELOW_MINIMUM = ("Specified ReservedConcurrentExecutions for function decreases account's "
                 "UnreservedConcurrentExecution below its minimum value of [100].")


def fails(call, **params) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return error_of(caught)


# ---- reserved ----------------------------------------------------------------------------------

def test_reserved_concurrency_keeps_100_unreserved(client):
    make(client, "a")
    make(client, "b")
    assert client.put_function_concurrency(FunctionName="a", ReservedConcurrentExecutions=900)[
        "ReservedConcurrentExecutions"] == 900
    assert client.get_function_concurrency(FunctionName="a")["ReservedConcurrentExecutions"] == 900
    assert client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 100
    assert fails(client.put_function_concurrency, FunctionName="b", ReservedConcurrentExecutions=1) == (
        "InvalidParameterValueException", BELOW_MINIMUM, 400)
    assert fails(client.put_function_concurrency, FunctionName="a", ReservedConcurrentExecutions=901)[1] == \
        BELOW_MINIMUM


def test_reserved_concurrency_can_be_removed(client):
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    client.delete_function_concurrency(FunctionName="fn")
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName="fn")
    assert client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000


def test_account_settings(client):
    make(client)
    settings = client.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountUsage"]["FunctionCount"] == 1
    assert settings["AccountUsage"]["TotalCodeSize"] > 0


# ---- provisioned -------------------------------------------------------------------------------

def published(client, **overrides):
    make(client, **overrides)
    client.publish_version(FunctionName="fn")
    client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")


def test_provisioned_concurrency_never_on_latest(client):
    make(client)
    assert fails(client.put_provisioned_concurrency_config, FunctionName="fn", Qualifier="$LATEST",
                 ProvisionedConcurrentExecutions=5) == (
        "InvalidParameterValueException",
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.", 400)


def test_provisioned_concurrency_on_an_alias_becomes_ready(client, acct):
    published(client)
    put = client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="live",
                                                    ProvisionedConcurrentExecutions=5)
    assert (put["Status"], put["AllocatedProvisionedConcurrentExecutions"]) == ("IN_PROGRESS", 0)
    assert client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")["Status"] == "IN_PROGRESS"
    acct.clock.advance(60)
    got = client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")
    assert (got["Status"], got["AvailableProvisionedConcurrentExecutions"]) == ("READY", 5)


def test_provisioned_concurrency_on_a_version(client):
    published(client)
    put = client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="1",
                                                    ProvisionedConcurrentExecutions=2)
    assert put["RequestedProvisionedConcurrentExecutions"] == 2


def test_missing_provisioned_config(client):
    published(client)
    assert fails(client.get_provisioned_concurrency_config, FunctionName="fn", Qualifier="live") == (
        "ProvisionedConcurrencyConfigNotFoundException", "No Provisioned Concurrency Config found for this function",
        404)
    with pytest.raises(client.exceptions.ProvisionedConcurrencyConfigNotFoundException):
        client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")


def test_provisioned_within_reserved(client):
    published(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=10)
    assert fails(client.put_provisioned_concurrency_config, FunctionName="fn", Qualifier="live",
                 ProvisionedConcurrentExecutions=11)[1] == (
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=10)
    code, message, _ = fails(client.put_function_concurrency, FunctionName="fn", ReservedConcurrentExecutions=9)
    assert code == "InvalidParameterValueException" and "provisioned concurrency (10)" in message


def test_provisioned_leaves_100_unreserved(client, acct):
    acct.service("lambda").concurrency_limit = 150
    published(client)
    assert fails(client.put_provisioned_concurrency_config, FunctionName="fn", Qualifier="live",
                 ProvisionedConcurrentExecutions=51)[1].endswith("below its minimum value of [100].")
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=50)


def test_provisioned_refused_on_a_snapstart_version(client):
    published(client, SnapStart={"ApplyOn": "PublishedVersions"})
    assert fails(client.put_provisioned_concurrency_config, FunctionName="fn", Qualifier="live",
                 ProvisionedConcurrentExecutions=1) == (
        "InvalidParameterValueException",
        "Provisioned Concurrency is not supported for function versions with SnapStart enabled.", 400)


def test_delete_provisioned(client):
    published(client)
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1)
    client.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")
    assert fails(client.get_provisioned_concurrency_config, FunctionName="fn", Qualifier="live")[2] == 404


# ---- throttling live calls ---------------------------------------------------------------------

def test_reserved_zero_throttles_every_call(client, acct, fake):
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
        client.invoke(FunctionName="fn", Payload=b"{}")
    response = caught.value.response
    assert response["Error"] == {"Code": "TooManyRequestsException", "Message": "Rate Exceeded."}
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert fake.made == []
    [row] = acct.service("lambda").invocation_log.query(throttled=True)
    assert row.throttle_reason == "ReservedFunctionConcurrentInvocationLimitExceeded"


def _calls_itself(event, env):
    """A handler that invokes its own function once, while it is still running."""
    if event.get("inner"):
        return "inner ran"
    try:
        env.rpc("lambda", "Invoke", {"FunctionName": "fn", "Payload": json.dumps({"inner": True}).encode()})
        return "inner accepted"
    except AwsError as error:
        return f"{error.code}:{error.extra['Reason']}"


def test_a_call_made_while_the_only_reserved_slot_is_busy_is_throttled(client, acct, fake):
    fake.handler = _calls_itself
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=1)
    payload = json.loads(client.invoke(FunctionName="fn", Payload=b"{}")["Payload"].read())
    assert payload == "TooManyRequestsException:ReservedFunctionConcurrentInvocationLimitExceeded"
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=2)
    assert json.loads(client.invoke(FunctionName="fn", Payload=b"{}")["Payload"].read()) == "inner accepted"


def test_the_account_pool_throttles_unreserved_functions(client, acct, fake):
    fake.handler = _calls_itself
    make(client)
    acct.service("lambda").concurrency_limit = 1
    payload = json.loads(client.invoke(FunctionName="fn", Payload=b"{}")["Payload"].read())
    assert payload == "TooManyRequestsException:ConcurrentInvocationLimitExceeded"
