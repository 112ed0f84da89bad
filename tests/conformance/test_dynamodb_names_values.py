"""ExpressionAttributeNames and ExpressionAttributeValues: reserved words, unused and undefined
placeholders, and the # and : syntax.

- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeValues.html
- https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid

RESERVED_SAMPLE = ["name", "status", "data", "date", "count", "size", "year", "value", "user", "comment",
                   "timestamp", "order", "key", "type", "level", "position"]


@pytest.fixture
def put(ddb):
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, "v": {"N": "1"}})
    return ddb


@pytest.mark.parametrize("word", RESERVED_SAMPLE)
def test_reserved_words_are_refused_unaliased(put, word):
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression=word)
    assert message == f"Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: {word}"


@pytest.mark.parametrize("word", ["STATUS", "Name"])
def test_reserved_words_are_case_insensitive(put, word):
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression=word)
    assert f"reserved keyword: {word}" in message


@pytest.mark.parametrize("word", RESERVED_SAMPLE)
def test_reserved_words_work_through_an_alias(put, word):
    put.update_item(TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="SET #w = :v",
                    ExpressionAttributeNames={"#w": word}, ExpressionAttributeValues={":v": {"S": word}})
    item = put.get_item(TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="#w",
                        ExpressionAttributeNames={"#w": word})["Item"]
    assert item == {word: {"S": word}}


def test_reserved_word_in_a_condition_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}},
                      ConditionExpression="attribute_not_exists(status)")
    assert message == "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"


def test_reserved_word_in_an_update_is_refused(put):
    message = invalid(put.update_item, TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="SET data = :v",
                      ExpressionAttributeValues={":v": {"S": "x"}})
    assert message == "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: data"


def test_names_with_special_characters_need_an_alias(put):
    """A name beginning with a digit or holding '-' cannot appear in an expression as is."""
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="my-attr")
    assert message.startswith("Invalid ProjectionExpression: Syntax error; token:")
    put.update_item(TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="SET #a = :v",
                    ExpressionAttributeNames={"#a": "my-attr"}, ExpressionAttributeValues={":v": {"N": "2"}})
    assert put.get_item(TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="#a",
                        ExpressionAttributeNames={"#a": "my-attr"})["Item"] == {"my-attr": {"N": "2"}}


# --- unused and undefined ------------------------------------------------------------------------

def test_unused_name_is_refused(put):
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="v",
                      ExpressionAttributeNames={"#unused": "x"})
    assert message == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"


def test_unused_value_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression="v = :a",
                      ExpressionAttributeValues={":a": {"N": "1"}, ":b": {"N": "2"}})
    assert message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"


def test_a_name_used_by_any_expression_of_the_request_counts(put):
    """The unused check spans every expression of one request (here filter and projection)."""
    result = put.scan(TableName="items", FilterExpression="#v = :one", ProjectionExpression="#v, pk",
                      ExpressionAttributeNames={"#v": "v"}, ExpressionAttributeValues={":one": {"N": "1"}})
    assert result["Count"] == 1


def test_undefined_name_is_refused(put):
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="#nope",
                      ExpressionAttributeNames={"#other": "v"})
    assert "An expression attribute name used in the document path is not defined; attribute name: #nope" in message


def test_undefined_value_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression="v = :nope")
    assert "An expression attribute value used in expression is not defined; attribute value: :nope" in message


def test_empty_names_map_is_refused(put):
    message = invalid(put.get_item, TableName="items", Key={"pk": {"S": "k"}}, ProjectionExpression="v",
                      ExpressionAttributeNames={})
    assert message == "ExpressionAttributeNames must not be empty"


def test_empty_values_map_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression="v = v",
                      ExpressionAttributeValues={})
    assert message == "ExpressionAttributeValues must not be empty"


def test_invalid_value_in_values_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression="v = :a",
                      ExpressionAttributeValues={":a": {"N": "abc"}})
    assert message.startswith("ExpressionAttributeValues contains invalid value:") and ":a" in message


def test_empty_set_in_values_is_refused(put):
    message = invalid(put.update_item, TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="ADD s :a",
                      ExpressionAttributeValues={":a": {"SS": []}})
    assert "ExpressionAttributeValues contains invalid value" in message


# --- syntax ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, token", [("# = :a", "#"), ("v = :", ":"), ("v = :a$", "$")])
def test_bare_sigils_are_syntax_errors(put, expression, token):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression=expression,
                      ExpressionAttributeValues={":a": {"N": "1"}})
    assert message.startswith(f'Invalid ConditionExpression: Syntax error; token: "{token}"')


def test_value_placeholder_where_a_path_is_required(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}},
                      ConditionExpression="attribute_exists(:a)", ExpressionAttributeValues={":a": {"S": "v"}})
    assert "Operator or function requires a document path; operator or function: attribute_exists" in message


def test_name_placeholder_is_not_a_value(put):
    message = invalid(put.update_item, TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="ADD v #a",
                      ExpressionAttributeNames={"#a": "v"})
    assert message.startswith("Invalid UpdateExpression: Syntax error; token:")


def test_placeholders_are_case_sensitive(put):
    message = invalid(put.put_item, TableName="items", Item={"pk": {"S": "k"}}, ConditionExpression="v = :A",
                      ExpressionAttributeValues={":a": {"N": "1"}})
    assert "attribute value: :A" in message
