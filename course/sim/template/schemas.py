"""The vocabulary resource schemas are written in, as plain data.

Each service writes the schemas of its own types in its ``resources`` room from the AWS
CloudFormation resource reference (and the AWS SAM specification for ``AWS::Serverless::*``),
and registers them with their creators (``types.register_creator``), which keeps the table of
every type (``types.SCHEMAS``). A property the reference lists but the simulator has
no behaviour for is still accepted (``OPEN``), so a valid template is never refused for being
thorough.

Each property schema is a dict with ``type`` (string, integer, number,
boolean, list, object, map, json, any, one_of) and optional checks: ``enum``,
``min``/``max`` (numbers), ``min_length``/``max_length`` (text), ``pattern``
with a ``hint``, ``min_items``/``max_items``, and for objects ``properties``
and ``required``. Resource types also list their ``Fn::GetAtt`` attributes and
what ``Ref`` returns.
"""

from __future__ import annotations


def string(enum=None, min_length=None, max_length=None, pattern=None, hint=None) -> dict:
    return {"type": "string", "enum": enum, "min_length": min_length, "max_length": max_length,
            "pattern": pattern, "hint": hint}


def integer(low=None, high=None) -> dict:
    return {"type": "integer", "min": low, "max": high}


def number(low=None, high=None) -> dict:
    return {"type": "number", "min": low, "max": high}


def list_of(item: dict, min_items=None, max_items=None) -> dict:
    return {"type": "list", "items": item, "min_items": min_items, "max_items": max_items}


def obj(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, "required": tuple(required)}


def map_of(value: dict) -> dict:
    """An object whose keys are the learner's own (environment variable names, say)."""
    return {"type": "map", "values": value}


def one_of(*options: dict) -> dict:
    return {"type": "one_of", "options": options}


def resource(properties: dict, required=(), attributes=(), ref: str = "") -> dict:
    return {"properties": properties, "required": tuple(required), "attributes": tuple(attributes), "ref": ref}


BOOLEAN = {"type": "boolean"}
#: A policy document: an object, or the same as JSON text.
JSON = {"type": "json"}
#: Accepted as written; the simulator does not act on it.
OPEN = {"type": "any"}
TEXT = string()
TEXT_LIST = list_of(TEXT)
TAGS = list_of(obj({"Key": string(max_length=128), "Value": string(max_length=256)}, required=("Key", "Value")))
SAM_TAGS = map_of(TEXT)
