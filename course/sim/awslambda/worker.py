"""The process one execution environment's handler runs in (``python -I -B worker.py REQ_FD RESP_FD``).

stdout and stderr share one pipe that the parent keeps as the function's logs;
messages are JSON lines on two other pipes, so nothing a handler prints can pass
for a message. The first request configures the environment, the handler's
module is imported once (init), and every invoke after that calls it, as in Lambda.

Limits and patches go in before learner code is imported. They turn the usual
mistakes (runaway memory, a huge /tmp file, a subprocess, a shared /tmp) into
Lambda's errors; they are no security boundary (ctypes steps around them). Only
the standard library is imported until the handler asks for more, so a cold
start costs little more than the interpreter's own start-up.
"""

import _thread
import binascii
import json
import os
import sys
import time

try:
    import resource
except ImportError:  # not a POSIX system: no limits, no peak-memory report
    resource = None

_dumps, _loads, _write, _perf = json.dumps, json.loads, os.write, time.perf_counter
_state = {"request_id": ""}
_LOG_FD = [1]


class Fault(Exception):
    """A failure of the runtime rather than the handler: Lambda names these ``Runtime.*``."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type, self.message, self.trace = error_type, message, trace or []


class Channel:
    """The message pipes, shared by the main loop and handler threads making AWS calls.

    One lock covers every read and write. A thread awaiting a reply may read the
    next invoke first (a call left over from one invoke is served when the next
    one starts); such lines wait in ``pending`` for the main loop.
    """

    def __init__(self, req_fd, resp_fd):
        self._in, self._out = os.fdopen(req_fd, "rb"), resp_fd
        self._lock = _thread.allocate_lock()
        self._pending = []

    def _send(self, text):
        data = (text + "\n").encode()
        while data:
            data = data[_write(self._out, data):]

    def send(self, text, wait=-1):
        if self._lock.acquire(timeout=wait):  # the out-of-memory report must not wait forever
            self._send(text)
            self._lock.release()

    def recv(self):
        with self._lock:
            line = self._pending.pop(0) if self._pending else self._in.readline()
        return _loads(line) if line else None

    def exchange(self, text):
        with self._lock:
            self._send(text)
            while True:
                line = self._in.readline()
                if not line:
                    os._exit(70)  # the parent is gone: nobody is left to answer
                message = _loads(line)
                if message.get("t") == "reply":
                    return message
                self._pending.append(line)


# ---------------------------------------------------------------- limits and patches


def peak_rss_kb() -> int:
    """Peak resident memory of this worker, in KB.

    /proc's VmHWM starts afresh at exec; getrusage's ru_maxrss does not (Linux keeps it
    across exec), so it would include the app's own memory from before the exec.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    if resource is None:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes

def apply_limits(memory_mb, ephemeral_mb):
    """Address-space caps are only a net far above the limit: the parent enforces memory_mb by
    watching RSS, which is what Lambda meters. RLIMIT_FSIZE sizes /tmp (per file); with SIGXFSZ
    ignored, an oversized write fails with OSError (EFBIG) instead of killing the process."""
    import signal

    mb = 1 << 20
    data = max(2 * memory_mb, memory_mb + 512) * mb
    for name, value in (("RLIMIT_DATA", data), ("RLIMIT_AS", data + 1024 * mb),
                        ("RLIMIT_FSIZE", ephemeral_mb * mb), ("RLIMIT_CORE", 0)):
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (AttributeError, ValueError, OSError):
            pass
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def redirect_tmp(private, keep):
    """Make the handler's "/tmp/..." paths land in this environment's own folder.

    Lambda gives every execution environment its own /tmp; here environments share
    a machine, so paths are rewritten at the os/open level that pathlib, shutil,
    tempfile and glob go through. Paths inside the private folder, the code folder
    or the Python installation stay as they are even when those live under /tmp.
    """
    import builtins
    import io

    exempt = tuple(p.rstrip("/") + "/" for p in keep if p and os.path.normpath(p) not in ("/", "/tmp"))
    as_text, as_bytes = ("/tmp", private, exempt), (b"/tmp", os.fsencode(private), tuple(map(os.fsencode, exempt)))

    def where(path):
        try:
            p = os.fspath(path)
        except TypeError:
            return path  # an fd, or something the real call will reject
        tmp, root, skip = as_text if isinstance(p, str) else as_bytes
        if p[:4] != tmp or p[4:5] not in (tmp[:0], tmp[:1]):
            return path
        q = os.path.normpath(p)
        if q[:4] != tmp or q[4:5] not in (tmp[:0], tmp[:1]) or (q + tmp[:1]).startswith(skip):
            return path
        return root + q[4:]

    def rewrite(original, count=1):
        def wrapper(*args, **kwargs):
            args = tuple(where(a) if i < count else a for i, a in enumerate(args))
            for key in ("file", "path", "name", "src", "dst"):
                if key in kwargs:
                    kwargs[key] = where(kwargs[key])
            return original(*args, **kwargs)
        wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = original.__name__, original.__doc__, original
        return wrapper

    builtins.open = io.open = rewrite(builtins.open)
    two = ("rename", "renames", "replace", "link", "symlink")
    for name in ("open", "stat", "lstat", "listdir", "scandir", "remove", "unlink", "rmdir", "mkdir", "makedirs",
                 "removedirs", "chdir", "access", "chmod", "chown", "lchown", "utime", "truncate", "readlink",
                 "statvfs", "mkfifo", *two):
        if hasattr(os, name):
            setattr(os, name, rewrite(getattr(os, name), 2 if name in two else 1))


def forbid_processes():
    """Lambda lets a handler start processes; the simulator does not, so that killing one
    process group always ends everything a handler started, and the app stays in charge."""
    def refuse(what):
        def wrapper(*args, **kwargs):
            raise PermissionError(f"{what} is blocked: handlers run by the Coldstart simulator cannot start "
                                  "other processes (real Lambda allows it)")
        return wrapper

    # os.spawn* go through os.fork, and os.exec* through os.execv/os.execve.
    for name in ("fork", "forkpty", "system", "popen", "posix_spawn", "posix_spawnp", "execv", "execve"):
        if hasattr(os, name):
            setattr(os, name, refuse(f"os.{name}"))
    try:
        import _posixsubprocess  # what subprocess and multiprocessing start children with
        _posixsubprocess.fork_exec = refuse("Starting a subprocess")
    except ImportError:
        pass
    me = os.getpid()

    def only_self(original):
        def wrapper(pid, sig):
            if pid not in (me, 0, -me):
                raise PermissionError(f"os.{original.__name__}({pid}) is blocked: a handler may only signal itself")
            return original(pid, sig)
        return wrapper

    os.kill = only_self(os.kill)
    if hasattr(os, "killpg"):
        os.killpg = only_self(os.killpg)


def watch_parent():
    """Exit when the app goes away without closing us (killed, crashed): a handler stuck in a
    loop would otherwise spin on as an orphan. The parent's death signal is no use here: it
    fires when the spawning thread ends, and the app invokes from worker threads."""
    getppid, sleep, leave, parent = os.getppid, time.sleep, os._exit, os.getppid()  # safe from monkeypatching

    def watch():
        while getppid() == parent:
            sleep(1)
        leave(0)

    _thread.start_new_thread(watch, ())


class _AfterImport:
    """A meta-path finder that runs a callback once a module has executed (e.g. botocore.session)."""

    def __init__(self, hooks):
        self.hooks = hooks

    def find_spec(self, name, path=None, target=None):
        hook = self.hooks.pop(name, None)
        if hook is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None) if finder is not self else None
            spec = find(name, path, target) if find else None
            if spec is not None and spec.loader is not None:
                execute = spec.loader.exec_module

                def exec_module(module):
                    execute(module)
                    hook(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


def install_import_hooks(channel, package_root):
    def rpc():
        if package_root not in sys.path:
            sys.path.append(package_root)  # after the handler's own folders: theirs win
        from course.sim.awslambda import rpc as module
        return module

    hooks = {"botocore.configprovider": lambda m: rpc().patch_botocore_config(m),
             "botocore.session": lambda m: rpc().patch_botocore_session(m, channel.exchange),
             "logging": install_lambda_logging}
    for name in [n for n in hooks if n in sys.modules]:
        hooks.pop(name)(sys.modules[name])
    sys.meta_path.insert(0, _AfterImport(hooks))


def install_lambda_logging(logging):
    """The root-logger handler Lambda's Python runtime installs, with its tab-separated format.
    Like Lambda, the root level is left alone: ``logger.info`` shows only after ``setLevel``."""
    class ToLog(logging.Handler):
        def emit(self, record):
            record.aws_request_id = _state["request_id"]
            log_write(self.format(record))

    logging.Formatter.converter = time.gmtime
    handler = ToLog()
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    logging.getLogger().addHandler(handler)


# ---------------------------------------------------------------- logs, context, errors

def log_write(text):
    data = text.encode("utf-8", "replace")
    try:
        while data:
            data = data[_write(_LOG_FD[0], data):]
    except OSError:
        pass


def flush_output():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # closed, replaced by something odd: its output is the handler's business
            pass


class LambdaContext:
    """What Lambda's Python runtime passes as ``context``; the clock starts when the handler is called."""

    def __init__(self, config, request_id, deadline):
        self.aws_request_id = request_id
        self.function_name, self.function_version = config["function_name"], config["version"]
        self.invoked_function_arn = config["arn"]
        self.memory_limit_in_mb = int(config["memory_mb"])
        self.log_group_name, self.log_stream_name = config["log_group"], config["log_stream"]
        self.identity = self.client_context = self.tenant_id = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))

    def log(self, msg):
        log_write(str(msg))


def error_from(exc, request_id):
    """Lambda's error document for an exception, with the worker's own frames left out."""
    import traceback

    if isinstance(exc, Fault):
        return {"errorMessage": exc.message, "errorType": exc.error_type, "requestId": request_id,
                "stackTrace": exc.trace}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return {"errorMessage": str(exc), "errorType": type(exc).__name__, "requestId": request_id,
            "stackTrace": traceback.format_list(frames)}


def log_error(error):
    lines = [f"[ERROR] {error['errorType']}" + (f": {error['errorMessage']}" if error["errorMessage"] else ""),
             "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        lines.extend(element.splitlines() or [""])
    log_write("\n".join(lines) + "\n")


def load_handler(spec):
    """Import the handler's module and find the function, failing the way Lambda's runtime does."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as exc:
        raise Fault("Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict", f"Cannot use built-in module {module_name} as a handler module")
    try:
        module = __import__(module_name.replace("/", "."), fromlist=["_"])
    except ImportError as exc:
        raise Fault("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}") from None
    except SyntaxError as exc:
        raise Fault("Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}",
                    [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'") from None


def marshal(result, ensure_ascii):
    """JSON the way Lambda's runtime writes it: bytes pass through, Decimal becomes a number."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result)

    def number(obj):
        import decimal

        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    try:
        return _dumps(result, default=number, ensure_ascii=ensure_ascii)
    except Exception as exc:
        raise Fault("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None


def out_of_memory(channel):
    """A MemoryError means the address-space net was hit, far past memory_mb: die the way
    Lambda's sandbox does (SIGKILL) once the parent knows why."""
    import signal

    channel.send('{"t":"oom"}', wait=1)
    signal.raise_signal(signal.SIGKILL)


# ---------------------------------------------------------------- main loop

_clock = None  # the worker_clock module, once the parent has sent a simulated time


def _load_sibling(name):
    """A module beside this file, loaded by path: ``python -I`` leaves this folder off sys.path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"coldstart_{name}", os.path.join(os.path.dirname(__file__), f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(channel, config, handler, message):
    if _clock is not None:
        _clock.set_simulated_now(message.get("now"))
    request_id = _state["request_id"] = message["id"]
    started = _perf()
    context = LambdaContext(config, request_id, time.monotonic() + float(config["timeout_s"]))
    failed = False
    try:
        try:
            event = _loads(message["event"]) if message["event"].strip() else {}
        except ValueError as exc:
            raise Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None
        payload = marshal(handler(event, context), config["ensure_ascii"])
    except MemoryError:
        out_of_memory(channel)
    except Exception as exc:
        failed, error = True, error_from(exc, request_id)
        log_error(error)
        payload = _dumps(error)
    duration = (_perf() - started) * 1000
    flush_output()
    reply = {"t": "result", "error": failed, "ms": duration, "rss_kb": peak_rss_kb()}
    if isinstance(payload, bytes):
        reply["payload_b64"] = binascii.b2a_base64(payload, newline=False).decode("ascii")
    else:
        reply["payload"] = payload
    channel.send(_dumps(reply))


def main(argv):
    global _clock
    channel = Channel(int(argv[1]), int(argv[2]))
    config = channel.recv()
    if not config:
        return 0
    watch_parent()
    _LOG_FD[0] = os.dup(1)  # logs keep flowing even if the handler closes its stdout
    sys.dont_write_bytecode = True  # Lambda's code folder is read-only: leave no __pycache__ behind
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except (AttributeError, ValueError):
            pass
    if resource is not None:
        apply_limits(int(config["memory_mb"]), int(config["ephemeral_mb"]))
    if config.get("now") is not None:
        _clock = _load_sibling("worker_clock")
        _clock.set_simulated_now(config["now"])
        _clock.follow_simulated_clock()
    code_dir = config["code_dir"]
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:0] = [code_dir, *extra]
    # The DAX client package (``import amazondax``), after the handler's own folders: a vendored copy wins.
    sys.path.append(os.path.join(config["package_root"], "course", "sim", "dax", "shim"))
    redirect_tmp(config["tmp"], [config["tmp"], sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path])
    forbid_processes()
    install_import_hooks(channel, config["package_root"])
    try:
        os.chdir(code_dir)
    except OSError:
        pass
    try:
        handler = load_handler(config["handler"])
    except MemoryError:
        out_of_memory(channel)
    except Exception as exc:
        error = error_from(exc, "")
        log_error(error)
        flush_output()
        channel.send(_dumps({"t": "init", "ok": False, "error": error}))
        return 1
    flush_output()
    channel.send('{"t":"init","ok":true}')
    while True:
        message = channel.recv()
        if message is None:
            return 0
        if message.get("t") == "invoke":
            invoke(channel, config, handler, message)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
