"""The file formats of DynamoDB's export to and import from S3: DynamoDB JSON, Amazon Ion text, CSV.

Export writes items one per line (JSON lines): ``{"Item":{...}}`` in DynamoDB JSON, or
``$ion_1_0 {Item:{...}}`` in Ion. Ion is written and read by a small hand-written codec covering the
subset DynamoDB uses, so no Ion library is needed: strings, bools, null, decimals (``103.``,
``6d2``), blobs (``{{base64}}``), lists, structs, and sets as lists annotated ``$dynamodb_SS``,
``$dynamodb_NS`` or ``$dynamodb_BS``. Import reads the same two formats plus CSV, and reports every
line it cannot use as ``(line, reason)`` instead of stopping, as DynamoDB logs such lines to
CloudWatch Logs and goes on.

Sources:
- export layout and item formats, the DynamoDB-to-Ion type table:
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html
- import formats (CSV, DynamoDB JSON, Ion; none, GZIP or ZSTD compression), CSV header and delimiter
  options: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataImport.Format.html ;
  in CSV every column other than the key attributes of the table and its indexes is imported as a
  string. Ion text grammar: https://amazon-ion.github.io/ion-docs/docs/spec.html
- Assumption: an empty CSV cell is left out of the item (CSV cannot tell an empty string from a
  missing value, and DynamoDB's page does not say which it picks).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re

from course.sim.dynamodb.items import canonical_number

# -- DynamoDB JSON ------------------------------------------------------------------------------------


def to_wire(value: dict) -> dict:
    """A stored attribute value in its JSON form (binary as base64 text)."""
    kind, raw = next(iter(value.items()))
    if kind == "B":
        return {"B": base64.b64encode(raw).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode() for b in raw]}
    if kind == "L":
        return {"L": [to_wire(v) for v in raw]}
    if kind == "M":
        return {"M": {k: to_wire(v) for k, v in raw.items()}}
    return {kind: raw}


def from_wire(value):
    """The reverse of ``to_wire``; shape problems are left to ``items.validate_value``."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    kind, raw = next(iter(value.items()))
    try:
        if kind == "B":
            return {"B": base64.b64decode(raw, validate=True)}
        if kind == "BS":
            return {"BS": [base64.b64decode(b, validate=True) for b in raw]}
    except (ValueError, TypeError):
        raise ValueError(f"invalid base64 in a {kind} value") from None
    if kind == "L" and isinstance(raw, list):
        return {"L": [from_wire(v) for v in raw]}
    if kind == "M" and isinstance(raw, dict):
        return {"M": {k: from_wire(v) for k, v in raw.items()}}
    return value


def item_line_json(record: dict) -> str:
    return json.dumps({k: {n: to_wire(v) for n, v in item.items()} if isinstance(item, dict) and k != "Metadata"
                       else item for k, item in record.items()}, separators=(",", ":"), ensure_ascii=False)


# -- Amazon Ion text (the subset DynamoDB writes) --------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_KEYWORDS = {"null", "true", "false", "nan"}


def _ion_name(name: str) -> str:
    if _IDENTIFIER.fullmatch(name) and name not in _KEYWORDS:
        return name
    return json.dumps(name, ensure_ascii=False)


def _ion_decimal(text: str) -> str:
    """Ion reads ``103`` as an int, so numbers are written as decimals: ``103.``, ``1.5``, ``6d2``."""
    text = canonical_number(text)
    if "E" in text or "e" in text:
        return text.replace("E", "d").replace("e", "d")
    return text if "." in text else text + "."


def ion_value(value: dict) -> str:
    kind, raw = next(iter(value.items()))
    if kind == "S":
        return json.dumps(raw, ensure_ascii=False)
    if kind == "N":
        return _ion_decimal(raw)
    if kind == "B":
        return "{{" + base64.b64encode(raw).decode() + "}}"
    if kind == "BOOL":
        return "true" if raw else "false"
    if kind == "NULL":
        return "null"
    if kind in ("SS", "NS", "BS"):
        return f"$dynamodb_{kind}::[" + ",".join(ion_value({kind[0]: member}) for member in raw) + "]"
    if kind == "L":
        return "[" + ",".join(ion_value(v) for v in raw) + "]"
    return ion_struct(raw)


def ion_struct(fields: dict) -> str:
    return "{" + ",".join(f"{_ion_name(name)}:{ion_value(value)}" for name, value in fields.items()) + "}"


def item_line_ion(record: dict) -> str:
    parts = []
    for key, item in record.items():
        if key == "Metadata":
            parts.append(f"Metadata:{{WriteTimestampMicros:{item['WriteTimestampMicros']['N']}}}")
        else:
            parts.append(f"{key}:{ion_struct(item)}")
    return "$ion_1_0 {" + ",".join(parts) + "}"


class IonError(ValueError):
    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


_NUMBER = re.compile(r"[+-]?(?:\d[\d_]*)(?:\.[\d_]*)?(?:[dDeE][+-]?\d+)?|[+-]?\.\d+(?:[dDeE][+-]?\d+)?")
_SYMBOL = re.compile(r"\$?[A-Za-z_$][A-Za-z0-9_$]*")
_TYPED_NULL = re.compile(r"null\.[a-z]+")


class IonReader:
    """Reads a stream of top-level Ion text values into DynamoDB attribute values, one at a time."""

    def __init__(self, text: str):
        self.text, self.at, self.start = text, 0, 0

    def line_of(self, position: int) -> int:
        return self.text.count("\n", 0, position) + 1

    def _skip(self, commas: bool = True) -> None:
        """Whitespace and comments; commas too inside containers (top-level values have none)."""
        text = self.text
        while self.at < len(text):
            if text[self.at].isspace() or (commas and text[self.at] == ","):
                self.at += 1
            elif text.startswith("//", self.at):
                end = text.find("\n", self.at)
                self.at = len(text) if end < 0 else end
            elif text.startswith("/*", self.at):
                end = text.find("*/", self.at)
                self.at = len(text) if end < 0 else end + 2
            else:
                return

    def next_top(self):
        """``(start, value)`` of the next top-level value, skipping version markers; None at the end."""
        while True:
            self._skip(commas=False)
            if self.at >= len(self.text):
                return None
            self.start = self.at
            if self.text.startswith("$ion_1_0", self.at) and not _SYMBOL.match(self.text, self.at + 8):
                self.at += 8
                continue
            return self.start, self._value()

    def resync(self) -> None:
        """After an error, carry on at the line after the one the bad value began on: DynamoDB's
        files hold one item per line."""
        end = self.text.find("\n", self.start)
        self.at = len(self.text) if end < 0 else end + 1

    def _value(self):
        annotations = []
        while True:
            self._skip()
            match = _SYMBOL.match(self.text, self.at)
            if match and self.text.startswith("::", match.end()):
                annotations.append(match.group())
                self.at = match.end() + 2
                continue
            break
        value = self._plain()
        if annotations:
            kind = annotations[0].removeprefix("$dynamodb_")
            if kind not in ("SS", "NS", "BS") or "L" not in value:
                raise IonError(f"unsupported annotation {annotations[0]}", self.at)
            members = value["L"]
            want = kind[0]
            if any(next(iter(m)) != want for m in members):
                raise IonError(f"{annotations[0]} list holds a value that is not of type {want}", self.at)
            return {kind: [m[want] for m in members]}
        return value

    def _plain(self):
        text, at = self.text, self.at
        if at >= len(text):
            raise IonError("unexpected end of input", at)
        char = text[at]
        if char == "{" and text.startswith("{{", at):
            end = text.find("}}", at)
            if end < 0:
                raise IonError("unterminated blob", at)
            self.at = end + 2
            try:
                return {"B": base64.b64decode("".join(text[at + 2:end].split()), validate=True)}
            except ValueError:
                raise IonError("invalid base64 in a blob", at) from None
        if char == "{":
            return {"M": self._struct()}
        if char == "[":
            self.at += 1
            items = []
            while True:
                self._skip()
                if text.startswith("]", self.at):
                    self.at += 1
                    return {"L": items}
                items.append(self._value())
        if char == '"':
            return {"S": self._string()}
        null = _TYPED_NULL.match(text, at)
        if null:
            self.at = null.end()
            return {"NULL": True}
        for word, value in (("null", {"NULL": True}), ("true", {"BOOL": True}), ("false", {"BOOL": False})):
            if text.startswith(word, at) and not _SYMBOL.match(text, at + len(word)):
                self.at = at + len(word)
                return value
        number = _NUMBER.match(text, at)
        if number and number.group():
            self.at = number.end()
            raw = number.group().replace("_", "").replace("d", "E").replace("D", "E")
            return {"N": raw.rstrip(".") if raw.endswith(".") else raw}
        symbol = _SYMBOL.match(text, at)
        if symbol:
            self.at = symbol.end()
            return {"S": symbol.group()}
        raise IonError(f"unexpected character {char!r}", at)

    def _string(self) -> str:
        # Ion's escapes in short strings are a superset of JSON's; the ones DynamoDB writes are JSON's.
        match = re.compile(r'"(?:[^"\\\n]|\\.)*"').match(self.text, self.at)
        if not match:
            raise IonError("unterminated string", self.at)
        self.at = match.end()
        try:
            return json.loads(match.group())
        except ValueError:
            raise IonError("unsupported escape in a string", match.start()) from None

    def _struct(self) -> dict:
        self.at += 1
        fields = {}
        while True:
            self._skip()
            if self.text.startswith("}", self.at):
                self.at += 1
                return fields
            if self.text.startswith('"', self.at):
                name = self._string()
            elif self.text.startswith("'", self.at):
                end = self.text.find("'", self.at + 1)
                if end < 0:
                    raise IonError("unterminated symbol", self.at)
                name, self.at = self.text[self.at + 1:end], end + 1
            else:
                symbol = _SYMBOL.match(self.text, self.at)
                if not symbol:
                    raise IonError("expected a field name", self.at)
                name, self.at = symbol.group(), symbol.end()
            self._skip()
            if not self.text.startswith(":", self.at):
                raise IonError("expected ':' after a field name", self.at)
            self.at += 1
            fields[name] = self._value()


# -- reading an import source ------------------------------------------------------------------------


def read_json_lines(text: str):
    """``(line, item or None, reason)`` for each non-blank line of a DynamoDB JSON file."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield number, None, f"invalid JSON: {error.msg}"
            continue
        if not isinstance(record, dict) or not isinstance(record.get("Item"), dict):
            yield number, None, "the line is not an object with an Item"
            continue
        try:
            yield number, {name: from_wire(value) for name, value in record["Item"].items()}, None
        except ValueError as error:
            yield number, None, str(error)


def read_ion(text: str):
    reader = IonReader(text)
    while True:
        try:
            found = reader.next_top()
        except IonError as error:
            yield reader.line_of(reader.start), None, f"invalid Ion at line {reader.line_of(error.position)}: {error}"
            reader.resync()
            continue
        if found is None:
            return
        start, value = found
        line = reader.line_of(start)
        item = value.get("M", {}).get("Item") if isinstance(value, dict) else None
        if not item or "M" not in item:
            yield line, None, "the value is not a struct with an Item"
            continue
        yield line, item["M"], None


def read_csv(text: str, delimiter: str, header: list[str] | None, types: dict[str, str]):
    """Rows as items: key attributes of the table and its indexes typed as defined, others strings."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    for number, row in enumerate(rows, 1):
        if header is None:
            header = row
            continue
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            yield number, None, f"the row has {len(row)} values but the header names {len(header)} columns"
            continue
        item = {}
        for name, cell in zip(header, row):
            if cell == "" and name not in types:
                continue
            kind = types.get(name, "S")
            if kind == "B":
                try:
                    item[name] = {"B": base64.b64decode(cell, validate=True)}
                except ValueError:
                    item = None
                    yield number, None, f"column {name} is not base64"
                    break
            else:
                item[name] = {kind: cell}
        if item is not None:
            yield number, item, None
