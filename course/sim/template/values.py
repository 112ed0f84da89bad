"""Template values that keep their positions while they are resolved and rewritten.

Resolving a template builds new mappings and lists; they reuse the YAML node of
the value they came from, so a problem found after resolution (a property out of
range, say) is still reported where the learner wrote it.
"""

from __future__ import annotations

from yaml.nodes import SequenceNode

from course.content.problems import Mark
from course.content.yamlsrc import MList, MMap


class _NoValue:
    """What ``Ref: AWS::NoValue`` resolves to: the property is removed, as if never written."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NOVALUE = _NoValue()

#: A value whose problem is already reported: an unknown short tag (``!Reff X`` is read as
#: ``{"Fn::!Reff": "X"}``) or a function that failed. As a function it is neither checked nor resolved
#: again, so one mistake is reported once, not again as a wrong type or an unknown name inside it.
REPORTED = "Fn::!"
#: Functions allowed in resource properties and outputs.
VALUE_FUNCTIONS = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
                   "Fn::FindInMap", "Fn::GetAZs", "Fn::Base64", "Fn::ImportValue", "Fn::Length", "Fn::ToJsonString")
#: Functions allowed only in the Conditions section (and Fn::If's condition name).
CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")
#: Real CloudFormation functions the simulator does not model, with the reason.
UNSUPPORTED_FUNCTIONS = {
    "Fn::Cidr": "the simulator has no VPC address ranges to divide",
    "Fn::Transform": "the simulator runs no macros",
    "Fn::ForEach": "a loop is a key (Fn::ForEach::Name) of Resources, Outputs, Conditions or Properties, with the"
                   " AWS::LanguageExtensions transform",
}


def function_of(value) -> str | None:
    """The intrinsic function a value calls (a one-key mapping such as ``{"Ref": ...}``), if any."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
            return key
    return None


def contains_function(value) -> bool:
    """Whether any intrinsic is left inside a value (it waits for the resources to exist)."""
    if function_of(value):
        return True
    if isinstance(value, dict):
        return any(contains_function(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_function(v) for v in value)
    return False


def remap(source, items: dict) -> dict:
    """A new mapping with ``items`` that reports positions like ``source`` did."""
    if not isinstance(source, MMap):
        return dict(items)
    out = MMap(items)
    out._file, out._node, out._pairs = source._file, source._node, None
    return out


def relist(source, items: list, kept: list[int] | None = None) -> list:
    """A new list with ``items``; ``kept[i]`` is the index in ``source`` item ``i`` came from."""
    if not isinstance(source, MList):
        return list(items)
    out = MList(items)
    out._file = source._file
    node = source._node
    if kept is not None and kept != list(range(len(node.value))):
        node = SequenceNode(node.tag, [node.value[i] for i in kept], node.start_mark, node.end_mark)
    out._node = node
    return out


def mark_of(value, default: Mark) -> Mark:
    return value.mark if isinstance(value, (MMap, MList)) else default


def key_mark(container, key: str, default: Mark) -> Mark:
    """Where a key was written; keys added while resolving report their mapping's position."""
    if isinstance(container, MMap):
        mark = container.key_marks.get(key)
        if mark is not None:
            return mark
    return mark_of(container, default)


def value_mark(container, key, default: Mark) -> Mark:
    """Where ``container[key]`` was written (``key`` is an index for lists)."""
    if isinstance(container, MMap) and key in container:
        return container.value_mark(key, container.mark)
    if isinstance(container, MList) and isinstance(key, int) and 0 <= key < len(container._node.value):
        return container.marks[key]
    return mark_of(container, default)


def text_position(container, key, offset: int, default: Mark) -> Mark:
    """The position ``offset`` characters into a one-line text value (else the value's start)."""
    if isinstance(container, MMap) and key in container:
        mark = container.text_mark(key)
        if mark is not None:
            return Mark(mark.file, mark.line, mark.col + offset)
    return value_mark(container, key, default)


def type_name(value) -> str:
    """CloudFormation's vocabulary for what a value is, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return type(value).__name__


def shown(value) -> str:
    """A short rendering of a scalar for messages."""
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."




def concat(first, second) -> list:
    """Two lists as one, each item still reporting where it was written."""
    if not (isinstance(first, MList) and isinstance(second, MList)):
        return list(first) + list(second)
    out = MList([*first, *second])
    out._file = second._file
    node = second._node
    out._node = SequenceNode(node.tag, [*first._node.value, *node.value], node.start_mark, node.end_mark)
    return out
