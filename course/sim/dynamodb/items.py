"""DynamoDB's attribute-value model: validation, number canonicalisation, key order and item size.

Values are kept in wire format (``{"S": "x"}``, ``{"N": "1.5"}``, ``{"B": b"..."}`` ...), exactly as a
boto3 *client* sends them, so what the simulator stores is what a real table would echo back.

Sources:
- Sizes: "DynamoDB item sizes and formats",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
- Number range/precision, 400 KB item limit, 1 KB = 1024 bytes: "Constraints in Amazon DynamoDB",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html
- Types and key types (S, N, B only): "Supported data types and naming rules",
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
- Error message texts are not documented by AWS; they are the texts DynamoDB answers with, as
  recorded against the live service by the dynalite test suite (github.com/mhart/dynalite).
"""

from __future__ import annotations

import base64
import re
from decimal import Context, Decimal, InvalidOperation

from course.sim.dynamodb.errors import ValidationException

# "The maximum item size in DynamoDB is 400 KB" with 1 KB = 1024 bytes (Constraints page), so an
# item of exactly 409,600 bytes is accepted and 409,601 is not.
MAX_ITEM_BYTES = 400 * 1024
MAX_SIGNIFICANT_DIGITS = 38
MAX_NUMBER = Decimal("9.9999999999999999999999999999999999999E+125")
MIN_NUMBER = Decimal("1E-130")
# Python's default decimal context keeps 28 digits and would silently round a 38-digit number
# while normalising it; this one is wide enough for any number the text can hold.
_EXACT = Context(prec=1000, Emax=999_999, Emin=-999_999)

# Partition key 2,048 bytes, sort key 1,024 bytes (Constraints page).
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024

TYPES = ("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS")
KEY_TYPES = ("S", "N", "B")

INVALID = "One or more parameter values were invalid: "
MSG_EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
MSG_MANY_TYPES = ("Supplied AttributeValue has more than one datatypes set, "
                  "must contain exactly one of the supported datatypes")
MSG_NOT_NUMERIC = "The parameter cannot be converted to a numeric value"
MSG_TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
MSG_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
MSG_UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
MSG_NULL_FALSE = INVALID + "Null attribute value types must have the value of true"
# DynamoDB's own wording, including the double space and "An string".
MSG_EMPTY_SET = {"SS": INVALID + "An string set  may not be empty",
                 "NS": INVALID + "An number set  may not be empty",
                 "BS": INVALID + "Binary sets should not be empty"}
MSG_NS_DUPLICATES = "Input collection contains duplicates"
MSG_ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
# "DynamoDB supports nested attributes up to 32 levels deep" (Constraints page); the attribute
# itself is level 1, so a leaf inside 31 maps is the deepest value an item may hold.
MAX_NESTING = 32
MSG_TOO_DEEP = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
                "beyond supported limit")

# DynamoDB reads numbers like Java's BigDecimal: optional sign, digits with an optional point, an
# optional exponent. Python's Decimal() would also take "NaN", "Infinity", "1_0" and padding.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Numbers already written the way DynamoDB returns them: no exponent, no "+", no zero at either
# end that could be dropped. Up to 38 characters long, such a number always has at most 38
# digits and lies within DynamoDB's range.
_PLAIN = re.compile(r"-?(?:[1-9]\d*|0\.\d*[1-9]|[1-9]\d*\.\d*[1-9])|0")
_PLAIN_MAX = 38


# --- numbers -----------------------------------------------------------------------------------

def parse_number(text) -> Decimal:
    """Check a wire number against DynamoDB's precision and range; return its exact value.

    Precision is checked before range because that is the order DynamoDB reports them in
    (a 39-digit number of huge magnitude gets the precision message).
    """
    if not isinstance(text, str) or text == "":
        raise ValidationException(MSG_NOT_NUMERIC)
    if not _NUMBER.fullmatch(text):
        raise ValidationException(f"{MSG_NOT_NUMERIC}: {text}")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rejects these
        raise ValidationException(f"{MSG_NOT_NUMERIC}: {text}") from None
    if significant_digits(value) > MAX_SIGNIFICANT_DIGITS:
        raise ValidationException(MSG_TOO_PRECISE)
    magnitude = value.copy_abs()  # abs() would round to the 28-digit default context
    if magnitude > MAX_NUMBER:
        raise ValidationException(MSG_OVERFLOW)
    if magnitude and magnitude < MIN_NUMBER:
        raise ValidationException(MSG_UNDERFLOW)
    return value


def significant_digits(value: Decimal) -> int:
    """Digits left once leading and trailing zeroes are trimmed; zero has none.

    The size rule and the 38-digit limit both count these, not the characters the caller typed,
    so "000120.00" has 2.
    """
    if not value:
        return 0
    return len(value.normalize(_EXACT).as_tuple().digits)


def canonical_number(text: str) -> str:
    """The string DynamoDB hands back for a number it stored: "1.50" -> "1.5", "-0" -> "0", "1e3" -> "1000".

    DynamoDB keeps the value, not the spelling, so readers must never see the caller's formatting.
    Most numbers arrive already in that form (``str(int)`` and ``str(Decimal)`` of ordinary
    values), and with at most 38 digits they are within range too, so they are returned as given.
    """
    if type(text) is str and len(text) <= _PLAIN_MAX and _PLAIN.fullmatch(text):
        return text
    value = parse_number(text)
    if not value:
        return "0"
    return format(value.normalize(_EXACT), "f")


def number_size(text: str) -> int:
    """(1 byte per two significant digits, rounded up) + 1 byte, as the sizes page approximates it.

    Stored numbers are canonical (no exponent), so their significant digits are the digits left
    once the sign, the point and the zeroes at either end are dropped.
    """
    if "e" in text or "E" in text:
        digits = significant_digits(Decimal(text))
    else:
        digits = len(text.lstrip("+-").replace(".", "").strip("0"))
    return (digits + 1) // 2 + 1


# --- validation --------------------------------------------------------------------------------

def _type_of(value) -> str:
    if not isinstance(value, dict) or not value:
        raise ValidationException(MSG_EMPTY_VALUE)
    if len(value) > 1:
        raise ValidationException(MSG_MANY_TYPES)
    (kind,) = value
    if kind not in TYPES:
        raise ValidationException(MSG_EMPTY_VALUE)
    return kind


def _bytes(raw) -> bytes:
    if isinstance(raw, (bytes, bytearray, memoryview)):
        return bytes(raw)
    raise ValidationException(INVALID + "Binary attribute values must be bytes")


def validate_value(value, depth: int = 1) -> dict:
    """Check one attribute value the way DynamoDB does and return it in stored (canonical) form.

    Returning the normalised copy means the caller stores exactly what DynamoDB would later
    return; the caller's dict is never mutated. ``depth`` is the value's nesting level (1 for an
    attribute), checked against the 32-level limit.
    """
    if depth > MAX_NESTING:
        raise ValidationException(MSG_TOO_DEEP)
    if type(value) is not dict or len(value) != 1:
        _type_of(value)  # raises the message for what is wrong
    for kind, raw in value.items():
        break
    if kind == "S":
        if type(raw) is not str:
            raise ValidationException(INVALID + "String attribute values must be strings")
        return {"S": raw}
    if kind == "N":
        return {"N": canonical_number(raw)}
    if kind == "M":
        if not isinstance(raw, dict):
            raise ValidationException(MSG_EMPTY_VALUE)
        depth += 1
        return {"M": {k if type(k) is str else str(k): validate_value(v, depth) for k, v in raw.items()}}
    if kind == "L":
        if not isinstance(raw, (list, tuple)):
            raise ValidationException(MSG_EMPTY_VALUE)
        depth += 1
        return {"L": [validate_value(v, depth) for v in raw]}
    if kind == "B":
        return {"B": _bytes(raw)}
    if kind == "BOOL":
        if not isinstance(raw, bool):
            raise ValidationException(INVALID + "Boolean attribute values must be true or false")
        return {"BOOL": raw}
    if kind == "NULL":
        if raw is not True:
            raise ValidationException(MSG_NULL_FALSE)
        return {"NULL": True}
    if kind not in TYPES:
        raise ValidationException(MSG_EMPTY_VALUE)
    return {kind: _validate_set(kind, raw)}


def _validate_set(kind: str, members) -> list:
    """Sets are lists on the wire; DynamoDB refuses them empty or with repeats rather than dedupe."""
    if not isinstance(members, (list, tuple, set, frozenset)) or not members:
        raise ValidationException(MSG_EMPTY_SET[kind])
    members = list(members)
    if kind == "SS":
        if not all(isinstance(m, str) for m in members):
            raise ValidationException(INVALID + "String set members must be strings")
        if len(set(members)) != len(members):
            raise ValidationException(INVALID + f"Input collection [{', '.join(members)}] contains duplicates.")
        return members
    if kind == "NS":
        # Duplicates are judged by value: "1" and "1.0" are the same number.
        canon = [canonical_number(m) for m in members]
        if len(set(canon)) != len(canon):
            raise ValidationException(MSG_NS_DUPLICATES)
        return canon
    blobs = [_bytes(m) for m in members]
    if len(set(blobs)) != len(blobs):
        shown = ", ".join(base64.b64encode(b).decode() for b in blobs)
        raise ValidationException(INVALID + f"Input collection [{shown}]of type BS contains duplicates.")
    return blobs


def validate_key_type(attribute_type: str) -> str:
    """Key attributes (table or index) may only be S, N or B; documents, sets and BOOL cannot be keys."""
    if attribute_type not in KEY_TYPES:
        raise ValidationException(
            f"1 validation error detected: Value '{attribute_type}' at 'attributeType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [B, N, S]")
    return attribute_type


def validate_key_value(name: str, value: dict, expected: str, *, sort_key: bool = False) -> dict:
    """A key value must have the declared type and be non-empty; non-key S/B values may be empty.

    Empty strings and binaries became legal for non-key attributes in 2020, never for keys.
    """
    return _check_key_value(name, validate_value(value), expected, sort_key)


def _check_key_value(name: str, stored: dict, expected: str, sort_key: bool) -> dict:
    """``validate_key_value`` for a value already validated (and canonical)."""
    (actual,) = stored
    if actual != expected:
        raise ValidationException(INVALID + f"Type mismatch for key {name} expected: {expected} actual: {actual}")
    if actual == "S" and stored["S"] == "":
        raise ValidationException(
            INVALID + f"The AttributeValue for a key attribute cannot contain an empty string value. Key: {name}")
    if actual == "B" and stored["B"] == b"":
        raise ValidationException(
            INVALID + f"The AttributeValue for a key attribute cannot contain an empty binary value. Key: {name}")
    if sort_key and value_size(stored) > MAX_SORT_KEY_BYTES:
        raise ValidationException(INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 "
                                            "bytes")
    if not sort_key and value_size(stored) > MAX_PARTITION_KEY_BYTES:
        # Sic: DynamoDB's message has no space in "of2048".
        raise ValidationException(INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes")
    return stored


def validate_item(item: dict, key_schema: list[tuple[str, str]] | None = None) -> dict:
    """Validate a whole item: every value, the key attributes, then the 400 KB limit.

    ``key_schema`` is ``[(name, type), ...]`` with the partition key first.
    Returns the item in stored form.
    """
    return validate_sized_item(item, key_schema)[0]


def validate_sized_item(item: dict, key_schema: list[tuple[str, str]] | None = None) -> tuple[dict, int]:
    """``validate_item`` and the item's size, which the 400 KB check has just computed."""
    if not isinstance(item, dict):
        raise ValidationException(MSG_EMPTY_VALUE)
    stored = {name: validate_value(value) for name, value in item.items()}
    for position, (name, attribute_type) in enumerate(key_schema or ()):
        if name not in stored:
            raise ValidationException(INVALID + f"Missing the key {name} in the item")
        _check_key_value(name, stored[name], attribute_type, position == 1)
    return stored, check_item_size(stored)


# --- size --------------------------------------------------------------------------------------

def _name_size(name: str) -> int:
    return len(name) if name.isascii() else len(name.encode("utf-8"))


def value_size(value: dict) -> int:
    """Bytes one value counts for, without its attribute name (value must already be validated).

    Lists and maps carry 3 bytes of overhead plus 1 byte per element; a map element's name is
    part of its size. The sizes page says nothing about set overhead, so a set is its members.
    """
    for kind, raw in value.items():
        if kind == "S":
            return len(raw) if raw.isascii() else len(raw.encode("utf-8"))
        if kind == "N":
            return number_size(raw)
        if kind == "B":
            return len(raw)
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "M":
            return 3 + sum(1 + _name_size(k) + value_size(v) for k, v in raw.items())
        if kind == "L":
            return 3 + sum(1 + value_size(v) for v in raw)
        if kind == "SS":
            return sum(_name_size(m) for m in raw)
        if kind == "NS":
            return sum(number_size(m) for m in raw)
        return sum(len(m) for m in raw)
    raise ValidationException(MSG_EMPTY_VALUE)


def item_size(item: dict) -> int:
    """Sum of each attribute name's UTF-8 length and its value size: what capacity is charged on."""
    size = 0
    for name, value in item.items():
        size += len(name) if name.isascii() else len(name.encode("utf-8"))
        for kind, raw in value.items():  # strings and numbers inline: most attributes are one
            if kind == "S":
                size += len(raw) if raw.isascii() else len(raw.encode("utf-8"))
            elif kind == "N":
                size += number_size(raw)
            else:
                size += value_size(value)
    return size


def check_item_size(item: dict) -> int:
    """Reject items over 400 KB (409,600 bytes is still fine); return the size for capacity math."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(MSG_ITEM_TOO_BIG)
    return size


# --- copies ------------------------------------------------------------------------------------

def copy_value(value: dict) -> dict:
    """A copy of a validated value that shares nothing mutable with it.

    Stored values hold only str, bytes, bool, lists and dicts, so this walk does what
    ``copy.deepcopy`` would at a fraction of its cost (reads copy every item they return).
    """
    for kind, raw in value.items():
        if kind == "M":
            return {"M": {name: copy_value(inner) for name, inner in raw.items()}}
        if kind == "L":
            return {"L": [copy_value(inner) for inner in raw]}
        if kind in ("SS", "NS", "BS"):
            return {kind: [m if type(m) in (str, bytes) else bytes(m) for m in raw]}
        if kind == "B" and type(raw) is not bytes:
            return {"B": bytes(raw)}
        return {kind: raw}
    return {}


def copy_item(item: dict) -> dict:
    """A copy of a validated item (see ``copy_value``)."""
    return {name: copy_value(value) for name, value in item.items()}


# --- key order ---------------------------------------------------------------------------------

def key_order(value: dict):
    """A sort key for a key value: numbers by value, strings by UTF-8 bytes, binary by unsigned bytes.

    Encoding makes the documented rule explicit; it is not UTF-16 order (what a Java or JavaScript
    string compare gives), which puts U+E000..U+FFFF before supplementary characters.
    """
    (kind,) = value
    raw = value[kind]
    if kind == "N":
        return Decimal(raw)
    if kind == "S":
        return raw.encode("utf-8")
    if kind == "B":
        return bytes(raw)
    raise ValidationException(INVALID + f"Key values must be of type S, N or B, not {kind}")


def compare_keys(a: dict, b: dict) -> int:
    """-1, 0 or 1; comparing values of different types is a caller bug, so it raises."""
    (ka,), (kb,) = a, b
    if ka != kb:
        raise ValidationException(INVALID + f"Cannot compare key values of types {ka} and {kb}")
    x, y = key_order(a), key_order(b)
    return (x > y) - (x < y)
