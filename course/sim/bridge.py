"""The boto3 bridge: real botocore clients whose calls a simulated account answers.

botocore emits ``before-parameter-build`` with the caller's parameters and,
after validating and serialising them, ``before-call``; a handler that returns
``(http_response, parsed)`` from ``before-call`` stands in for the network. So
parameter validation, response parsing into exceptions and the exception
classes are botocore's own, and nothing is sent anywhere. Retries live in the
HTTP layer that is skipped, so a throttled call is never silently retried.
"""

from __future__ import annotations

import io
import uuid
from typing import Any, Callable

from course.sim.errors import AwsError

Answer = Callable[[str, dict[str, Any]], dict[str, Any]]
_session = None


def botocore_session():
    """One botocore session per process: loading service models is what costs time."""
    global _session
    if _session is None:
        import botocore.session

        _session = botocore.session.Session()
        _session.set_config_variable("region", "us-east-1")
    return _session


def make_client(account, service: str, region: str | None = None):
    """A client of ``service`` in ``region`` (the account's own Region unless given)."""
    from botocore.config import Config

    region = region or account.region
    client = botocore_session().create_client(
        service,
        region_name=region,
        aws_access_key_id="SIMULATED",
        aws_secret_access_key="SIMULATED",
        endpoint_url=f"https://{service}.{region}.simulated.invalid",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=True),
    )
    if region == account.region:
        install(client, lambda operation, params: account.call(service, operation, params))
    else:
        install(client, lambda operation, params: account.call(service, operation, params, region=region))
    return client


def install(client, answer: Answer) -> None:
    """Make ``answer(operation_name, params)`` serve every call ``client`` makes."""
    events = client.meta.events
    service_id = client.meta.service_model.service_id.hyphenize()
    if service_id != "s3":  # S3's rules also shape presigned URLs, which do leave the process
        # Every call is answered before it would be sent, so botocore's endpoint rules, evaluated
        # on every call and a good share of its cost, would only compute a URL nobody uses.
        client._ruleset_resolver = None

    def remember(params, context, **_):
        context["coldstart_params"] = dict(params)

    def respond(model, context, **_):
        params = _readable(context.get("coldstart_params", {}))
        try:
            body = answer(model.name, params)
            status = 200
            parsed = _shape_output(model, dict(body))
        except AwsError as error:
            status = error.status
            parsed = {"Error": {"Code": error.code, "Message": error.message}, "message": error.message, **error.extra}
        parsed["ResponseMetadata"] = {
            "RequestId": str(uuid.uuid4()),
            "HTTPStatusCode": status,
            "HTTPHeaders": {},
            "RetryAttempts": 0,
        }
        return _http(status), parsed

    # Last, so the parameters kept are the ones after boto3's own handlers have rewritten them
    # (a DynamoDB resource turns Python values into attribute values and Key()/Attr() conditions
    # into expressions on this event).
    events.register_last(f"before-parameter-build.{service_id}", remember)
    events.register(f"before-call.{service_id}", respond)


def _readable(params: dict) -> dict:
    """File-like payloads (``Payload=open(...)``) are read: services see bytes."""
    out = {}
    for key, value in params.items():
        if hasattr(value, "read"):
            value = value.read()
        if isinstance(value, str) and key == "Payload":
            value = value.encode()
        out[key] = value
    return out


def _shape_output(model, body: dict) -> dict:
    """Streaming blobs (Lambda's Invoke ``Payload``) come back as botocore StreamingBody objects."""
    from botocore.response import StreamingBody

    shape = model.output_shape
    if shape is None:
        return body
    for name, member in shape.members.items():
        streaming = member.serialization.get("streaming") or (
            shape.serialization.get("payload") == name and member.type_name == "blob")
        if streaming and isinstance(body.get(name), (bytes, bytearray)):
            data = bytes(body[name])
            body[name] = StreamingBody(io.BytesIO(data), len(data))
    return body


def _http(status: int):
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://simulated.invalid/", status, {}, None)
