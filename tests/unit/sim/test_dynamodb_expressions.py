"""DynamoDB expression parsing and evaluation, on wire-format lst, without boto3."""

from __future__ import annotations

import pytest

from course.sim.dynamodb.expressions import (
    RESERVED,
    Expressions,
    check_unused,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
)
from course.sim.errors import AwsError

S = lambda v: {"S": v}
N = lambda v: {"N": str(v)}

ITEM = {
    "pk": S("user#1"),
    "age": N(30),
    "nick": S("alice"),
    "bin1": {"B": b"\x01\x02\x03"},
    "tags": {"SS": ["red", "blue"]},
    "scores": {"NS": ["1", "2.50"]},
    "bins": {"BS": [b"\x01", b"\x02"]},
    "lst": {"L": [S("a"), N(2), {"M": {"c": S("deep")}}]},
    "meta": {"M": {"x": N(1), "y": S("why")}},
    "ok": {"BOOL": True},
    "nothing": {"NULL": True},
}
KEYS = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]


def fails(fragment, fn, *args, **kwargs):
    with pytest.raises(AwsError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == "ValidationException"
    assert caught.value.status == 400
    assert fragment in caught.value.message, caught.value.message
    return caught.value.message


def cond(text, values=None, names=None, item=ITEM):
    return parse_condition(text, names, values).evaluate(item)


# ------------------------------------------------------------------------------ conditions

@pytest.mark.parametrize("text,value,expected", [
    ("age = :v", N("30.0"), True), ("age <> :v", N(30), False), ("age < :v", N(31), True),
    ("age <= :v", N(30), True), ("age > :v", N(30), False), ("age >= :v", N(30), True),
    ("nick < :v", S("bob"), True), ("age = :v", S("30"), False), ("age < :v", S("z"), False),
    ("absent = :v", N(1), False), ("absent <> :v", N(1), True), ("tags = :v", {"SS": ["blue", "red"]}, True),
])
def test_comparators(text, value, expected):
    assert cond(text, {":v": value}) is expected


def test_numbers_compare_as_decimals_with_38_digits():
    big = "1234567890123456789012345678901234567"
    item = {"n": N(big + "8")}
    assert cond("n > :v", {":v": N(big + "7")}, item=item)
    assert not cond("n = :v", {":v": N(big + "7")}, item=item)
    assert cond("n = :v", {":v": N("0.1")}, item={"n": N("0.10")})


def test_precedence_not_binds_tighter_than_and_which_binds_tighter_than_or():
    values = {":t": N(30), ":f": N(0)}
    # OR lowest: true OR (false AND false) → true; with wrong precedence ((true OR false) AND false) → false
    assert cond("age = :t OR age = :f AND age = :f", values)
    assert not cond("NOT age = :t OR age = :f", values)  # (NOT true) OR false; NOT (true OR false) also false
    assert cond("NOT age = :f AND age = :t", values)  # (NOT false) AND true; NOT (false AND true) would differ only via OR
    assert not cond("NOT age = :t AND age = :t OR age = :f", values)  # ((NOT t) AND t) OR f
    assert cond("age = :f OR NOT age = :f AND age = :t", values)  # f OR ((NOT f) AND t)
    assert cond("NOT (age = :t AND age = :f)", values)
    assert not cond("(age = :t OR age = :f) AND age = :f", values)


def test_keywords_are_case_insensitive():
    assert cond("age between :a and :b or not attribute_exists(age)", {":a": N(1), ":b": N(99)})


def test_between_is_inclusive():
    assert cond("age BETWEEN :a AND :b", {":a": N(30), ":b": N(30)})
    assert cond("nick BETWEEN :a AND :b", {":a": S("alice"), ":b": S("bob")})
    assert not cond("age BETWEEN :a AND :b", {":a": N(31), ":b": N(40)})


def test_between_rejects_reversed_bounds():
    fails("The BETWEEN operator requires upper bound to be greater than or equal to lower bound",
          parse_condition, "age BETWEEN :a AND :b", None, {":a": N(5), ":b": N(1)})


def test_in_with_100_values_and_too_many():
    values = {f":v{i}": N(i) for i in range(100)}
    text = "age IN (" + ", ".join(values) + ")"
    assert cond(text, values)
    assert not cond(text, values, item={"age": N(100)})
    values[":v100"] = N(100)
    fails("The IN operator is provided with too many operands; number of operands: 101",
          parse_condition, "age IN (" + ", ".join(values) + ")", None, values)


def test_begins_with_strings_and_binary():
    assert cond("begins_with(nick, :p)", {":p": S("ali")})
    assert not cond("begins_with(nick, :p)", {":p": S("bob")})
    assert cond("begins_with(bin1, :p)", {":p": {"B": b"\x01\x02"}})
    assert not cond("begins_with(bin1, :p)", {":p": S("x")})
    fails("operator or function: begins_with, operand type: N", parse_condition, "begins_with(nick, :p)", None, {":p": N(1)})


@pytest.mark.parametrize("path,value,expected", [
    ("nick", S("lic"), True), ("nick", S("zz"), False), ("bin1", {"B": b"\x02\x03"}, True),
    ("tags", S("red"), True), ("tags", S("green"), False), ("scores", N("2.5"), True), ("bins", {"B": b"\x02"}, True),
    ("lst", N(2), True), ("lst", S("b"), False), ("lst", {"M": {"c": S("deep")}}, True), ("age", N(3), False),
])
def test_contains(path, value, expected):
    assert cond(f"contains({path}, :v)", {":v": value}) is expected


@pytest.mark.parametrize("path,size", [
    ("nick", 5), ("bin1", 3), ("tags", 2), ("scores", 2), ("bins", 2), ("lst", 3), ("meta", 2)])
def test_size(path, size):
    assert cond(f"size({path}) = :n", {":n": N(size)})
    assert not cond(f"size({path}) = :n", {":n": N(size + 1)})


def test_size_of_missing_or_number_is_never_true():
    assert not cond("size(age) >= :n", {":n": N(0)})
    assert not cond("size(nope) >= :n", {":n": N(0)})


def test_attribute_functions():
    assert cond("attribute_exists(meta.x) AND attribute_not_exists(meta.z)")
    assert cond("attribute_type(ok, :t) AND attribute_type(nothing, :u)", {":t": S("BOOL"), ":u": S("NULL")})
    assert not cond("attribute_type(age, :t)", {":t": S("S")})
    fails("Invalid attribute type name found; type: STRING", parse_condition, "attribute_type(a, :t)", None, {":t": S("STRING")})


def test_nested_paths_and_list_indexes_in_conditions():
    assert cond("lst[2].c = :v AND meta.y = :w", {":v": S("deep"), ":w": S("why")})
    assert not cond("lst[9] = :v", {":v": S("a")})


def test_syntax_errors_name_token_and_context():
    fails('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"', parse_condition, "a = :v AND", None, {":v": N(1)})
    fails('Syntax error; token: "b"', parse_condition, "a = :v b", None, {":v": N(1)})
    fails("Syntax error; token: \"!\"", parse_condition, "a != :v", None, {":v": N(1)})
    fails('token: ")"', parse_condition, "(a = :v))", None, {":v": N(1)})
    fails("Invalid FilterExpression: Syntax error", parse_condition, "a =", None, None, label="FilterExpression")
    fails("Invalid function name; function: nope", parse_condition, "nope(a)", None, None)
    fails("The expression can not be empty", parse_condition, "  ", None, None)


# ---------------------------------------------------------------------------- names, values

@pytest.mark.parametrize("word", ["status", "name", "size", "date", "data", "count", "Status", "year"])
def test_reserved_words_rejected_unless_aliased(word):
    fails(f"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: {word}",
          parse_condition, f"{word} = :v", None, {":v": N(1)})
    assert parse_condition("#w = :v", {"#w": word}, {":v": N(1)}).evaluate({word: N(1)})


def test_reserved_list_is_substantial():
    assert len(RESERVED) > 500 and {"STATUS", "NAME", "SIZE", "TTL", "USER", "ZONE"} <= RESERVED
    assert "CONTAINS" not in RESERVED and "BEGINS_WITH" not in RESERVED


def test_undefined_names_and_values():
    fails("An expression attribute name used in the document path is not defined; attribute name: #n",
          parse_condition, "#n = :v", {}, {":v": N(1)})
    fails("An expression attribute value used in expression is not defined; attribute value: :x",
          parse_condition, "a = :x", None, {})


def test_unused_values_and_names_rejected():
    fails("Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
          parse_condition, "a = :v", None, {":v": N(1), ":x": N(2)})
    fails("Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}",
          parse_condition, "a = :v", {"#a": "a", "#b": "b"}, {":v": N(1)})
    fails("ExpressionAttributeNames unused", check_unused, {"#a": "a"}, {}, set(), set())
    check_unused({"#a": "a"}, {":v": N(1)}, {"#a"}, {":v"})


def test_one_request_shares_names_across_expressions():
    exprs = Expressions({"#s": "status", "#n": "name"}, {":p": S("user#1"), ":s": S("on")})
    exprs.key_condition("pk = :p", KEYS)
    exprs.condition("#s = :s", "FilterExpression")
    with pytest.raises(AwsError, match=r"keys: \{#n\}"):
        exprs.check_unused()
    exprs.projection("#n")
    exprs.check_unused()


# ------------------------------------------------------------------------------ key conditions

def test_key_condition_partition_only_and_with_sort_predicates():
    kc = parse_key_condition("pk = :p", None, {":p": S("user#1")}, KEYS)
    assert (kc.partition_key, kc.partition_value, kc.sort_op) == ("pk", S("user#1"), None)
    kc = parse_key_condition("#k = :p AND sk BETWEEN :a AND :b", {"#k": "pk"},
                             {":p": S("u"), ":a": N(1), ":b": N(5)}, KEYS)
    assert kc.sort_op == "BETWEEN" and kc.matches_sort(N(5)) and not kc.matches_sort(N(6))
    kc = parse_key_condition("begins_with(sk, :s) AND pk = :p", None, {":p": S("u"), ":s": S("2024-")}, KEYS)
    assert kc.evaluate({"pk": S("u"), "sk": S("2024-01")}) and not kc.evaluate({"pk": S("v"), "sk": S("2024-01")})
    for op, ok, bad in (("<", 4, 5), ("<=", 5, 6), (">", 6, 5), (">=", 5, 4), ("=", 5, 4)):
        kc = parse_key_condition(f"pk = :p AND sk {op} :v", None, {":p": S("u"), ":v": N(5)}, KEYS)
        assert kc.matches_sort(N(ok)) and not kc.matches_sort(N(bad))


@pytest.mark.parametrize("text,fragment", [
    ("pk = :p OR sk = :v", "Invalid operator used in KeyConditionExpression: OR"),
    ("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk IN (:p)", "Invalid operator used in KeyConditionExpression: IN"),
    ("pk = :p AND sk <> :v", "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :p AND contains(sk, :v)", "Invalid operator used in KeyConditionExpression: contains"),
    ("sk = :v", "Query condition missed key schema element: pk"),
    ("pk < :p", "Query key condition not supported"),
    ("pk = :p AND sk = :v AND sk = :v", "Conditions can be of length 1 or 2 only"),
    ("pk = :p AND extra = :v", "Query condition missed key schema element: sk"),
    ("pk = :p AND", "Invalid KeyConditionExpression: Syntax error"),
])
def test_key_condition_rejections(text, fragment):
    values = {":p": S("u"), ":v": N(1)}
    used = {k: v for k, v in values.items() if k in text}
    fails(fragment, parse_key_condition, text, None, used, KEYS)


# -------------------------------------------------------------------------------- projections

def test_projection_nested_paths_and_indexes():
    out = parse_projection("pk, lst[2].c, lst[0], meta.y, absent").apply(ITEM)
    assert out == {"pk": ITEM["pk"], "lst": {"L": [S("a"), {"M": {"c": S("deep")}}]}, "meta": {"M": {"y": S("why")}}}
    assert parse_projection("#s", {"#s": "size"}).apply({"size": N(1), "x": N(2)}) == {"size": N(1)}
    assert parse_projection("meta.zz").apply(ITEM) == {}


def test_projection_errors():
    fails("Invalid ProjectionExpression: Two document paths overlap", parse_projection, "meta, meta.x")
    fails("reserved keyword: name", parse_projection, "pk, name")
    fails("Syntax error", parse_projection, "pk,")
    fails("keys: {#z}", parse_projection, "pk", {"#z": "z"})


# ------------------------------------------------------------------------------------ updates

def upd(text, values=None, names=None, item=ITEM):
    return parse_update(text, names, values).apply(item)


def test_set_arithmetic_with_decimals():
    out = upd("SET age = age + :d, nick = :n, newer = :d - age", {":d": N("0.1"), ":n": S("al")})
    assert out["age"] == N("30.1") and out["nick"] == S("al") and out["newer"] == N("-29.9")
    assert ITEM["age"] == N(30)  # the caller's item is untouched
    assert upd("SET n = n + :d", {":d": N("0.2")}, item={"n": N("0.1")})["n"] == N("0.3")


def test_set_reads_the_item_before_the_update():
    out = upd("SET a = b, b = a", item={"a": N(1), "b": N(2)})
    assert out == {"a": N(2), "b": N(1)}


def test_set_nested_paths_and_list_indexes():
    out = upd("SET meta.z = :v, lst[1] = :v, lst[10] = :w", {":v": S("v"), ":w": S("w")})
    assert out["meta"]["M"]["z"] == S("v")
    assert out["lst"]["L"] == [S("a"), S("v"), {"M": {"c": S("deep")}}, S("w")]
    fails("The document path provided in the update expression is invalid for update",
          upd, "SET nope.x = :v", {":v": N(1)})


def test_if_not_exists_and_list_append():
    out = upd("SET age = if_not_exists(age, :z), hits = if_not_exists(hits, :z) + :one",
              {":z": N(0), ":one": N(1)})
    assert out["age"] == N(30) and out["hits"] == N(1)
    out = upd("SET lst = list_append(:front, lst), more = list_append(if_not_exists(more, :e), :front)",
              {":front": {"L": [S("f")]}, ":e": {"L": []}})
    assert out["lst"]["L"][0] == S("f") and len(out["lst"]["L"]) == 4 and out["more"] == {"L": [S("f")]}


def test_update_type_errors():
    fails("An operand in the update expression has an incorrect data type", upd, "SET nick = nick + :one", {":one": N(1)})
    fails("An operand in the update expression has an incorrect data type", upd, "SET lst = list_append(lst, :s)", {":s": S("x")})
    fails("The provided expression refers to an attribute that does not exist in the item", upd, "SET a = nope + :one", {":one": N(1)})
    fails("An operand in the update expression has an incorrect data type", upd, "ADD nick :one", {":one": N(1)})
    fails("An operand in the update expression has an incorrect data type", upd, "ADD tags :ns", {":ns": {"NS": ["1"]}})
    fails("An operand in the update expression has an incorrect data type", upd, "DELETE age :s", {":s": {"SS": ["x"]}})
    fails("Incorrect operand type for operator or function; operator: ADD, operand type: STRING", upd, "ADD age :s", {":s": S("x")})
    fails("operator: DELETE, operand type: NUMBER", upd, "DELETE tags :n", {":n": N(1)})
    fails("Number overflow", upd, "SET age = age + :big", {":big": N("1" * 38 + ".5")})


def test_remove_nested_and_indexes():
    out = upd("REMOVE meta.x, lst[0], lst[2], age, absent")
    assert "age" not in out and out["meta"]["M"] == {"y": S("why")} and out["lst"]["L"] == [N(2)]


def test_add_numbers_and_sets_including_missing_attributes():
    out = upd("ADD age :one, tally :one, tags :s, fresh :s, scores :ns",
              {":one": N(-1), ":s": {"SS": ["red", "green"]}, ":ns": {"NS": ["2.5", "3"]}})
    assert out["age"] == N(29) and out["tally"] == N(-1)
    assert sorted(out["tags"]["SS"]) == ["blue", "green", "red"] and out["fresh"] == {"SS": ["red", "green"]}
    assert sorted(out["scores"]["NS"]) == ["1", "2.50", "3"]


def test_delete_from_sets():
    out = upd("DELETE tags :s, scores :ns, absent :s", {":s": {"SS": ["red", "nope"]}, ":ns": {"NS": ["1", "2.5"]}})
    assert out["tags"] == {"SS": ["blue"]} and "scores" not in out and "absent" not in out


def test_all_clauses_together_and_case_insensitive():
    out = upd("set a = :v remove nick add c :v delete tags :s", {":v": N(1), ":s": {"SS": ["red"]}})
    assert out["a"] == N(1) and "nick" not in out and out["c"] == N(1) and out["tags"] == {"SS": ["blue"]}


@pytest.mark.parametrize("text,fragment", [
    ("SET a = :v SET b = :v", 'The "SET" section can only be used once in an update expression;'),
    ("REMOVE a REMOVE b", 'The "REMOVE" section can only be used once'),
    ("SET a = :v REMOVE a", "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
    ("SET a.b = :v, a = :v", "path one: [a, b], path two: [a]"),
    ("SET l[1] = :v REMOVE l[1].x", "path one: [l, [1]], path two: [l, [1], x]"),
    ("SET a = :v,", "Invalid UpdateExpression: Syntax error; token: \"<EOF>\""),
    ("UPSERT a = :v", 'Syntax error; token: "UPSERT"'),
    ("SET status = :v", "reserved keyword: status"),
    ("SET a = nope(:v)", "Invalid function name; function: nope"),
    ("SET a = :undefined", "attribute value: :undefined"),
])
def test_update_rejections(text, fragment):
    fails(fragment, parse_update, text, None, {":v": N(1)} if ":v" in text else {})


def test_set_and_remove_of_distinct_siblings_do_not_overlap():
    out = upd("SET meta.x = :v REMOVE meta.y", {":v": N(9)})
    assert out["meta"]["M"] == {"x": N(9)}
