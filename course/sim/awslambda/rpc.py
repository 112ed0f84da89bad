"""The messages between the app and a handler's worker process, and the AWS calls they carry.

Everything crossing the pipes is JSON, one message per line: the app must never
unpickle what learner code wrote, and JSON cannot smuggle objects. Bytes,
datetimes and decimals, which botocore parameters and service responses hold,
travel as one-key tagged objects and are rebuilt on the other side.

A handler's boto3 client is a real botocore client (see ``course.sim.bridge``)
whose ``answer`` sends ``(service, operation, params)`` to the parent and waits
for the response or the AWS error; the parent serves it from inside its wait
loop (``Pipes.next``), so a handler's calls are answered while it runs. The
worker imports this module only once the handler imports botocore, so a
handler that never touches boto3 does not pay for it.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import json
import os
import select
import time
from typing import Any, Callable

#: A message line longer than this is a worker misbehaving, not a payload (those stop at 6 MB).
LINE_LIMIT = 64 << 20
_BYTES = "__coldstart_bytes__"
_TIME = "__coldstart_datetime__"
_DECIMAL = "__coldstart_decimal__"

#: How the worker sends one message line and waits for the parent's reply (parsed, still tagged).
Exchange = Callable[[str], dict]


def _tag(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, _dt.datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, _dt.date):
        return {_TIME: _dt.datetime(value.year, value.month, value.day).isoformat()}
    if isinstance(value, decimal.Decimal):
        return {_DECIMAL: str(value)}
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "read"):
        return _tag(value.read())
    raise TypeError(f"Object of type {type(value).__name__} cannot be sent to or from a handler")


def _untag(obj: dict) -> Any:
    if len(obj) == 1:
        key, value = next(iter(obj.items()))
        if key == _BYTES:
            return base64.b64decode(value)
        if key == _TIME:
            return _dt.datetime.fromisoformat(value)
        if key == _DECIMAL:
            return decimal.Decimal(value)
    return obj


def untag(value: Any) -> Any:
    """Rebuild tagged values in a message that was parsed without ``loads``."""
    if isinstance(value, dict):
        return _untag({key: untag(item) for key, item in value.items()})
    if isinstance(value, list):
        return [untag(item) for item in value]
    return value


def dumps(message: Any) -> str:
    """One message as a single line of JSON (``json`` escapes every newline inside strings)."""
    return json.dumps(message, default=_tag, separators=(",", ":"))


def loads(line: bytes | str) -> Any:
    return json.loads(line, object_hook=_untag)


class Ended(Exception):
    """The worker will not send the message waited for: it exited, was killed or broke the protocol."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Pipes:
    """The parent's ends of a worker's pipes, pumped without ever blocking on the worker.

    Output is read all the time, so a handler printing megabytes never stalls on a
    full pipe; only the first ``log_limit`` bytes per invoke are kept.
    """

    def __init__(self, req: int, resp: int, log: int, log_limit: int):
        self.fds = {"req": req, "resp": resp, "log": log}
        for fd in self.fds.values():
            os.set_blocking(fd, False)
        self.log_limit = log_limit
        self.out, self.inbox, self.log = bytearray(), bytearray(), bytearray()
        self.room, self.dropped = log_limit, 0

    def send(self, message: dict | str) -> None:
        """Queue a message (or its encoded line) for the worker; ``next`` writes it as the pipe drains."""
        self.out += ((message if isinstance(message, str) else dumps(message)) + "\n").encode()

    def new_invoke(self) -> None:
        self.log, self.room, self.dropped = bytearray(), self.log_limit, 0

    def take_log(self) -> bytes:
        log, self.log = bytes(self.log), bytearray()
        return log

    def read_log(self) -> bool:
        """Take what the log pipe holds; True once every writer has closed it."""
        while True:
            chunk = _read(self.fds["log"])
            if not chunk:
                return chunk is not None
            self.log += chunk[:self.room]
            self.dropped += max(0, len(chunk) - self.room)
            self.room = max(0, self.room - len(chunk))

    def next(self, deadline: float, check: Callable[[], None], every: float) -> dict:
        """Pump until the worker sends a whole message; ``check`` runs every ``every`` seconds and
        may raise Ended (memory). Raises Ended("timeout") at ``deadline`` (time.monotonic)."""
        req, resp, log = self.fds["req"], self.fds["resp"], self.fds["log"]
        poller = select.poll()
        poller.register(resp, select.POLLIN)
        poller.register(log, select.POLLIN)
        writing, checked = False, 0.0
        while True:
            end = self.inbox.find(b"\n")
            if end >= 0:
                line = bytes(self.inbox[:end])
                del self.inbox[:end + 1]
                self.read_log()  # what the worker wrote before this message is in the pipe already
                try:
                    message = loads(line)
                except ValueError:
                    raise Ended("garbled") from None
                if not isinstance(message, dict):
                    raise Ended("garbled")
                return message
            if bool(self.out) != writing:
                writing = bool(self.out)
                poller.register(req, select.POLLOUT) if writing else poller.unregister(req)
            now = time.monotonic()
            if now >= deadline:
                raise Ended("timeout")
            if now - checked >= every:
                checked = now
                check()
            for fd, _events in poller.poll(max(1, int(min(deadline - now, every) * 1000))):
                if fd == log and self.read_log():
                    poller.unregister(log)  # polling a closed pipe would spin
                elif fd == resp:
                    chunk = _read(resp)
                    if chunk == b"":
                        raise Ended("exit")
                    self.inbox += chunk or b""
                    if len(self.inbox) > LINE_LIMIT:
                        raise Ended("garbled")
                elif fd == req:
                    try:
                        del self.out[:os.write(req, self.out)]
                    except BlockingIOError:
                        pass
                    except OSError:  # the worker closed its end; its exit shows on the other pipe
                        self.out.clear()

    def close(self) -> None:
        for fd in self.fds.values():
            try:
                os.close(fd)
            except OSError:
                pass


def _read(fd: int) -> bytes | None:
    """Whatever the pipe holds now: b"" at end of file, None when it is merely empty."""
    try:
        return os.read(fd, 1 << 16)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def error_reply(code: str, message: str, status: int = 400, extra: dict | None = None) -> str:
    return dumps({"t": "reply", "error": {"code": code, "message": message, "status": status, "extra": extra or {}}})


def serve(rpc: Callable[[str, str, dict], dict] | None, service: str, operation: str, params: dict) -> str:
    """The parent's answer to one call, as an encoded reply line; never raises for what the call did.

    A service the account does not model (``Account.service`` raises KeyError)
    and a bug inside a model both come back as AWS-shaped errors, so the handler
    sees a ``ClientError`` instead of waiting forever, and the app keeps running.
    """
    from course.sim.errors import AwsError

    if rpc is None:
        return error_reply("ServiceUnavailable", "This execution environment has no simulated account to answer "
                           f"{service}:{operation}.", 503)
    try:
        return dumps({"t": "reply", "response": rpc(service, operation, params)})
    except AwsError as error:
        return error_reply(error.code, error.message, error.status, error.extra)
    except KeyError as error:
        return error_reply("NotModeledBySimulator", str(error.args[0] if error.args else error), 501)
    except Exception as error:  # a model's bug (or an answer JSON cannot carry) must not strand the handler
        import logging

        logging.getLogger(__name__).exception("simulated %s:%s failed", service, operation)
        return error_reply("ServiceException", f"The simulator failed answering {service}:{operation}: "
                           f"{type(error).__name__}: {error}", 500)


def answer_for(exchange: Exchange, service: str):
    """The bridge's ``answer`` for one client in the worker: forward, wait, rebuild the error."""
    from course.sim.errors import AwsError

    def answer(operation: str, params: dict) -> dict:
        reply = untag(exchange(dumps({"t": "rpc", "service": service, "operation": operation, "params": params})))
        error = reply.get("error")
        if error is not None:
            raise AwsError(error["code"], error["message"], error.get("status", 400), error.get("extra") or None)
        return reply.get("response") or {}

    return answer


def patch_botocore_config(module) -> None:
    """Keep the learner's own ~/.aws files out of a handler's session; Lambda has none either."""
    defaults = module.BOTOCORE_DEFAUT_SESSION_VARIABLES
    for name in ("config_file", "credentials_file"):
        config_name, env_var, _default, convert = defaults[name]
        defaults[name] = (config_name, env_var, os.devnull, convert)


def patch_botocore_session(module, exchange: Exchange) -> None:
    """Every client any botocore session creates from now on is answered by the parent."""
    from course.sim import bridge

    original = module.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        client = original(self, service_name, *args, **kwargs)
        answer = answer_for(exchange, service_name)
        endpoint = kwargs.get("endpoint_url") or (args[4] if len(args) > 4 else None)
        if service_name == "dynamodb" and str(endpoint or "").lower().startswith(("dax://", "daxs://")):
            from course.sim.dax.client import through_cluster  # a DynamoDB client pointed at a DAX cluster

            answer = through_cluster(answer_for(exchange, "dax"), endpoint)
        bridge.install(client, answer)
        return client

    create_client.__doc__ = original.__doc__
    create_client.__wrapped__ = original
    module.Session.create_client = create_client
