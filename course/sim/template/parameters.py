"""The Parameters section: declarations, the values a deploy passes, and their constraints.

``Ref`` to a parameter gives text (a Number parameter too, as in CloudFormation;
properties that want numbers accept numeric text), or a list of text for the
list types.
"""

from __future__ import annotations

import re
from typing import Any

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.intrinsics import as_text
from course.sim.template.values import key_mark, shown, type_name, value_mark

DECLARATION_KEYS = ("Type", "Default", "AllowedValues", "AllowedPattern", "ConstraintDescription", "Description",
                    "MaxLength", "MinLength", "MaxValue", "MinValue", "NoEcho")
#: AWS-specific types whose values the simulator takes as given (it has no EC2 to look them up in).
_AWS_IDS = ("AWS::EC2::AvailabilityZone::Name", "AWS::EC2::Image::Id", "AWS::EC2::Instance::Id",
            "AWS::EC2::KeyPair::KeyName", "AWS::EC2::SecurityGroup::GroupName", "AWS::EC2::SecurityGroup::Id",
            "AWS::EC2::Subnet::Id", "AWS::EC2::Volume::Id", "AWS::EC2::VPC::Id", "AWS::Route53::HostedZone::Id")
TEXT_TYPES = ("String", "Number", *_AWS_IDS)
LIST_TYPES = ("CommaDelimitedList", "List<Number>", *(f"List<{t}>" for t in _AWS_IDS))
LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")
_NUMBER = re.compile(r"\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")
_TEXT = (lambda v: isinstance(v, str), "a string")
_WHOLE = (lambda v: isinstance(v, int) and not isinstance(v, bool) or isinstance(v, str) and v.isdigit(),
          "a whole number")
_NUMERIC = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
            or isinstance(v, str) and _NUMBER.fullmatch(v) is not None, "a number")
#: What each declaration attribute must be (Type and Default are checked with the value).
_SHAPES = {
    "AllowedValues": (lambda v: isinstance(v, list) and all(as_text(i) is not None for i in v), "a list of values"),
    "AllowedPattern": _TEXT, "ConstraintDescription": _TEXT, "Description": _TEXT,
    "MinLength": _WHOLE, "MaxLength": _WHOLE, "MinValue": _NUMERIC, "MaxValue": _NUMERIC,
    "NoEcho": (lambda v: isinstance(v, bool) or v in ("true", "false"), "true or false"),
}


def read_parameters(section, given: dict[str, Any], problems: Problems, root_mark: Mark) -> dict[str, Any]:
    """Every parameter's value, checked against its declaration; a problem for each one that fails."""
    values: dict[str, Any] = {}
    if section is None:
        section = {}
    elif not isinstance(section, dict):
        problems.add(root_mark, "Parameters", f"must be an object of parameter declarations, got {type_name(section)}")
        section = {}
    for name, decl in section.items():
        value = _parameter(name, decl, given, section, problems, root_mark)
        if value is not None:
            values[name] = value
    for name in given:
        if name not in section:
            problems.add(key_mark(section, "", root_mark), "Parameters",
                         f"a value was given for '{name}', which the template does not declare"
                         f"{did_you_mean(name, section)}")
    return values


def _parameter(name: str, decl, given: dict, section, problems: Problems, root_mark: Mark):
    path = f"Parameters.{name}"
    where = key_mark(section, name, root_mark)
    if not LOGICAL_ID.fullmatch(name):
        problems.add(where, path, "a parameter name uses only letters and digits")
    if not isinstance(decl, dict):
        problems.add(value_mark(section, name, where), path, f"must be an object with a Type, got {type_name(decl)}")
        return None
    for key, value in decl.items():
        if key not in DECLARATION_KEYS:
            problems.add(key_mark(decl, key, where), f"{path}.{key}",
                         f"unknown parameter attribute '{key}'{did_you_mean(key, DECLARATION_KEYS)}")
        elif key in _SHAPES and not _SHAPES[key][0](value):
            problems.add(value_mark(decl, key, where), f"{path}.{key}",
                         f"must be {_SHAPES[key][1]}, got {type_name(value)}")
    kind = decl.get("Type")
    if kind is None:
        problems.add(where, f"{path}.Type", "required attribute is missing")
        return None
    if kind not in TEXT_TYPES + LIST_TYPES:
        hint = did_you_mean(str(kind), TEXT_TYPES + LIST_TYPES)
        problems.add(value_mark(decl, "Type", where), f"{path}.Type",
                     f"type '{kind}' is not supported by the simulator{hint}; supported: String, Number,"
                     " CommaDelimitedList, List<Number> and the AWS::EC2 id types")
        return None
    if name in given:
        raw, source, mark, at = given[name], "the value given", where, path
    elif "Default" in decl:
        raw, source, mark, at = decl["Default"], "Default", value_mark(decl, "Default", where), f"{path}.Default"
    else:
        problems.add(where, path, f"has no Default, so a value must be given when deploying"
                                  f" (parameters={{'{name}': ...}})")
        return None
    if isinstance(raw, list) and kind in LIST_TYPES and source != "Default":
        items = [as_text(item) or "" for item in raw]
    else:
        text = as_text(raw)
        if text is None:
            problems.add(mark, at, f"{source} must be text, got {type_name(raw)}; write a list as 'a,b,c'")
            return None
        items = [item.strip() for item in text.split(",")] if kind in LIST_TYPES else None
    constraint = decl.get("ConstraintDescription")
    report = lambda message: problems.add(  # noqa: E731
        mark, at, f"{source} {message}" + (f" ({constraint})" if isinstance(constraint, str) else ""))
    if items is not None:
        for item in items:
            if kind == "List<Number>" and not _NUMBER.fullmatch(item):
                report(f"has {shown(item)}, which is not a number")
                return None
            if not _allowed(item, decl, kind, report):
                return None
        return items
    return text if _allowed(text, decl, kind, report) else None


def _allowed(text: str, decl: dict, kind: str, report) -> bool:
    numeric = kind in ("Number", "List<Number>")
    if numeric:
        if not _NUMBER.fullmatch(text):
            report(f"{shown(text)} is not a number")
            return False
        number = float(text)
        low, high = decl.get("MinValue"), decl.get("MaxValue")
        if _is_number(low) and number < float(low):
            report(f"{text} is less than MinValue {low}")
            return False
        if _is_number(high) and number > float(high):
            report(f"{text} is more than MaxValue {high}")
            return False
    else:
        low, high = decl.get("MinLength"), decl.get("MaxLength")
        if _is_number(low) and len(text) < int(low):
            report(f"{shown(text)} is shorter than MinLength {low}")
            return False
        if _is_number(high) and len(text) > int(high):
            report(f"{shown(text)} is longer than MaxLength {high}")
            return False
        pattern = decl.get("AllowedPattern")
        if isinstance(pattern, str):
            try:
                matched = re.fullmatch(pattern, text) is not None
            except re.error as exc:
                report(f"can't be checked: AllowedPattern {pattern} is not a valid regular expression ({exc})")
                return False
            if not matched:
                report(f"{shown(text)} does not match AllowedPattern {pattern}")
                return False
    allowed = decl.get("AllowedValues")
    if isinstance(allowed, list):
        options = [as_text(option) for option in allowed]
        same = (lambda a, b: b is not None and _NUMBER.fullmatch(b) and float(a) == float(b)) if numeric \
            else (lambda a, b: a == b)
        if not any(same(text, option) for option in options):
            report(f"{shown(text)} is not one of the AllowedValues: {', '.join(str(o) for o in options)}"
                   f"{did_you_mean(text, [o for o in options if o])}")
            return False
    return True


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or (
        isinstance(value, str) and _NUMBER.fullmatch(value) is not None)
