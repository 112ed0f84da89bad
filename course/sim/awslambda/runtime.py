"""Running a learner's Python handler for real, one worker process per execution environment.

An ``Environment`` is what Lambda calls an execution environment: created cold,
initialised on its first invoke (the handler's module is imported once), then
reused warm, so module-level state survives between invokes as it does in AWS.
The handler runs in ``worker.py``, a separate ``python -I`` process in its own
session; the app only reads pipes, so whatever the handler does (loop forever,
exhaust memory, exit, print megabytes, close stdout) the app gets an
``InvokeResult`` shaped like Lambda's answer and keeps running. Only Linux gets
every guard: memory is metered from /proc, and macOS falls back to the worker's
own peak-RSS report; Windows cannot run handlers at all.

boto3 calls the handler makes are served here, while the parent waits for the
result, through ``rpc(service, operation, params)`` (normally ``Account.call``).
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from course.sim.awslambda import rpc as _rpc

RpcCallable = Callable[[str, str, dict], dict]

#: Handler output kept per invoke; the rest is read and dropped so the worker never blocks on a full pipe.
LOG_LIMIT = 256 * 1024
#: Lambda's limit on the init phase, after which the environment is given up.
INIT_LIMIT_S = 10.0
#: How long past its timeout a handler may take before the parent kills it.
GRACE_S = 0.25
#: How often memory is sampled while a handler runs.
SAMPLE_S = 0.01
_WORKER = Path(__file__).with_name("worker.py")
WORKER_NAME = str(_WORKER).encode()
_HAS_PROC = os.path.exists("/proc/self/status")
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]
# Go's names for signals: Lambda's "Runtime exited with error: signal: killed" comes from Go.
_SIGNAL_NAMES = {"SIGKILL": "killed", "SIGSEGV": "segmentation fault", "SIGABRT": "aborted", "SIGTERM": "terminated",
                 "SIGBUS": "bus error", "SIGFPE": "floating point exception", "SIGILL": "illegal instruction",
                 "SIGINT": "interrupt", "SIGHUP": "hangup", "SIGPIPE": "broken pipe", "SIGXFSZ": "file size limit "
                 "exceeded", "SIGXCPU": "CPU time limit exceeded", "SIGTRAP": "trace/breakpoint trap"}


@dataclass(frozen=True)
class FunctionSpec:
    function_name: str
    version: str            # "$LATEST" or "1", "2"…
    arn: str
    runtime: str            # e.g. "python3.12"; only python3.x runtimes can run here
    handler: str            # "app.handler" → module app, function handler; "pkg.mod.fn" allowed
    code_dir: Path          # folder holding the handler's module(s)
    memory_mb: int = 128
    timeout_s: float = 3.0
    ephemeral_mb: int = 512
    environment: dict[str, str] = field(default_factory=dict)
    region: str = "us-east-1"
    account_id: str = "123456789012"
    #: The account's simulated clock (seconds since the epoch); the handler's wall clock follows it.
    clock: Callable[[], float] | None = None


@dataclass
class InvokeResult:
    payload: bytes              # the handler's JSON-encoded return value, or Lambda's error shape
    function_error: str | None  # None, or "Unhandled" when the handler raised / timed out / crashed
    logs: list[str]             # START/…handler output…/END/REPORT lines, like CloudWatch Logs
    request_id: str
    duration_ms: float
    billed_ms: int              # duration rounded UP to the next 1 ms
    init_ms: float | None       # init duration on a cold start, else None
    max_memory_mb: int
    cold: bool
    timed_out: bool = False


class Environment:
    """One execution environment = one worker process. Created cold; init runs on the first invoke."""

    def __init__(self, spec: FunctionSpec, rpc: RpcCallable | None = None):
        self.spec = spec
        self.rpc = rpc
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._pipes: _rpc.Pipes | None = None
        self._tmp: str | None = None
        self._dead = False
        self._closed = False
        self._peak_kb = 0
        self._execd = False
        self._log_stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{spec.version}]{uuid.uuid4().hex}"
        self._finalizer = None

    @property
    def alive(self) -> bool:
        return not (self._dead or self._closed) and (self._proc is None or self._proc.poll() is None)

    def close(self) -> None:
        self._closed = True
        if self._finalizer is not None:
            self._finalizer()

    def invoke(self, event: bytes, request_id: str | None = None) -> InvokeResult:
        """Run one request. An environment serves one request at a time, as in Lambda: a second
        caller (say, a handler invoking its own function through this very environment) is a
        bug in the caller and raises at once rather than waiting forever."""
        request_id = request_id or str(uuid.uuid4())
        if not self._lock.acquire(blocking=False):
            raise RuntimeError(f"an execution environment of {self.spec.function_name} is busy with another invoke")
        try:
            if self._dead or self._closed:
                raise RuntimeError(f"execution environment of {self.spec.function_name} is no longer alive; "
                                   "invoke through a fresh Environment")
            problem = _unsupported(self.spec)
            if problem:
                return self._refuse(request_id, problem)
            return _Invocation(self, bytes(event), request_id).run()
        finally:
            self._lock.release()

    # -- process lifetime ------------------------------------------------------------------------

    def _start(self) -> None:
        if not _HAS_PROC:
            warnings.warn("no /proc on this system: the simulator reports handlers' peak memory but cannot hold "
                          "them to memory_mb", RuntimeWarning, stacklevel=4)
        self._tmp = tempfile.mkdtemp(prefix="coldstart-lambda-tmp-")
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        log_r, log_w = os.pipe()
        code_dir = Path(self.spec.code_dir)
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-B", str(_WORKER), str(req_r), str(resp_w)],
                stdin=subprocess.DEVNULL, stdout=log_w, stderr=subprocess.STDOUT, pass_fds=(req_r, resp_w),
                cwd=str(code_dir) if code_dir.is_dir() else self._tmp, env=self._child_env(),
                start_new_session=True, close_fds=True)
        except BaseException:
            for fd in (req_w, resp_r, log_r):
                os.close(fd)
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        finally:
            for fd in (req_r, resp_w, log_w):
                os.close(fd)
        self._pipes = _rpc.Pipes(req_w, resp_r, log_r, LOG_LIMIT)
        self._finalizer = weakref.finalize(self, _cleanup, self._proc, self._pipes, self._tmp)

    def _config(self) -> dict:
        spec = self.spec
        return {"t": "config", "function_name": spec.function_name, "version": spec.version, "arn": spec.arn,
                "handler": spec.handler, "code_dir": str(Path(spec.code_dir).resolve()),
                "memory_mb": spec.memory_mb, "timeout_s": spec.timeout_s, "ephemeral_mb": spec.ephemeral_mb,
                "tmp": self._tmp, "log_group": f"/aws/lambda/{spec.function_name}", "log_stream": self._log_stream,
                "ensure_ascii": spec.runtime != "python3.12", "package_root": str(_PACKAGE_ROOT),
                "now": spec.clock() if spec.clock else None}

    def _child_env(self) -> dict[str, str]:
        """Only what Lambda itself sets (plus what the interpreter needs); nothing leaks from the app."""
        spec = self.spec
        env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8", "TZ": ":UTC"}
        for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "SYSTEMROOT"):
            if name in os.environ:
                env[name] = os.environ[name]
        env.update({str(k): str(v) for k, v in spec.environment.items()})
        env.update({
            "_HANDLER": spec.handler, "AWS_REGION": spec.region, "AWS_DEFAULT_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}", "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": self._log_stream, "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "LAMBDA_TASK_ROOT": str(Path(spec.code_dir).resolve()), "TMPDIR": self._tmp,
            "AWS_ACCESS_KEY_ID": "ASIASIMULATEDLAMBDA0", "AWS_SECRET_ACCESS_KEY": "simulated/secret/key/not/a/real/one",
            "AWS_SESSION_TOKEN": "simulated-session-token-for-" + spec.function_name,
        })
        return env

    def _kill(self) -> None:
        self._dead = True
        if self._proc is not None:
            _kill_group(self._proc)

    def _sample_kb(self) -> tuple[int, int]:
        """(current, peak) resident memory in KB from /proc; (0, 0) where there is no /proc."""
        if self._proc is None:
            return 0, 0
        try:
            if not self._execd:
                # Between fork and exec the child still has the app's memory (Textual, boto3…):
                # counting that would report, or even kill, a handler for the app's own size.
                with open(f"/proc/{self._proc.pid}/cmdline", "rb") as cmdline:
                    if WORKER_NAME not in cmdline.read():
                        return 0, self._peak_kb
                self._execd = True
            with open(f"/proc/{self._proc.pid}/status", "rb") as status:
                text = status.read()
        except OSError:
            return 0, 0
        rss = hwm = 0
        for line in text.splitlines():
            if line.startswith(b"VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith(b"VmHWM:"):
                hwm = int(line.split()[1])
        self._peak_kb = max(self._peak_kb, hwm, rss)
        return rss, self._peak_kb

    def _refuse(self, request_id: str, problem: tuple[str, str]) -> InvokeResult:
        error_type, message = problem
        payload = {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": []}
        logs = [f"START RequestId: {request_id} Version: {self.spec.version}", f"[ERROR] {error_type}: {message}",
                f"END RequestId: {request_id}", _report(request_id, 0.0, self.spec.memory_mb, 0, None)]
        return InvokeResult(json.dumps(payload).encode(), "Unhandled", logs, request_id, 0.0, 0, None, 0, False)


class _Invocation:
    """One invoke: feed the worker, serve its AWS calls, collect logs, watch the clock and memory."""

    def __init__(self, env: Environment, event: bytes, request_id: str):
        self.env, self.spec, self.request_id = env, env.spec, request_id
        self.cold = env._proc is None
        self.event = event.decode("utf-8", "replace")
        self.init_log = b""
        self.init_ms: float | None = None

    def run(self) -> InvokeResult:
        env, spec = self.env, self.spec
        started = handler_started = time.monotonic()
        if self.cold:
            try:
                env._start()
            except OSError as error:
                env._dead = True
                return env._refuse(self.request_id, ("Runtime.ExitError", f"The runtime could not start: {error}"))
            env._pipes.send(env._config())
            deadline = started + INIT_LIMIT_S
        else:
            env._pipes.send(self._invoke_message())
            deadline = started + spec.timeout_s + GRACE_S
        pipes = env._pipes
        pipes.new_invoke()
        try:
            while True:
                message = pipes.next(deadline, self._check_memory, SAMPLE_S)
                kind = message.get("t")
                if kind == "init" and self.init_ms is None:
                    handler_started = time.monotonic()
                    self.init_ms = (handler_started - started) * 1000
                    self.init_log = pipes.take_log()
                    if not message.get("ok"):
                        env._kill()
                        return self._finish(json.dumps(message.get("error")).encode(), True, 0.0)
                    deadline = handler_started + spec.timeout_s + GRACE_S
                    # Sent only now, so whatever the handler prints follows the init output already taken.
                    pipes.send(self._invoke_message())
                elif kind == "rpc":
                    pipes.send(_rpc.serve(env.rpc, str(message.get("service")), str(message.get("operation")),
                                          message.get("params") or {}))
                elif kind == "result":
                    payload = message.get("payload")
                    body = payload.encode() if isinstance(payload, str) else \
                        base64.b64decode(str(message.get("payload_b64", "")))
                    env._peak_kb = max(env._peak_kb, int(message.get("rss_kb") or 0))
                    return self._finish(body, bool(message.get("error")), float(message.get("ms") or 0.0))
                else:
                    raise _rpc.Ended("oom" if kind == "oom" else "garbled")
        except _rpc.Ended as end:
            return self._ended(end.reason, handler_started)

    def _invoke_message(self) -> dict:
        clock = self.env.spec.clock
        return {"t": "invoke", "id": self.request_id, "event": self.event, "now": clock() if clock else None}

    def _check_memory(self) -> None:
        if self.env._sample_kb()[0] > self.spec.memory_mb * 1024:
            raise _rpc.Ended("memory")

    def _ended(self, reason: str, handler_started: float) -> InvokeResult:
        """The worker is gone or must go: Lambda's timeout or runtime-exit answer."""
        env, spec, rid = self.env, self.spec, self.request_id
        status = None
        if reason == "exit":
            try:
                status = env._proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:  # it closed the pipe but lives on: killed below
                pass
        env._kill()
        env._pipes.read_log()
        in_init = self.init_ms is None
        if in_init:
            self.init_ms = INIT_LIMIT_S * 1000 if reason == "timeout" else (time.monotonic() - handler_started) * 1000
            self.init_log = env._pipes.take_log()
        if reason == "timeout":
            stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            message = f"{stamp} {rid} Task timed out after {spec.timeout_s:.2f} seconds"
            return self._finish(json.dumps({"errorMessage": message}).encode(), True, spec.timeout_s * 1000,
                                extra=[message], timed_out=True)
        if reason in ("memory", "oom"):
            env._peak_kb = max(env._peak_kb, spec.memory_mb * 1024)
            exit_text = "Runtime exited with error: signal: killed"
        elif reason == "garbled":
            exit_text = "Runtime exited with error: the runtime sent a message the simulator could not read"
        else:
            exit_text = _exit_text(status if status is not None else env._proc.poll())
        message = f"RequestId: {rid} Error: {exit_text}"
        payload = json.dumps({"errorType": "Runtime.ExitError", "errorMessage": message}).encode()
        return self._finish(payload, True, 0.0 if in_init else (time.monotonic() - handler_started) * 1000,
                            extra=[message, "Runtime.ExitError"])

    def _finish(self, payload: bytes, failed: bool, duration_ms: float, extra: list[str] = (),
                timed_out: bool = False) -> InvokeResult:
        env, spec, rid, pipes = self.env, self.spec, self.request_id, self.env._pipes
        if env._proc.poll() is None:
            env._sample_kb()
        max_mb = max(1, math.ceil(env._peak_kb / 1024))
        init_ms = self.init_ms if self.cold else None
        lines = _lines(self.init_log) + [f"START RequestId: {rid} Version: {spec.version}"] + _lines(pipes.log)
        if pipes.dropped:
            lines.append(f"[output truncated: {pipes.dropped} more bytes not kept; the simulator keeps the first "
                         f"{LOG_LIMIT // 1024} KB of output per invoke]")
        lines += list(extra) + [f"END RequestId: {rid}", _report(rid, duration_ms, spec.memory_mb, max_mb, init_ms)]
        if env._dead:
            env._finalizer()  # a dead environment's process and /tmp are of no further use
        return InvokeResult(payload, "Unhandled" if failed else None, lines, rid, duration_ms,
                            math.ceil(round(duration_ms, 6)), init_ms, max_mb, self.cold, timed_out)


def _unsupported(spec: FunctionSpec) -> tuple[str, str] | None:
    if not spec.runtime.startswith("python3"):
        return ("Runtime.Unsupported", "The simulator runs Python handlers only; declare a duration for this "
                "function in the scenario instead")
    if os.name != "posix":
        return ("Runtime.Unsupported", "The simulator runs handlers on Linux and macOS only")
    return None


def _lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    return text.splitlines() if text else []


def _report(rid: str, duration_ms: float, memory_mb: int, max_mb: int, init_ms: float | None) -> str:
    line = (f"REPORT RequestId: {rid}\tDuration: {duration_ms:.2f} ms\tBilled Duration: "
            f"{math.ceil(round(duration_ms, 6))} ms\tMemory Size: {memory_mb} MB\tMax Memory Used: {max_mb} MB")
    return line + (f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else "")


def _exit_text(returncode: int | None) -> str:
    if returncode is None:  # still running when it had to be killed
        returncode = -signal.SIGKILL
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"Runtime exited with error: signal: {_SIGNAL_NAMES.get(name, name.lower())}"
    if returncode == 0:
        return "Runtime exited without providing a reason"
    return f"Runtime exited with error: exit status {returncode}"


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the worker's whole session: anything it started dies with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        pass


def _cleanup(proc: subprocess.Popen, pipes: _rpc.Pipes, tmp: str | None) -> None:
    """Runs on close(), when an Environment is collected, or at interpreter exit (weakref.finalize)."""
    _kill_group(proc)
    pipes.close()
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
