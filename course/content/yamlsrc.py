"""One safe YAML pass that keeps where every value came from.

``yaml.compose`` (libyaml when available) builds the node tree; we turn it into
plain Python values while remembering each key's and value's position, and we
reject what PyYAML silently accepts: duplicate keys, merge keys and custom tags.
Nothing here can construct arbitrary objects.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from course.content.problems import Mark, Problems

try:  # libyaml's composer is several times faster; it is optional.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader

_TAG = "tag:yaml.org,2002:"
_ctor = SafeConstructor()


class Broken:
    """Stands for a file that could not be parsed; its problem is already recorded."""


BROKEN = Broken()


class MMap(dict):
    """A mapping that remembers the position of the mapping, its keys and values."""

    __slots__ = ("mark", "key_marks", "value_marks")


class MList(list):
    """A sequence that remembers its own position and each item's."""

    __slots__ = ("mark", "marks")


def _scalar(node: ScalarNode):
    tag = node.tag
    if tag == _TAG + "str":
        return node.value
    if tag == _TAG + "int":
        return _ctor.construct_yaml_int(node)
    if tag == _TAG + "float":
        return _ctor.construct_yaml_float(node)
    if tag == _TAG + "bool":
        return _ctor.construct_yaml_bool(node)
    if tag == _TAG + "null":
        return None
    # Timestamps stay text: content has no use for datetime objects.
    return node.value


class _Builder:
    def __init__(self, name: str, problems: Problems):
        self.name = name
        self.problems = problems

    def mark(self, node) -> Mark:
        m = node.start_mark
        return Mark(self.name, m.line + 1, m.column + 1)

    def build(self, node):
        if isinstance(node, ScalarNode):
            if not node.tag.startswith(_TAG):
                self.problems.add(self.mark(node), "", f"YAML tag {node.tag} is not allowed in a pack")
                return node.value
            if node.tag == _TAG + "binary":
                self.problems.add(self.mark(node), "", "binary values are not allowed in a pack")
                return None
            return _scalar(node)
        if isinstance(node, SequenceNode):
            out = MList()
            out.mark = self.mark(node)
            out.marks = []
            for item in node.value:
                out.marks.append(self.mark(item))
                out.append(self.build(item))
            return out
        if isinstance(node, MappingNode):
            out = MMap()
            out.mark = self.mark(node)
            out.key_marks = {}
            out.value_marks = {}
            for key_node, value_node in node.value:
                kmark = self.mark(key_node)
                if key_node.tag == _TAG + "merge":
                    self.problems.add(kmark, "", "merge keys ('<<') are not supported; write the fields out")
                    continue
                if not isinstance(key_node, ScalarNode):
                    self.problems.add(kmark, "", "mapping keys must be plain text")
                    continue
                key = _scalar(key_node)
                if not isinstance(key, str):
                    key = str(key_node.value)
                if key in out:
                    first = out.key_marks[key]
                    self.problems.add(kmark, "", f"duplicate key '{key}' (first defined at line {first.line})")
                    continue
                out.key_marks[key] = kmark
                out.value_marks[key] = self.mark(value_node)
                out[key] = self.build(value_node)
            return out
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover


def load_text(text: str, name: str, problems: Problems):
    """Parse one YAML document; syntax errors become problems and return BROKEN."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}: {message}" if exc.problem else exc.context
        problems.add(Mark(name, line, col), "", f"YAML syntax error: {message}")
        return BROKEN
    except yaml.YAMLError as exc:
        problems.add(Mark(name, 1, 1), "", f"YAML error: {exc}")
        return BROKEN
    if node is None:
        return None
    return _Builder(name, problems).build(node)


def load_file(path: Path, problems: Problems):
    name = problems.display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(Mark(name, 1, 1), "", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return BROKEN
    except OSError as exc:
        problems.add(Mark(name, 1, 1), "", f"cannot read file: {exc.strerror}")
        return BROKEN
    return load_text(text, name, problems)
