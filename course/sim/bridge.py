"""The boto3 bridge: real botocore clients whose calls a simulated account answers.

botocore emits ``before-parameter-build`` with the caller's parameters and,
after validating them and building a request, ``before-call``; a handler that
returns ``(http_response, parsed)`` from ``before-call`` stands in for the
network. So parameter validation, the turning of errors into exceptions and the
exception classes are botocore's own, and nothing is sent anywhere. What only a
sent request needs (the endpoint rules, the serialised body, the User-Agent
header) is skipped. Retries live in the HTTP layer that is skipped too, so a
throttled call is never silently retried.
"""

from __future__ import annotations

import functools
import io
import random
from typing import Any, Callable

from course.sim.errors import AwsError

_random = random.Random()
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
        # on every call and a good share of its cost, would only compute a URL nobody uses; the
        # same goes for the request body botocore serialises after validating the parameters.
        # Validation stays botocore's own.
        client._ruleset_resolver = None
        _leave_requests_unsent(client)

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
            "RequestId": _request_id(),
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


class _Unsent:
    """Stands in for botocore's serialiser: the request it would build is never sent."""

    def serialize_to_request(self, parameters, operation_model):
        return {"url_path": "/", "query_string": "", "method": "POST", "headers": {}, "body": b""}


def _leave_requests_unsent(client) -> None:
    from botocore.validate import ParamValidationDecorator

    serializer = client._serializer
    if isinstance(serializer, ParamValidationDecorator):
        serializer._serializer = _Unsent()  # parameters are still validated first
    else:
        client._serializer = _Unsent()
    # The User-Agent header is rebuilt for every request botocore would send; worked out once.
    agent = client._user_agent_creator.to_string()
    client._user_agent_creator.to_string = lambda: agent


def _request_id() -> str:
    """A version-4 UUID in text, as AWS request ids are, for a fraction of ``uuid.uuid4()``'s cost."""
    bits = (_random.getrandbits(128) & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC << 60) | (0x8 << 60)
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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
    streaming = _streaming_members(model)
    if streaming:
        from botocore.response import StreamingBody

        for name in streaming:
            if isinstance(body.get(name), (bytes, bytearray)):
                data = bytes(body[name])
                body[name] = StreamingBody(io.BytesIO(data), len(data))
    return body


@functools.lru_cache(maxsize=None)
def _streaming_members(model) -> tuple[str, ...]:
    """An operation's streaming output members, worked out once per operation model."""
    shape = model.output_shape
    if shape is None:
        return ()
    return tuple(name for name, member in shape.members.items()
                 if member.serialization.get("streaming") or (
                     shape.serialization.get("payload") == name and member.type_name == "blob"))


@functools.lru_cache(maxsize=None)
def _http(status: int):
    """The stand-in HTTP response botocore reads a status from; one per status is enough."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse("https://simulated.invalid/", status, {}, None)
