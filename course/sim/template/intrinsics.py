"""CloudFormation's intrinsic functions, resolved in two steps.

Loading resolves everything that does not name a resource: parameters, pseudo
parameters, mappings, conditions, joins and splits of known text. A function
that needs a resource (``Ref Fn``, ``Fn::GetAtt``, ``${Fn.Arn}`` in a
``Fn::Sub``) cannot be answered before the resource exists, so it stays in the
value, with whatever around it could be worked out. Deploying runs the same
resolver again with ``Scope.live`` answering for the resources made so far.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.values import (
    CONDITION_FUNCTIONS, NOVALUE, REPORTED, UNSUPPORTED_FUNCTIONS, VALUE_FUNCTIONS, contains_function, function_of,
    mark_of, relist, remap, text_position, type_name, value_mark,
)

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_HANDLERS = {name: "_" + name.replace("Fn::", "").lower() for name in VALUE_FUNCTIONS + CONDITION_FUNCTIONS}


@dataclass
class Scope:
    """What names mean while resolving."""

    parameters: dict[str, Any]
    pseudo: dict[str, Any]
    mappings: dict = field(default_factory=dict)
    conditions: Any = None
    #: SAM's ``Fn.Alias`` and ``Fn.Version`` names → the generated resources.
    ref_aliases: dict[str, str] = field(default_factory=dict)
    #: At deploy: ``(logical_id, attribute or None)`` → value; raises LookupError with a message.
    live: Callable[[str, str | None], Any] | None = None
    #: The account's exports: export name → (exporting stack, value), for Fn::ImportValue.
    exports: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: The template declares ``AWS::LanguageExtensions``: Fn::Length, Fn::ToJsonString and
    #: Fn::FindInMap's default value are allowed.
    language_extensions: bool = False


def as_text(value) -> str | None:
    """A scalar as CloudFormation turns it into text (None for lists and objects)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def resource_target(name: str) -> tuple[str, str | None]:
    """``Fn.Arn`` in a Fn::Sub names attribute ``Arn`` of ``Fn``; a name without a dot is a Ref."""
    logical, dot, attribute = name.partition(".")
    return (logical, attribute) if dot else (name, None)


class Resolver:
    def __init__(self, problems: Problems, scope: Scope, in_conditions: bool = False):
        self.problems = problems
        self.scope = scope
        self.in_conditions = in_conditions

    def problem(self, mark: Mark, path: str, message: str) -> None:
        self.problems.add(mark, path, message)

    @staticmethod
    def failed(value):
        """What a function with a problem resolves to: nothing more is checked or reported inside it."""
        return None if value is None else remap(value, {REPORTED: None})

    def resolve(self, value, path: str, mark: Mark):
        """``value`` with every function resolved that can be; NOVALUE when it is ``AWS::NoValue``."""
        fn = function_of(value)
        if fn:
            return self.call(fn, value, path, mark_of(value, mark))
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item, f"{path}.{key}", value_mark(value, key, mark))
                if resolved is not NOVALUE:
                    out[key] = resolved
            return remap(value, out)
        if isinstance(value, list):
            items, kept = [], []
            for i, item in enumerate(value):
                resolved = self.resolve(item, f"{path}[{i}]", value_mark(value, i, mark))
                if resolved is not NOVALUE:
                    items.append(resolved)
                    kept.append(i)
            return relist(value, items, kept)
        return value

    def call(self, fn: str, value, path: str, mark: Mark):
        arg = value[fn]
        if fn in UNSUPPORTED_FUNCTIONS:
            self.problem(mark, path, f"{fn} is not supported by the simulator: {UNSUPPORTED_FUNCTIONS[fn]}")
            return self.failed(value)
        if fn not in _HANDLERS:
            if not fn.startswith(REPORTED):
                self.problem(mark, path, f"unknown function '{fn}'{did_you_mean(fn, _HANDLERS)}")
            return self.failed(value)
        if fn in CONDITION_FUNCTIONS and not self.in_conditions:
            self.problem(mark, path, f"{fn} can only be used in the Conditions section; use Fn::If with a"
                                     " condition to choose a value")
            return self.failed(value)
        before = len(self.problems.items)
        result = getattr(self, _HANDLERS[fn])(arg, value, path, mark, value_mark(value, fn, mark))
        if fn not in CONDITION_FUNCTIONS and len(self.problems.items) > before:
            return self.failed(value)  # e.g. a Fn::Sub with a bad variable is not the text around it
        return result

    def lookup(self, logical: str, attribute: str | None, value, path: str, mark: Mark):
        named = f"{logical}.{attribute}" if attribute else logical
        if named in self.scope.ref_aliases:  # SAM's Fn.Alias / Fn.Version, in a Ref or a Fn::Sub
            logical, attribute = self.scope.ref_aliases[named], None
        try:
            return self.scope.live(logical, attribute)
        except LookupError as exc:
            self.problem(mark, path, str(exc.args[0]))
            return self.failed(value)

    def _no_resources(self, fn: str, name: str, path: str, mark: Mark) -> None:
        hint = did_you_mean(name, self.scope.parameters)
        self.problem(mark, path, f"{fn}: conditions can only use parameters and pseudo parameters;"
                                 f" '{name}' is not a parameter{hint}")

    # -- Ref, Fn::GetAtt, Fn::Sub ---------------------------------------------------------------------

    def _ref(self, arg, value, path, mark, arg_mark):
        if not isinstance(arg, str):
            self.problem(arg_mark, path, f"Ref takes the name of a parameter or resource, got {type_name(arg)}")
            return self.failed(value)
        if arg in self.scope.parameters:
            return self.scope.parameters[arg]
        if arg.startswith("AWS::"):
            return self.pseudo(arg, value, path, mark, "Ref")
        if self.in_conditions:
            self._no_resources("Ref", arg, path, mark)
            return self.failed(value)
        if self.scope.live is not None:
            return self.lookup(arg, None, value, path, mark)
        return value

    def pseudo(self, name: str, value, path: str, mark: Mark, fn: str):
        if name == "AWS::NoValue":
            if fn == "Ref":
                return NOVALUE
            self.problem(mark, path, f"{fn}: AWS::NoValue can only be used with Ref")
            return self.failed(value)
        if name in self.scope.pseudo:
            return self.scope.pseudo[name]
        known = [*self.scope.pseudo, "AWS::NoValue"]
        self.problem(mark, path, f"{fn}: unknown pseudo parameter '{name}'{did_you_mean(name, known)}")
        return self.failed(value)

    def _getatt(self, arg, value, path, mark, arg_mark):
        parts = arg.split(".", 1) if isinstance(arg, str) else arg
        if not isinstance(parts, list) or len(parts) != 2 or not isinstance(parts[0], str):
            self.problem(arg_mark, path, "Fn::GetAtt takes a resource and an attribute: !GetAtt MyFunction.Arn"
                                         " or [MyFunction, Arn]")
            return self.failed(value)
        logical = parts[0]
        attribute = self.resolve(parts[1], path, value_mark(arg, 1, arg_mark))
        if not isinstance(attribute, str):
            self.problem(arg_mark, path, f"Fn::GetAtt: the attribute name must be text, got {type_name(attribute)}")
            return self.failed(value)
        if self.in_conditions:
            self._no_resources("Fn::GetAtt", logical, path, mark)
            return self.failed(value)
        if self.scope.live is not None:
            return self.lookup(logical, attribute, value, path, mark)
        return remap(value, {"Fn::GetAtt": relist(arg, [logical, attribute]) if isinstance(arg, list)
                             else [logical, attribute]})

    def _sub(self, arg, value, path, mark, arg_mark):
        if isinstance(arg, str):
            text, variables = arg, {}
            where = lambda offset: text_position(value, "Fn::Sub", offset, arg_mark)  # noqa: E731
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text = arg[0]
            variables = {k: self.resolve(v, f"{path}.{k}", value_mark(arg[1], k, arg_mark)) for k, v in arg[1].items()}
            where = lambda offset: value_mark(arg, 0, arg_mark)  # noqa: E731
        else:
            self.problem(arg_mark, path, "Fn::Sub takes text, or a list of text and a mapping of variables")
            return self.failed(value)
        done, again, waiting, pos = [], [], {}, 0
        for match in SUB_VARIABLE.finditer(text):
            plain_text = text[pos:match.start()]
            done.append(plain_text)
            again.append(plain_text)
            pos = match.end()
            inner = match.group(1)
            if inner.startswith("!"):
                done.append("${" + inner[1:] + "}")
                again.append(match.group(0))
                continue
            got = self._sub_variable(inner.strip(), variables, value, path, where(match.start()))
            if got is _REPORTED:
                return self.failed(value)
            if got is _WAIT:
                waiting[inner.strip()] = variables.get(inner.strip())
                done.append(match.group(0))
                again.append(match.group(0))
            else:
                done.append(got)
                again.append(got.replace("${", "${!"))
        done.append(text[pos:])
        again.append(text[pos:])
        if not waiting:
            return "".join(done)
        kept = {name: var for name, var in waiting.items() if name in variables}
        return remap(value, {"Fn::Sub": ["".join(again), kept] if kept else "".join(again)})

    def _sub_variable(self, name: str, variables: dict, value, path: str, mark: Mark):
        """The text for ``${name}``; _WAIT when it needs a resource that does not exist yet."""
        if function_of(variables.get(name, self.scope.parameters.get(name))) == REPORTED:
            return _REPORTED
        if name in variables:
            got = variables[name]
            if contains_function(got):
                return _WAIT
        elif name in self.scope.parameters:
            got = self.scope.parameters[name]
            if isinstance(got, list):
                self.problem(mark, path, f"Fn::Sub: ${{{name}}} is a list parameter; join it first with Fn::Join")
                return ""
        elif name.startswith("AWS::"):
            got = self.pseudo(name, None, path, mark, "Fn::Sub")
        else:
            logical, attribute = resource_target(name)
            if self.in_conditions:
                self._no_resources("Fn::Sub", logical, path, mark)
                return ""
            if self.scope.live is None:
                return _WAIT
            got = self.lookup(logical, attribute, None, path, mark)
        text = as_text(got)
        if text is None:
            if got is not None:
                self.problem(mark, path, f"Fn::Sub: ${{{name}}} is {type_name(got)}, not text")
            return ""
        return text

    # -- functions over values ------------------------------------------------------------------------

    def _pair(self, fn, arg, size, arg_mark, path, shape) -> list | None:
        if isinstance(arg, list) and len(arg) == size:
            return arg
        self.problem(arg_mark, path, f"{fn} takes {shape}, got {type_name(arg)}"
                                     f"{f' of {len(arg)} items' if isinstance(arg, list) else ''}")
        return None

    def _join(self, arg, value, path, mark, arg_mark):
        if self._pair("Fn::Join", arg, 2, arg_mark, path, "[delimiter, [values...]]") is None:
            return self.failed(value)
        delimiter = self.resolve(arg[0], path, value_mark(arg, 0, arg_mark))
        items = self.resolve(arg[1], path, value_mark(arg, 1, arg_mark))
        if contains_function(items) or contains_function(delimiter):
            return remap(value, {"Fn::Join": [delimiter, items]})
        if not isinstance(delimiter, str) or not isinstance(items, list):
            self.problem(arg_mark, path, "Fn::Join takes [delimiter, [values...]]: text and a list")
            return self.failed(value)
        parts = []
        for i, item in enumerate(items):
            text = as_text(item)
            if text is None:
                self.problem(value_mark(items, i, arg_mark), path,
                             f"Fn::Join: item {i} is {type_name(item)}; every item must be text")
                return self.failed(value)
            parts.append(text)
        return delimiter.join(parts)

    def _select(self, arg, value, path, mark, arg_mark):
        if self._pair("Fn::Select", arg, 2, arg_mark, path, "[index, [values...]]") is None:
            return self.failed(value)
        index = self.resolve(arg[0], path, value_mark(arg, 0, arg_mark))
        items = self.resolve(arg[1], path, value_mark(arg, 1, arg_mark))
        if function_of(items) or contains_function(index):
            return remap(value, {"Fn::Select": [index, items]})
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        if isinstance(index, bool) or not isinstance(index, int) or not isinstance(items, list):
            self.problem(arg_mark, path, "Fn::Select takes [index, [values...]]: a whole number and a list")
            return self.failed(value)
        if not 0 <= index < len(items):
            count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
            self.problem(value_mark(arg, 0, arg_mark), path, f"Fn::Select: index {index} is out of range for a list"
                                                             f" of {count}")
            return self.failed(value)
        return items[index]

    def _split(self, arg, value, path, mark, arg_mark):
        if self._pair("Fn::Split", arg, 2, arg_mark, path, "[delimiter, text]") is None:
            return self.failed(value)
        delimiter = self.resolve(arg[0], path, value_mark(arg, 0, arg_mark))
        text = self.resolve(arg[1], path, value_mark(arg, 1, arg_mark))
        if contains_function(text):
            return remap(value, {"Fn::Split": [delimiter, text]})
        if not isinstance(delimiter, str) or not delimiter or not isinstance(text, str):
            self.problem(arg_mark, path, "Fn::Split takes [delimiter, text]: two pieces of text")
            return self.failed(value)
        return text.split(delimiter)

    def _if(self, arg, value, path, mark, arg_mark):
        if self._pair("Fn::If", arg, 3, arg_mark, path, "[condition, value if true, value if false]") is None:
            return self.failed(value)
        truth = self.condition_value(arg[0], path, value_mark(arg, 0, arg_mark))
        if truth is None:
            return self.failed(value)
        branch = 1 if truth else 2
        return self.resolve(arg[branch], path, value_mark(arg, branch, arg_mark))

    def condition_value(self, name, path: str, mark: Mark) -> bool | None:
        if not isinstance(name, str):
            self.problem(mark, path, f"a condition is named by text, got {type_name(name)}")
            return None
        if self.scope.conditions is None:
            self.problem(mark, path, f"unknown condition '{name}': the template has no Conditions section")
            return None
        return self.scope.conditions.value(name, mark, path)

    def _extension(self, fn: str, path: str, mark: Mark) -> bool:
        if not self.scope.language_extensions:
            self.problem(mark, path, f"{fn} needs the AWS::LanguageExtensions transform: add it to the template's"
                                     " Transform (before AWS::Serverless-2016-10-31 when both are used)")
        return self.scope.language_extensions

    def _length(self, arg, value, path, mark, arg_mark):
        if not self._extension("Fn::Length", path, mark):
            return self.failed(value)
        items = self.resolve(arg, path, arg_mark)
        if function_of(items):
            return remap(value, {"Fn::Length": items})  # a list known only at deploy
        if not isinstance(items, list):
            self.problem(arg_mark, path, f"Fn::Length takes a list, got {type_name(items)}")
            return self.failed(value)
        return len(items)

    def _tojsonstring(self, arg, value, path, mark, arg_mark):
        if not self._extension("Fn::ToJsonString", path, mark):
            return self.failed(value)
        data = self.resolve(arg, path, arg_mark)
        if contains_function(data):
            return remap(value, {"Fn::ToJsonString": data})  # values known only at deploy
        if not isinstance(data, (dict, list)):
            self.problem(arg_mark, path, f"Fn::ToJsonString takes an object or a list, got {type_name(data)}")
            return self.failed(value)
        from course.content.yamlsrc import plain

        return json.dumps(plain(data), separators=(",", ":"))

    def _findinmap(self, arg, value, path, mark, arg_mark):
        if isinstance(arg, list) and len(arg) == 4:
            if not self._extension("Fn::FindInMap with a default value", path, mark):
                return self.failed(value)
            default = arg[3]
            if not (isinstance(default, dict) and set(default) == {"DefaultValue"}):
                self.problem(value_mark(arg, 3, arg_mark), path, "Fn::FindInMap's fourth item is"
                                                                 " {DefaultValue: value}")
                return self.failed(value)
            before = len(self.problems.items)
            found = self._findinmap(relist(arg, arg[:3]), value, path, mark, arg_mark)
            if len(self.problems.items) > before and all("has no" in p.message for p in self.problems.items[before:]):
                del self.problems.items[before:]  # a missing key takes the default, as AWS does
                return self.resolve(default["DefaultValue"], path, value_mark(default, "DefaultValue", arg_mark))
            return found
        if self._pair("Fn::FindInMap", arg, 3, arg_mark, path, "[MapName, TopLevelKey, SecondLevelKey]") is None:
            return self.failed(value)
        keys = [self.resolve(item, path, value_mark(arg, i, arg_mark)) for i, item in enumerate(arg)]
        found, where = self.scope.mappings, "Mappings"
        for i, key in enumerate(keys):
            text = as_text(key)
            if text is None or not isinstance(found, dict):
                self.problem(value_mark(arg, i, arg_mark), path, f"Fn::FindInMap: key {i + 1} must be text,"
                                                                 f" got {type_name(key)}")
                return self.failed(value)
            if text not in found:
                hint = did_you_mean(text, found)
                self.problem(value_mark(arg, i, arg_mark), path, f"Fn::FindInMap: {where} has no '{text}'{hint}")
                return self.failed(value)
            found, where = found[text], f"{where}.{text}"
        return found

    def _getazs(self, arg, value, path, mark, arg_mark):
        region = self.resolve(arg, path, arg_mark)
        if region in ("", None):
            region = self.scope.pseudo.get("AWS::Region", "us-east-1")
        if not isinstance(region, str):
            self.problem(arg_mark, path, f"Fn::GetAZs takes a Region name or '', got {type_name(region)}")
            return self.failed(value)
        return [f"{region}{zone}" for zone in "abc"]

    def _base64(self, arg, value, path, mark, arg_mark):
        text = self.resolve(arg, path, arg_mark)
        if contains_function(text):
            return remap(value, {"Fn::Base64": text})
        if not isinstance(text, str):
            self.problem(arg_mark, path, f"Fn::Base64 takes text, got {type_name(text)}")
            return self.failed(value)
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    def _importvalue(self, arg, value, path, mark, arg_mark):
        """An output another stack of the account exported (CloudFormation resolves it when the
        importing stack is created; the exporting stack must exist first)."""
        name = self.resolve(arg, path, arg_mark)
        if contains_function(name):
            self.problem(arg_mark, path, "Fn::ImportValue takes an export name that can be worked out when the"
                                         " template is read: parameters and pseudo parameters, not resources")
            return self.failed(value)
        if not isinstance(name, str):
            self.problem(arg_mark, path, f"Fn::ImportValue takes an export name, got {type_name(name)}")
            return self.failed(value)
        if name not in self.scope.exports:
            known = sorted(self.scope.exports)
            listed = f"; exported names: {', '.join(known)}" if known else "; no stack in this account exports any"
            self.problem(arg_mark, path, f"no stack exports '{name}'{did_you_mean(name, known)}{listed}"
                                         " (deploy the exporting stack first)")
            return self.failed(value)
        return self.scope.exports[name][1]

    # -- condition functions --------------------------------------------------------------------------

    def condition(self, expr, path: str, mark: Mark) -> bool | None:
        """Evaluate a condition expression; None when it has a problem (already reported)."""
        fn = function_of(expr)
        if fn not in CONDITION_FUNCTIONS:
            self.problem(mark_of(expr, mark), path, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or"
                                                    f" Condition, got {fn or type_name(expr)}")
            return None
        result = self.call(fn, expr, path, mark_of(expr, mark))
        return result if isinstance(result, bool) else None

    def _equals(self, arg, value, path, mark, arg_mark):
        if self._pair("Fn::Equals", arg, 2, arg_mark, path, "[value, value]") is None:
            return None
        left, right = (self.resolve(item, path, value_mark(arg, i, arg_mark)) for i, item in enumerate(arg))
        return _comparable(left) == _comparable(right)

    def _conditions(self, fn, arg, path, arg_mark, low, high) -> list | None:
        if not isinstance(arg, list) or not low <= len(arg) <= high:
            count = f"{low}" if low == high else f"{low} to {high}"
            self.problem(arg_mark, path, f"{fn} takes a list of {count} condition{'s' if high > 1 else ''}")
            return None
        results = [self.condition(item, path, value_mark(arg, i, arg_mark)) for i, item in enumerate(arg)]
        return None if None in results else results

    def _and(self, arg, value, path, mark, arg_mark):
        results = self._conditions("Fn::And", arg, path, arg_mark, 2, 10)
        return None if results is None else all(results)

    def _or(self, arg, value, path, mark, arg_mark):
        results = self._conditions("Fn::Or", arg, path, arg_mark, 2, 10)
        return None if results is None else any(results)

    def _not(self, arg, value, path, mark, arg_mark):
        results = self._conditions("Fn::Not", arg, path, arg_mark, 1, 1)
        return None if results is None else not results[0]

    def _condition(self, arg, value, path, mark, arg_mark):
        return self.condition_value(arg, path, arg_mark)


_WAIT = object()
_REPORTED = object()


def _comparable(value):
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    text = as_text(value)
    return text if text is not None else value
