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


def _mark(file: str, yaml_mark) -> Mark:
    return Mark(file, yaml_mark.line + 1, yaml_mark.column + 1)


def _key_text(key_node) -> str | None:
    """The key a scalar key node stands for (keys are always compared as text)."""
    if key_node.__class__ is not ScalarNode or key_node.tag == _MERGE:
        return None
    if key_node.tag == _STR:
        return key_node.value
    key = _scalar(key_node)
    return key if isinstance(key, str) else str(key_node.value)


class MMap(dict):
    """A mapping that remembers the position of the mapping, its keys and values.

    Positions are worked out from the YAML node only when asked for: a pack has
    hundreds of thousands of values and almost none of them is ever reported.
    ``text_marks`` holds, for a value written as text on a single line, where its
    first character is (after an opening quote), so that a column inside the
    text (a formula error, say) can be turned into a position in the file.
    """

    __slots__ = ("_file", "_node", "_pairs")

    def _index(self) -> dict:
        if self._pairs is None:
            pairs: dict = {}
            for key_node, value_node in self._node.value:
                key = _key_text(key_node)
                if key is not None and key not in pairs:
                    pairs[key] = (key_node, value_node)
            self._pairs = pairs
        return self._pairs

    @property
    def mark(self) -> Mark:
        return _mark(self._file, self._node.start_mark)

    @property
    def key_marks(self) -> dict[str, Mark]:
        return {k: _mark(self._file, kn.start_mark) for k, (kn, _) in self._index().items() if k in self}

    @property
    def value_marks(self) -> dict[str, Mark]:
        return {k: _mark(self._file, vn.start_mark) for k, (_, vn) in self._index().items() if k in self}

    def key_mark(self, key: str) -> Mark:
        return _mark(self._file, self._index()[key][0].start_mark)

    def value_mark(self, key: str, default: Mark | None = None) -> Mark | None:
        pair = self._index().get(key)
        return default if pair is None or key not in self else _mark(self._file, pair[1].start_mark)

    def text_mark(self, key: str) -> Mark | None:
        pair = self._index().get(key)
        if pair is None or key not in self:
            return None
        node = pair[1]
        if (node.__class__ is ScalarNode and node.style in (None, "", '"', "'")
                and node.start_mark.line == node.end_mark.line):
            quote = 1 if node.style in ('"', "'") else 0
            return Mark(self._file, node.start_mark.line + 1, node.start_mark.column + 1 + quote)
        return None

    @property
    def text_marks(self) -> dict[str, Mark]:
        return {key: mark for key in self._index() if (mark := self.text_mark(key)) is not None}


class MList(list):
    """A sequence that remembers its own position and each item's (worked out when asked for)."""

    __slots__ = ("_file", "_node")

    @property
    def mark(self) -> Mark:
        return _mark(self._file, self._node.start_mark)

    @property
    def marks(self) -> list[Mark]:
        return [_mark(self._file, item.start_mark) for item in self._node.value]


_STR = _TAG + "str"
_MERGE = _TAG + "merge"


def plain(value):
    """A marked value as ordinary dicts and lists, for data that outlives the node tree."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _scalar(node: ScalarNode):
    tag = node.tag
    if tag == _STR:
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
        # An alias is the same node as its anchor: build each collection once, so
        # aliases cannot multiply a small file into a huge value, and refuse cycles.
        self.built: dict[int, object] = {}
        self.building: set[int] = set()

    def mark(self, node) -> Mark:
        return _mark(self.name, node.start_mark)

    def refuse_tag(self, node, allowed: str) -> None:
        if node.tag != allowed:
            self.problems.add(self.mark(node), "", f"YAML tag {_tag_name(node.tag)} is not allowed in a pack")

    def build(self, node):
        if node.__class__ is ScalarNode:
            return self.scalar(node)
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.building:
            self.problems.add(self.mark(node), "", "an alias refers to a value that contains it")
            return None
        self.building.add(key)
        try:
            value = self.mapping(node) if node.__class__ is MappingNode else self.sequence(node)
        finally:
            self.building.discard(key)
        self.built[key] = value
        return value

    def scalar(self, node):
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _TAG + "binary":
            self.problems.add(self.mark(node), "", "binary values are not allowed in a pack")
            return None
        if tag not in _SCALAR_TAGS:
            self.problems.add(self.mark(node), "", f"YAML tag {_tag_name(tag)} is not allowed in a pack")
            return node.value
        return _scalar(node)

    def sequence(self, node: SequenceNode) -> MList:
        if node.__class__ is not SequenceNode:  # pragma: no cover - composer only makes three kinds
            raise TypeError(f"unexpected YAML node {node!r}")
        if node.tag != _SEQ:
            self.refuse_tag(node, _SEQ)
        out = MList()
        out._file = self.name
        out._node = node
        build = self.build
        for item in node.value:
            out.append(item.value if item.__class__ is ScalarNode and item.tag == _STR else build(item))
        return out

    def mapping(self, node: MappingNode) -> MMap:
        if node.tag != _MAP:
            self.refuse_tag(node, _MAP)
        out = MMap()
        out._file = self.name
        out._node = node
        out._pairs = None
        build = self.build
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == _STR:
                key = key_node.value
            elif key_node.tag == _MERGE:
                self.problems.add(self.mark(key_node), "", "merge keys ('<<') are not supported; write the fields out")
                continue
            elif key_node.__class__ is not ScalarNode:
                self.problems.add(self.mark(key_node), "", "mapping keys must be plain text")
                continue
            else:
                key = _key_text(key_node)
            if key in out:
                first = out.key_mark(key)
                self.problems.add(self.mark(key_node), "", f"duplicate key '{key}' (first defined at line {first.line})")
                continue
            if value_node.__class__ is ScalarNode and value_node.tag == _STR:
                out[key] = value_node.value
            else:
                out[key] = build(value_node)
        return out


_SEQ = _TAG + "seq"
_MAP = _TAG + "map"


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


def load_text(text: str, name: str, problems: Problems, rewrite=None):
    """Parse one YAML document; syntax errors become problems and return BROKEN.

    ``rewrite(node, name, problems)``, when given, may replace nodes of the composed
    tree before it is built: CloudFormation templates turn their short tags
    (``!Ref X``) into the long forms there, keeping every position.
    """
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
        if rewrite is not None:
            node = rewrite(node, name, problems)
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
