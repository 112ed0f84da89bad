"""KeyConditionExpression: equality on the partition key, one comparison on the sort key.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid


@pytest.fixture
def events(ddb):
    for sk in (1, 2, 3, 10, 20):
        ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"N": str(sk)}, "note": {"S": f"n{sk}"}})
    ddb.put_item(TableName="events", Item={"pk": {"S": "other"}, "sk": {"N": "1"}})
    return ddb


def sks(ddb, expression: str, values: dict, **extra) -> list[int]:
    values = {":p": {"S": "p"}, **values}
    result = ddb.query(TableName="events", KeyConditionExpression=expression, ExpressionAttributeValues=values, **extra)
    return [int(item["sk"]["N"]) for item in result["Items"]]


def N(text):
    return {"N": str(text)}


def test_partition_key_only(events):
    assert sks(events, "pk = :p", {}) == [1, 2, 3, 10, 20]


@pytest.mark.parametrize("op, value, expected", [
    ("=", 3, [3]), ("<", 3, [1, 2]), ("<=", 3, [1, 2, 3]), (">", 3, [10, 20]), (">=", 3, [3, 10, 20]),
])
def test_sort_key_comparisons(events, op, value, expected):
    assert sks(events, f"pk = :p AND sk {op} :v", {":v": N(value)}) == expected


def test_sort_key_between_is_inclusive(events):
    assert sks(events, "pk = :p AND sk BETWEEN :lo AND :hi", {":lo": N(2), ":hi": N(10)}) == [2, 3, 10]


def test_sort_key_condition_may_come_first(events):
    assert sks(events, "sk > :v AND pk = :p", {":v": N(5)}) == [10, 20]


def test_parenthesised_key_conditions(events):
    assert sks(events, "(pk = :p) AND (sk < :v)", {":v": N(3)}) == [1, 2]


def test_names_through_aliases(events):
    assert sks(events, "#p = :p AND #s = :v", {":v": N(2)}, ExpressionAttributeNames={"#p": "pk", "#s": "sk"}) == [2]


def test_begins_with_on_a_string_sort_key(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="docs", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}])
    for sk in ("order#1", "order#2", "profile", "orders"):
        client.put_item(TableName="docs", Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    result = client.query(TableName="docs", KeyConditionExpression="pk = :u AND begins_with(sk, :pre)",
                          ExpressionAttributeValues={":u": {"S": "u"}, ":pre": {"S": "order#"}})
    assert [i["sk"]["S"] for i in result["Items"]] == ["order#1", "order#2"]


def test_begins_with_on_a_number_sort_key_is_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="pk = :p AND begins_with(sk, :v)",
                      ExpressionAttributeValues={":p": {"S": "p"}, ":v": N(1)})
    assert "begins_with" in message and "operand type: N" in message


@pytest.mark.parametrize("op", ["<", ">", "<=", ">="])
def test_partition_key_only_with_equality(events, op):
    message = invalid(events.query, TableName="events", KeyConditionExpression=f"pk {op} :p",
                      ExpressionAttributeValues={":p": {"S": "p"}})
    assert message == "Query key condition not supported"


def test_partition_key_begins_with_is_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="begins_with(pk, :p)",
                      ExpressionAttributeValues={":p": {"S": "p"}})
    assert message == "Query key condition not supported"


def test_missing_partition_key_condition_is_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="sk = :v",
                      ExpressionAttributeValues={":v": N(1)})
    assert message == "Query condition missed key schema element: pk"


def test_condition_on_a_non_key_attribute_is_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="pk = :p AND note = :n",
                      ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"S": "n1"}})
    assert message == "Query condition missed key schema element: sk"


@pytest.mark.parametrize("expression, word", [("pk = :p OR sk = :v", "OR"), ("pk = :p AND NOT sk = :v", "NOT"),
                                              ("pk = :p AND sk <> :v", "<>"), ("pk = :p AND sk IN (:v)", "IN")])
def test_operators_not_allowed_in_key_conditions(events, expression, word):
    message = invalid(events.query, TableName="events", KeyConditionExpression=expression,
                      ExpressionAttributeValues={":p": {"S": "p"}, ":v": N(1)})
    assert message == f"Invalid operator used in KeyConditionExpression: {word}"


def test_contains_and_attribute_exists_not_allowed(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="pk = :p AND attribute_exists(sk)",
                      ExpressionAttributeValues={":p": {"S": "p"}})
    assert message == "Invalid operator used in KeyConditionExpression: attribute_exists"


def test_two_conditions_on_the_sort_key_are_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="pk = :p AND sk > :a AND sk < :b",
                      ExpressionAttributeValues={":p": {"S": "p"}, ":a": N(1), ":b": N(5)})
    assert message == "Conditions can be of length 1 or 2 only"


def test_key_value_of_the_wrong_type_is_refused(events):
    message = invalid(events.query, TableName="events", KeyConditionExpression="pk = :p AND sk = :v",
                      ExpressionAttributeValues={":p": {"S": "p"}, ":v": {"S": "1"}})
    assert "Condition parameter type does not match schema type" in message


def test_key_condition_is_required(events):
    message = invalid(events.query, TableName="events")
    assert "KeyConditionExpression" in message


def test_query_an_unknown_partition_returns_nothing(events):
    result = events.query(TableName="events", KeyConditionExpression="pk = :p",
                          ExpressionAttributeValues={":p": {"S": "nobody"}})
    assert result["Items"] == [] and result["Count"] == 0 and "LastEvaluatedKey" not in result


def test_non_key_condition_on_a_table_without_sort_key(ddb):
    """A table with a partition key only: the second condition can name no key at all."""
    message = invalid(ddb.query, TableName="items", KeyConditionExpression="pk = :p AND note = :n",
                      ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"S": "x"}})
    assert message == "Query condition missed key schema element: pk"


def test_partition_key_alone_on_a_hash_only_table(ddb):
    ddb.put_item(TableName="items", Item={"pk": {"S": "p"}})
    result = ddb.query(TableName="items", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert result["Items"] == [{"pk": {"S": "p"}}]
