"""Checking property values against the schemas, collecting every problem.

Checking also normalises, the way CloudFormation itself accepts values: ``"512"``
for an integer property becomes 512, ``"true"`` for a boolean becomes True, and
a number where text is expected becomes text (``PORT: 8080`` under
``Environment.Variables`` is fine). A value that is still an intrinsic (it names
a resource that does not exist yet) is accepted as it is.
"""

from __future__ import annotations

import json
import re

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.values import function_of, key_mark, mark_of, remap, relist, shown, type_name, value_mark

_WANTED = {
    "string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean (true or false)",
    "list": "a list", "object": "an object", "map": "an object", "json": "an object or JSON text",
}
_BASIC = {
    "string": lambda v: isinstance(v, (str, int, float, bool)),
    "integer": lambda v: isinstance(v, (int, str)),
    "number": lambda v: isinstance(v, (int, float, str)),
    "boolean": lambda v: isinstance(v, (bool, str)),
    "list": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "map": lambda v: isinstance(v, dict),
    "json": lambda v: isinstance(v, (dict, str)),
    "any": lambda v: True,
}
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_MISSING = object()


class Checker:
    """Problems are collected, never raised, so one load reports every mistake in a template."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def error(self, mark: Mark, path: str, message: str):
        self.problems.add(mark, path, message)
        return _MISSING

    def properties(self, props, schema: dict, path: str, mark: Mark, check_required: bool = True) -> dict:
        """A resource's ``Properties`` against its resource schema."""
        shape = {"type": "object", "properties": schema["properties"],
                 "required": schema["required"] if check_required else ()}
        checked = self.check(props, shape, path, mark)
        return checked if isinstance(checked, dict) else remap(props, {})

    def check(self, value, schema: dict, path: str, mark: Mark):
        """The value normalised, or the value as written when it is wrong (a problem is recorded)."""
        if function_of(value):
            return value
        kind = schema["type"]
        if kind == "any":
            return value
        if kind == "one_of":
            for option in schema["options"]:
                if option["type"] != "any" and _BASIC[option["type"]](value) and self._fits(value, option["type"]):
                    return self.check(value, option, path, mark)
            wanted = " or ".join(dict.fromkeys(_WANTED[o["type"]] for o in schema["options"]))
            self.error(mark, path, f"must be {wanted}, got {type_name(value)}")
            return value
        out = getattr(self, "_" + kind)(value, schema, path, mark)
        return value if out is _MISSING else out

    @staticmethod
    def _fits(value, kind: str) -> bool:
        """For one_of: text is text, not a number that happens to be written as text."""
        if kind in ("integer", "number", "boolean"):
            return not isinstance(value, str)
        if kind == "string":
            return not isinstance(value, (dict, list))
        return True

    def wrong_type(self, value, kind: str, path: str, mark: Mark):
        detail = f" ({shown(value)})" if not isinstance(value, (dict, list)) else ""
        return self.error(mark, path, f"must be {_WANTED[kind]}, got {type_name(value)}{detail}")

    # -- scalars ------------------------------------------------------------------------------------

    def _string(self, value, schema, path, mark):
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif not isinstance(value, str):
            return self.wrong_type(value, "string", path, mark)
        enum = schema.get("enum")
        if enum and value not in enum:
            listed = f": {', '.join(enum)}" if len(enum) <= 12 else ""
            return self.error(mark, path, f"{shown(value)} is not one of the allowed values{listed}"
                                          f"{did_you_mean(value, enum)}")
        low, high = schema.get("min_length"), schema.get("max_length")
        if high is not None and len(value) > high:
            return self.error(mark, path, f"must be at most {high} characters long, got {len(value)}")
        if low is not None and len(value) < low:
            return self.error(mark, path, f"must be at least {low} characters long, got {len(value)}")
        pattern = schema.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return self.error(mark, path, schema.get("hint")
                              or f"{shown(value)} does not match {schema.get('pattern_text', pattern)}")
        return value

    def _integer(self, value, schema, path, mark):
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong_type(value, "integer", path, mark)
        return self._range(value, schema, path, mark)

    def _number(self, value, schema, path, mark):
        if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
            value = float(value) if any(c in value for c in ".eE") else int(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong_type(value, "number", path, mark)
        return self._range(value, schema, path, mark)

    def _range(self, value, schema, path, mark):
        enum = schema.get("enum")
        if enum and value not in enum:
            return self.error(mark, path, f"{value} is not one of the allowed values"
                                          + (f": {', '.join(map(str, enum))}" if len(enum) <= 30 else ""))
        low, high = schema.get("min"), schema.get("max")
        if low is not None and value < low:
            return self.error(mark, path, f"must be at least {low}, got {value}")
        if high is not None and value > high:
            return self.error(mark, path, f"must be at most {high}, got {value}")
        return value

    def _boolean(self, value, schema, path, mark):
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            return self.wrong_type(value, "boolean", path, mark)
        return value

    def _json(self, value, schema, path, mark):
        if isinstance(value, str):
            try:
                json.loads(value)
            except ValueError as exc:
                return self.error(mark, path, f"is text but not valid JSON ({exc.msg} at character {exc.pos + 1})")
            return value
        if not isinstance(value, dict):
            return self.wrong_type(value, "json", path, mark)
        return value

    # -- collections --------------------------------------------------------------------------------

    def _list(self, value, schema, path, mark):
        if not isinstance(value, list):
            return self.wrong_type(value, "list", path, mark)
        low, high = schema.get("min_items"), schema.get("max_items")
        if high is not None and len(value) > high:
            self.error(mark, path, f"must have at most {high} item{'s' if high != 1 else ''}, got {len(value)}")
        elif low is not None and len(value) < low:
            self.error(mark, path, f"must have at least {low} item{'s' if low != 1 else ''}, got {len(value)}")
        items = [self.check(item, schema["items"], f"{path}[{i}]", value_mark(value, i, mark))
                 for i, item in enumerate(value)]
        return relist(value, items)

    def _map(self, value, schema, path, mark):
        if not isinstance(value, dict):
            return self.wrong_type(value, "map", path, mark)
        return remap(value, {key: self.check(item, schema["values"], f"{path}.{key}", value_mark(value, key, mark))
                             for key, item in value.items()})

    def _object(self, value, schema, path, mark):
        if not isinstance(value, dict):
            return self.wrong_type(value, "object", path, mark)
        known = schema["properties"]
        out = {}
        for key, item in value.items():
            sub = f"{path}.{key}"
            if key not in known:
                hint = did_you_mean(key, known)
                if not hint and len(known) <= 8:
                    hint = f"; expected one of: {', '.join(known)}"
                self.error(key_mark(value, key, mark), sub, f"unknown property '{key}'{hint}")
                continue
            out[key] = self.check(item, known[key], sub, value_mark(value, key, mark))
        for key in schema.get("required", ()):
            if key not in value:
                self.error(mark_of(value, mark), f"{path}.{key}", "required property is missing")
        return remap(value, out)
