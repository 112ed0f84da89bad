"""ConditionExpression and FilterExpression: comparators, IN, BETWEEN, logic and functions.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
"""

from __future__ import annotations

import pytest

from tests.conformance.support import invalid, refused

ITEM = {
    "pk": {"S": "k"},
    "s": {"S": "hello world"},
    "n": {"N": "10"},
    "b": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "z": {"NULL": True},
    "l": {"L": [{"S": "a"}, {"N": "2"}, {"M": {"x": {"S": "y"}}}]},
    "m": {"M": {"child": {"M": {"deep": {"N": "5"}}}, "name": {"S": "m"}}},
    "ss": {"SS": ["red", "green"]},
    "ns": {"NS": ["1", "2", "3"]},
    "bs": {"BS": [b"\x01", b"\x02"]},
    "e": {"S": ""},
}


@pytest.fixture
def put(ddb):
    ddb.put_item(TableName="items", Item=ITEM)
    return ddb


def holds(ddb, expression: str, values: dict | None = None, names: dict | None = None) -> bool:
    """Whether a ConditionExpression holds for ITEM, judged by a PutItem that rewrites it."""
    params = {"TableName": "items", "Item": ITEM, "ConditionExpression": expression}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    try:
        ddb.put_item(**params)
        return True
    except ddb.exceptions.ConditionalCheckFailedException as error:
        assert error.response["Error"]["Message"] == "The conditional request failed"
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        return False


def n(text):
    return {"N": text}


def s(text):
    return {"S": text}


# --- comparators ("Making comparisons") ---------------------------------------------------------

@pytest.mark.parametrize("expression, value, expected", [
    ("n = :v", n("10"), True), ("n = :v", n("10.0"), True), ("n = :v", n("11"), False),
    ("n <> :v", n("11"), True), ("n <> :v", n("10"), False),
    ("n < :v", n("11"), True), ("n < :v", n("10"), False),
    ("n <= :v", n("10"), True), ("n <= :v", n("9"), False),
    ("n > :v", n("9"), True), ("n > :v", n("10"), False),
    ("n >= :v", n("10"), True), ("n >= :v", n("10.5"), False),
    ("s < :v", s("hellp"), True), ("s > :v", s("hello"), True),
    ("b < :v", {"B": b"\x01\x02\x04"}, True), ("b > :v", {"B": b"\x01\x02\x04"}, False),
    ("n < :v", s("99"), False),           # different types never order
    ("n <> :v", s("10"), True),           # and are never equal
    ("ss = :v", {"SS": ["green", "red"]}, True),   # sets compare unordered
    ("l = :v", {"L": [s("a"), n("2"), {"M": {"x": s("y")}}]}, True),
    ("m.child = :v", {"M": {"deep": n("5")}}, True),
    ("t = :v", {"BOOL": True}, True),
    ("z = :v", {"NULL": True}, True),
    ("e = :v", s(""), True),
    ("absent = :v", n("1"), False),
    ("absent <> :v", n("1"), True),
])
def test_comparators(put, expression, value, expected):
    assert holds(put, expression, {":v": value}) is expected


def test_compare_two_attributes(put):
    assert holds(put, "n > m.child.deep") is True
    assert holds(put, "n < m.child.deep") is False


def test_list_element_and_nested_path(put):
    assert holds(put, "l[1] = :two AND l[2].x = :y AND m.child.deep = :five",
                 {":two": n("2"), ":y": s("y"), ":five": n("5")})


# --- BETWEEN and IN -----------------------------------------------------------------------------

@pytest.mark.parametrize("low, high, expected", [("5", "10", True), ("10", "10", True), ("11", "20", False)])
def test_between_is_inclusive(put, low, high, expected):
    assert holds(put, "n BETWEEN :lo AND :hi", {":lo": n(low), ":hi": n(high)}) is expected


def test_between_with_bounds_reversed_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="n BETWEEN :hi AND :lo",
                      ExpressionAttributeValues={":lo": n("1"), ":hi": n("20")})
    assert "The BETWEEN operator requires upper bound to be greater than or equal to lower bound" in message


def test_in_matches_any_listed_value(put):
    assert holds(put, "n IN (:a, :b)", {":a": n("1"), ":b": n("10")}) is True
    assert holds(put, "n IN (:a, :b)", {":a": n("1"), ":b": n("2")}) is False


def test_in_accepts_100_values(put):
    values = {f":v{i}": n(str(i)) for i in range(100)}
    assert holds(put, f"n IN ({', '.join(values)})", values) is True


def test_in_refuses_101_values(put):
    values = {f":v{i}": n(str(i)) for i in range(101)}
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression=f"n IN ({', '.join(values)})",
                      ExpressionAttributeValues=values)
    assert "The IN operator is provided with too many operands; number of operands: 101" in message


# --- logic, precedence and parentheses ("Precedence in conditions": NOT, then AND, then OR) ------

def test_and_binds_tighter_than_or(put):
    # true OR (false AND false) -> true; (true OR false) AND false would be false.
    assert holds(put, "n = :ten OR n = :one AND n = :two", {":ten": n("10"), ":one": n("1"), ":two": n("2")})


def test_parentheses_override_precedence(put):
    assert not holds(put, "(n = :ten OR n = :one) AND n = :two", {":ten": n("10"), ":one": n("1"), ":two": n("2")})


def test_not_binds_tighter_than_and(put):
    # (NOT false) AND true -> true
    assert holds(put, "NOT n = :one AND n = :ten", {":one": n("1"), ":ten": n("10")})
    # NOT (true AND true) -> false
    assert not holds(put, "NOT (n = :ten AND n = :ten2)", {":ten": n("10"), ":ten2": n("10.00")})


def test_keywords_are_case_insensitive(put):
    assert holds(put, "n between :lo and :hi or not attribute_exists(n)", {":lo": n("1"), ":hi": n("20")})


# --- functions ("Functions") --------------------------------------------------------------------

def test_attribute_exists_and_not_exists(put):
    assert holds(put, "attribute_exists(n) AND attribute_not_exists(nope)")
    assert holds(put, "attribute_exists(m.child.deep) AND attribute_exists(l[2].x)")
    assert not holds(put, "attribute_exists(l[9])")
    assert not holds(put, "attribute_not_exists(s)")


def test_attribute_not_exists_on_a_absent_item_lets_a_put_create_it(ddb):
    ddb.put_item(TableName="items", Item={"pk": s("new")}, ConditionExpression="attribute_not_exists(pk)")
    code, message = refused(ddb.put_item, TableName="items", Item={"pk": s("new")},
                            ConditionExpression="attribute_not_exists(pk)")
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")


@pytest.mark.parametrize("path, kind", [("s", "S"), ("n", "N"), ("b", "B"), ("t", "BOOL"), ("z", "NULL"),
                                        ("l", "L"), ("m", "M"), ("ss", "SS"), ("ns", "NS"), ("bs", "BS")])
def test_attribute_type_for_every_type(put, path, kind):
    assert holds(put, f"attribute_type({path}, :t)", {":t": s(kind)})
    other = "S" if kind != "S" else "N"
    assert not holds(put, f"attribute_type({path}, :t)", {":t": s(other)})


def test_attribute_type_with_an_unknown_type_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="attribute_type(s, :t)",
                      ExpressionAttributeValues={":t": s("STRING")})
    assert "Invalid attribute type name found; type: STRING" in message


def test_begins_with(put):
    assert holds(put, "begins_with(s, :p)", {":p": s("hello")})
    assert not holds(put, "begins_with(s, :p)", {":p": s("world")})
    assert holds(put, "begins_with(b, :p)", {":p": {"B": b"\x01\x02"}})
    assert not holds(put, "begins_with(n, :p)", {":p": s("1")})      # a number never begins with


def test_begins_with_a_number_operand_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="begins_with(s, :p)",
                      ExpressionAttributeValues={":p": n("1")})
    assert "Incorrect operand type for operator or function; operator or function: begins_with" in message


@pytest.mark.parametrize("path, value, expected", [
    ("s", s("lo wo"), True), ("s", s("xyz"), False),
    ("ss", s("red"), True), ("ss", s("blue"), False),
    ("ns", n("2.0"), True), ("ns", n("4"), False),
    ("bs", {"B": b"\x02"}, True),
    ("l", s("a"), True), ("l", n("2"), True), ("l", s("b"), False),
    ("l", {"M": {"x": s("y")}}, True),
    ("ss", n("1"), False),               # a set holds one type only
])
def test_contains_on_strings_sets_and_lists(put, path, value, expected):
    assert holds(put, f"contains({path}, :v)", {":v": value}) is expected


@pytest.mark.parametrize("path, size", [("s", 11), ("b", 3), ("l", 3), ("m", 2), ("ss", 2), ("ns", 3),
                                        ("bs", 2), ("e", 0), ("m.child", 1)])
def test_size_of_each_sized_type(put, path, size):
    assert holds(put, f"size({path}) = :n", {":n": n(str(size))})
    assert not holds(put, f"size({path}) = :n", {":n": n(str(size + 1))})


@pytest.mark.parametrize("path", ["n", "t", "z", "absent"])
def test_size_of_unsized_types_never_compares_true(put, path):
    """size() is defined for strings, binaries, sets, lists and maps only."""
    assert not holds(put, f"size({path}) >= :zero", {":zero": n("0")})
    assert not holds(put, f"size({path}) < :zero", {":zero": n("0")})


def test_size_in_comparisons_on_both_sides(put):
    assert holds(put, "size(l) > size(ss)")


def test_unknown_function_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="starts_with(s, :p)",
                      ExpressionAttributeValues={":p": s("h")})
    assert "Invalid function name; function: starts_with" in message


def test_function_with_wrong_arity_is_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="begins_with(s)")
    assert "Incorrect number of operands for operator or function; operator or function: begins_with" in message


def test_function_names_are_case_sensitive(put):
    """The docs note "These function names are case-sensitive"."""
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="ATTRIBUTE_EXISTS(s)")
    assert "Invalid function name; function: ATTRIBUTE_EXISTS" in message


# --- syntax errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("expression", ["n = ", "n == :v", "(n = :v", "n = :v)", "n = :v AND", "= :v"])
def test_syntax_errors_are_refused(put, expression):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression=expression,
                      ExpressionAttributeValues={":v": n("1")})
    assert message.startswith("Invalid ConditionExpression: Syntax error; token:")


@pytest.mark.parametrize("call", ["put_item", "delete_item", "update_item"])
def test_empty_condition_is_refused(put, call):
    params = {"Item": ITEM} if call == "put_item" else {"Key": {"pk": ITEM["pk"]}}
    message = invalid(getattr(put, call), TableName="items", ConditionExpression="", **params)
    assert message == "Invalid ConditionExpression: The expression can not be empty;"


def test_empty_update_expression_is_refused(put):
    message = invalid(put.update_item, TableName="items", Key={"pk": ITEM["pk"]}, UpdateExpression="  ")
    assert message == "Invalid UpdateExpression: The expression can not be empty;"


def test_empty_projection_is_refused(put):
    message = invalid(put.get_item, TableName="items", Key={"pk": ITEM["pk"]}, ProjectionExpression="")
    assert message == "Invalid ProjectionExpression: The expression can not be empty;"


# --- filters on reads ("Filter expressions for Query/Scan") ---------------------------------------

def test_filter_expression_on_scan_and_query(ddb):
    for i in range(6):
        ddb.put_item(TableName="events", Item={"pk": s("p"), "sk": n(str(i)), "kind": s("even" if i % 2 == 0 else "odd")})
    scanned = ddb.scan(TableName="events", FilterExpression="kind = :k", ExpressionAttributeValues={":k": s("odd")})
    assert sorted(int(i["sk"]["N"]) for i in scanned["Items"]) == [1, 3, 5]
    assert scanned["Count"] == 3 and scanned["ScannedCount"] == 6
    queried = ddb.query(TableName="events", KeyConditionExpression="pk = :p", FilterExpression="sk > :two AND kind = :k",
                        ExpressionAttributeValues={":p": s("p"), ":two": n("2"), ":k": s("even")})
    assert [i["sk"]["N"] for i in queried["Items"]] == ["4"] and queried["ScannedCount"] == 6


def test_filter_errors_name_the_filter_expression(ddb):
    message = invalid(ddb.scan, TableName="events", FilterExpression="kind = ")
    assert message.startswith("Invalid FilterExpression: Syntax error;")


def test_condition_on_delete_and_update(ddb):
    ddb.put_item(TableName="items", Item={"pk": s("k"), "v": n("1")})
    code, _ = refused(ddb.delete_item, TableName="items", Key={"pk": s("k")}, ConditionExpression="v = :two",
                      ExpressionAttributeValues={":two": n("2")})
    assert code == "ConditionalCheckFailedException"
    code, _ = refused(ddb.update_item, TableName="items", Key={"pk": s("k")}, UpdateExpression="SET v = :two",
                      ConditionExpression="v = :two", ExpressionAttributeValues={":two": n("2")})
    assert code == "ConditionalCheckFailedException"
    assert ddb.get_item(TableName="items", Key={"pk": s("k")})["Item"]["v"] == n("1")
    ddb.delete_item(TableName="items", Key={"pk": s("k")}, ConditionExpression="v = :one",
                    ExpressionAttributeValues={":one": n("1")})
    assert "Item" not in ddb.get_item(TableName="items", Key={"pk": s("k")})


def test_failed_condition_can_return_the_item(ddb):
    """ReturnValuesOnConditionCheckFailure=ALL_OLD puts the current item in the error (API_PutItem.html)."""
    ddb.put_item(TableName="items", Item={"pk": s("k"), "v": n("1")})
    try:
        ddb.put_item(TableName="items", Item={"pk": s("k")}, ConditionExpression="attribute_not_exists(pk)",
                     ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except ddb.exceptions.ConditionalCheckFailedException as error:
        assert error.response["Item"] == {"pk": s("k"), "v": n("1")}
    else:
        raise AssertionError("the condition should have failed")


# --- checks DynamoDB makes on the shape of a condition (service behaviour, not in the guide) ------

@pytest.mark.parametrize("expression", ["((n = :v))", "(((n = :v)))", "((n = :v)) AND s = :s"])
def test_redundant_parentheses_are_refused(put, expression):
    values = {":v": n("10"), ":s": s("x")}
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression=expression,
                      ExpressionAttributeValues={k: v for k, v in values.items() if k in expression})
    assert message == "Invalid ConditionExpression: The expression has redundant parentheses;"


def test_one_pair_of_parentheses_is_fine(put):
    assert holds(put, "(n = :v)", {":v": n("10")})
    assert holds(put, "(n = :v) AND (NOT (s = :x))", {":v": n("10"), ":x": s("x")})


@pytest.mark.parametrize("expression, operator, first", [
    ("n = n", "=", "n"), ("n <> n", "<>", "n"), ("n BETWEEN n AND :v", "BETWEEN", "n"), ("n IN (:v, n)", "IN", "n"),
    ("contains(ss, ss)", "contains", "ss"), ("begins_with(l[2].x, l[2].x)", "begins_with", "l, [2], x"),
])
def test_an_operand_compared_with_itself_is_refused(put, expression, operator, first):
    values = {"ExpressionAttributeValues": {":v": n("1")}} if ":v" in expression else {}
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression=expression, **values)
    assert message == ("Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
                       f"for this operator or function; operator: {operator}, first operand: [{first}]")


def test_between_bounds_of_different_types_are_refused(put):
    message = invalid(put.put_item, TableName="items", Item=ITEM, ConditionExpression="n BETWEEN :lo AND :hi",
                      ExpressionAttributeValues={":lo": n("1"), ":hi": s("z")})
    assert "The BETWEEN operator requires same data type for lower and upper bounds" in message


def test_redundant_parentheses_in_a_key_condition(ddb):
    message = invalid(ddb.query, TableName="items", KeyConditionExpression="((pk = :v))",
                      ExpressionAttributeValues={":v": s("k")})
    assert message == "Invalid KeyConditionExpression: The expression has redundant parentheses;"
