"""UpdateExpression: SET (with + and -, if_not_exists, list_append), REMOVE, ADD and DELETE.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid

KEY = {"pk": {"S": "k"}}


@pytest.fixture
def put(ddb):
    ddb.put_item(TableName="items", Item={
        **KEY, "n": {"N": "10"}, "s": {"S": "text"},
        "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
        "m": {"M": {"x": {"N": "1"}, "y": {"M": {"z": {"S": "deep"}}}}},
        "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": [b"\x01"]},
    })
    return ddb


def update(ddb, expression, values=None, names=None, **extra):
    params = {"TableName": "items", "Key": KEY, "UpdateExpression": expression, "ReturnValues": "ALL_NEW", **extra}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(**params)["Attributes"]


def N(x):
    return {"N": str(x)}


def S(x):
    return {"S": x}


# --- SET ----------------------------------------------------------------------------------------

def test_set_adds_and_replaces_attributes(put):
    item = update(put, "SET s = :s, fresh = :f", {":s": S("new"), ":f": {"BOOL": True}})
    assert item["s"] == S("new") and item["fresh"] == {"BOOL": True}


def test_set_plus_and_minus(put):
    assert update(put, "SET n = n + :d", {":d": N(5)})["n"] == N(15)
    assert update(put, "SET n = n - :d", {":d": N(20)})["n"] == N(-5)
    assert update(put, "SET n = :a + n", {":a": N("0.5")})["n"] == N("-4.5")


def test_set_arithmetic_on_a_string_is_refused(put):
    message = invalid(update, put, "SET s = s + :d", {":d": N(1)})
    assert message == "An operand in the update expression has an incorrect data type"


def test_set_arithmetic_on_a_missing_attribute_is_refused(put):
    message = invalid(update, put, "SET nope = nope + :d", {":d": N(1)})
    assert message == "The provided expression refers to an attribute that does not exist in the item"


def test_set_arithmetic_keeps_38_digits(put):
    message = invalid(update, put, "SET n = n + :d", {":d": N("9.9999999999999999999999999999999999999E+125")})
    assert "Number overflow" in message


def test_if_not_exists(put):
    item = update(put, "SET n = if_not_exists(n, :z), c = if_not_exists(c, :z)", {":z": N(0)})
    assert item["n"] == N(10) and item["c"] == N(0)


def test_if_not_exists_counter_idiom(put):
    item = update(put, "SET hits = if_not_exists(hits, :zero) + :one", {":zero": N(0), ":one": N(1)})
    assert item["hits"] == N(1)
    assert update(put, "SET hits = if_not_exists(hits, :zero) + :one", {":zero": N(0), ":one": N(1)})["hits"] == N(2)


def test_list_append_at_either_end(put):
    assert update(put, "SET l = list_append(l, :e)", {":e": {"L": [S("e")]}})["l"]["L"][-1] == S("e")
    assert update(put, "SET l = list_append(:z, l)", {":z": {"L": [S("z")]}})["l"]["L"][0] == S("z")


def test_list_append_to_a_non_list_is_refused(put):
    message = invalid(update, put, "SET s = list_append(s, :e)", {":e": {"L": [S("e")]}})
    assert message == "An operand in the update expression has an incorrect data type"


def test_set_list_element_and_past_the_end(put):
    item = update(put, "SET l[1] = :x, l[10] = :y", {":x": S("B"), ":y": S("end")})
    assert item["l"]["L"] == [S("a"), S("B"), S("c"), S("d"), S("end")]


def test_set_nested_map_attribute(put):
    assert update(put, "SET m.y.z = :v, m.w = :v", {":v": S("set")})["m"] == \
        {"M": {"x": N(1), "y": {"M": {"z": S("set")}}, "w": S("set")}}


def test_set_under_a_missing_parent_is_refused(put):
    message = invalid(update, put, "SET nothere.child = :v", {":v": S("x")})
    assert message == "The document path provided in the update expression is invalid for update"


def test_set_swaps_using_the_old_values(put):
    item = update(put, "SET n = s, s = n")
    assert item["n"] == S("text") and item["s"] == N(10)


def test_update_creates_a_missing_item(ddb):
    item = ddb.update_item(TableName="items", Key={"pk": S("new")}, UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": N(1)}, ReturnValues="ALL_NEW")["Attributes"]
    assert item == {"pk": S("new"), "v": N(1)}


# --- REMOVE -------------------------------------------------------------------------------------

def test_remove_attributes_and_nested_paths(put):
    item = update(put, "REMOVE s, m.y, nothere")
    assert "s" not in item and item["m"] == {"M": {"x": N(1)}}


def test_remove_list_elements_shifts_the_rest(put):
    assert update(put, "REMOVE l[1], l[2]")["l"]["L"] == [S("a"), S("d")]


def test_remove_past_the_end_of_a_list_changes_nothing(put):
    assert update(put, "REMOVE l[10]")["l"]["L"] == [S("a"), S("b"), S("c"), S("d")]


# --- ADD ----------------------------------------------------------------------------------------

def test_add_to_a_number(put):
    assert update(put, "ADD n :d", {":d": N(-3)})["n"] == N(7)


def test_add_to_a_missing_number_starts_from_zero(put):
    assert update(put, "ADD fresh :d", {":d": N(4)})["fresh"] == N(4)


@pytest.mark.parametrize("attr, value, expected", [
    ("ss", {"SS": ["b", "c"]}, {"a", "b", "c"}),
    ("ns", {"NS": ["2.0", "3"]}, {"1", "2", "3"}),
    ("bs", {"BS": [b"\x02"]}, {b"\x01", b"\x02"}),
])
def test_add_to_a_set_is_a_union(put, attr, value, expected):
    assert set(update(put, f"ADD {attr} :v", {":v": value})[attr][next(iter(value))]) == expected


@pytest.mark.parametrize("value", [S("x"), {"L": [N(1)]}, {"M": {}}, {"BOOL": True}])
def test_add_with_a_non_number_non_set_value_is_refused(put, value):
    message = invalid(update, put, "ADD n :v", {":v": value})
    assert "Incorrect operand type for operator or function; operator: ADD" in message


def test_add_a_number_to_a_set_is_refused(put):
    message = invalid(update, put, "ADD ss :v", {":v": N(1)})
    assert message == "An operand in the update expression has an incorrect data type"


def test_add_to_a_string_attribute_is_refused(put):
    message = invalid(update, put, "ADD s :v", {":v": N(1)})
    assert message == "An operand in the update expression has an incorrect data type"


# --- DELETE (from sets) -------------------------------------------------------------------------

def test_delete_from_a_set(put):
    assert update(put, "DELETE ss :v", {":v": {"SS": ["a", "zzz"]}})["ss"] == {"SS": ["b"]}


def test_delete_every_member_removes_the_attribute(put):
    assert "ns" not in update(put, "DELETE ns :v", {":v": {"NS": ["1", "2"]}})


def test_delete_with_a_scalar_is_refused(put):
    message = invalid(update, put, "DELETE ss :v", {":v": S("a")})
    assert "Incorrect operand type for operator or function; operator: DELETE" in message


def test_delete_from_a_set_of_another_type_is_refused(put):
    message = invalid(update, put, "DELETE ss :v", {":v": {"NS": ["1"]}})
    assert message == "An operand in the update expression has an incorrect data type"


# --- clauses together and the rules between them ------------------------------------------------

def test_all_four_clauses_in_one_update(put):
    item = update(put, "SET s = :s REMOVE l ADD n :one DELETE ss :a",
                  {":s": S("x"), ":one": N(1), ":a": {"SS": ["a"]}})
    assert item["s"] == S("x") and "l" not in item and item["n"] == N(11) and item["ss"] == {"SS": ["b"]}


def test_clause_keywords_are_case_insensitive(put):
    assert update(put, "set s = :s remove l", {":s": S("x")})["s"] == S("x")


@pytest.mark.parametrize("expression", ["SET s = :v SET n = :v", "REMOVE s REMOVE n", "ADD n :n ADD x :n"])
def test_a_clause_used_twice_is_refused(put, expression):
    values = {":v": S("x"), ":n": N(1)}
    used = {k: v for k, v in values.items() if k in expression}
    message = invalid(update, put, expression, used)
    assert "section can only be used once in an update expression" in message


@pytest.mark.parametrize("expression", ["SET s = :v REMOVE s", "SET s = :v, s = :v", "SET m = :v REMOVE m.x",
                                        "ADD n :n SET n = :n", "REMOVE l[0], l"])
def test_two_operations_on_one_path_are_refused(put, expression):
    values = {":v": S("x"), ":n": N(1)}
    used = {k: v for k, v in values.items() if k in expression}
    message = invalid(update, put, expression, used)
    assert "Two document paths overlap with each other; must remove or rewrite one of these paths" in message


def test_two_elements_of_one_list_are_fine(put):
    assert update(put, "SET l[0] = :v, l[1] = :v", {":v": S("x")})["l"]["L"][:2] == [S("x"), S("x")]


@pytest.mark.parametrize("expression", ["SET pk = :v", "REMOVE pk", "ADD pk :n", "SET pk = if_not_exists(pk, :v)"])
def test_key_attributes_cannot_be_updated(put, expression):
    values = {k: v for k, v in {":v": S("x"), ":n": N(1)}.items() if k in expression}
    message = invalid(update, put, expression, values or None)
    assert "Cannot update attribute pk. This attribute is part of the key" in message


def test_sort_key_cannot_be_updated(ddb):
    ddb.put_item(TableName="events", Item={"pk": S("p"), "sk": N(1)})
    message = invalid(ddb.update_item, TableName="events", Key={"pk": S("p"), "sk": N(1)},
                      UpdateExpression="SET sk = :v", ExpressionAttributeValues={":v": N(2)})
    assert "Cannot update attribute sk. This attribute is part of the key" in message


def test_unknown_clause_is_a_syntax_error(put):
    message = invalid(update, put, "PUT s = :v", {":v": S("x")})
    assert message.startswith("Invalid UpdateExpression: Syntax error; token:")


def test_unknown_function_in_set_is_refused(put):
    message = invalid(update, put, "SET s = concat(s, :v)", {":v": S("x")})
    assert "Invalid function name; function: concat" in message


def test_set_function_names_are_case_sensitive(put):
    message = invalid(update, put, "SET n = IF_NOT_EXISTS(n, :v)", {":v": N(1)})
    assert "Invalid function name; function: IF_NOT_EXISTS" in message


def test_failed_update_changes_nothing(put):
    before = put.get_item(TableName="items", Key=KEY)["Item"]
    invalid(update, put, "SET n = n + :one, s = s + :one", {":one": N(1)})
    assert put.get_item(TableName="items", Key=KEY)["Item"] == before


def test_if_not_exists_of_a_path_with_itself_is_refused(put):
    message = invalid(update, put, "SET n = if_not_exists(n, n)")
    assert message == ("Invalid UpdateExpression: The first operand must be distinct from the remaining operands for "
                       "this operator or function; operator: if_not_exists, first operand: [n]")


def test_list_index_on_a_non_list_is_refused(put):
    message = invalid(update, put, "SET s[0] = :v", {":v": S("x")})
    assert message == "The document path provided in the update expression is invalid for update"


def test_map_key_on_a_list_is_refused(put):
    message = invalid(update, put, "SET l.x = :v", {":v": S("x")})
    assert message == "The document path provided in the update expression is invalid for update"


def test_delete_from_a_missing_set_changes_nothing(put):
    assert "nothere" not in update(put, "DELETE nothere :v", {":v": {"SS": ["a"]}})


def test_list_append_to_a_missing_list_with_if_not_exists(put):
    """The documented idiom for appending to a list that may not exist yet."""
    values = {":empty": {"L": []}, ":new": {"L": [S("x")]}}
    assert update(put, "SET fresh = list_append(if_not_exists(fresh, :empty), :new)", values)["fresh"] == \
        {"L": [S("x")]}


def test_list_append_to_a_missing_list_is_refused(put):
    message = invalid(update, put, "SET fresh = list_append(fresh, :new)", {":new": {"L": [S("x")]}})
    assert message == "The provided expression refers to an attribute that does not exist in the item"


def test_update_expression_values_must_be_used(put):
    message = invalid(update, put, "SET s = :a", {":a": S("x"), ":b": S("y")})
    assert message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"
