"""The TTL sessions exercise graded against the real simulator: TTL, the table's stream, the event
source mapping that feeds the audit function, and the read path. Handlers really run, so each
grading takes a few seconds."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.unit.exercise_support import bundled_exercise, failed, graded

EXERCISE = "dynamodb-ttl-sessions"
FOLDER = ROOT / "exercises" / EXERCISE

# Counts every REMOVE as an expiry: logouts end up in the audit.
EVERY_REMOVE = (FOLDER / "starter" / "src" / "audit.py").read_text()

# Survives a stream without old images, but then has nothing to say about whose session it was.
KEYS_ONLY_TOLERANT = '''\
import os

import boto3

AUDIT = boto3.client("dynamodb")


def handler(event, context):
    for record in event["Records"]:
        identity = record.get("userIdentity") or {}
        if record["eventName"] == "REMOVE" and identity.get("principalId") == "dynamodb.amazonaws.com":
            item = {"sessionId": record["dynamodb"]["Keys"]["sessionId"], "reason": {"S": "expired"}}
            if "OldImage" in record["dynamodb"]:
                item["userId"] = record["dynamodb"]["OldImage"]["userId"]
            AUDIT.put_item(TableName=os.environ["AUDIT_TABLE"], Item=item)
    return {}
'''


@pytest.fixture(scope="module")
def exercise():
    return bundled_exercise(EXERCISE)


def test_the_starter_fails_each_check_for_its_own_reason(exercise, tmp_path):
    report, checks = graded(exercise, tmp_path)
    assert report.status == "failed"
    ttl = failed(checks["ttl-on-expiry"])
    assert [e.query for e in ttl] == ["steps.ttl.TimeToLiveDescription.AttributeName",
                                      "to_number(steps.stored.Item.expiresAt.N)"]
    assert ttl[0].actual == "ttl" and ttl[1].actual == 1_767_225_900_000
    assert "milliseconds" in ttl[1].message
    expired = failed(checks["expired-audited"])
    assert expired[0].query == "steps.session.Item"  # nothing deleted it
    assert "audit has no record" in expired[-1].message
    logout = checks["logout-not-audited"]
    assert [e.query for e in failed(logout)] == ["steps.audit.Items[?sessionId.S == 's-cy'] | [0].userId.S"]
    read = failed(checks["reads-filter-expired"])
    assert [e.query for e in read] == ["steps.read.payload.found"] and read[0].actual is True


def test_the_solution_passes(exercise, tmp_path):
    report, _ = graded(exercise, tmp_path, solution=True)
    assert report.status == "passed", report.text()


def test_a_keys_only_stream_fails_with_a_message_about_view_types(exercise, tmp_path):
    _, checks = graded(exercise, tmp_path, solution=True,
                       edits=[("template.yaml", "StreamViewType: OLD_IMAGE", "StreamViewType: KEYS_ONLY")])
    expired = checks["expired-audited"]
    assert expired.status == "failed"
    problems = failed(expired)
    assert problems[0].query.startswith("contains(")
    assert "KEYS_ONLY" in problems[0].message and "OldImage" in problems[0].message
    # The solution's handler cannot read an OldImage that is not there: its batch keeps failing
    # and nothing reaches the audit.
    assert problems[-1].actual is None
    assert checks["ttl-on-expiry"].status == "passed" and checks["reads-filter-expired"].status == "passed"


def test_a_handler_that_survives_keys_only_still_cannot_name_the_user(exercise, tmp_path):
    _, checks = graded(exercise, tmp_path, solution=True, files={"src/audit.py": KEYS_ONLY_TOLERANT},
                       edits=[("template.yaml", "StreamViewType: OLD_IMAGE", "StreamViewType: KEYS_ONLY")])
    problems = failed(checks["expired-audited"])
    assert len(problems) == 2 and problems[-1].actual is None
    # The record for s-ada is there, with the key only.
    assert checks["logout-not-audited"].status == "failed"


def test_new_and_old_images_also_pass(exercise, tmp_path):
    report, _ = graded(exercise, tmp_path, solution=True,
                       edits=[("template.yaml", "StreamViewType: OLD_IMAGE", "StreamViewType: NEW_AND_OLD_IMAGES")])
    assert report.status == "passed", report.text()


def test_auditing_every_remove_fails_on_the_logout(exercise, tmp_path):
    _, checks = graded(exercise, tmp_path, solution=True, files={"src/audit.py": EVERY_REMOVE})
    assert checks["expired-audited"].status == "passed"
    logout = failed(checks["logout-not-audited"])
    assert [e.query for e in logout] == ["length(steps.audit.Items[?sessionId.S == 's-bob'])"]
    assert logout[0].actual == 1 and "userIdentity" in logout[0].message


def test_a_filter_on_the_mapping_is_another_way_to_skip_logouts(exercise, tmp_path):
    pattern = '{"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}'
    report, _ = graded(exercise, tmp_path, solution=True, files={"src/audit.py": EVERY_REMOVE},
                       edits=[("template.yaml", "            BatchSize: 100\n",
                             ("            BatchSize: 100\n            FilterCriteria:\n              Filters:\n"
                              f"                - Pattern: '{pattern}'\n"))])
    assert report.status == "passed", report.text()
