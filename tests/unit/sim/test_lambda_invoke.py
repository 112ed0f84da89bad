"""Invoke: responses, payload limits, logs, warm-environment reuse, queued events and their retries."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from tests.unit.sim.test_lambda_support import ARN, client, error_of, fake, make  # noqa: F401

MB = 1024 * 1024
FAILED_QUEUE = "arn:aws:sqs:us-east-1:123456789012:failed"


def invoke(client, **params) -> tuple[dict, object]:
    response = client.invoke(**params)
    body = response["Payload"].read()
    return response, json.loads(body) if body else None


def boom(event, env):
    raise ValueError("bad input")


# ---- synchronous ---------------------------------------------------------------------------

def test_sync_invoke_returns_the_handlers_result(client, fake):
    make(client)
    response, body = invoke(client, FunctionName="fn", Payload=b'{"name": "Ada"}')
    assert (response["StatusCode"], response["ExecutedVersion"], body) == (200, "$LATEST", {"name": "Ada"})
    assert "FunctionError" not in response and "LogResult" not in response
    assert fake.made[0].spec.memory_mb == 128 and fake.made[0].spec.function_name == "fn"


def test_handler_error_shape(client, fake):
    fake.handler = boom
    make(client)
    response, body = invoke(client, FunctionName="fn", Payload=b"{}")
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "bad input")


def test_log_tail_is_the_last_4_kb_base64(client, fake):
    fake.lines = [f"line {n} " + "x" * 100 for n in range(100)]
    make(client)
    response, _ = invoke(client, FunctionName="fn", Payload=b"{}", LogType="Tail")
    tail = base64.b64decode(response["LogResult"])
    assert len(tail) == 4096
    assert tail.decode().splitlines()[-1].startswith("REPORT RequestId: ")


def test_an_empty_payload_is_an_empty_event(client, fake):
    make(client)
    assert invoke(client, FunctionName="fn")[1] == {}


def test_payload_must_be_json(client, fake):
    make(client)
    with pytest.raises(ClientError) as caught:
        client.invoke(FunctionName="fn", Payload=b"not json")
    code, message, status = error_of(caught)
    assert (code, status) == ("InvalidRequestContentException", 400)
    assert message.startswith("Could not parse request body into json")


def _json_of_size(size: int) -> bytes:
    return b'"' + b"a" * (size - 2) + b'"'


def test_sync_request_limit_is_6_mb(client, fake):
    make(client)
    assert client.invoke(FunctionName="fn", Payload=_json_of_size(6 * MB))["StatusCode"] == 200
    with pytest.raises(client.exceptions.RequestTooLargeException) as caught:
        client.invoke(FunctionName="fn", Payload=_json_of_size(6 * MB + 1))
    assert error_of(caught) == ("RequestTooLargeException",
                                "Request must be smaller than 6291456 bytes for the InvokeFunction operation", 413)


def test_async_request_limit_is_1_mb_not_256_kb(client, fake):
    make(client)
    assert client.invoke(FunctionName="fn", InvocationType="Event", Payload=_json_of_size(300 * 1024))[
        "StatusCode"] == 202
    assert client.invoke(FunctionName="fn", InvocationType="Event", Payload=_json_of_size(MB))["StatusCode"] == 202
    with pytest.raises(ClientError) as caught:
        client.invoke(FunctionName="fn", InvocationType="Event", Payload=_json_of_size(MB + 1))
    assert error_of(caught)[::2] == ("RequestTooLargeException", 413)


def test_an_oversized_response_is_a_function_error(client, fake):
    fake.handler = lambda event, env: "a" * (6 * MB + 100)
    make(client)
    response, body = invoke(client, FunctionName="fn", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Function.ResponseSizeTooLarge"
    assert body["errorMessage"].endswith("exceeded maximum allowed payload size (6291556 bytes).")


def test_dry_run_checks_without_running(client, fake):
    make(client)
    response = client.invoke(FunctionName="fn", InvocationType="DryRun")
    assert response["StatusCode"] == 204 and fake.made == []


def test_invoking_an_alias_runs_its_version(client, fake):
    make(client)
    client.publish_version(FunctionName="fn")
    client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert client.invoke(FunctionName="fn", Qualifier="live")["ExecutedVersion"] == "1"
    assert client.invoke(FunctionName=ARN + "fn:live")["ExecutedVersion"] == "1"


def test_weighted_alias_splits_traffic(client, acct, fake):
    make(client)
    client.publish_version(FunctionName="fn")
    client.update_function_configuration(FunctionName="fn", Timeout=5)
    client.publish_version(FunctionName="fn")
    client.create_alias(FunctionName="fn", Name="canary", FunctionVersion="1",
                        RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}})
    versions = [client.invoke(FunctionName="fn:canary")["ExecutedVersion"] for _ in range(500)]
    assert 70 <= versions.count("2") <= 130 and versions.count("1") == 500 - versions.count("2")


def test_image_functions_cannot_run_here(client, acct, fake):
    client.create_function(FunctionName="img", Role="arn:aws:iam::123456789012:role/r", PackageType="Image",
                           Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"})
    response, body = invoke(client, FunctionName="img")
    assert response["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.Unsupported"


# ---- warm environments ---------------------------------------------------------------------

def test_second_call_reuses_the_warm_environment(client, acct, fake):
    make(client)
    client.invoke(FunctionName="fn")
    client.invoke(FunctionName="fn")
    assert len(fake.made) == 1
    first, second = acct.service("lambda").invocation_log.records
    assert (first.cold, first.init_ms, first.billed_ms) == (True, 100.0, 110)
    assert (second.cold, second.init_ms, second.billed_ms) == (False, None, 10)


def test_idle_environments_are_reclaimed_on_the_simulated_clock(client, acct, fake):
    make(client)
    client.invoke(FunctionName="fn")
    acct.clock.advance(599)
    client.invoke(FunctionName="fn")
    assert len(fake.made) == 1
    acct.clock.advance(601)
    client.invoke(FunctionName="fn")
    assert len(fake.made) == 2 and fake.closed == [fake.made[0]]
    assert [r.cold for r in acct.service("lambda").invocation_log.records] == [True, False, True]


def test_a_dead_environment_is_replaced(client, fake):
    fake.die_after = 1
    make(client)
    client.invoke(FunctionName="fn")
    client.invoke(FunctionName="fn")
    assert len(fake.made) == 2 and fake.made[0] in fake.closed


def test_new_code_or_configuration_means_new_environments(client, fake):
    make(client)
    client.invoke(FunctionName="fn")
    client.update_function_configuration(FunctionName="fn", MemorySize=256)
    client.invoke(FunctionName="fn")
    assert len(fake.made) == 2 and fake.made[1].spec.memory_mb == 256


def test_versions_keep_their_own_code(client, fake):
    make(client)
    client.publish_version(FunctionName="fn")
    client.update_function_code(FunctionName="fn", ZipFile="def handler(e, c):\n    return 2\n")
    client.invoke(FunctionName="fn", Qualifier="1")
    client.invoke(FunctionName="fn")
    one, latest = fake.made
    assert "return event" in (one.spec.code_dir / "index.py").read_text()
    assert "return 2" in (latest.spec.code_dir / "index.py").read_text()


def test_provisioned_environments_start_warm(client, acct, fake):
    make(client)
    client.publish_version(FunctionName="fn")
    client.put_provisioned_concurrency_config(FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=1)
    acct.clock.advance(60)
    response = client.invoke(FunctionName="fn", Qualifier="1", LogType="Tail")
    row = acct.service("lambda").invocation_log.records[-1]
    assert (row.cold, row.provisioned, row.init_ms) == (False, True, None)
    assert "Init Duration" not in base64.b64decode(response["LogResult"]).decode()


def test_snapstart_version_restores_instead_of_init(client, acct, fake):
    make(client, SnapStart={"ApplyOn": "PublishedVersions"})
    client.publish_version(FunctionName="fn")
    client.invoke(FunctionName="fn")
    response = client.invoke(FunctionName="fn", Qualifier="1", LogType="Tail")
    latest, version = acct.service("lambda").invocation_log.records
    assert (latest.init_ms, latest.snapstart_restore, latest.billed_ms) == (100.0, False, 110)
    assert (version.init_ms, version.snapstart_restore, version.billed_ms) == (10.0, True, 10)  # restore not billed
    report = base64.b64decode(response["LogResult"]).decode().splitlines()[-1]
    assert report.endswith("\tRestore Duration: 10.00 ms") and "Init Duration" not in report


# ---- asynchronous --------------------------------------------------------------------------

def test_event_is_queued_until_drained(client, acct, fake):
    make(client)
    assert client.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"n": 1}')["StatusCode"] == 202
    assert fake.made == []
    assert acct.service("lambda").drain() == 1
    assert fake.made[0].events == [{"n": 1}]


def test_failed_event_is_retried_twice_then_sent_to_the_failure_destination(client, acct, fake):
    fake.handler = boom
    make(client)
    client.put_function_event_invoke_config(FunctionName="fn",
                                            DestinationConfig={"OnFailure": {"Destination": FAILED_QUEUE}})
    start = acct.clock.now()
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"order": 7}')
    service = acct.service("lambda")
    assert service.drain() == 3
    attempts = service.invocation_log.query(invocation_type="Event")
    assert [(r.attempt, r.time - start, r.error) for r in attempts] == [
        (1, 0.0, "Unhandled"), (2, 60.0, "Unhandled"), (3, 180.0, "Unhandled")]
    [delivery] = service.deliveries
    assert (delivery["kind"], delivery["destination"]) == ("OnFailure", FAILED_QUEUE)
    record = delivery["record"]
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"] == ARN + "fn:$LATEST"
    assert record["requestPayload"] == {"order": 7}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "bad input"


def test_maximum_retry_attempts_zero_means_one_attempt(client, acct, fake):
    fake.handler = boom
    make(client, DeadLetterConfig={"TargetArn": FAILED_QUEUE})
    client.put_function_event_invoke_config(FunctionName="fn", MaximumRetryAttempts=0)
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"n": 1}')
    service = acct.service("lambda")
    assert service.drain() == 1
    [delivery] = service.deliveries
    assert delivery["kind"] == "DeadLetterQueue" and delivery["record"]["body"] == '{"n": 1}'
    assert delivery["record"]["attributes"]["ErrorMessage"] == "bad input"


def test_events_older_than_the_maximum_age_are_dropped(client, acct, fake):
    fake.handler = boom
    make(client)
    client.put_function_event_invoke_config(FunctionName="fn", MaximumEventAgeInSeconds=60,
                                            DestinationConfig={"OnFailure": {"Destination": FAILED_QUEUE}})
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b"{}")
    service = acct.service("lambda")
    service.drain()
    assert len(service.invocation_log.query(invocation_type="Event")) == 2  # at 0 s and 60 s; 180 s is too old
    assert service.deliveries[0]["record"]["requestContext"]["condition"] == "EventAgeExceeded"


def test_successful_event_goes_to_the_success_destination(client, acct, fake):
    make(client)
    client.put_function_event_invoke_config(
        FunctionName="fn", DestinationConfig={"OnSuccess": {"Destination": "arn:aws:sns:us-east-1:123456789012:ok"}})
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"a": 1}')
    acct.service("lambda").drain()
    [delivery] = acct.service("lambda").deliveries
    assert delivery["kind"] == "OnSuccess" and delivery["record"]["responsePayload"] == {"a": 1}


def test_drain_without_the_clock_runs_only_what_is_due(client, acct, fake):
    fake.handler = boom
    make(client)
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b"{}")
    service = acct.service("lambda")
    assert service.drain(advance_clock=False) == 1
    acct.clock.advance(60)
    assert service.drain(advance_clock=False) == 1
    assert len(service.queue) == 1


def test_throttled_events_wait_and_run_later(client, acct, fake):
    make(client)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    client.invoke(FunctionName="fn", InvocationType="Event", Payload=b"{}")
    service = acct.service("lambda")
    assert service.drain(advance_clock=False) == 1
    assert service.invocation_log.records[-1].throttled and len(service.queue) == 1
    client.delete_function_concurrency(FunctionName="fn")
    service.drain()
    assert service.invocation_log.records[-1].throttled is False
