"""Resource types no simulated service models: checked against CloudFormation's schema, then
deployed as placeholders.

A template that CloudFormation would deploy must deploy here too, even when it holds a log group,
an alarm or a secret the simulator has no behaviour for. Such a resource is "not simulated": its
properties are checked like any other (``registry_schemas``), it exists in the stack, its ``Ref``
and ``Fn::GetAtt`` give values in the shape AWS gives them (an ARN, an id, a URL), and the deploy
says plainly that nothing behind it acts.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

from course.sim.template.model import Note, PhysicalResource
from course.sim.template.registry_schemas import resource_schema
from course.sim.template.types import SCHEMAS, register_creator

#: The types deployed as placeholders so far (a type joins the first time a template uses it).
INERT: set[str] = set()


def adopt(type_name: str, region: str) -> bool:
    """Accept ``type_name`` as a placeholder type if CloudFormation has it; False if it does not."""
    if type_name in SCHEMAS:
        return True
    if type_name == "AWS::CloudFormation::Stack":  # CloudFormation's own type, which the simulator runs
        from course.sim.template import nested

        nested.register()
        return type_name in SCHEMAS
    schema = resource_schema(type_name, region)
    if schema is None:
        return False
    register_creator(type_name, create_placeholder, schema["attributes"], schema=schema)
    INERT.add(type_name)
    return True


#: Type → how a service names its placeholders, where AWS's shape is not the generic one:
#: ``identify(context, properties) -> (Ref value, {attribute: value})``.
IDENTIFIERS: dict[str, Callable[[Any, dict], tuple[str, dict]]] = {}


def register_placeholder(type_name: str, schema: dict, *, local_code: str | None = None,
                         identify: Callable[[Any, dict], tuple[str, dict]] | None = None) -> None:
    """A type a service checks with its own schema but does not create yet: deployed as a placeholder."""
    register_creator(type_name, create_placeholder, schema["attributes"], schema=schema, local_code=local_code)
    INERT.add(type_name)
    if identify is not None:
        IDENTIFIERS[type_name] = identify


def name_placeholders(type_name: str, identify: Callable[[Any, dict], tuple[str, dict]]) -> None:
    """How placeholders of a type CloudFormation's schema describes are named, where AWS's shape is
    not the generic one (a function URL's host, say)."""
    IDENTIFIERS[type_name] = identify


def not_simulated(type_name: str) -> bool:
    return type_name in INERT


def create_placeholder(account, logical_id: str, props: dict, context) -> PhysicalResource:
    kind = context.resource.type
    schema = SCHEMAS[kind]
    if kind in IDENTIFIERS:
        physical, attributes = IDENTIFIERS[kind](context, props)
    else:
        names = _Names(kind, context)
        physical = names.identifier(schema.get("identifier", ()), props)
        attributes = {name: names.attribute(name, physical, props) for name in schema["attributes"]}
    context.stack.notes.append(Note(context.resource.mark, context.resource.path,
                                    f"not simulated: {kind} {logical_id} is deployed as a placeholder; its Ref and"
                                    " attributes have AWS's shape, but nothing behind it acts"))
    return PhysicalResource(physical, attributes)


class _Names:
    """Values shaped like AWS's for one placeholder, the same on every deploy of the same stack."""

    def __init__(self, kind: str, context):
        _, service, resource = kind.split("::")
        self.service = service.lower()
        self.resource = resource[0].lower() + resource[1:]
        self.context = context

    def token(self, salt: str, length: int = 17) -> str:
        text = f"{self.context.stack_id}/{self.context.resource.logical_id}/{salt}"
        return hashlib.sha256(text.encode()).hexdigest()[:length]

    def arn(self, name: str) -> str:
        c = self.context
        return f"arn:{c.partition}:{self.service}:{c.region}:{c.account_id}:{self.resource}/{name}"

    def identifier(self, identifier: tuple[str, ...], props: dict) -> str:
        """What ``Ref`` gives: the primary identifier, taken from the properties when the learner set it."""
        parts = []
        for name in identifier or ("Id",):
            given = props.get(name)
            if isinstance(given, (str, int, float)) and not isinstance(given, bool):
                parts.append(str(given))
            elif name.endswith("Arn"):
                parts.append(self.arn(self.context.physical_name(64)))
            elif name.endswith("Name"):
                parts.append(self.context.physical_name(64))
            else:
                parts.append(f"{self.resource[:4].lower()}-{self.token(name)}")
        return "|".join(parts)

    def attribute(self, name: str, physical: str, props: dict) -> str:
        leaf = name.rsplit(".", 1)[-1]
        given = props.get(leaf)
        if isinstance(given, str):
            return given
        host = f"{physical.rsplit('/', 1)[-1].lower()}.{self.service}.{self.context.region}.amazonaws.com"
        if leaf.endswith("Arn"):
            return physical if physical.startswith("arn:") else self.arn(physical)
        if leaf.endswith(("Url", "URL", "Uri")):
            return f"https://{host}"
        if any(word in leaf for word in ("Endpoint", "Address", "DomainName", "Host", "DnsName")):
            return host
        if leaf.endswith(("Id", "ID")):
            return self.token(name, 12)
        return physical
