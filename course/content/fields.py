"""Reading typed fields out of a marked YAML mapping, collecting every problem.

Each problem names the field path (``sections[2].facts[0].source``) and the
exact position: the value's when it is wrong, the key's when it is unknown,
the mapping's when a required field is missing.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from course.content.problems import Mark, Problems, did_you_mean
from course.content.yamlsrc import MList, MMap

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$")
MISSING: Any = object()


def type_name(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "nothing (null)"
    return "text"


class Fields:
    """A view of one mapping: typed getters that record problems and never raise."""

    def __init__(self, problems: Problems, node, path: str, allowed: tuple[str, ...], mark: Mark | None = None):
        self.problems = problems
        self.path = path
        self.ok = isinstance(node, MMap)
        self.node: MMap = node if self.ok else MMap()
        self._mark = mark
        if not self.ok:
            problems.add(mark, path, f"expected a mapping, got {type_name(node)}")
            return
        for key in node:
            if key not in allowed:
                self.problems.add(
                    node.key_mark(key), self.sub(key), f"unknown field '{key}'{did_you_mean(key, allowed)}"
                )

    @property
    def mark(self) -> Mark:
        """Where the mapping starts (worked out only when a problem needs it)."""
        return self.node.mark if self.ok else self._mark

    def sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def value_mark(self, key: str) -> Mark:
        return (self.node.value_mark(key) or self.mark) if self.ok else self.mark

    def error(self, key: str, message: str) -> None:
        self.problems.add(self.value_mark(key), self.sub(key), message)

    def raw(self, key: str, required: bool):
        if key in self.node:
            return self.node[key]
        if required and self.ok:
            self.problems.add(self.mark, self.sub(key), "required field is missing")
        return MISSING

    def _typed(self, key, required, check: Callable[[Any], bool], expected: str):
        """The value if present and of the right type, else MISSING (a problem is recorded)."""
        value = self.raw(key, required)
        if value is not MISSING and not check(value):
            self.error(key, f"expected {expected}, got {type_name(value)}")
            return MISSING
        return value

    def text(self, key: str, required: bool = True, default: str | None = "", pattern=None, hint: str = "") -> str:
        value = self._typed(key, required, lambda v: isinstance(v, str), "text")
        if value is MISSING:
            return default
        if not value.strip():
            self.error(key, "must not be empty")
        elif pattern is not None and not pattern.match(value):
            self.error(key, hint or f"'{value}' is not valid here")
        return value

    def slug(self, key: str, required: bool = True) -> str:
        return self.text(
            key, required, pattern=SLUG,
            hint="ids use lower-case letters, digits and hyphens, starting with a letter or digit",
        )

    def url(self, key: str, required: bool = True) -> str:
        return self.text(key, required, pattern=URL, hint="expected an http(s) URL")

    def integer(self, key: str, required: bool = True, default=0, low=None, high=None) -> int:
        value = self._typed(key, required, lambda v: isinstance(v, int) and not isinstance(v, bool),
                            "a whole number")
        if value is MISSING:
            return default
        self._range(key, value, low, high)
        return value

    def number(self, key: str, required: bool = True, default=0.0, low=None, high=None) -> float:
        value = self._typed(key, required,
                            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number")
        if value is MISSING:
            return default
        self._range(key, value, low, high)
        return value

    def _range(self, key, value, low, high) -> None:
        if low is not None and value < low:
            self.error(key, f"must be at least {low}, got {value}")
        elif high is not None and value > high:
            self.error(key, f"must be at most {high}, got {value}")

    def boolean(self, key: str, required: bool = True, default: bool = False) -> bool:
        value = self._typed(key, required, lambda v: isinstance(v, bool), "true or false")
        return default if value is MISSING else value

    def choice(self, key: str, choices, required: bool = True, default: str = "") -> str:
        value = self._typed(key, required, lambda v: isinstance(v, str), "text")
        if value is MISSING:
            return default
        if value not in choices:
            self.error(key, f"'{value}' is not one of: {', '.join(choices)}{did_you_mean(value, choices)}")
            return default
        return value

    def items(self, key: str, required: bool = True, min_items: int = 0):
        """Yield ``(item, mark, path)`` for each entry of a list field."""
        value = self._typed(key, required, lambda v: isinstance(v, list), "a list")
        if value is MISSING:
            return []
        if len(value) < min_items:
            self.error(key, f"needs at least {min_items} {'entry' if min_items == 1 else 'entries'}, got {len(value)}")
        assert isinstance(value, MList)
        marks = value.marks
        return [(item, marks[i], f"{self.sub(key)}[{i}]") for i, item in enumerate(value)]

    def text_list(self, key: str, required: bool = True, min_items: int = 0, choices=None) -> list[str]:
        out = []
        for item, mark, path in self.items(key, required, min_items):
            if not isinstance(item, str) or not item.strip():
                self.problems.add(mark, path, f"expected text, got {type_name(item)}")
            elif choices is not None and item not in choices:
                self.problems.add(mark, path, f"'{item}' is not one of: {', '.join(choices)}{did_you_mean(item, choices)}")
            else:
                out.append(item)
        return out
