"""Invoke: synchronous calls, queued events with retries and destinations, and throttling.

A synchronous call runs the handler now and answers with its result. An
``Event`` call is accepted (202) and queued; it runs when a scenario calls
``drain()`` (advancing the simulated clock to each retry, one minute then two
minutes later, as Lambda waits) and, after the last failed attempt, its record
goes to the on-failure destination and the dead-letter queue. Calls beyond the
function's reserved concurrency or the account's unreserved pool are throttled
with the 429 Lambda answers, and every outcome is written to the invocation log.
"""

from __future__ import annotations

import base64
import json
import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from course.sim.awslambda import config
from course.sim.awslambda.environments import restore_ms
from course.sim.awslambda.errors import (
    InvalidRequestContentException,
    RequestTooLargeException,
    TooManyRequestsException,
)
from course.sim.awslambda.invocations import Invocation, QueuedEvent
from course.sim.awslambda.state import Function, Version
from course.sim.service import operation

#: Lambda's documented waits before the first and the second retry of a failed event.
RETRY_DELAYS_S = (60.0, 120.0)
#: How long a throttled event waits before Lambda tries it again (it keeps trying until the event's age runs out).
THROTTLE_RETRY_S = 60.0
LOG_TAIL_BYTES = 4096
_INIT = re.compile(r"\tInit Duration: [0-9.]+ ms")


@dataclass
class Outcome:
    payload: bytes
    function_error: str | None
    logs: list[str]
    record: Invocation


@dataclass
class _Unsupported:
    """The result of a function the simulator cannot run (a container image)."""

    payload: bytes
    request_id: str
    function_error: str = "Unhandled"
    logs: tuple = ()
    duration_ms: float = 0.0
    billed_ms: int = 0
    init_ms: float | None = None
    max_memory_mb: int = 0
    cold: bool = False
    timed_out: bool = False


class InvokeOps:
    @operation("Invoke")
    def invoke(self, params: dict) -> dict:
        function, qualifier = self.function(params["FunctionName"], params.get("Qualifier"))
        self.version(function, qualifier)
        kind = params.get("InvocationType") or "RequestResponse"
        payload = params.get("Payload") or b""
        payload = payload.encode() if isinstance(payload, str) else bytes(payload)
        limit = config.ASYNC_PAYLOAD_MAX if kind == "Event" else config.SYNC_PAYLOAD_MAX
        if len(payload) > limit:
            raise RequestTooLargeException(f"Request must be smaller than {limit} "
                                           "bytes for the InvokeFunction operation")
        _check_json(payload)
        if kind == "DryRun":
            return {"StatusCode": 204, "Payload": b""}
        if kind == "Event":
            request_id = self.new_request_id()
            self.queue.push(QueuedEvent(function.name, qualifier, payload, request_id, self.now, self.now))
            return {"StatusCode": 202, "Payload": b""}
        version = self.routed_version(function, qualifier)
        outcome = self.run(function, qualifier, version, payload, "RequestResponse")
        response = {"StatusCode": 200, "ExecutedVersion": version.number, "Payload": outcome.payload}
        if outcome.function_error:
            response["FunctionError"] = outcome.function_error
        if params.get("LogType") == "Tail":
            tail = "\n".join(outcome.logs).encode("utf-8")[-LOG_TAIL_BYTES:]
            response["LogResult"] = base64.b64encode(tail).decode("ascii")
        return response

    def new_request_id(self) -> str:
        """Request ids drawn from the service's seeded generator, so a scenario replays identically."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def routed_version(self, function: Function, qualifier: str | None) -> Version:
        """A weighted alias sends each call to its additional version with that version's weight."""
        alias = function.aliases.get(qualifier or "")
        if alias and alias.weights:
            draw = self.rng.random()
            for number, weight in alias.weights.items():
                if draw < weight:
                    return function.versions[number]
                draw -= weight
        return self.version(function, qualifier)

    # ---- running one invocation -------------------------------------------------------------

    def run(self, function: Function, qualifier: str | None, version: Version, payload: bytes, kind: str,
            attempt: int = 1, request_id: str | None = None) -> Outcome:
        """One attempt: throttle check, an environment from the pool, the handler, the log record."""
        request_id = request_id or self.new_request_id()
        record = Invocation(self.now, function.name, qualifier, version.number, request_id, kind, attempt,
                            memory_mb=version.memory_mb, architecture=version.architecture,
                            payload_bytes=len(payload))
        reason = self._throttle_reason(function)
        if reason:
            record.throttled, record.throttle_reason = True, reason
            self.invocation_log.add(record)
            raise TooManyRequestsException("Rate Exceeded.", extra={"Reason": reason, "retryAfterSeconds": ""})
        self.in_flight[function.name] = self.in_flight.get(function.name, 0) + 1
        try:
            result, provisioned = self._execute(function, version, payload, request_id)
        finally:
            self.in_flight[function.name] -= 1
        return self._record(record, version, result, provisioned)

    def _throttle_reason(self, function: Function) -> str | None:
        cap, reason = self.concurrency_cap(function)
        if function.reserved is not None:
            used = self.in_flight.get(function.name, 0)
        else:
            used = sum(n for name, n in self.in_flight.items()
                       if name in self._functions and self._functions[name].reserved is None)
        return reason if used >= cap else None

    def _execute(self, function: Function, version: Version, payload: bytes, request_id: str):
        if version.config["PackageType"] == "Image":
            error = {"errorMessage": "The simulator runs handlers from .zip packages only; declare a duration "
                                     "for this function in the scenario instead",
                     "errorType": "Runtime.Unsupported"}
            return _Unsupported(json.dumps(error).encode(), request_id), False
        pool = self.pools.get(function, version)
        slot = pool.acquire(self.now, self.reclaim_after_s, self.provisioned_for(function, version.number, self.now))
        first_use = slot.uses == 0
        try:
            result = slot.env.invoke(payload or b"{}", request_id=request_id)
        finally:
            pool.release(slot, self.now)
        return result, slot.provisioned and first_use

    def _record(self, record: Invocation, version: Version, result, provisioned: bool) -> Outcome:
        logs = list(result.logs)
        init = result.init_ms if result.cold else None
        if provisioned:
            # Initialised when the provisioned concurrency was allocated, not during this call.
            logs = [_INIT.sub("", line) for line in logs]
            init = None
        elif init is not None and version.snapstart_on:
            init = restore_ms(init)
            logs = [_INIT.sub(f"\tRestore Duration: {init:.2f} ms", line) for line in logs]
        payload, error = bytes(result.payload), result.function_error
        if len(payload) > config.SYNC_RESPONSE_MAX:
            payload = json.dumps({
                "errorMessage": f"Response payload size ({len(payload)} bytes) exceeded maximum allowed payload "
                                f"size ({config.SYNC_RESPONSE_MAX} bytes).",
                "errorType": "Function.ResponseSizeTooLarge"}).encode()
            error = "Unhandled"
        record.cold = init is not None
        record.provisioned = provisioned
        record.snapstart_restore = record.cold and version.snapstart_on
        record.duration_ms = result.duration_ms
        record.init_ms = init
        # Lambda bills the init phase of on-demand cold starts with the handler's time; a SnapStart
        # restore is not billed as duration (only its runtime hooks are, which the simulator does not run).
        billed_init = 0.0 if record.snapstart_restore else (init or 0.0)
        record.billed_ms = math.ceil(result.duration_ms + billed_init)
        record.max_memory_mb = result.max_memory_mb
        record.error = error
        record.error_type = _error_type(payload) if error else None
        record.timed_out = bool(result.timed_out)
        self.invocation_log.add(record)
        return Outcome(payload, error, logs, record)

    # ---- asynchronous events ----------------------------------------------------------------

    def drain(self, advance_clock: bool = True) -> int:
        """Run queued events; with ``advance_clock`` the simulated clock moves on to each retry."""
        processed = 0
        while True:
            event = self.queue.pop_due(self.now)
            if event is None:
                due = self.queue.next_due()
                if due is None or not advance_clock:
                    return processed
                self.account.clock.set(due)
                continue
            self._run_event(event)
            processed += 1

    def _run_event(self, event: QueuedEvent) -> None:
        function = self._functions.get(event.function)
        if function is None:
            return
        retries, max_age, destinations = self.event_settings(function, event.qualifier)
        if self.now - event.enqueued_at > max_age:
            self._failed(function, event, destinations, "EventAgeExceeded")
            return
        version = self.routed_version(function, event.qualifier)
        try:
            outcome = self.run(function, event.qualifier, version, event.payload, "Event",
                               event.attempts + 1, event.request_id)
        except TooManyRequestsException:
            event.due_at = self.now + THROTTLE_RETRY_S
            self.queue.push(event)
            return
        event.attempts += 1
        event.last_result = {"version": version.number, "error": outcome.function_error,
                             "payload": outcome.payload}
        if outcome.function_error is None:
            if destinations.get("OnSuccess"):
                self._deliver("OnSuccess", destinations["OnSuccess"]["Destination"],
                              _destination_record(function, event, "Success", self.now))
            return
        if event.attempts <= retries:
            event.due_at = self.now + RETRY_DELAYS_S[min(event.attempts, len(RETRY_DELAYS_S)) - 1]
            self.queue.push(event)
            return
        self._failed(function, event, destinations, "RetriesExhausted")

    def _failed(self, function: Function, event: QueuedEvent, destinations: dict, condition: str) -> None:
        if destinations.get("OnFailure"):
            self._deliver("OnFailure", destinations["OnFailure"]["Destination"],
                          _destination_record(function, event, condition, self.now))
        target = self.version(function, event.qualifier).config.get("DeadLetterConfig", {}).get("TargetArn")
        if target:
            last = event.last_result
            self._deliver("DeadLetterQueue", target, {
                "body": event.payload.decode("utf-8", "replace"),
                "attributes": {"RequestID": event.request_id, "ErrorCode": "200",
                               "ErrorMessage": _error_message(last.get("payload", b""))}})

    def _deliver(self, kind: str, destination: str, record: dict) -> None:
        self.deliveries.append({"time": self.now, "kind": kind, "destination": destination, "record": record})


def _destination_record(function: Function, event: QueuedEvent, condition: str, now: float) -> dict:
    """The invocation record Lambda sends to an async destination."""
    last = event.last_result
    version = last.get("version", "$LATEST")
    record = {
        "version": "1.0",
        "timestamp": datetime.fromtimestamp(now, tz=timezone.utc).isoformat(timespec="milliseconds")
                     .replace("+00:00", "Z"),
        "requestContext": {"requestId": event.request_id, "functionArn": function.qualified_arn(version),
                           "condition": condition, "approximateInvokeCount": event.attempts},
        "requestPayload": _json_or_text(event.payload),
        "responseContext": {"statusCode": 200, "executedVersion": version},
        "responsePayload": _json_or_text(last.get("payload", b"")),
    }
    if last.get("error"):
        record["responseContext"]["functionError"] = last["error"]
    return record


def _json_or_text(data: bytes):
    try:
        return json.loads(data) if data else None
    except ValueError:
        return data.decode("utf-8", "replace")


def _error_type(payload: bytes) -> str | None:
    body = _json_or_text(payload)
    return body.get("errorType") if isinstance(body, dict) else None


def _error_message(payload: bytes) -> str:
    body = _json_or_text(payload)
    return str(body.get("errorMessage", "")) if isinstance(body, dict) else ""


def _check_json(payload: bytes) -> None:
    if not payload:
        return
    try:
        json.loads(payload)
    except ValueError as problem:
        raise InvalidRequestContentException("Could not parse request body into json: "
                                             f"Could not parse payload into json: {problem}") from None
