"""CloudFormation's own resource schemas, for the types no simulated service registers.

CloudFormation publishes a JSON schema for every resource type (the CloudFormation registry's
"resource provider schemas"); cfn-lint ships them, per Region, as data files. They are read from
cfn-lint's installed package without importing cfn-lint, and each schema a template uses is turned
into the checker's own vocabulary (``schemas.py``), so a property of ``AWS::Logs::LogGroup`` is
checked where it was written, with the same messages as the types the simulator models: required
properties, unknown ones with "did you mean", types, enums, lengths, ranges and patterns.

What a schema says that the checker cannot follow faithfully (``allOf``, alternatives of the same
JSON type, open objects, a pattern Python's ``re`` cannot read) is accepted as written rather than
guessed at: a valid template must never be refused.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path

from course.sim.template.schemas import BOOLEAN, OPEN, integer, list_of, map_of, number, obj, one_of, resource, string

#: How deep nested definitions are followed; deeper (and self-referring) parts are accepted as written.
MAX_DEPTH = 10
_DEFAULT_REGION = "us-east-1"


@cache
def _data() -> Path | None:
    spec = importlib.util.find_spec("cfnlint")  # finds the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


@cache
def _providers(region: str) -> dict[str, str]:
    """Type name → the file of its schema, for the types CloudFormation offers in ``region``."""
    data = _data()
    if data is None:
        return {}
    path = data / "providers" / f"{region}.json"
    if not path.is_file():
        path = data / "providers" / f"{_DEFAULT_REGION}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def known_types(region: str = _DEFAULT_REGION) -> list[str]:
    return sorted(_providers(region))


@cache
def registry_schema(type_name: str, region: str = _DEFAULT_REGION) -> dict | None:
    """CloudFormation's schema of ``type_name`` as published, or None for a type it does not have."""
    name = _providers(region).get(type_name)
    if name is None:
        return None
    return json.loads((_data() / "resources" / f"{name}.json").read_text())


@cache
def resource_schema(type_name: str, region: str = _DEFAULT_REGION) -> dict | None:
    """The checker's schema for ``type_name``: its properties, the ``Fn::GetAtt`` names (the
    schema's read-only properties) and what ``Ref`` gives (its primary identifier)."""
    raw = registry_schema(type_name, region)
    if raw is None:
        return None
    converter = _Converter(raw.get("definitions", {}))
    read_only = {_pointer(p) for p in raw.get("readOnlyProperties", ())}
    properties = {name: converter.convert(node, 0, frozenset()) for name, node in raw.get("properties", {}).items()
                  if name not in read_only}
    attributes = tuple(sorted(read_only))
    identifier = [_pointer(p) for p in raw.get("primaryIdentifier", ())]
    schema = resource(properties, required=[r for r in raw.get("required", ()) if r in properties],
                      attributes=attributes, ref=" | ".join(identifier) or "the resource's id")
    schema["identifier"] = tuple(identifier)
    return schema


def _pointer(pointer: str) -> str:
    """``/properties/Endpoint/Address`` → ``Endpoint.Address``, the name ``Fn::GetAtt`` uses."""
    return ".".join(part for part in pointer.split("/")[2:] if part != "*")


class _Converter:
    def __init__(self, definitions: dict):
        self.definitions = definitions

    def convert(self, node, depth: int, following: frozenset) -> dict:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return OPEN
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if not ref.startswith("#/definitions/") or name in following or name not in self.definitions:
                return OPEN
            return self.convert(self.definitions[name], depth + 1, following | {name})
        if "allOf" in node:
            return OPEN
        for key in ("oneOf", "anyOf"):
            if key in node:
                return self._alternatives([{**{k: v for k, v in node.items() if k not in ("oneOf", "anyOf")}, **o}
                                           for o in node[key] if isinstance(o, dict)], depth, following)
        kind = node.get("type")
        if isinstance(kind, list):
            return self._alternatives([{**node, "type": k} for k in kind], depth, following)
        if kind is None and "properties" in node:
            kind = "object"
        return self._typed(kind, node, depth, following)

    def _alternatives(self, options: list[dict], depth: int, following: frozenset) -> dict:
        converted = [self.convert(option, depth + 1, following) for option in options]
        kinds = [c["type"] for c in converted]
        # The checker picks an option by the value's JSON type, so each must have its own.
        if not converted or "any" in kinds or len(set(kinds)) != len(kinds) or {"object", "map"} <= set(kinds):
            return OPEN
        return converted[0] if len(converted) == 1 else one_of(*converted)

    def _typed(self, kind, node: dict, depth: int, following: frozenset) -> dict:
        if kind == "string":
            enum = node.get("enum")
            pattern, shown = _pattern(node.get("pattern"))
            out = string(enum=tuple(str(v) for v in enum) if isinstance(enum, list) and enum else None,
                         min_length=node.get("minLength"), max_length=node.get("maxLength"), pattern=pattern)
            if shown:
                out["pattern_text"] = shown
            return out
        if kind in ("integer", "number"):
            out = (integer if kind == "integer" else number)(node.get("minimum"), node.get("maximum"))
            enum = node.get("enum")
            if isinstance(enum, list) and enum and all(isinstance(v, (int, float)) for v in enum):
                out["enum"] = tuple(enum)
            return out
        if kind == "boolean":
            return BOOLEAN
        if kind == "array":
            items = node.get("items")
            return list_of(self.convert(items, depth + 1, following) if isinstance(items, dict) else OPEN,
                           node.get("minItems"), node.get("maxItems"))
        if kind == "object":
            properties = node.get("properties")
            if isinstance(properties, dict) and properties and node.get("additionalProperties") is False:
                converted = {k: self.convert(v, depth + 1, following) for k, v in properties.items()}
                return obj(converted, [r for r in node.get("required", ()) if r in converted])
            patterns = node.get("patternProperties")
            if isinstance(patterns, dict) and len(patterns) == 1 and not properties:
                return map_of(self.convert(next(iter(patterns.values())), depth + 1, following))
            return map_of(OPEN)  # an object whose keys the schema leaves open
        return OPEN


def _pattern(pattern) -> tuple[str | None, str | None]:
    """A JSON Schema pattern matches anywhere in the text (ECMA-262 search); the checker matches
    whole values, so the pattern is wrapped (and shown to the learner as written). One Python
    cannot read is left out."""
    if not isinstance(pattern, str) or not pattern:
        return None, None
    wrapped = f"(?s:.*?(?:{pattern}).*)"
    try:
        re.compile(wrapped)
    except re.error:
        return None, None
    return wrapped, pattern
