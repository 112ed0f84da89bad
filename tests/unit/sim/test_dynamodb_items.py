"""DynamoDB value model and capacity arithmetic, checked against the figures AWS documents.

Sizes: developerguide/CapacityUnitCalculations.html; limits: Constraints.html;
capacity: read-write-operations.html. Error texts: as DynamoDB answers them.
"""

from __future__ import annotations

import pytest

from course.sim.errors import AwsError
from course.sim.dynamodb import capacity as cap
from course.sim.dynamodb import items as it

KB = 1024


def err(fn, *args, **kwargs) -> str:
    with pytest.raises(AwsError) as info:
        fn(*args, **kwargs)
    assert info.value.code == "ValidationException" and info.value.status == 400
    return info.value.message


# --- sizes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("item, size", [
    ({"name": {"S": "abc"}}, 4 + 3),
    ({"name": {"S": "café"}}, 4 + 5),                    # é is 2 UTF-8 bytes
    ({"名前": {"S": "日本"}}, 6 + 6),                      # names count in UTF-8 too
    ({"e": {"S": "😀"}}, 1 + 4),
    ({"e": {"S": ""}}, 1),
    ({"b": {"B": b"\x00\x01\x02"}}, 1 + 3),               # raw bytes, not base64 length
    ({"t": {"BOOL": False}}, 2),
    ({"z": {"NULL": True}}, 2),
    ({"n": {"N": "123.45"}}, 1 + 3 + 1),                 # 5 digits -> 3 bytes + 1
    ({"n": {"N": "1.50"}}, 1 + 1 + 1),                   # trailing zero trimmed: 2 digits
    ({"n": {"N": "000120.00"}}, 1 + 1 + 1),              # leading/trailing zeroes trimmed
    ({"n": {"N": "0"}}, 1 + 1),
    ({"n": {"N": "1" * 38}}, 1 + 19 + 1),
    ({"n": {"N": "1" * 37}}, 1 + 19 + 1),
    ({"l": {"L": []}}, 1 + 3),
    ({"m": {"M": {}}}, 1 + 3),
    ({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}, 1 + 3 + (1 + 2) + (1 + 2)),
    ({"m": {"M": {"a": {"S": "xy"}}}}, 1 + 3 + (1 + 1 + 2)),
    ({"m": {"M": {"inner": {"L": [{"BOOL": True}]}}}}, 1 + 3 + (1 + 5 + (3 + 1 + 1))),
    ({"ss": {"SS": ["a", "bc"]}}, 2 + 3),
    ({"ns": {"NS": ["1", "22", "333"]}}, 2 + 2 + 2 + 3),
    ({"bs": {"BS": [b"ab", b"c"]}}, 2 + 3),
    ({"pk": {"S": "u#1"}, "age": {"N": "42"}}, 2 + 3 + 3 + 2),
])
def test_item_size(item, size):
    assert it.item_size(it.validate_item(item)) == size


def test_400kb_boundary_is_inclusive():
    # Constraints.html: 400 KB, and "1 KB = 1024 bytes"; the limit is a maximum, so 409,600 fits.
    ok = {"pk": {"S": "k"}, "d": {"S": "x" * (409_600 - 3 - 1)}}
    assert it.check_item_size(ok) == 409_600
    assert it.validate_item(ok, [("pk", "S")])["d"] == ok["d"]
    big = {"pk": {"S": "k"}, "d": {"S": "x" * (409_601 - 3 - 1)}}
    assert it.item_size(big) == 409_601
    assert err(it.validate_item, big, [("pk", "S")]) == "Item size has exceeded the maximum allowed size"


def test_attribute_names_count_toward_limit():
    item = {"a" * 10: {"B": b"\0" * (409_600 - 10)}}
    assert it.check_item_size(item) == 409_600
    item = {"a" * 11: {"B": b"\0" * (409_600 - 10)}}
    assert err(it.check_item_size, item) == it.MSG_ITEM_TOO_BIG


# --- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, canon", [
    ("1.50", "1.5"), ("-0", "0"), ("0.000", "0"), ("+7", "7"), ("1e3", "1000"), ("100", "100"),
    ("1.5E-5", "0.000015"), ("-12.340", "-12.34"), (".5", "0.5"), ("5.", "5"), ("007", "7"),
])
def test_canonical_numbers(text, canon):
    assert it.canonical_number(text) == canon
    assert it.validate_value({"N": text}) == {"N": canon}


@pytest.mark.parametrize("text", [
    "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
    "1E-130", "-1E-130", "1" * 38, "0." + "0" * 100 + "1" * 38,
])
def test_number_range_edges_accepted(text):
    it.parse_number(text)


@pytest.mark.parametrize("text, message", [
    ("1" * 39, it.MSG_TOO_PRECISE),
    ("-1.23456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
    ("1e126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("-1e126", it.MSG_OVERFLOW),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("-9.99E-131", it.MSG_UNDERFLOW),
    ("", "The parameter cannot be converted to a numeric value"),
    ("abc", "The parameter cannot be converted to a numeric value: abc"),
    ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
    ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
    ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
    (" 1", "The parameter cannot be converted to a numeric value:  1"),
])
def test_number_errors(text, message):
    assert err(it.validate_value, {"N": text}) == message


# --- value validation --------------------------------------------------------------------------

@pytest.mark.parametrize("value, message", [
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ({"X": "1"}, it.MSG_EMPTY_VALUE),
    ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set, "
                           "must contain exactly one of the supported datatypes"),
    ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
    ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
    ({"SS": ["a", "a"]}, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
    ({"BS": [b"b", b"b"]}, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."),
    ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
    ({"L": [{"S": "ok"}, {}]}, it.MSG_EMPTY_VALUE),
    ({"M": {"a": {"M": {"b": {"SS": []}}}}}, it.MSG_EMPTY_SET["SS"]),
    ({"M": {"a": {"N": "1e200"}}}, it.MSG_OVERFLOW),
])
def test_value_errors(value, message):
    assert err(it.validate_value, value) == message


def test_valid_values_round_trip_in_canonical_form():
    value = {"M": {"n": {"N": "01.10"}, "l": {"L": [{"NS": ["2.0", "3"]}, {"NULL": True}]},
                   "s": {"S": ""}, "b": {"B": b""}, "bs": {"BS": [b"x", b"y"]}}}
    assert it.validate_value(value) == {"M": {"n": {"N": "1.1"}, "l": {"L": [{"NS": ["2", "3"]}, {"NULL": True}]},
                                              "s": {"S": ""}, "b": {"B": b""}, "bs": {"BS": [b"x", b"y"]}}}
    assert value["M"]["n"] == {"N": "01.10"}  # caller's dict untouched


# --- keys --------------------------------------------------------------------------------------

SCHEMA = [("pk", "S"), ("sk", "N")]


def test_empty_string_allowed_outside_keys_only():
    assert it.validate_item({"pk": {"S": "a"}, "sk": {"N": "1"}, "note": {"S": ""}}, SCHEMA)["note"] == {"S": ""}
    assert err(it.validate_item, {"pk": {"S": ""}, "sk": {"N": "1"}}, SCHEMA) == (
        "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain "
        "an empty string value. Key: pk")
    assert err(it.validate_item, {"pk": {"B": b""}}, [("pk", "B")]) == (
        "One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain "
        "an empty binary value. Key: pk")


def test_key_errors():
    assert err(it.validate_item, {"pk": {"S": "a"}}, SCHEMA) == (
        "One or more parameter values were invalid: Missing the key sk in the item")
    assert err(it.validate_item, {"pk": {"S": "a"}, "sk": {"S": "1"}}, SCHEMA) == (
        "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S")
    assert it.validate_item({"pk": {"S": "a"}, "sk": {"N": "1.50"}}, SCHEMA)["sk"] == {"N": "1.5"}


def test_key_length_limits():
    it.validate_item({"pk": {"S": "x" * 2048}, "sk": {"N": "1"}}, SCHEMA)
    assert err(it.validate_item, {"pk": {"S": "x" * 2049}, "sk": {"N": "1"}}, SCHEMA) == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
    it.validate_item({"pk": {"S": "é" * 1024}, "sk": {"N": "1"}}, SCHEMA)  # 2,048 UTF-8 bytes
    err(it.validate_item, {"pk": {"S": "é" * 1024 + "x"}, "sk": {"N": "1"}}, SCHEMA)
    it.validate_item({"pk": {"S": "a"}, "sk": {"S": "y" * 1024}}, [("pk", "S"), ("sk", "S")])
    assert err(it.validate_item, {"pk": {"S": "a"}, "sk": {"S": "y" * 1025}}, [("pk", "S"), ("sk", "S")]) == (
        "One or more parameter values were invalid: "
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes")


@pytest.mark.parametrize("t", ["S", "N", "B"])
def test_key_types_allowed(t):
    assert it.validate_key_type(t) == t


@pytest.mark.parametrize("t", ["BOOL", "NULL", "L", "M", "SS", "NS", "BS"])
def test_key_types_rejected(t):
    assert "Member must satisfy enum value set: [B, N, S]" in err(it.validate_key_type, t)


# --- key order ---------------------------------------------------------------------------------

@pytest.mark.parametrize("low, high", [
    ({"N": "9"}, {"N": "10"}),                 # numerically, not as text
    ({"N": "-1"}, {"N": "0.5"}),
    ({"N": "-10"}, {"N": "-9"}),
    ({"N": "1E-130"}, {"N": "2E-130"}),
    ({"S": "Z"}, {"S": "a"}),                  # byte order: upper case first
    ({"S": "a"}, {"S": "ab"}),
    ({"S": "z"}, {"S": "é"}),                  # 0x7A < 0xC3
    ({"S": "\uffff"}, {"S": "😀"}),            # UTF-8 order, not UTF-16 order
    ({"B": b"\x01"}, {"B": b"\xff"}),          # unsigned bytes
    ({"B": b"a"}, {"B": b"ab"}),
])
def test_key_order(low, high):
    assert it.compare_keys(low, high) == -1
    assert it.compare_keys(high, low) == 1
    assert it.compare_keys(low, dict(low)) == 0
    assert sorted([high, low], key=it.key_order) == [low, high]


def test_numbers_equal_by_value():
    assert it.compare_keys({"N": "1.0"}, {"N": "1"}) == 0


def test_key_order_rejects_mixed_and_non_key_types():
    err(it.compare_keys, {"N": "1"}, {"S": "1"})
    err(it.key_order, {"BOOL": True})


# --- capacity: reads ---------------------------------------------------------------------------

@pytest.mark.parametrize("size, strong, eventual, transactional", [
    (1, 1.0, 0.5, 2.0),
    (3500, 1.0, 0.5, 2.0),           # docs: a 3,500-byte item costs the same as 4 KB
    (4 * KB, 1.0, 0.5, 2.0),
    (4 * KB + 1, 2.0, 1.0, 4.0),
    (7680, 2.0, 1.0, 4.0),           # 7.5 KB
    (8 * KB, 2.0, 1.0, 4.0),         # docs: 8 KB -> 2 strong, 1 eventual, 4 transactional
    (10 * KB, 3.0, 1.5, 6.0),        # docs: 10 KB rounds to 12 KB
    (6 * KB, 2.0, 1.0, 4.0),         # facts.md worked example: 6 KB -> 2 RCU
])
def test_get_item_read_units(size, strong, eventual, transactional):
    assert cap.get_item_read(size, cap.STRONG) == strong
    assert cap.get_item_read(size, cap.EVENTUAL) == eventual
    assert cap.get_item_read(size, cap.TRANSACTIONAL) == transactional


def test_missing_item_still_costs_one_block():
    assert cap.get_item_read(None, cap.consistency(True)) == 1.0
    assert cap.get_item_read(None, cap.consistency(None)) == 0.5


def test_batch_get_rounds_per_item_but_query_rounds_the_sum():
    sizes = [1536, 6656]                              # docs: 1.5 KB + 6.5 KB
    assert cap.batch_get_read(sizes) == 3.0           # 4 KB + 8 KB
    assert cap.query_read(sizes) == 2.0               # 8 KB summed, then rounded
    assert cap.query_read([1] * 100) == 1.0           # 100 one-byte items: one block, not 100
    assert cap.query_read([1] * 100, cap.EVENTUAL) == 0.5
    assert cap.query_read([4 * KB, 1], cap.EVENTUAL) == 1.0
    assert cap.query_read([], cap.EVENTUAL) == 0.5    # an empty Query still consumes capacity


# --- capacity: writes --------------------------------------------------------------------------

@pytest.mark.parametrize("size, units", [
    (1, 1.0), (KB, 1.0), (KB + 1, 2.0), (2560, 3.0), (4 * KB, 4.0), (4 * KB + 1, 5.0), (7680, 8.0),
    (409_600, 400.0),
])
def test_write_units(size, units):
    assert cap.write_units(size) == units
    assert cap.write_units(size, transactional=True) == 2 * units
    assert cap.write_request_units(size) == units


def test_put_update_delete_and_failed_conditions():
    assert cap.put_write(500) == 1.0
    assert cap.put_write(500, old_size=3000) == 3.0            # larger of old and new
    assert cap.put_write(3000, old_size=500) == 3.0
    assert cap.update_write(KB + 1, old_size=10) == 2.0
    assert cap.put_write(500, 3000, transactional=True) == 6.0
    assert cap.delete_write(2049) == 3.0
    assert cap.delete_write(None) == 1.0
    assert cap.failed_condition_write(None) == 1.0
    assert cap.failed_condition_write(5000) == 5.0
    assert cap.batch_write([(500, None), (KB + 1, 3 * KB), (None, 2049), (None, None)]) == 1 + 3 + 3 + 1


def test_on_demand_and_partition_constants():
    assert cap.read_request_units(7680, cap.EVENTUAL) == 1.0
    assert (cap.PARTITION_MAX_RCU, cap.PARTITION_MAX_WCU) == (3000, 1000)
    assert (cap.READ_UNIT_BYTES, cap.WRITE_UNIT_BYTES) == (4096, 1024)


def test_negative_size_is_a_bug():
    with pytest.raises(ValueError):
        cap.read_units(-1)


# --- capacity: response shape ------------------------------------------------------------------

def test_consumed_capacity_total_and_indexes():
    c = cap.Consumption("Orders").add(write=2.0).add(write=1.0, gsi="ByCustomer").add(write=1.0, lsi="ByDate")
    assert c.response(None) is None and c.response("NONE") is None
    assert c.response("TOTAL") == {"TableName": "Orders", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0}
    assert c.response("INDEXES") == {
        "TableName": "Orders", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0,
        "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
        "GlobalSecondaryIndexes": {"ByCustomer": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"ByDate": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
    }


def test_consumed_capacity_reads_and_batch_lists():
    a = cap.Consumption("A").add(read=cap.get_item_read(100, cap.EVENTUAL))
    b = cap.Consumption("B").add(read=cap.batch_get_read([5 * KB, 1]))
    assert cap.responses([a, b], "TOTAL") == [
        {"TableName": "A", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5},
        {"TableName": "B", "CapacityUnits": 3.0, "ReadCapacityUnits": 3.0},
    ]
    assert cap.responses([a], "NONE") is None
    assert a.response("INDEXES")["Table"] == {"CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}
    with pytest.raises(ValueError):
        a.response("ALL")
