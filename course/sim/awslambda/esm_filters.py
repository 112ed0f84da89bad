"""Event filtering for stream event source mappings (``FilterCriteria``).

"Control which events Lambda sends to your function"
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html): up to five filters per
mapping by default, ORed; a record that matches none is discarded and never reaches the function. A
pattern has the shape of the record: an object key matches the record's key of that name, a list
lists the allowed values (ORed), and the rules are exact values (strings, numbers, ``null``),
``{"prefix"}``, ``{"suffix"}``, ``{"equals-ignore-case"}``, ``{"anything-but": value or [values]}``,
``{"numeric": [op, n, ...]}`` and ``{"exists": bool}``. Kinesis records are matched with their ``data``
decoded from base64 and parsed as JSON; data that is not JSON can only fail a pattern on ``data``.
"""

from __future__ import annotations

import base64
import json

from course.sim.awslambda.errors import InvalidParameterValueException

MAX_FILTERS = 5
MAX_PATTERN_CHARS = 4096
_NUMERIC = {"=": lambda a, b: a == b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def compile_filters(criteria: dict | None) -> list[dict]:
    """The patterns of ``FilterCriteria``, parsed and checked; [] when there are none."""
    filters = (criteria or {}).get("Filters") or []
    if len(filters) > MAX_FILTERS:
        raise InvalidParameterValueException("The maximum number of filters per event source "
                                             f"mapping is {MAX_FILTERS}; {len(filters)} were given.")
    patterns = []
    for entry in filters:
        text = (entry or {}).get("Pattern") or ""
        if len(text) > MAX_PATTERN_CHARS:
            raise InvalidParameterValueException(f"A filter pattern may be at most {MAX_PATTERN_CHARS} characters.")
        try:
            pattern = json.loads(text)
        except ValueError:
            raise InvalidParameterValueException(f"Invalid filter pattern definition: {text}") from None
        if not isinstance(pattern, dict) or not pattern:
            raise InvalidParameterValueException("Invalid filter pattern definition: "
                                                 f"{text} (a pattern is a JSON object)")
        _check(pattern, text)
        patterns.append(pattern)
    return patterns


def _check(pattern: dict, text: str) -> None:
    for value in pattern.values():
        if isinstance(value, dict):
            _check(value, text)
        elif not isinstance(value, list):
            raise InvalidParameterValueException("Invalid filter pattern definition: "
                                                 f"{text} (each field's rules go in a list)")
        else:
            for rule in value:
                if isinstance(rule, dict) and not set(rule) <= {"prefix", "suffix", "equals-ignore-case",
                                                                "anything-but", "numeric", "exists"}:
                    raise InvalidParameterValueException("Invalid filter pattern definition: "
                                                         f"{text} (unknown rule {sorted(rule)})")


def matches_any(patterns: list[dict], event: dict) -> bool:
    if not patterns:
        return True
    subject = _subject(event)
    return any(_match(pattern, subject) for pattern in patterns)


def _subject(event: dict) -> dict:
    """A Kinesis record's data is matched as the JSON it holds."""
    kinesis = event.get("kinesis")
    if not isinstance(kinesis, dict) or "data" not in kinesis:
        return event
    try:
        data = json.loads(base64.b64decode(kinesis["data"]))
    except ValueError:
        data = None
    return {**event, "kinesis": {**kinesis, "data": data}, "data": data}


_MISSING = object()


def _match(pattern: dict, value) -> bool:
    for key, rules in pattern.items():
        found = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(rules, dict):
            if found is _MISSING or not _match(rules, found):
                return False
        elif not any(_rule(rule, found) for rule in rules):
            return False
    return True


def _rule(rule, found) -> bool:
    if isinstance(rule, dict) and "exists" in rule:
        return (found is not _MISSING) == bool(rule["exists"])
    if found is _MISSING:
        return False
    values = found if isinstance(found, list) else [found]
    return any(_one(rule, v) for v in values)


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    return None


def _one(rule, value) -> bool:
    if not isinstance(rule, dict):
        if rule is None or value is None or isinstance(rule, bool) or isinstance(value, bool):
            return rule is value
        return rule == value
    if "prefix" in rule:
        return isinstance(value, str) and value.startswith(rule["prefix"])
    if "suffix" in rule:
        return isinstance(value, str) and value.endswith(rule["suffix"])
    if "equals-ignore-case" in rule:
        return isinstance(value, str) and value.lower() == str(rule["equals-ignore-case"]).lower()
    if "anything-but" in rule:
        banned = rule["anything-but"]
        banned = banned if isinstance(banned, list) else [banned]
        return value not in banned
    if "numeric" in rule:
        number = _number(value)
        terms = rule["numeric"]
        if number is None:
            return False
        return all(_NUMERIC[terms[i]](number, terms[i + 1]) for i in range(0, len(terms) - 1, 2)
                   if terms[i] in _NUMERIC)
    return False
