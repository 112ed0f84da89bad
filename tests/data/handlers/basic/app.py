"""Handlers the runtime tests invoke, each behaving the way a learner's handler might."""

import json
import logging
import os
import sys

INVOCATIONS = 0
print("init: module imported")


def count(event, context):
    global INVOCATIONS
    INVOCATIONS += 1
    return {"invocations": INVOCATIONS}


def describe(event, context):
    return {
        "event": event,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "environ": dict(os.environ),
        "cwd": os.getcwd(),
        "modules": sorted(sys.modules),
    }


def write_tmp(event, context):
    with open(f"/tmp/{event['name']}", "w") as handle:
        handle.write("written by " + context.function_name)
    os.makedirs("/tmp/sub/dir", exist_ok=True)
    return {"listing": sorted(os.listdir("/tmp")), "tmpdir": os.environ["TMPDIR"],
            "exists": os.path.exists(f"/tmp/{event['name']}")}


def list_tmp(event, context):
    return sorted(os.listdir("/tmp"))


def fill_tmp(event, context):
    try:
        with open("/tmp/big.bin", "wb") as handle:
            for _ in range(event["mb"]):
                handle.write(b"\0" * (1 << 20))
    except OSError as error:
        return {"error": type(error).__name__, "errno": error.errno}
    return {"error": None}


def fail(event, context):
    print("about to fail")
    raise ValueError(f"bad input: {event.get('x')}")


def unmarshalable(event, context):
    return {"ids": {1, 2}}


def spin(event, context):
    print("spinning")
    while True:
        pass


def hog(event, context):
    chunks = []
    while True:
        chunks.append(b"x" * (1 << 20))


def hard_exit(event, context):
    print("leaving")
    sys.stdout.flush()
    os._exit(3)


def polite_exit(event, context):
    sys.exit(0)


def spawn(event, context):
    import multiprocessing
    import subprocess

    attempts = {
        "fork": lambda: os.fork(),
        "system": lambda: os.system("true"),
        "subprocess": lambda: subprocess.run(["true"]),
        "multiprocessing": lambda: multiprocessing.get_context("spawn").Process(target=print).start(),
        "kill_parent": lambda: os.kill(os.getppid(), 0),
    }
    outcome = {}
    for name, attempt in attempts.items():
        try:
            attempt()
            outcome[name] = "allowed"
        except PermissionError as error:
            outcome[name] = str(error)
    return outcome


def shout(event, context):
    line = "x" * 99
    for _ in range(event["mb"] * 1024 * 1024 // 100):
        print(line)
    return "done"


def close_stdout(event, context):
    sys.stdout.close()
    try:
        os.close(1)
    except OSError:  # already closed by the previous invoke
        pass
    return "closed"


def read_stdin(event, context):
    return {"stdin": sys.stdin.read()}


def log(event, context):
    logger = logging.getLogger()
    logger.info("hidden until the level is lowered")
    logger.setLevel(logging.INFO)
    logger.info("processing %s", json.dumps(event))
    print("to stderr", file=sys.stderr)
    return "logged"


def aws(event, context):
    import boto3

    client = boto3.client("lambda")
    action = event["action"]
    if action == "list":
        return [f["FunctionName"] for f in client.list_functions(MaxItems=5)["Functions"]]
    if action == "invoke":
        response = client.invoke(FunctionName="other", Payload=b'{"x": 1}')
        return {"payload": response["Payload"].read().decode(), "status": response["StatusCode"]}
    try:
        client.get_function(FunctionName="missing")
    except client.exceptions.ResourceNotFoundException as error:
        return {"caught": type(error).__name__, "message": error.response["Error"]["Message"]}
    return "no error"
