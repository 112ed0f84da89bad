"""ProjectionExpression: top-level and nested paths, list indexes, overlapping paths refused.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ProjectionExpressions.html
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.Attributes.html (document paths)
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid

ITEM = {
    "pk": {"S": "k"},
    "title": {"S": "t"},
    "price": {"N": "5"},
    "info": {"M": {"colour": {"S": "red"}, "dims": {"M": {"w": {"N": "1"}, "h": {"N": "2"}}}}},
    "tags": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"M": {"x": {"S": "y"}, "z": {"S": "w"}}}]},
}


@pytest.fixture
def put(ddb):
    ddb.put_item(TableName="items", Item=ITEM)
    return ddb


def get(ddb, projection, names=None):
    params = {"TableName": "items", "Key": {"pk": {"S": "k"}}, "ProjectionExpression": projection}
    if names:
        params["ExpressionAttributeNames"] = names
    return ddb.get_item(**params).get("Item")


def test_top_level_attributes(put):
    assert get(put, "title, price") == {"title": {"S": "t"}, "price": {"N": "5"}}


def test_key_attributes_only_when_asked(put):
    assert get(put, "title") == {"title": {"S": "t"}}


def test_nested_map_path(put):
    assert get(put, "info.dims.h") == {"info": {"M": {"dims": {"M": {"h": {"N": "2"}}}}}}


def test_two_nested_paths_merge(put):
    assert get(put, "info.colour, info.dims.w") == \
        {"info": {"M": {"colour": {"S": "red"}, "dims": {"M": {"w": {"N": "1"}}}}}}


def test_list_indexes_come_back_compacted_in_index_order(put):
    assert get(put, "tags[2], tags[0]") == {"tags": {"L": [{"S": "a"}, {"S": "c"}]}}


def test_path_through_a_list_element(put):
    assert get(put, "tags[3].z") == {"tags": {"L": [{"M": {"z": {"S": "w"}}}]}}


def test_missing_paths_are_left_out(put):
    assert get(put, "nothere, info.nothere, tags[9]") == {}
    assert get(put, "title, tags[9]") == {"title": {"S": "t"}}


def test_projection_through_aliases(put):
    assert get(put, "#i.#c", {"#i": "info", "#c": "colour"}) == {"info": {"M": {"colour": {"S": "red"}}}}


def test_alias_holding_a_dot_is_one_name(put):
    """An alias stands for one attribute name, dots included (Expressions.ExpressionAttributeNames.html)."""
    put.put_item(TableName="items", Item={"pk": {"S": "dot"}, "a.b": {"S": "flat"}, "a": {"M": {"b": {"S": "nested"}}}})
    item = put.get_item(TableName="items", Key={"pk": {"S": "dot"}}, ProjectionExpression="#ab",
                        ExpressionAttributeNames={"#ab": "a.b"})["Item"]
    assert item == {"a.b": {"S": "flat"}}


def test_projection_on_query_and_scan(put):
    scanned = put.scan(TableName="items", ProjectionExpression="price")
    assert scanned["Items"] == [{"price": {"N": "5"}}]


@pytest.mark.parametrize("projection", ["title, title", "info, info.colour", "info.dims, info.dims.w",
                                        "tags, tags[0]"])
def test_overlapping_paths_are_refused(put, projection):
    message = invalid(get, put, projection)
    assert "Two document paths overlap with each other; must remove or rewrite one of these paths" in message


@pytest.mark.parametrize("projection", ["tags[0], tags.x", "info.colour, info[0]"])
def test_conflicting_paths_are_refused(put, projection):
    """One path treats the attribute as a list, the other as a map: DynamoDB calls that a conflict."""
    message = invalid(get, put, projection)
    assert "Two document paths conflict with each other; must remove or rewrite one of these paths" in message


def test_reserved_word_in_projection_is_refused(put):
    message = invalid(get, put, "title, name")
    assert message == "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"


@pytest.mark.parametrize("projection", ["title,", "tags[", "tags[x]", "info..colour", ".title"])
def test_projection_syntax_errors(put, projection):
    message = invalid(get, put, projection)
    assert message.startswith("Invalid ProjectionExpression: Syntax error; token:")
