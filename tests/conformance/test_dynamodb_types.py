"""Attribute types, numbers, sets, empty values and item size, as DynamoDB documents them.

- Types: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
- Number precision and range, 400 KB items, nesting depth:
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
- Item sizes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conformance.support import invalid


def put_get(ddb, attrs: dict) -> dict:
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, **attrs})
    item = ddb.get_item(TableName="items", Key={"pk": {"S": "k"}}, ConsistentRead=True)["Item"]
    del item["pk"]
    return item


# --- every type round-trips (NamingRulesDataTypes.html, "Data types") ---------------------------

@pytest.mark.parametrize("value", [
    {"S": "hello"},
    {"S": "ünïcødé 😀"},
    {"N": "42"},
    {"N": "-3.25"},
    {"B": b"\x00\xffbinary"},
    {"BOOL": True},
    {"BOOL": False},
    {"NULL": True},
    {"L": [{"S": "a"}, {"N": "1"}, {"L": [{"BOOL": True}]}, {"M": {"x": {"NULL": True}}}]},
    {"M": {"name": {"S": "n"}, "tags": {"SS": ["a", "b"]}, "deep": {"M": {"n": {"N": "7"}}}}},
    {"L": []},
    {"M": {}},
], ids=lambda v: next(iter(v)))
def test_scalar_and_document_types_round_trip(ddb, value):
    assert put_get(ddb, {"v": value}) == {"v": value}


@pytest.mark.parametrize("kind, members", [
    ("SS", ["b", "a", "c"]),
    ("NS", ["3", "1", "2.5"]),
    ("BS", [b"\x01", b"\x02"]),
])
def test_sets_round_trip_as_sets(ddb, kind, members):
    """Sets are unordered: the members come back, in any order."""
    got = put_get(ddb, {"v": {kind: members}})["v"]
    assert set(got) == {kind} and sorted(got[kind]) == sorted(members)


def test_string_compared_to_number_is_not_equal(ddb):
    """Types matter: {"S": "6"} is not {"N": "6"} (ComparisonOperator EQ in the API reference)."""
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, "v": {"S": "6"}})
    found = ddb.scan(TableName="items", FilterExpression="v = :n", ExpressionAttributeValues={":n": {"N": "6"}})
    assert found["Count"] == 0


# --- numbers: 38 digits, magnitude 1E-130 .. 9.99..E+125 (Constraints.html, "Number") ----------

@pytest.mark.parametrize("given, stored", [
    ("1.50", "1.5"),
    ("007", "7"),
    ("000120.00", "120"),
    ("-0", "0"),
    ("0.000", "0"),
    ("1e3", "1000"),
    ("1E+2", "100"),
    ("-1.2e-3", "-0.0012"),
    ("+5", "5"),
])
def test_numbers_are_normalised(ddb, given, stored):
    """DynamoDB keeps a number's value, not its spelling: leading and trailing zeroes go."""
    assert put_get(ddb, {"n": {"N": given}})["n"] == {"N": stored}


@pytest.mark.parametrize("text", [
    "1" * 38,
    "0." + "1" * 38,
    "1" * 19 + "." + "1" * 19,
    "1" * 38 + "0" * 50,          # trailing zeroes are not significant
])
def test_38_significant_digits_are_accepted(ddb, text):
    assert Decimal(put_get(ddb, {"n": {"N": text}})["n"]["N"]) == Decimal(text)


@pytest.mark.parametrize("text", ["1" * 39, "1." + "1" * 38, "-" + "9" * 39])
def test_39_significant_digits_are_refused(ddb, text):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "n": {"N": text}})
    assert "Attempting to store more than 38 significant digits in a Number" in message


@pytest.mark.parametrize("text", ["9.9999999999999999999999999999999999999E+125", "1E-130", "-1E-130",
                                  "-9.9999999999999999999999999999999999999E+125"])
def test_range_limits_are_inclusive(ddb, text):
    assert Decimal(put_get(ddb, {"n": {"N": text}})["n"]["N"]) == Decimal(text)


def test_number_too_large_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "n": {"N": "1E+126"}})
    assert "Number overflow" in message


def test_number_too_small_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "n": {"N": "1E-131"}})
    assert "Number underflow" in message


@pytest.mark.parametrize("text", ["abc", "1.2.3", "NaN", "Infinity", "1_000", " 1"])
def test_non_numbers_are_refused(ddb, text):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "n": {"N": text}})
    assert "The parameter cannot be converted to a numeric value" in message


def test_number_keys_are_equal_by_value(ddb):
    """Keys are compared by value: "1.0" and "1" name the same item."""
    ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"N": "1.0"}, "v": {"S": "first"}})
    ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "second"}})
    items = ddb.scan(TableName="events")["Items"]
    assert items == [{"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "second"}}]


# --- sets: never empty, no duplicates (NamingRulesDataTypes.html, "Sets") -----------------------

@pytest.mark.parametrize("kind, wording", [("SS", "may not be empty"), ("NS", "may not be empty"),
                                            ("BS", "should not be empty")])
def test_empty_sets_are_refused(ddb, kind, wording):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "s": {kind: []}})
    assert message.startswith("One or more parameter values were invalid: ") and wording in message


@pytest.mark.parametrize("kind, members", [("SS", ["a", "a"]), ("NS", ["1", "1.0"]), ("BS", [b"x", b"x"])])
def test_duplicate_set_members_are_refused(ddb, kind, members):
    """NS duplicates are judged by value, so "1" and "1.0" are the same member."""
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "s": {kind: members}})
    assert "contains duplicates" in message


def test_number_set_members_are_validated(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "s": {"NS": ["1", "x"]}})
    assert "cannot be converted to a numeric value" in message


# --- empty strings and binaries (NamingRulesDataTypes.html: allowed except in key attributes) ----

def test_empty_string_and_binary_allowed_outside_keys(ddb):
    got = put_get(ddb, {"s": {"S": ""}, "b": {"B": b""}, "l": {"L": [{"S": ""}]}, "m": {"M": {"e": {"S": ""}}}})
    assert got == {"s": {"S": ""}, "b": {"B": b""}, "l": {"L": [{"S": ""}]}, "m": {"M": {"e": {"S": ""}}}}


def test_empty_string_partition_key_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": ""}})
    assert "cannot contain an empty string value. Key: pk" in message


def test_empty_string_key_refused_in_get_item(ddb):
    message = invalid(ddb.get_item, TableName="items", Key={"pk": {"S": ""}})
    assert "cannot contain an empty string value. Key: pk" in message


def test_null_false_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "z": {"NULL": False}})
    assert "Null attribute value types must have the value of true" in message


# --- keys ---------------------------------------------------------------------------------------

def test_key_of_the_wrong_type_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="events", Item={"pk": {"S": "p"}, "sk": {"S": "1"}})
    assert "Type mismatch for key sk expected: N actual: S" in message


def test_missing_key_attribute_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="events", Item={"pk": {"S": "p"}})
    assert "Missing the key sk in the item" in message


def test_get_item_with_an_extra_key_attribute_is_refused(ddb):
    message = invalid(ddb.get_item, TableName="items", Key={"pk": {"S": "p"}, "other": {"S": "x"}})
    assert message == "The provided key element does not match the schema"


def test_partition_key_over_2048_bytes_refused(ddb):
    ddb.put_item(TableName="items", Item={"pk": {"S": "k" * 2048}})
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k" * 2049}})
    assert "Size of hashkey has exceeded the maximum size limit of2048 bytes" in message


def test_sort_key_over_1024_bytes_refused(acct):
    client = acct.client("dynamodb")
    client.create_table(TableName="strs", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "S"}])
    client.put_item(TableName="strs", Item={"pk": {"S": "p"}, "sk": {"S": "s" * 1024}})
    message = invalid(client.put_item, TableName="strs", Item={"pk": {"S": "p"}, "sk": {"S": "s" * 1025}})
    assert "Aggregated size of all range keys has exceeded the size limit of 1024 bytes" in message


# --- item size and the 400 KB limit (Constraints.html; CapacityUnitCalculations.html) -----------

def test_item_of_exactly_400_kb_is_accepted(ddb):
    """400 KB = 409,600 bytes, attribute names included: pk(2)+k(1)+d(1) + the string."""
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, "d": {"S": "x" * (409_600 - 4)}})
    assert len(ddb.get_item(TableName="items", Key={"pk": {"S": "k"}})["Item"]["d"]["S"]) == 409_596


def test_item_one_byte_over_400_kb_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "d": {"S": "x" * (409_600 - 3)}})
    assert message == "Item size has exceeded the maximum allowed size"


def test_attribute_names_count_toward_the_item_size(ddb):
    """The same value fits under a one-letter name and not under a longer one."""
    value = {"S": "x" * (409_600 - 4)}
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, "d": value})
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "dd": value})
    assert message == "Item size has exceeded the maximum allowed size"


def test_update_that_grows_an_item_past_400_kb_is_refused(ddb):
    ddb.put_item(TableName="items", Item={"pk": {"S": "k"}, "d": {"S": "x" * 300_000}})
    message = invalid(ddb.update_item, TableName="items", Key={"pk": {"S": "k"}}, UpdateExpression="SET e = :e",
                      ExpressionAttributeValues={":e": {"S": "y" * 200_000}})
    assert "Item size" in message and "exceeded the maximum allowed size" in message
    assert "e" not in ddb.get_item(TableName="items", Key={"pk": {"S": "k"}})["Item"]


def _nested(depth: int) -> dict:
    value = {"S": "leaf"}
    for _ in range(depth):
        value = {"M": {"a": value}}
    return value


def test_nesting_32_levels_is_accepted(ddb):
    """Constraints.html: "DynamoDB supports nested attributes up to 32 levels deep"; the attribute
    is level 1, so its leaf may sit inside 31 maps."""
    assert put_get(ddb, {"n": _nested(31)}) == {"n": _nested(31)}


def test_nesting_33_levels_is_refused(ddb):
    message = invalid(ddb.put_item, TableName="items", Item={"pk": {"S": "k"}, "n": _nested(32)})
    assert "Nesting Levels have exceeded supported limits" in message
