"""A learner's handler runs in its own process; the app gets Lambda-shaped results and survives."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

from course.sim.awslambda.runtime import Environment, FunctionSpec, InvokeResult
from course.sim.errors import AwsError
from tests.conftest import DATA

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="handler processes are Linux-first")

HANDLERS = DATA / "handlers"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


@pytest.fixture
def make_env():
    made: list[Environment] = []

    def make(handler: str, code: str = "basic", rpc=None, **options) -> Environment:
        name = options.pop("function_name", "demo-fn")
        spec = FunctionSpec(function_name=name, version=options.pop("version", "$LATEST"), arn=ARN.format(name),
                            runtime=options.pop("runtime", "python3.12"), handler=handler,
                            code_dir=HANDLERS / code, **options)
        env = Environment(spec, rpc=rpc)
        made.append(env)
        return env

    yield make
    for env in made:
        env.close()


def call(env: Environment, event=None, request_id: str | None = None) -> InvokeResult:
    return env.invoke(json.dumps({} if event is None else event).encode(), request_id)


def body(result: InvokeResult):
    return json.loads(result.payload)


def report(result: InvokeResult) -> str:
    assert result.logs[-1].startswith("REPORT RequestId: ")
    return result.logs[-1]


# ---------------------------------------------------------------- lifecycle

def test_cold_then_warm_reuses_the_module(make_env):
    env = make_env("app.count")
    first, second = call(env, request_id="req-1"), call(env, request_id="req-2")
    assert (body(first), body(second)) == ({"invocations": 1}, {"invocations": 2})
    assert first.cold and not second.cold
    assert first.init_ms is not None and first.init_ms > 0 and second.init_ms is None
    assert "\tInit Duration: " in report(first) and "Init Duration" not in report(second)
    assert first.logs[0] == "init: module imported"
    assert first.logs[1] == "START RequestId: req-1 Version: $LATEST"
    assert first.logs[-2] == "END RequestId: req-1"
    assert re.fullmatch(r"REPORT RequestId: req-2\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
                        r"Memory Size: 128 MB\tMax Memory Used: \d+ MB", report(second))
    assert second.billed_ms >= second.duration_ms and second.billed_ms - second.duration_ms < 1
    assert first.function_error is None and env.alive


def test_close_ends_the_environment(make_env):
    env = make_env("app.count")
    call(env)
    env.close()
    assert not env.alive
    with pytest.raises(RuntimeError):
        call(env)


def test_a_dotted_module_path_is_a_handler(make_env):
    assert body(call(make_env("pkg.mod.fn", code="nested"))) == {"module": "pkg.mod"}


# ---------------------------------------------------------------- what the handler sees

def test_context_fields(make_env):
    env = make_env("app.describe", function_name="ctx-fn", version="7", memory_mb=256, timeout_s=5)
    seen = body(call(env, {"k": "v"}, request_id="abc-123"))
    assert seen["event"] == {"k": "v"}
    assert seen["aws_request_id"] == "abc-123"
    assert (seen["function_name"], seen["function_version"]) == ("ctx-fn", "7")
    assert seen["invoked_function_arn"] == ARN.format("ctx-fn")
    assert seen["memory_limit_in_mb"] == 256
    assert seen["log_group_name"] == "/aws/lambda/ctx-fn"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[7\][0-9a-f]{32}", seen["log_stream_name"])
    assert 4000 < seen["remaining_ms"] <= 5000
    assert Path(seen["cwd"]) == (HANDLERS / "basic").resolve()


def test_environment_variables_are_lambdas_and_nothing_of_the_app(make_env, monkeypatch):
    monkeypatch.setenv("COLDSTART_PARENT_SECRET", "must-not-leak")
    env = make_env("app.describe", environment={"TABLE_NAME": "orders", "AWS_REGION": "mars-1"},
                   region="eu-west-1", memory_mb=512)
    environ = body(call(env))["environ"]
    assert environ["TABLE_NAME"] == "orders"
    assert environ["AWS_REGION"] == environ["AWS_DEFAULT_REGION"] == "eu-west-1"  # reserved keys win
    assert environ["AWS_LAMBDA_FUNCTION_NAME"] == "demo-fn"
    assert environ["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert environ["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert Path(environ["LAMBDA_TASK_ROOT"]) == (HANDLERS / "basic").resolve()
    assert environ["_HANDLER"] == "app.describe" and environ["TZ"] == ":UTC"
    assert all(environ[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"))
    assert "COLDSTART_PARENT_SECRET" not in environ and "COLDSTART_HOME" not in environ
    assert not {k for k in environ if k.startswith(("PYTEST", "VIRTUAL_ENV", "HOME"))}


def test_tmp_is_private_per_environment_and_removed_on_close(make_env):
    first, second = make_env("app.write_tmp"), make_env("app.list_tmp")
    wrote = body(call(first, {"name": "mine.txt"}))
    assert wrote["exists"] and wrote["listing"] == ["mine.txt", "sub"]
    private = Path(wrote["tmpdir"])
    assert (private / "mine.txt").read_text() == "written by demo-fn"
    assert not Path("/tmp/mine.txt").exists()
    assert body(call(second)) == []
    first.close()
    assert not private.exists()


def test_tmp_files_are_capped_by_ephemeral_storage(make_env):
    env = make_env("app.fill_tmp", ephemeral_mb=2)
    assert body(call(env, {"mb": 4})) == {"error": "OSError", "errno": 27}  # EFBIG, not a killed process
    assert env.alive


def test_stdin_is_empty_and_a_closed_stdout_is_survived(make_env):
    assert body(call(make_env("app.read_stdin"))) == {"stdin": ""}
    env = make_env("app.close_stdout")
    assert body(call(env)) == "closed"
    assert body(call(env)) == "closed" and env.alive


def test_logging_and_stderr_reach_the_logs(make_env):
    result = call(make_env("app.log"), {"n": 1}, request_id="log-req")
    lines = result.logs
    assert not any("hidden until" in line for line in lines)
    assert any(re.fullmatch(r"\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tlog-req\tprocessing \{\"n\": 1\}", line)
               for line in lines)
    assert "to stderr" in lines


# ---------------------------------------------------------------- errors shaped like Lambda's

def test_an_exception_comes_back_in_lambdas_error_shape(make_env):
    env = make_env("app.fail")
    result = call(env, {"x": 42}, request_id="err-req")
    error = body(result)
    assert result.function_error == "Unhandled"
    assert list(error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (error["errorMessage"], error["errorType"], error["requestId"]) == ("bad input: 42", "ValueError", "err-req")
    assert any("in fail" in frame for frame in error["stackTrace"])
    assert not any("worker.py" in frame for frame in error["stackTrace"])
    start = result.logs.index("START RequestId: err-req Version: $LATEST")
    assert result.logs.index("about to fail") > start  # handler output follows START, init output precedes it
    assert result.logs.index("init: module imported") < start
    assert "[ERROR] ValueError: bad input: 42" in result.logs
    assert "Traceback (most recent call last):" in result.logs
    assert env.alive  # an exception does not end the environment


def test_init_import_error(make_env):
    env = make_env("app.handler", code="broken")
    result = call(env)
    assert result.function_error == "Unhandled" and result.cold
    error = body(result)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == "Unable to import module 'app': No module named 'not_a_real_module_xyz'"
    assert any(line.startswith("[ERROR] Runtime.ImportModuleError: Unable to import") for line in result.logs)
    assert not env.alive


def test_handler_missing_on_module(make_env):
    error = body(call(make_env("app.nope")))
    assert (error["errorType"], error["errorMessage"]) == ("Runtime.HandlerNotFound",
                                                           "Handler 'nope' missing on module 'app'")


def test_a_return_value_json_cannot_hold_is_a_marshal_error(make_env):
    env = make_env("app.unmarshalable")
    result = call(env)
    error = body(result)
    assert result.function_error == "Unhandled"
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_non_python_runtimes_are_refused_clearly(make_env):
    result = call(make_env("index.handler", runtime="nodejs20.x"))
    error = body(result)
    assert result.function_error == "Unhandled" and error["errorType"] == "Runtime.Unsupported"
    assert "Python handlers only" in error["errorMessage"]


# ---------------------------------------------------------------- surviving the handler

def test_timeout_kills_the_environment(make_env):
    env = make_env("app.spin", timeout_s=1)
    started = time.monotonic()
    result = call(env, request_id="slow-req")
    assert time.monotonic() - started < 10
    assert result.timed_out and result.function_error == "Unhandled" and not env.alive
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z slow-req Task timed out after 1\.00 seconds",
                        body(result)["errorMessage"])
    assert result.duration_ms == 1000 and result.billed_ms == 1000
    assert "spinning" in result.logs and body(result)["errorMessage"] in result.logs


def test_a_memory_bomb_is_killed_like_lambda_kills_it(make_env):
    env = make_env("app.hog", memory_mb=128)
    result = call(env)
    error = body(result)
    assert result.function_error == "Unhandled" and not env.alive
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"] == f"RequestId: {result.request_id} Error: Runtime exited with error: signal: killed"
    assert result.max_memory_mb >= 128
    assert "Max Memory Used: " in report(result)


def test_os_exit_in_the_handler(make_env):
    env = make_env("app.hard_exit")
    result = call(env)
    assert body(result) == {"errorType": "Runtime.ExitError", "errorMessage":
                            f"RequestId: {result.request_id} Error: Runtime exited with error: exit status 3"}
    assert "leaving" in result.logs and "Runtime.ExitError" in result.logs
    assert not env.alive


def test_sys_exit_during_init(make_env):
    env = make_env("app.handler", code="init_exit")
    result = call(env)
    assert body(result)["errorMessage"].endswith("Error: Runtime exited with error: exit status 2")
    assert result.logs[0] == "giving up during init" and result.cold and not env.alive


def test_sys_exit_zero_has_no_reason(make_env):
    result = call(make_env("app.polite_exit"))
    assert body(result)["errorMessage"].endswith("Error: Runtime exited without providing a reason")


def test_starting_processes_is_blocked(make_env):
    outcome = body(call(make_env("app.spawn")))
    assert set(outcome) == {"fork", "system", "subprocess", "multiprocessing", "kill_parent"}
    assert all("blocked" in message for message in outcome.values()), outcome


def test_huge_output_is_truncated_and_the_parent_is_fine(make_env):
    env = make_env("app.shout")
    result = call(env, {"mb": 5})
    assert body(result) == "done"
    assert sum(len(line) + 1 for line in result.logs) < 300 * 1024
    assert any(line.startswith("[output truncated: ") for line in result.logs)
    assert result.logs[-2].startswith("END RequestId")
    assert body(call(env, {"mb": 0})) == "done" and env.alive


def test_boto3_is_not_imported_unless_the_handler_does(make_env):
    modules = body(call(make_env("app.describe")))["modules"]
    assert "botocore" not in modules and "boto3" not in modules


# ---------------------------------------------------------------- boto3 inside the handler

def test_boto3_calls_are_answered_by_the_parent(make_env):
    calls = []

    def rpc(service, operation, params):
        calls.append((service, operation, params))
        if operation == "ListFunctions":
            return {"Functions": [{"FunctionName": "one"}, {"FunctionName": "two"}]}
        if operation == "Invoke":
            return {"StatusCode": 200, "Payload": params["Payload"][::-1]}
        raise AwsError("ResourceNotFoundException", f"Function not found: {params['FunctionName']}", 404,
                       {"Type": "User"})

    env = make_env("app.aws", rpc=rpc, timeout_s=30)
    assert body(call(env, {"action": "list"})) == ["one", "two"]
    assert calls[0] == ("lambda", "ListFunctions", {"MaxItems": 5})
    assert body(call(env, {"action": "invoke"})) == {"payload": '}1 :"x"{', "status": 200}
    assert calls[1] == ("lambda", "Invoke", {"FunctionName": "other", "Payload": b'{"x": 1}'})
    assert body(call(env, {"action": "missing"})) == {"caught": "ResourceNotFoundException",
                                                      "message": "Function not found: missing"}


def test_boto3_without_an_account_fails_inside_the_handler_only(make_env):
    env = make_env("app.aws", timeout_s=30)
    result = call(env, {"action": "list"})
    assert result.function_error == "Unhandled" and body(result)["errorType"] == "ClientError"
    assert env.alive


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="memory is metered from /proc")
def test_max_memory_used_is_reported(make_env):
    result = call(make_env("app.count"))
    assert 1 <= result.max_memory_mb < 128


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="memory is metered from /proc")
def test_the_apps_own_memory_is_never_counted_as_the_handlers(make_env):
    """A big parent process (the app with Textual and boto3 loaded) must not make a 128 MB function look full."""
    ballast = b"x" * (200 * 1024 * 1024)  # the parent now holds 200 MB; a forked child briefly shares it
    try:
        for _ in range(3):
            result = call(make_env("app.count"))
            assert result.function_error is None
            assert 1 <= result.max_memory_mb < 128
    finally:
        del ballast
