"""``deploy``: create a template's resources in a simulated account, each through its service.

Each resource type is created by a function a service package registers
(``register_creator``), so a template and an API call go through the same
model and the same validation. Before anything is created, deploy checks that
every type can be created, that every ``Fn::GetAtt`` asked for will have a
value and that local code exists: a template either deploys or fails without
leaving half a stack. A failure while creating (an ``AwsError`` from a service)
is reported like CloudFormation's CREATE_FAILED, at the resource, after the
resources already made are deleted where their service can delete them.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from course.content.problems import Mark, Problem, Problems
from course.sim.errors import AwsError, TemplateError
from course.sim.template.graph import find_references
from course.sim.template.intrinsics import Resolver, Scope, as_text
from course.sim.template.loader import load_template, local_code, unique
from course.sim.template.model import Note, PhysicalResource, Resource, SamEvent, Stack, StackResource, Template
from course.sim.template.schemas import SCHEMAS
from course.content.yamlsrc import plain
from course.sim.template.values import NOVALUE

Creator = Callable[[Any, str, dict, "DeployContext"], PhysicalResource]
EventHandler = Callable[[Any, StackResource, SamEvent, "DeployContext"], None]


@dataclass
class Registration:
    create: Creator
    attributes: tuple[str, ...]
    delete: Callable[[Any, StackResource], None] | None = None


#: Resource type → the function that creates it.
CREATORS: dict[str, Creator] = {}
_REGISTRATIONS: dict[str, Registration] = {}
#: SAM event type (``SQS``, ``Api``, ...) → the function that connects the event source after the stack exists.
EVENT_HANDLERS: dict[str, EventHandler] = {}


def register_creator(type_name: str, fn: Creator, attributes=(), *, schema: dict | None = None,
                     delete: Callable[[Any, StackResource], None] | None = None) -> None:
    """Make ``fn(account, logical_id, properties, context) -> PhysicalResource`` create ``type_name``.

    ``attributes`` are the ``Fn::GetAtt`` names the creator fills in. A type the simulator has no
    schema for needs one (see ``schemas.resource``). ``delete(account, stack_resource)``, when given,
    undoes a creation if a later resource of the same deploy fails.
    """
    if type_name not in SCHEMAS:
        if schema is None:
            raise ValueError(f"{type_name} has no property schema; pass schema=schemas.resource(...)")
        SCHEMAS[type_name] = schema
    unknown = sorted(set(attributes) - set(SCHEMAS[type_name]["attributes"]))
    if unknown:
        raise ValueError(f"{type_name} has no attribute {', '.join(unknown)}; its schema lists:"
                         f" {', '.join(SCHEMAS[type_name]['attributes']) or 'none'}")
    CREATORS[type_name] = fn
    _REGISTRATIONS[type_name] = Registration(fn, tuple(attributes), delete)


def register_event_handler(event_type: str, fn: EventHandler) -> None:
    """Make ``fn`` connect SAM events of ``event_type`` once every resource of the stack exists."""
    EVENT_HANDLERS[event_type] = fn


_services_loaded = False


def load_service_creators() -> None:
    """Import ``<service package>.resources`` for every modeled service: that is where each registers."""
    global _services_loaded
    if _services_loaded:
        return
    _services_loaded = True
    from course.sim.account import SERVICES

    for target in SERVICES.values():
        name = target.split(":")[0].rsplit(".", 1)[0] + ".resources"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def physical_name(stack_name: str, logical_id: str, max_length: int = 64, suffix: str = "") -> str:
    """A name like CloudFormation's ``<stack>-<logical id>-<random>``, the same on every deploy."""
    token = hashlib.sha256(f"{stack_name}/{logical_id}".encode()).hexdigest()[:12].upper()
    head = f"{stack_name}-{logical_id}"[: max(1, max_length - len(token) - len(suffix) - 1)]
    return f"{head}-{token}{suffix}"


class DeployContext:
    """What a creator may need besides the properties: names, the stack so far, where things were written."""

    def __init__(self, account, template: Template, stack: Stack, resource: Resource, base_dir: Path | None):
        self.account = account
        self.template = template
        self.stack = stack
        self.resource = resource
        self.base_dir = base_dir
        self.stack_name = template.stack_name
        self.stack_id = template.pseudo["AWS::StackId"]
        self.region = template.pseudo["AWS::Region"]
        self.account_id = template.pseudo["AWS::AccountId"]
        self.partition = template.pseudo["AWS::Partition"]

    def physical_name(self, max_length: int = 64, suffix: str = "") -> str:
        return physical_name(self.stack_name, self.resource.logical_id, max_length, suffix)

    def problem(self, key: str | None, message: str) -> Problem:
        """A problem at property ``key`` (or the resource), for ``raise TemplateError([...])``."""
        if key is None:
            return Problem(self.resource.mark, self.resource.path, message)
        path, mark = self.resource.where(key)
        return Problem(mark, path, message)


class _Conditions:
    """Conditions were decided at load; deploy only looks them up."""

    def __init__(self, values: dict[str, bool]):
        self.values = values

    def value(self, name: str, mark: Mark, path: str):
        return self.values.get(name)


def deploy(account, template, parameters: dict | None = None, stack_name: str = "coldstart",
           base_dir=None) -> Stack:
    """Create every resource of ``template`` (a Template, a path or template text); return the Stack."""
    load_service_creators()
    if isinstance(template, Template):
        given = {**template.given_parameters, **(parameters or {})}
        base = base_dir if base_dir is not None else template.base_dir
        loaded = load_template(template.text, given, template.name, account, stack_name=stack_name, base_dir=base)
    else:
        loaded = load_template(template, parameters, None, account, stack_name=stack_name, base_dir=base_dir)
    folder = Path(base_dir) if base_dir is not None else loaded.base_dir
    problems = Problems()
    _preflight(loaded, folder, problems)
    if problems:
        raise TemplateError(unique(problems.items))
    stack = Stack(stack_name, loaded.pseudo["AWS::StackId"], loaded, notes=list(loaded.notes))
    return _Deployment(account, loaded, stack, folder).run()


def _preflight(template: Template, folder: Path | None, problems: Problems) -> None:
    deployable = ", ".join(sorted(CREATORS)) or "none"
    for resource in template.resources.values():
        if resource.type not in CREATORS:
            generated = resource.source not in (None, resource.logical_id)
            origin = f" (generated by SAM for {resource.source})" if generated else ""
            path, mark = (f"{resource.path}.Type", resource.mark)
            problems.add(mark, path, f"{resource.type}{origin} is checked by the simulator but can't be deployed"
                                     f" yet: no service creates it. Deployable types: {deployable}")
        for key in ("Code", "Content"):
            value = resource.properties.get(key)
            if isinstance(value, dict) and isinstance(value.get("LocalPath"), str):
                path, mark = resource.where(key)
                value["LocalPath"] = local_code(value["LocalPath"], folder or Path.cwd(), path, mark, problems)
    aliases = dict(_aliases(template))
    for value, path, mark in _values(template):
        for ref in find_references(value, path, mark):
            target = template.resources.get(ref.logical_id)
            registration = _REGISTRATIONS.get(target.type) if target else None
            if ref.attribute is None or f"{ref.logical_id}.{ref.attribute}" in aliases:
                continue
            if registration and ref.attribute not in registration.attributes:
                provided = ", ".join(registration.attributes) or "none"
                problems.add(ref.mark, ref.path, f"the simulator can't give {ref.logical_id}.{ref.attribute} yet;"
                                                 f" for {target.type} it gives: {provided}")


def _values(template: Template):
    """Every value of the template that may still name a resource, with where it was written."""
    for resource in template.resources.values():
        for key, value in [*resource.properties.items(), *resource.sam.items()]:
            yield value, *resource.where(key)
        for event in resource.events:
            yield event.properties, f"{resource.where('Events')[0]}.{event.name}", event.mark
    for output in template.outputs.values():
        yield output.value, f"Outputs.{output.name}.Value", output.mark


class _Deployment:
    def __init__(self, account, template: Template, stack: Stack, folder: Path | None):
        self.account = account
        self.template = template
        self.stack = stack
        self.folder = folder
        self.problems = Problems()
        scope = Scope(template.parameters, template.pseudo, template.mappings, _Conditions(template.conditions),
                      dict(_aliases(template)), live=self.live)
        self.resolver = Resolver(self.problems, scope)

    def live(self, logical_id: str, attribute: str | None):
        made = self.stack.resources.get(logical_id)
        if made is None:
            raise LookupError(f"'{logical_id}' has not been created yet")
        if attribute is None:
            return made.physical_id
        if attribute not in made.attributes:
            raise LookupError(f"{logical_id} ({made.type}) has no value for attribute '{attribute}' in the simulator")
        return made.attributes[attribute]

    def resolve(self, value, path: str, mark: Mark):
        resolved = self.resolver.resolve(value, path, mark)
        if self.problems:
            raise TemplateError(unique(self.problems.items))
        return resolved

    def run(self) -> Stack:
        made: list[StackResource] = []
        try:
            for logical in self.template.order:
                resource = self.template.resources[logical]
                made.append(self.create(resource))
            for name, output in self.template.outputs.items():
                value = self.resolve(output.value, f"Outputs.{name}.Value", output.mark)
                self.stack.outputs[name] = as_text(value)  # outputs are text, as DescribeStacks gives them
            self.connect_events()
        except (AwsError, TemplateError):
            self.roll_back(made)
            raise
        return self.stack

    def create(self, resource: Resource) -> StackResource:
        props = {}
        for key, value in resource.properties.items():
            path, mark = resource.where(key)
            resolved = self.resolve(value, path, mark)
            if resolved is not NOVALUE:
                props[key] = plain(resolved)
        context = DeployContext(self.account, self.template, self.stack, resource, self.folder)
        try:
            physical = CREATORS[resource.type](self.account, resource.logical_id, props, context)
        except AwsError as error:
            raise TemplateError([Problem(resource.mark, resource.path,
                                         f"CREATE_FAILED: {error.code}: {error.message}")]) from error
        if not isinstance(physical, PhysicalResource) or not isinstance(physical.physical_id, str):
            raise TypeError(f"the creator of {resource.type} returned {physical!r}, not a PhysicalResource")
        made = StackResource(resource.logical_id, resource.type, physical.physical_id, dict(physical.attributes),
                             props, list(resource.events), dict(resource.sam))
        self.stack.resources[resource.logical_id] = made
        return made

    def connect_events(self) -> None:
        """Resolve what waited for the whole stack (events, SAM-only settings), then connect the events."""
        for made in self.stack.resources.values():
            resource = self.template.resources[made.logical_id]
            made.sam = {key: plain(self.resolve(value, *resource.where(key))) for key, value in resource.sam.items()}
            path = resource.where("Events")[0]
            resolved = []
            for event in made.events:
                props = plain(self.resolve(event.properties, f"{path}.{event.name}", event.mark))
                resolved.append(SamEvent(event.name, event.type, props, event.mark))
            made.events = resolved
            context = DeployContext(self.account, self.template, self.stack, resource, self.folder)
            for event in resolved:
                handler = EVENT_HANDLERS.get(event.type)
                if handler is None:
                    message = f"recorded: nothing in the simulator delivers {event.type} events yet"
                    self.stack.notes.append(Note(event.mark, f"{path}.{event.name}", message))
                else:
                    handler(self.account, made, event, context)

    def roll_back(self, made: list[StackResource]) -> None:
        for resource in reversed(made):
            registration = _REGISTRATIONS.get(resource.type)
            if registration and registration.delete:
                try:
                    registration.delete(self.account, resource)
                except AwsError:
                    pass  # CloudFormation also leaves what it cannot delete; the original failure is what matters


def _aliases(template: Template):
    """``Fn.Alias`` / ``Fn.Version`` for every SAM function that published them."""
    for resource in template.resources.values():
        if resource.source and resource.type in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            yield f"{resource.source}.{resource.type.rsplit('::', 1)[1]}", resource.logical_id


# -- resources recorded without a service model ----------------------------------------------------

def _create_role(account, logical_id: str, props: dict, context: DeployContext) -> PhysicalResource:
    name = props.get("RoleName") or context.physical_name(64)
    path = props.get("Path", "/")
    role_id = "AROA" + hashlib.sha256(f"{context.stack_id}/{logical_id}".encode()).hexdigest()[:17].upper()
    return PhysicalResource(name, {"Arn": f"arn:{context.partition}:iam::{context.account_id}:role{path}{name}",
                                   "RoleId": role_id})


def _create_queue(account, logical_id: str, props: dict, context: DeployContext) -> PhysicalResource:
    fifo = props.get("FifoQueue") is True
    name = props.get("QueueName") or context.physical_name(80, ".fifo" if fifo else "")
    if fifo and not name.endswith(".fifo"):
        raise AwsError("InvalidParameterValue", "The name of a FIFO queue must end with the .fifo suffix")
    if not fifo and name.endswith(".fifo"):
        raise AwsError("InvalidParameterValue", "Only a FIFO queue (FifoQueue: true) may have a name ending in .fifo")
    url = f"https://sqs.{context.region}.amazonaws.com/{context.account_id}/{name}"
    arn = f"arn:{context.partition}:sqs:{context.region}:{context.account_id}:{name}"
    return PhysicalResource(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})


def _create_topic(account, logical_id: str, props: dict, context: DeployContext) -> PhysicalResource:
    fifo = props.get("FifoTopic") is True
    name = props.get("TopicName") or context.physical_name(256, ".fifo" if fifo else "")
    arn = f"arn:{context.partition}:sns:{context.region}:{context.account_id}:{name}"
    return PhysicalResource(arn, {"TopicArn": arn, "TopicName": name})


register_creator("AWS::IAM::Role", _create_role, ("Arn", "RoleId"))
register_creator("AWS::SQS::Queue", _create_queue, ("Arn", "QueueName", "QueueUrl"))
register_creator("AWS::SNS::Topic", _create_topic, ("TopicArn", "TopicName"))
