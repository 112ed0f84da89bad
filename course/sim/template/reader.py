"""Reading a template: the course's safe YAML reader, plus CloudFormation's short tags.

The content reader refuses every custom tag, which is right for course packs but
would reject ``!Ref``. So between composing and building, each short-tagged node
is replaced by the long form AWS documents (``!Ref X`` becomes ``{"Ref": "X"}``)
built from nodes that keep the tag's position: a problem found later inside the
long form still points at the line and column the learner wrote. JSON needs no
help, since JSON is YAML.
"""

from __future__ import annotations

from pathlib import Path

from yaml.error import Mark as YamlMark
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from course.content.problems import Mark, Problems
from course.content.yamlsrc import BROKEN, load_text
from course.sim.template.values import REPORTED

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"

#: Short tag → the key of its long form.
SHORT_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not",
        "FindInMap", "GetAZs", "Base64", "ImportValue",
    )},
}
#: Real tags the simulator cannot honour: they become long forms too, and resolving them reports why.
UNSUPPORTED_TAGS = {f"!{name}": f"Fn::{name}"
                    for name in ("Cidr", "Transform", "Length", "ToJsonString")}
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def _plain_tag(node) -> str:
    return _STR if node.__class__ is ScalarNode else _SEQ if node.__class__ is SequenceNode else _MAP


def _shift(mark, columns: int):
    return YamlMark(mark.name, mark.index + columns, mark.line, mark.column + columns, None, None)


class _ShortTags:
    """One pass over the node tree; shared (aliased) nodes are rewritten once."""

    def __init__(self, name: str, problems: Problems, text: str):
        self.name = name
        self.problems = problems
        self.lines = text.splitlines()
        self.done: dict[int, object] = {}

    def problem(self, mark, message: str) -> None:
        self.problems.add(Mark(self.name, mark.line + 1, mark.column + 1), "", message)

    def visit(self, node):
        key = id(node)
        if key in self.done:
            return self.done[key]
        self.done[key] = node  # an alias cycle ends here; the builder reports it
        replaced = self.replace(node) if node.tag.startswith("!") and not node.tag.startswith("!!") else node
        self.done[key] = replaced
        if node.__class__ is SequenceNode:
            node.value[:] = [self.visit(item) for item in node.value]
        elif node.__class__ is MappingNode:
            node.value[:] = [(self.visit(k), self.visit(v)) for k, v in node.value]
        return replaced

    def replace(self, node):
        tag = node.tag
        node.tag = _plain_tag(node)
        tag_mark = node.start_mark
        node.start_mark = self.text_start(node, tag)
        function = SHORT_TAGS.get(tag) or UNSUPPORTED_TAGS.get(tag)
        if function is None:
            known = ", ".join(sorted(SHORT_TAGS))
            self.problem(tag_mark, f"unknown tag {tag}; CloudFormation's short forms are: {known}")
            function = REPORTED + tag[1:]
        if tag == "!GetAtt" and node.__class__ is ScalarNode:
            node = self.split_getatt(node)
        key = ScalarNode(_STR, function, tag_mark, tag_mark)
        return MappingNode(_MAP, [(key, node)], tag_mark, node.end_mark, flow_style=True)

    def text_start(self, node, tag: str):
        """A tagged node starts at its tag; what it tags starts after the tag and the spaces."""
        mark = node.start_mark
        if mark.line >= len(self.lines):
            return mark
        line = self.lines[mark.line]
        column = mark.column + len(tag)
        while column < len(line) and line[column] in " \t":
            column += 1
        return _shift(mark, column - mark.column) if column < len(line) else mark

    @staticmethod
    def split_getatt(node: ScalarNode):
        """``!GetAtt Fn.Arn`` is ``[Fn, Arn]``, split at the first dot (attributes may hold dots)."""
        resource, dot, attribute = node.value.partition(".")
        if not dot:
            return node
        start = _shift(node.start_mark, 1) if node.style in ('"', "'") else node.start_mark
        middle = _shift(start, len(resource) + 1) if node.start_mark.line == node.end_mark.line else start
        items = [ScalarNode(_STR, resource, start, start), ScalarNode(_STR, attribute, middle, middle)]
        return SequenceNode(_SEQ, items, node.start_mark, node.end_mark, flow_style=True)


def short_tag_expander(text: str):
    """The ``rewrite`` hook for the content reader, for one template's text."""
    return lambda node, name, problems: _ShortTags(name, problems, text).visit(node)


def looks_like_path(source) -> bool:
    """A Path, or one line of text naming a template file (anything else is template text)."""
    if isinstance(source, Path):
        return True
    if "\n" in source or source.lstrip().startswith("{"):
        return False
    if source.strip().endswith(TEMPLATE_SUFFIXES):
        return True
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # text too long, or with characters no file name can have
        return False


def read_source(source, name: str | None, problems: Problems):
    """Return ``(root, text, name, folder)``; ``root`` is BROKEN when the text is unusable."""
    folder = None
    if looks_like_path(source):
        path = Path(source)
        name = name or path.name
        folder = path.resolve().parent
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.add(Mark(name, 1, 1), "", f"the template is not UTF-8 text ({exc.reason} at byte {exc.start})")
            return BROKEN, "", name, folder
        except OSError as exc:
            problems.add(Mark(name, 1, 1), "", f"cannot read the template {path}: {exc.strerror}")
            return BROKEN, "", name, folder
    else:
        text = source
        name = name or "template.yaml"
    root = load_text(text, name, problems, rewrite=short_tag_expander(text))
    return root, text, name, folder
