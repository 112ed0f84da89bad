"""One safe YAML pass that keeps where every value came from.

``yaml.compose`` (libyaml when available) builds the node tree; we turn it into
plain Python values while remembering each key's and value's position, and we
reject what PyYAML silently accepts: duplicate keys, merge keys and custom tags.
Nothing here can construct arbitrary objects.
"""

from __future__ import annotations

import re
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
#: Tags a plain value may carry; anything else (``!!python/...``, ``!Ref``, ``!!set``) is refused.
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value", "merge"))


class Broken:
    """Stands for a file that could not be parsed; its problem is already recorded."""


BROKEN = Broken()


class MMap(dict):
    """A mapping that remembers the position of the mapping, its keys and values.

    ``text_marks`` holds, for a value written as text on a single line, where its
    first character is (after an opening quote), so that a column inside the
    text (a formula error, say) can be turned into a position in the file.
    """

    __slots__ = ("mark", "key_marks", "value_marks", "text_marks")


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


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Builder:
    def __init__(self, name: str, problems: Problems):
        self.name = name
        self.problems = problems
        # An alias is the same node as its anchor: build it once, so aliases
        # cannot multiply a small file into a huge value, and refuse cycles.
        self.built: dict[int, object] = {}
        self.building: set[int] = set()

    def mark(self, node) -> Mark:
        m = node.start_mark
        return Mark(self.name, m.line + 1, m.column + 1)

    def refuse_tag(self, node, allowed: str) -> None:
        if node.tag != allowed:
            self.problems.add(self.mark(node), "", f"YAML tag {_tag_name(node.tag)} is not allowed in a pack")

    def build(self, node):
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.building:
            self.problems.add(self.mark(node), "", "an alias refers to a value that contains it")
            return None
        self.building.add(key)
        try:
            value = self._build(node)
        finally:
            self.building.discard(key)
        self.built[key] = value
        return value

    def _build(self, node):
        if isinstance(node, ScalarNode):
            if node.tag == _TAG + "binary":
                self.problems.add(self.mark(node), "", "binary values are not allowed in a pack")
                return None
            if node.tag not in _SCALAR_TAGS:
                self.problems.add(self.mark(node), "", f"YAML tag {_tag_name(node.tag)} is not allowed in a pack")
                return node.value
            return _scalar(node)
        if isinstance(node, SequenceNode):
            self.refuse_tag(node, _TAG + "seq")
            out = MList()
            out.mark = self.mark(node)
            out.marks = []
            for item in node.value:
                out.marks.append(self.mark(item))
                out.append(self.build(item))
            return out
        if isinstance(node, MappingNode):
            self.refuse_tag(node, _TAG + "map")
            out = MMap()
            out.mark = self.mark(node)
            out.key_marks = {}
            out.value_marks = {}
            out.text_marks = {}
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
                if (isinstance(value_node, ScalarNode) and value_node.style in (None, "", '"', "'")
                        and value_node.start_mark.line == value_node.end_mark.line):
                    quote = 1 if value_node.style in ('"', "'") else 0
                    vmark = out.value_marks[key]
                    out.text_marks[key] = Mark(vmark.file, vmark.line, vmark.col + quote)
                out[key] = self.build(value_node)
            return out
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")


def _runaway_quote(text: str, error_mark):
    """A quoted value ending on the error's line that swallowed lines reading like ``key: value``.

    A missing closing quote makes YAML read on to the next quote, often many lines
    later, and report an error there; the quote that opened it is the place to look.
    """
    lines = text.splitlines()
    found = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line > error_mark.line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and token.start_mark.line < token.end_mark.line == error_mark.line
                    and any(_KEY_LINE.match(ln) for ln in lines[token.start_mark.line + 1:token.end_mark.line + 1])):
                found = token
    except yaml.YAMLError:
        pass
    return found


def _block_cut_short(text: str, error_mark):
    """A ``|``/``>`` text whose first line is indented more than the lines after it.

    The first line sets the indentation of a block text, so the text ends at the
    next less indented line and YAML fails there. Returns the block's token, the
    first line's indentation and the indentation indicator that keeps the text
    whole (None when it cannot be worked out), or None.
    """
    lines = text.splitlines()
    tokens: list = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line >= error_mark.line:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    blocks = [i for i, t in enumerate(tokens) if isinstance(t, yaml.ScalarToken) and t.style in ("|", ">")]
    if not blocks or error_mark.line >= len(lines):
        return None
    i = blocks[-1]
    block = tokens[i]
    if re.search(r"\d", lines[block.start_mark.line][block.start_mark.column:].split("#")[0]):
        return None  # the indentation is given explicitly
    content = [n for n in range(block.start_mark.line + 1, error_mark.line) if lines[n].strip()]
    error_line = lines[error_mark.line]
    if not content or any(n >= block.end_mark.line for n in content[1:]):
        return None
    def indent(s: str) -> int:
        return len(s) - len(s.lstrip(" "))
    first, after = indent(lines[content[0]]), indent(error_line)
    if not indent(lines[block.start_mark.line]) < after < first:
        return None
    indicator = None
    if i >= 3 and isinstance(tokens[i - 1], yaml.ValueToken) and isinstance(tokens[i - 3], yaml.KeyToken):
        indicator = after - tokens[i - 2].start_mark.column
        if not 1 <= indicator <= 9:
            indicator = None
    return block, first, indicator


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
        if exc.context in ("while parsing a flow sequence", "while parsing a flow mapping") and exc.context_mark \
                and mark is exc.problem_mark and exc.context_mark.line < mark.line:
            opener = "[" if "sequence" in exc.context else "{"
            message += f" (for the '{opener}' opened at {exc.context_mark.line + 1}:{exc.context_mark.column + 1})"
        if exc.context == "while scanning a quoted scalar" and exc.context_mark and exc.problem_mark \
                and exc.problem_mark.line > exc.context_mark.line:
            # The scanner fails where the file ends; the mistake is where the quote opens.
            start = exc.context_mark
            problems.add(Mark(name, start.line + 1, start.column + 1), "",
                         f"YAML syntax error: the quoted text starting here is never closed ({exc.problem})")
            return BROKEN
        runaway = _runaway_quote(text, exc.problem_mark) if exc.problem_mark else None
        if runaway is not None:
            start = runaway.start_mark
            problems.add(Mark(name, start.line + 1, start.column + 1), "",
                         f"YAML syntax error: the quoted text starting here runs on to line {runaway.end_mark.line + 1};"
                         f" is a closing quote missing? ({message} at {line}:{col})")
            return BROKEN
        cut = _block_cut_short(text, exc.problem_mark) if exc.problem_mark else None
        if cut is not None:
            block, indent, indicator = cut
            start = block.start_mark
            style = block.style
            fix = f"write '{style}{indicator}' to keep the spaces" if indicator else "indent the first line like the rest"
            problems.add(Mark(name, start.line + 1, start.column + 1), "",
                         f"YAML syntax error: the first line of this '{style}' text is indented {indent} spaces, which"
                         f" sets the indentation of the whole text, so it ends before line {line}; {fix}"
                         f" ({message} at {line}:{col})")
            return BROKEN
        problems.add(Mark(name, line, col), "", f"YAML syntax error: {message}")
        return BROKEN
    except yaml.YAMLError as exc:
        problems.add(Mark(name, 1, 1), "", f"YAML error: {exc}")
        return BROKEN
    if node is None:
        return None
    try:
        return _Builder(name, problems).build(node)
    except RecursionError:
        problems.add(Mark(name, 1, 1), "", "values are nested too deeply")
        return BROKEN


def load_file(path: Path, problems: Problems):
    name = problems.display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raw = exc.object
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        mark = Mark(name, raw.count(b"\n", 0, exc.start) + 1, len(raw[line_start:exc.start].decode("utf-8")) + 1)
        problems.add(mark, "", f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return BROKEN
    except OSError as exc:
        problems.add(Mark(name, 1, 1), "", f"cannot read file: {exc.strerror}")
        return BROKEN
    return load_text(text, name, problems)
