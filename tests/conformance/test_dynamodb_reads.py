"""Query and Scan: order, ScanIndexForward, Limit, 1 MB pages, Select and parallel segments.

- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.html
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html (parallel scan, Limit)
- https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html (Select, Limit)
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid

PAD = "x" * 100_000  # ten of these items are about 1 MB


def fill(ddb, count=10, pk="p", pad="", clock=None):
    """Items in one partition; with a clock, one write a simulated second, so large items stay
    within a partition's 1,000 WCU a second (ServiceQuotas.html)."""
    for i in range(count):
        if clock is not None:
            clock.advance(1)
        item = {"pk": {"S": pk}, "sk": {"N": str(i)}, "kind": {"S": "even" if i % 2 == 0 else "odd"}}
        if pad:
            item["pad"] = {"S": pad}
        ddb.put_item(TableName="events", Item=item)


def q(ddb, **params):
    params.setdefault("ExpressionAttributeValues", {":p": {"S": "p"}})
    return ddb.query(TableName="events", KeyConditionExpression="pk = :p", **params)


def sks(result):
    return [int(item["sk"]["N"]) for item in result["Items"]]


def make_table(acct, name, kind):
    client = acct.client("dynamodb")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": kind}])
    return client


# --- order ("Query results are always sorted by the sort key value") -------------------------------

def test_numbers_sort_numerically(ddb):
    for sk in ("10", "9", "-1", "1.5", "100"):
        ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"N": sk}})
    assert [i["sk"]["N"] for i in q(ddb)["Items"]] == ["-1", "1.5", "9", "10", "100"]


def test_strings_sort_by_utf8_bytes(acct):
    client = make_table(acct, "strs", "S")
    words = ["b", "B", "a", "é", "\uffff", "😀", "aa"]
    for word in words:
        client.put_item(TableName="strs", Item={"pk": {"S": "p"}, "sk": {"S": word}})
    result = client.query(TableName="strs", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["S"] for i in result["Items"]] == sorted(words, key=lambda w: w.encode("utf-8"))


def test_binary_sorts_as_unsigned_bytes(acct):
    client = make_table(acct, "bins", "B")
    for blob in (b"\xff", b"\x00", b"\x7f", b"\x80", b"\x00\x01"):
        client.put_item(TableName="bins", Item={"pk": {"S": "p"}, "sk": {"B": blob}})
    result = client.query(TableName="bins", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["B"] for i in result["Items"]] == [b"\x00", b"\x00\x01", b"\x7f", b"\x80", b"\xff"]


def test_scan_index_forward_false_reverses(ddb):
    fill(ddb, 5)
    assert sks(q(ddb, ScanIndexForward=False)) == [4, 3, 2, 1, 0]
    assert sks(q(ddb, ScanIndexForward=True)) == [0, 1, 2, 3, 4]


# --- Limit ("the maximum number of items to evaluate (not necessarily the number of matching items)")

def test_limit_stops_after_that_many_items(ddb):
    fill(ddb, 5)
    result = q(ddb, Limit=2)
    assert sks(result) == [0, 1] and result["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "1"}}


def test_limit_counts_items_read_not_items_matched(ddb):
    fill(ddb, 6)
    result = q(ddb, Limit=3, FilterExpression="kind = :k",
               ExpressionAttributeValues={":p": {"S": "p"}, ":k": {"S": "odd"}})
    assert sks(result) == [1] and result["ScannedCount"] == 3 and result["Count"] == 1
    assert result["LastEvaluatedKey"]["sk"] == {"N": "2"}


def test_pages_follow_last_evaluated_key(ddb):
    fill(ddb, 7)
    seen, start = [], None
    for _ in range(10):
        params = {"Limit": 3}
        if start:
            params["ExclusiveStartKey"] = start
        page = q(ddb, **params)
        seen += sks(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == list(range(7))


def test_pages_backwards(ddb):
    fill(ddb, 5)
    first = q(ddb, Limit=2, ScanIndexForward=False)
    second = q(ddb, Limit=2, ScanIndexForward=False, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert sks(first) == [4, 3] and sks(second) == [2, 1]


def test_limit_must_be_positive(ddb):
    """Limit has a minimum of 1 in the API reference; botocore checks it before sending."""
    from botocore.exceptions import ParamValidationError
    with pytest.raises(ParamValidationError):
        q(ddb, Limit=0)


def test_exclusive_start_key_outside_the_query_is_refused(ddb):
    fill(ddb, 3)
    message = invalid(q, ddb, ExclusiveStartKey={"pk": {"S": "elsewhere"}, "sk": {"N": "1"}})
    assert message == "The provided starting key is outside query boundaries based on provided conditions"


def test_exclusive_start_key_must_match_the_schema(ddb):
    message = invalid(q, ddb, ExclusiveStartKey={"pk": {"S": "p"}})
    assert message.startswith("The provided starting key is invalid")


# --- 1 MB pages ("A single Query operation can retrieve a maximum of 1 MB of data") -------------

def test_query_stops_at_1_mb(ddb, acct):
    fill(ddb, 15, pad=PAD, clock=acct.clock)
    first = q(ddb)
    assert 0 < first["Count"] < 15 and "LastEvaluatedKey" in first
    rest = q(ddb, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert sks(first) + sks(rest) == list(range(15)) and "LastEvaluatedKey" not in rest


def test_one_mb_is_counted_before_the_filter(ddb, acct):
    """The limit applies before any FilterExpression, so a filter matching nothing still pages."""
    fill(ddb, 15, pad=PAD, clock=acct.clock)
    page = q(ddb, FilterExpression="kind = :none",
             ExpressionAttributeValues={":p": {"S": "p"}, ":none": {"S": "none"}})
    assert page["Count"] == 0 and 0 < page["ScannedCount"] < 15 and "LastEvaluatedKey" in page


def test_scan_pages_at_1_mb(ddb, acct):
    fill(ddb, 15, pad=PAD, clock=acct.clock)
    total, start, pages = 0, None, 0
    while True:
        params = {"TableName": "events"}
        if start:
            params["ExclusiveStartKey"] = start
        page = ddb.scan(**params)
        total += page["Count"]
        pages += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert total == 15 and pages >= 2


# --- Select -------------------------------------------------------------------------------------

def test_select_count_returns_counts_only(ddb):
    fill(ddb, 4)
    result = q(ddb, Select="COUNT")
    assert "Items" not in result and result["Count"] == 4 and result["ScannedCount"] == 4
    scanned = ddb.scan(TableName="events", Select="COUNT", FilterExpression="kind = :k",
                       ExpressionAttributeValues={":k": {"S": "even"}})
    assert "Items" not in scanned and scanned["Count"] == 2 and scanned["ScannedCount"] == 4


def test_select_all_attributes(ddb):
    fill(ddb, 1)
    assert q(ddb, Select="ALL_ATTRIBUTES")["Items"][0]["kind"] == {"S": "even"}


def test_select_specific_attributes_requires_a_projection(ddb):
    message = invalid(q, ddb, Select="SPECIFIC_ATTRIBUTES")
    assert "SPECIFIC_ATTRIBUTES" in message


def test_select_count_with_a_projection_is_refused(ddb):
    message = invalid(q, ddb, Select="COUNT", ProjectionExpression="kind")
    assert "incompatible with ProjectionExpression" in message


def test_select_all_projected_attributes_needs_an_index(ddb):
    message = invalid(q, ddb, Select="ALL_PROJECTED_ATTRIBUTES")
    assert "ALL_PROJECTED_ATTRIBUTES" in message


# --- Scan and parallel Scan ("Parallel scan") ---------------------------------------------------------

def test_scan_reads_every_item(ddb):
    for pk in ("a", "b", "c"):
        fill(ddb, 3, pk=pk)
    result = ddb.scan(TableName="events")
    assert result["Count"] == 9 and result["ScannedCount"] == 9
    assert sorted((i["pk"]["S"], int(i["sk"]["N"])) for i in result["Items"]) == \
        [(pk, n) for pk in "abc" for n in range(3)]


@pytest.mark.parametrize("total", [1, 2, 3, 7])
def test_parallel_scan_segments_cover_every_item_once(ddb, total):
    for i in range(40):
        ddb.put_item(TableName="items", Item={"pk": {"S": f"user-{i}"}})
    seen = []
    for segment in range(total):
        start = None
        while True:
            params = {"TableName": "items", "Segment": segment, "TotalSegments": total, "Limit": 4}
            if start:
                params["ExclusiveStartKey"] = start
            page = ddb.scan(**params)
            seen += [item["pk"]["S"] for item in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    assert sorted(seen) == sorted(f"user-{i}" for i in range(40))


def test_segment_without_total_segments_is_refused(ddb):
    message = invalid(ddb.scan, TableName="items", Segment=0)
    assert "TotalSegments" in message


def test_segment_must_be_below_total_segments(ddb):
    message = invalid(ddb.scan, TableName="items", Segment=2, TotalSegments=2)
    assert "Segment: 2 is out of bounds for TotalSegments: 2" in message


def test_scan_of_an_empty_table(ddb):
    result = ddb.scan(TableName="items")
    assert result["Items"] == [] and result["Count"] == 0 and result["ScannedCount"] == 0


def test_empty_filter_expression_is_refused(ddb):
    message = invalid(ddb.scan, TableName="events", FilterExpression="")
    assert message == "Invalid FilterExpression: The expression can not be empty;"


def test_empty_projection_expression_on_a_read_is_refused(ddb):
    message = invalid(ddb.scan, TableName="events", ProjectionExpression="")
    assert message == "Invalid ProjectionExpression: The expression can not be empty;"
