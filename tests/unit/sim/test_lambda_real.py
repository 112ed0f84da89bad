"""The service with the real runtime: handlers run in worker processes and call boto3 back into
the same account. Skipped when the runtime module is not there."""

from __future__ import annotations

import base64
import io
import json
import zipfile


from course.sim.awslambda.scaling import run_load
from tests.unit.sim.test_lambda_support import ROLE, needs_runtime

pytestmark = needs_runtime

COUNTER = """
import boto3
calls = 0

def handler(event, context):
    global calls
    calls += 1
    names = [f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]]
    return {"calls": calls, "functions": names, "version": context.function_version}
"""


def test_inline_code_runs_cold_then_warm_and_calls_boto3(acct):
    client = acct.client("lambda")
    client.create_function(FunctionName="counter", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code={"ZipFile": COUNTER})
    first = client.invoke(FunctionName="counter", LogType="Tail")
    second = client.invoke(FunctionName="counter", LogType="Tail")
    assert json.loads(first["Payload"].read()) == {"calls": 1, "functions": ["counter"], "version": "$LATEST"}
    assert json.loads(second["Payload"].read())["calls"] == 2
    assert "Init Duration" in base64.b64decode(first["LogResult"]).decode()
    assert "Init Duration" not in base64.b64decode(second["LogResult"]).decode()
    cold, warm = acct.service("lambda").invocation_log.records
    assert cold.cold and not warm.cold and cold.init_ms > 0


def test_uploaded_zip_and_handler_error(acct):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    raise KeyError('missing')\n")
    client = acct.client("lambda")
    client.create_function(FunctionName="broken", Runtime="python3.13", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": buffer.getvalue()})
    response = client.invoke(FunctionName="broken", Payload=b"{}")
    body = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled" and body["errorType"] == "KeyError"


def test_template_folder_code_and_a_measured_load_run(acct, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {'ok': True}\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      CodeUri: src/\n"
        "      Handler: app.handler\n"
        "      Runtime: python3.12\n")
    stack = acct.deploy(tmp_path / "template.yaml")
    name = stack.physical_id("Fn")
    assert json.loads(acct.client("lambda").invoke(FunctionName=name)["Payload"].read()) == {"ok": True}
    report = run_load(acct, name, rate_per_s=10, duration_s=5)
    assert report.init_source == "measured" and report.handler_ms > 0 and report.init_ms > 0
    assert report.served == 50


CLOCK = """
import pickle
import time
from datetime import date, datetime, timezone

LOADED = time.time()

def handler(event, context):
    now = datetime.now(timezone.utc)
    return {"loaded": LOADED, "time": time.time(), "ns": time.time_ns() // 10**9, "now": now.timestamp(),
            "utcnow": datetime.utcnow().replace(tzinfo=timezone.utc).timestamp(),
            "today": date.today().isoformat(), "gmtime_year": time.gmtime().tm_year,
            "strftime": time.strftime("%Y-%m-%d"), "is_datetime": isinstance(now, datetime),
            "made": isinstance(datetime(2020, 1, 1), datetime),
            "pickled": pickle.loads(pickle.dumps(datetime(2020, 1, 2))).day}
"""


def test_handlers_read_the_simulated_clock(acct):
    """A handler computing an expiry with time.time() agrees with the simulator's clock (TTL, say)."""
    client = acct.client("lambda")
    client.create_function(FunctionName="clock", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code={"ZipFile": CLOCK})
    start = acct.clock.now()
    first = json.loads(client.invoke(FunctionName="clock")["Payload"].read())
    for field in ("loaded", "time", "ns", "now", "utcnow"):
        assert start <= first[field] < start + 30, field
    assert first["today"] == first["strftime"] == "2026-01-01" and first["gmtime_year"] == 2026
    assert first["is_datetime"] and first["made"] and first["pickled"] == 2
    acct.clock.advance(300)
    warm = json.loads(client.invoke(FunctionName="clock")["Payload"].read())
    assert warm["loaded"] == first["loaded"]  # the same environment: init ran once, its clock moved on
    assert start + 300 <= warm["time"] < start + 330
    acct.clock.advance(86_400 * 3)
    later = json.loads(client.invoke(FunctionName="clock")["Payload"].read())
    assert start + 86_400 * 3 + 300 <= later["time"] < start + 86_400 * 3 + 330 and later["today"] == "2026-01-04"
