"""The AWS SAM transform: ``AWS::Serverless::*`` resources into the CloudFormation ones SAM generates.

A learner's SAM properties are checked against the SAM schema first, where they
were written (in the resource or in ``Globals``), so every problem points at
their own text; the generated resources are then built from checked values.
What each SAM type expands into is its service's business: the service registers
the type with ``register_sam_type`` (``AWS::Serverless::Function`` in
``awslambda/sam.py``, say), and this module keeps what all of them share:
``Globals``, merging, event parsing and the resources' common fields.
"""

from __future__ import annotations

import re

from course.content.problems import Mark, Problems, did_you_mean
from course.content.yamlsrc import plain
from course.sim.template.checker import Checker
from course.sim.template.model import Note, Resource, SamEvent
from course.sim.template.types import SAM_TYPES
from course.sim.template.values import concat, function_of, key_mark, mark_of, remap, type_name, value_mark

#: Every resource type of the SAM specification. A service registers the ones it checks first
#: (``register_sam_type``); the others go to AWS's transform as written, which checks them itself.
SAM_SPEC_TYPES = tuple(f"AWS::Serverless::{name}" for name in (
    "Function", "Api", "HttpApi", "SimpleTable", "LayerVersion", "Application", "StateMachine", "Connector",
    "GraphQLApi", "CapacityProvider"))
#: The sections SAM's ``Globals`` has (the SAM specification, sam-specification-template-anatomy-globals.html);
#: a section is checked against the SAM type a service registers for it, else left to the transform.
GLOBAL_SECTIONS = ("Function", "SimpleTable", "Api", "HttpApi", "StateMachine", "LayerVersion", "CapacityProvider")
EVENT_TYPES = {
    "Api": ("Path", "Method"), "HttpApi": (), "SQS": ("Queue",), "SNS": ("Topic",), "S3": ("Bucket", "Events"),
    "Schedule": ("Schedule",), "ScheduleV2": ("ScheduleExpression",), "DynamoDB": ("Stream",),
    "Kinesis": ("Stream",), "EventBridgeRule": ("Pattern",), "CloudWatchEvent": ("Pattern",),
    "CloudWatchLogs": ("LogGroupName", "FilterPattern"), "Cognito": ("UserPool", "Trigger"), "IoTRule": ("Sql",),
    "AlexaSkill": (), "MSK": ("Stream", "Topics"), "MQ": ("Broker", "Queues"), "SelfManagedKafka": ("Topics",),
    "DocumentDB": ("Cluster", "DatabaseName"),
}


def merge(globals_: dict, own: dict, globals_path: str, own_path: str, fallback: Mark):
    """SAM's Globals rule: the function's own values win, mappings merge key by key, lists add up."""
    merged: dict = {}
    written: dict[str, tuple[str, Mark]] = {}
    for key, value in globals_.items():
        merged[key] = value
        written[key] = (f"{globals_path}.{key}", value_mark(globals_, key, fallback))
    for key, value in own.items():
        merged[key] = _combine(merged[key], value) if key in merged else value
        written[key] = (f"{own_path}.{key}", value_mark(own, key, fallback))
    return merged, written


def _combine(first, second):
    if function_of(first) or function_of(second):
        return second
    if isinstance(first, dict) and isinstance(second, dict):
        out = {key: _combine(value, second[key]) if key in second else value for key, value in first.items()}
        out.update({key: value for key, value in second.items() if key not in first})
        return remap(second, out)
    if isinstance(first, list) and isinstance(second, list):
        return concat(first, second)
    return second


class SamTransform:
    def __init__(self, problems: Problems, checker: Checker, notes: list[Note]):
        self.problems = problems
        self.checker = checker
        self.notes = notes
        self.globals: dict[str, dict] = {}
        #: Every Globals section as written (parameters resolved), for AWS's transform.
        self.raw_globals: dict[str, dict] = {}
        #: ``Fn.Alias`` / ``Fn.Version`` → generated logical ids.
        self.ref_aliases: dict[str, str] = {}
        #: The SAM resources checked so far, with what their check found, waiting for the transform.
        self.pending: dict[str, tuple[Resource, dict]] = {}
        #: Each SAM resource's own properties as checked and normalised.
        self.checked: dict[str, dict] = {}

    def read_globals(self, section, resolver, root_mark: Mark) -> dict[str, dict]:
        if section is None:
            return {}
        if not isinstance(section, dict):
            self.problems.add(root_mark, "Globals", f"must be an object, got {type_name(section)}")
            return {}
        for name, value in section.items():
            path = f"Globals.{name}"
            where = key_mark(section, name, root_mark)
            if name not in GLOBAL_SECTIONS:
                self.problems.add(where, path, f"unknown Globals section '{name}'{did_you_mean(name, GLOBAL_SECTIONS)};"
                                               f" SAM has: {', '.join(GLOBAL_SECTIONS)}")
                continue
            resolved = resolver.resolve(value, path, value_mark(section, name, where))
            if not isinstance(resolved, dict):
                self.problems.add(value_mark(section, name, where), path,
                                  f"must be an object, got {type_name(resolved)}")
                continue
            self.raw_globals[name] = resolved
            sam_type = next((t for t in SAM_TYPES.values() if t.section == name), None)
            if sam_type is None:
                continue  # AWS's transform reads it (Api and HttpApi settings for the implicit APIs, say)
            for key in sam_type.not_global:
                if key in resolved:
                    self.problems.add(key_mark(resolved, key, where), f"{path}.{key}",
                                      f"{key} can't be set in Globals; set it on each resource")
            kept = remap(resolved, {k: v for k, v in resolved.items() if k not in sam_type.not_global})
            self.globals[name] = self.checker.properties(kept, sam_type.schema, path,
                                                         mark_of(resolved, where), check_required=False)
            self.raw_globals[name] = self.globals[name]
        return self.globals

    def check(self, resource: Resource) -> None:
        """Check a SAM resource where it was written; AWS's transform expands it with the others."""
        sam_type = SAM_TYPES.get(resource.type)
        info = sam_type.check(self, resource) if sam_type else {}
        self.pending[resource.logical_id] = (resource, info or {})

    def expand(self, order: list[str], written: dict[str, Resource], pseudo: dict, start: Mark,
               quiet: bool = False) -> list[Resource] | None:
        """Every resource of the template, SAM's expanded by AWS's transform, in template order.

        ``order`` is the template's logical ids, ``written`` the resources that are not SAM's. Each
        resource SAM makes belongs to the SAM resource whose logical id begins its own (``FnRole``
        to ``Fn``); one that names none (``ServerlessRestApi``) to the first SAM resource. None when
        the transform refused the template (its problems are reported at the resources it names,
        unless ``quiet``: the template already has problems of its own).
        """
        from course.sim.template.sam_translate import translate

        document: dict = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}
        if self.raw_globals:
            document["Globals"] = plain(self.raw_globals)
        for logical in order:
            if logical in self.pending:
                resource, info = self.pending[logical]
                own = self.checked.get(logical, resource.properties)
                document["Resources"][logical] = _body(resource, {**plain(own), **info.get("translate_as", {})})
            elif logical in written:
                document["Resources"][logical] = _body(written[logical], plain(written[logical].properties))
        try:
            result = translate(document, pseudo)
        except Exception as exc:  # the transform's own fault, or a value it cannot read
            if not quiet:
                self.problems.add(start, "Transform",
                                  f"AWS SAM could not transform the template: {type(exc).__name__}: {exc}")
            return None
        if quiet:
            return None if result.problems else self._adopt(result.resources, order, written)
        for logical, message in result.problems:
            owner = self.pending.get(logical, (written.get(logical),))[0]
            if owner is None:
                self.problems.add(start, "Resources", message)
            else:
                self.problems.add(owner.mark, owner.path, message)
        if result.problems:
            return None
        return self._adopt(result.resources, order, written)

    def _adopt(self, made: dict[str, dict], order: list[str], written: dict[str, Resource]) -> list[Resource]:
        sources = sorted(self.pending, key=len, reverse=True)
        first = next(iter(self.pending))
        owned: dict[str, list[Resource]] = {logical: [] for logical in self.pending}
        out: dict[str, Resource] = {}
        for name, body in made.items():
            if name in written:
                resource = written[name]
                if body.get("Properties", {}) != plain(resource.properties):
                    resource.properties = body.get("Properties", {})  # SAM adds to it (an S3 bucket's notifications)
                out[name] = resource
                continue
            source = name if name in self.pending else next((s for s in sources if name.startswith(s)), first)
            sam, info = self.pending[source]
            depends = body.get("DependsOn", [])
            resource = Resource(name, body["Type"], body.get("Properties", {}), sam.mark,
                                depends_on=[depends] if isinstance(depends, str) else list(depends),
                                metadata=body.get("Metadata", {}), deletion_policy=body.get("DeletionPolicy"),
                                source=source, source_type=sam.type)
            if name == source:
                resource.written = dict(info.get("written", {}))
                resource.properties.update(info.get("restore", {}))
                owned[source].insert(0, resource)
            else:
                owned[source].append(resource)
        for logical, (sam, _) in self.pending.items():
            aliases = SAM_TYPES[sam.type].aliases if sam.type in SAM_TYPES else None
            if aliases:
                self.ref_aliases.update(aliases(logical, made))
        ordered = []
        for logical in order:
            if logical in self.pending:
                ordered += owned[logical]
            elif logical in out:
                ordered.append(out[logical])
        return ordered

    def merged(self, resource: Resource, section: str):
        """The resource's own properties merged over its ``Globals`` section, each checked where it
        was written; also where each merged key came from."""
        props_path = f"{resource.path}.Properties"
        mark = mark_of(resource.properties, resource.mark)
        own = self.checker.properties(resource.properties, SAM_TYPES[resource.type].schema, props_path, mark,
                                      check_required=False)
        self.checked[resource.logical_id] = own  # normalised ("2" → 2), as the transform is given them
        merged, written = merge(self.globals.get(section, {}), own, f"Globals.{section}", props_path, mark)
        return merged, written, mark


    def events(self, events, where: tuple[str, Mark]) -> list[SamEvent]:
        if not isinstance(events, dict) or function_of(events):
            return []
        out = []
        base, fallback = where
        for name, event in events.items():
            path, mark = f"{base}.{name}", value_mark(events, name, fallback)
            if not re.fullmatch(r"[A-Za-z0-9]+", name):
                self.problems.add(key_mark(events, name, fallback), path, "an event name uses only letters and digits")
            if not isinstance(event, dict):
                self.problems.add(mark, path, f"must be an object with Type and Properties, got {type_name(event)}")
                continue
            for key in event:
                if key not in ("Type", "Properties"):
                    self.problems.add(key_mark(event, key, mark), f"{path}.{key}",
                                      f"unknown event field '{key}'{did_you_mean(key, ('Type', 'Properties'))}")
            kind = event.get("Type")
            if kind not in EVENT_TYPES:
                message = "required field is missing" if kind is None else (
                    f"unknown event type {kind!r}{did_you_mean(str(kind), EVENT_TYPES)};"
                    f" SAM has: {', '.join(EVENT_TYPES)}")
                self.problems.add(value_mark(event, "Type", mark), f"{path}.Type", message)
                continue
            props = event.get("Properties", {})
            if not isinstance(props, dict):
                self.problems.add(value_mark(event, "Properties", mark), f"{path}.Properties",
                                  f"must be an object, got {type_name(props)}")
                continue
            for key in EVENT_TYPES[kind]:
                if key not in props:
                    self.problems.add(mark_of(props, mark), f"{path}.Properties.{key}",
                                      f"required for {kind} events")
            out.append(SamEvent(name, kind, props, mark))
        return out


def _body(resource: Resource, properties: dict) -> dict:
    """One resource as a template holds it, for AWS's transform."""
    body: dict = {"Type": resource.type, "Properties": properties}
    if resource.depends_on:
        body["DependsOn"] = list(resource.depends_on)
    if resource.metadata:
        body["Metadata"] = resource.metadata
    if resource.deletion_policy:
        body["DeletionPolicy"] = resource.deletion_policy
    return body
