"""The resource types templates can use, as services register them.

A service's ``resources`` room registers each of its CloudFormation types here with its schema
and creator together (``register_creator``), and each AWS SAM type it owns with the checks it
needs before AWS's SAM transform expands it (``register_sam_type``). The loader, the SAM
transform and deploy read these tables and nothing else, after ``load_types()`` has imported
every registered service's ``resources`` room (``course.sim.registry``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from course.sim.template.deployment import DeployContext
    from course.sim.template.model import PhysicalResource, Resource, StackResource
    from course.sim.template.sam import SamTransform

Creator = Callable[[Any, str, dict, "DeployContext"], "PhysicalResource"]
#: Checks a SAM resource where the learner wrote it. Returns ``written`` (where each property was
#: written, for the resource SAM makes with the same logical id) and, when a value must reach the
#: transform differently, ``translate_as`` (properties to hand it instead) and ``restore``
#: (properties to set on what it made: a local code folder, say).
SamCheck = Callable[["SamTransform", "Resource"], dict]


@dataclass
class Registration:
    create: Creator
    attributes: tuple[str, ...]
    delete: Callable[[Any, "StackResource"], None] | None = None


@dataclass
class SamType:
    """An ``AWS::Serverless::*`` type: its schema, its ``Globals`` section and how it is checked
    before AWS's SAM transform expands it."""

    schema: dict
    check: SamCheck
    section: str
    #: What SAM accepts only on each resource, never in that ``Globals`` section.
    not_global: tuple[str, ...] = field(default_factory=tuple)
    #: ``aliases(logical_id, generated resources) -> {"Fn.Alias": logical id}``: the names SAM lets a
    #: template use for what it generated.
    aliases: Callable[[str, dict], dict[str, str]] | None = None


#: Every type a template may use → its property schema (CloudFormation and SAM types alike).
SCHEMAS: dict[str, dict] = {}
#: Resource type → the function that creates it.
CREATORS: dict[str, Creator] = {}
REGISTRATIONS: dict[str, Registration] = {}
#: Type → the prefix of the attributes it has by name only once deployed (a nested stack's
#: ``Outputs.<Name>``); ``Fn::GetAtt`` of any name with that prefix is accepted.
DYNAMIC_ATTRIBUTES: dict[str, str] = {}
#: Type → the property that may name a local file or folder (a function's ``Code``), read as
#: ``aws cloudformation package`` reads it.
LOCAL_CODE: dict[str, str] = {}
#: SAM type → how it is checked before the transform.
SAM_TYPES: dict[str, SamType] = {}


def register_creator(type_name: str, fn: Creator, attributes=(), *, schema: dict | None = None,
                     delete: Callable[[Any, "StackResource"], None] | None = None,
                     local_code: str | None = None) -> None:
    """Make ``fn(account, logical_id, properties, context) -> PhysicalResource`` create ``type_name``,
    whose properties ``schema`` describes (``schemas.resource(...)``).

    ``attributes`` are the ``Fn::GetAtt`` names the creator fills in; each must be one the schema
    lists. ``delete(account, stack_resource)``, when given, undoes a creation if a later resource of
    the same deploy fails. ``schema`` may be left out only to replace the creator of a type that
    already has one (a stand-in creator in a test, say).
    """
    if schema is None:
        schema = SCHEMAS.get(type_name)
        if schema is None:
            raise ValueError(f"{type_name} has no property schema; pass schema=schemas.resource(...)")
    unknown = sorted(set(attributes) - set(schema["attributes"]))
    if unknown:
        raise ValueError(f"{type_name} has no attribute {', '.join(unknown)}; its schema lists:"
                         f" {', '.join(schema['attributes']) or 'none'}")
    SCHEMAS[type_name] = schema
    CREATORS[type_name] = fn
    REGISTRATIONS[type_name] = Registration(fn, tuple(attributes), delete)
    if local_code:
        LOCAL_CODE[type_name] = local_code


def register_sam_type(type_name: str, schema: dict, check: SamCheck, *, section: str,
                      not_global: tuple[str, ...] = (), aliases=None) -> None:
    """Make the loader check ``type_name`` with ``check(transform, resource)`` (every problem where the
    learner wrote it) before AWS's SAM transform expands it."""
    SCHEMAS[type_name] = schema
    SAM_TYPES[type_name] = SamType(schema, check, section, tuple(not_global), aliases)


_loaded: set[str] = set()


def load_types() -> None:
    """Import the ``resources`` room of every registered service not imported yet: that is where
    each registers (a service added to the registry later is picked up on the next call)."""
    from course.sim.registry import packages, rooms

    missing = set(packages()) - _loaded
    if missing:
        rooms("resources", only=missing)
        _loaded.update(missing)
