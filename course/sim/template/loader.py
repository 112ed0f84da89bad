"""``load_template``: a template read, checked and resolved, or every problem in it at once."""

from __future__ import annotations

import uuid
from pathlib import Path

from course.content.problems import Mark, Problem, Problems, did_you_mean
from course.content.yamlsrc import BROKEN
from course.sim.errors import TemplateError
from course.sim.template.checker import Checker
from course.sim.template.conditions import Conditions
from course.sim.template.inert import adopt
from course.sim.template.language_extensions import TRANSFORM as LANGUAGE_EXTENSIONS, Loops
from course.sim.template.registry_schemas import known_types
from course.sim.template.graph import Reference, creation_order, find_references
from course.sim.template.intrinsics import Resolver, Scope
from course.sim.template.model import Note, Output, Resource, Template
from course.sim.template.parameters import LOGICAL_ID, read_parameters
from course.sim.template.reader import read_source
from course.sim.template.sam import SAM_SPEC_TYPES, SamTransform
from course.sim.template.types import DYNAMIC_ATTRIBUTES, LOCAL_CODE, SCHEMAS, load_types
from course.sim.template.values import (
    NOVALUE, REPORTED, function_of, key_mark, mark_of, type_name, value_mark,
)

TOP_LEVEL = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions",
             "Transform", "Globals", "Resources", "Outputs")
RESOURCE_KEYS = ("Type", "Properties", "DependsOn", "Condition", "Metadata", "DeletionPolicy", "UpdateReplacePolicy",
                 "CreationPolicy", "UpdatePolicy", "Description")
POLICIES = ("Delete", "Retain", "Snapshot", "RetainExceptOnCreate")
OUTPUT_KEYS = ("Value", "Description", "Export", "Condition")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def pseudo_parameters(account_id: str, region: str, stack_name: str) -> dict:
    china = region.startswith("cn-")
    stack_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"coldstart:{account_id}:{region}:{stack_name}")
    partition = "aws-cn" if china else "aws"
    return {
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        "AWS::StackName": stack_name,
        "AWS::StackId": f"arn:{partition}:cloudformation:{region}:{account_id}:stack/{stack_name}/{stack_uuid}",
        "AWS::Partition": partition,
        "AWS::URLSuffix": "amazonaws.com.cn" if china else "amazonaws.com",
        "AWS::NotificationARNs": [],
    }


def local_code(text: str, base_dir: Path | None, path: str, mark: Mark, problems: Problems) -> str:
    """A local file or folder named in a template, made absolute against the template's folder."""
    location = Path(text)
    if base_dir is None and not location.is_absolute():
        return text  # template given as text: deploy() resolves it against its base_dir
    full = location if location.is_absolute() else (Path(base_dir) / location).resolve()
    if not full.exists():
        problems.add(mark, path, f"no file or folder {text!r} next to the template (looked for {full})")
    return str(full)


def load_template(path_or_text, parameters: dict | None = None, name: str | None = None, account=None, *,
                  stack_name: str = "coldstart", base_dir=None) -> Template:
    """Read, check and resolve a template; raise TemplateError listing every problem.

    ``path_or_text`` is a Path, a file name, or the template text itself. Problems name the file as
    ``name`` (by default the file's name, or ``template.yaml`` for text). Local code (``CodeUri: src/``)
    is resolved against ``base_dir``, by default the template's folder.
    """
    load_types()
    problems = Problems()
    root, text, name, folder = read_source(path_or_text, name, problems)
    template = Template(name, text, Path(base_dir) if base_dir is not None else folder, stack_name,
                        dict(parameters or {}))
    if root is None:
        problems.add(Mark(name, 1, 1), "", "the template is empty; it needs at least a Resources section")
    elif root is not BROKEN and not isinstance(root, dict):
        problems.add(Mark(name, 1, 1), "", f"a template is an object with a Resources section, got {type_name(root)}")
    elif root is not BROKEN:
        _Loader(template, root, problems, account).run()
    if problems:
        raise TemplateError(unique(problems.items))
    return template


def unique(items: list[Problem]) -> list[Problem]:
    """Problems sorted by position, each once (a Globals value is checked once per function)."""
    return sorted(dict.fromkeys(items), key=lambda p: (p.mark.file, p.mark.line, p.mark.col, p.path, p.message))


class _Loader:
    def __init__(self, template: Template, root: dict, problems: Problems, account):
        self.t = template
        self.root = root
        self.problems = problems
        self.start = Mark(template.name, 1, 1)
        account_id = getattr(account, "account_id", "123456789012")
        region = getattr(account, "region", "us-east-1")
        self.t.pseudo = pseudo_parameters(account_id, region, template.stack_name)
        self.checker = Checker(problems)
        self.sam = SamTransform(problems, self.checker, template.notes)
        self.edges: dict[tuple[str, str], tuple[str, Mark]] = {}
        #: Resources whose Properties are not an object (already reported).
        self.unusable: set[str] = set()
        #: Set when AWS's SAM transform did not run: what it would have made is unknown.
        self.sam_skipped = False
        #: Fn::ForEach, when the template declares AWS::LanguageExtensions.
        self.loops: Loops | None = None
        #: Exports of the account's other stacks (a stack deployed again may drop its own).
        self.exports = {name: made for name, made in getattr(account, "exports", {}).items()
                        if made[0] != template.stack_name}  # a copy: loading never changes the account's

    def add(self, mark: Mark, path: str, message: str) -> None:
        self.problems.add(mark, path, message)

    def run(self) -> None:
        root = self.root
        for key in root:
            if key not in TOP_LEVEL:
                self.add(key_mark(root, key, self.start), key, f"unknown top-level section '{key}'"
                                                               f"{did_you_mean(key, TOP_LEVEL)}")
        self._header()
        if "Rules" in root:
            self.t.notes.append(Note(key_mark(root, "Rules", self.start), "Rules",
                                     "not checked: the simulator does not evaluate template rules"))
        declared = root.get("Parameters") if isinstance(root.get("Parameters"), dict) else {}
        values = read_parameters(root.get("Parameters"), self.t.given_parameters, self.problems, self.start)
        self.t.parameters = values
        # A parameter with a problem still exists: Ref to it must not also be reported as unknown,
        # nor its missing value as a wrong type wherever it is used.
        scope_values = {name: values.get(name, {REPORTED: None}) for name in declared}
        self.t.mappings = self._mappings(root.get("Mappings"))
        resources = root.get("Resources")
        self.scope = Scope(scope_values, self.t.pseudo, self.t.mappings, exports=self.exports,
                           language_extensions=LANGUAGE_EXTENSIONS in self.t.transforms)
        if self.scope.language_extensions:
            self.loops = Loops(self.problems, Resolver(self.problems, self.scope))
            for name in ("Conditions", "Resources", "Outputs"):
                if isinstance(root.get(name), dict):
                    root[name] = self.loops.expand(root[name], name, key_mark(root, name, self.start))
            resources = root.get("Resources")
        conditions = Conditions(root.get("Conditions"), self.problems, self.scope, self.start)
        self.scope.conditions = conditions
        self.t.conditions = conditions.evaluate_all()
        self.resolver = Resolver(self.problems, self.scope)
        if "Globals" in root:
            if SAM_TRANSFORM not in self.t.transforms:
                self.add(key_mark(root, "Globals", self.start), "Globals",
                         f"Globals is part of AWS SAM; add 'Transform: {SAM_TRANSFORM}' at the top of the template")
            where = key_mark(root, "Globals", self.start)
            self.t.globals = self.sam.read_globals(root["Globals"], self.resolver, where)
        self._resources(resources)
        self.scope.ref_aliases = self.sam.ref_aliases
        for resource in self.t.resources.values():
            self._link(resource)
        self._outputs(root.get("Outputs"))
        self.t.order = creation_order(self.t.resources, self.edges, self.problems)
        self.t.ref_aliases = {name: logical for name, logical in self.sam.ref_aliases.items()
                              if logical in self.t.resources}

    def _header(self) -> None:
        root = self.root
        version = root.get("AWSTemplateFormatVersion")
        if version is not None and str(version) != "2010-09-09":
            self.add(value_mark(root, "AWSTemplateFormatVersion", self.start), "AWSTemplateFormatVersion",
                     f"the only template format version is '2010-09-09', got {version!r}")
        description = root.get("Description")
        if description is not None:
            if isinstance(description, str):
                self.t.description = description
            else:
                self.add(value_mark(root, "Description", self.start), "Description",
                         f"must be a string, got {type_name(description)}")
        transform = root.get("Transform")
        if transform is None:
            return
        names = transform if isinstance(transform, list) else [transform]
        for i, item in enumerate(names):
            where = value_mark(transform, i, value_mark(root, "Transform", self.start)) \
                if isinstance(transform, list) else value_mark(root, "Transform", self.start)
            known = (LANGUAGE_EXTENSIONS, SAM_TRANSFORM)
            if item in known:
                self.t.transforms.append(item)
            else:
                self.add(where, "Transform", f"transform {item!r} is not supported by the simulator; it supports"
                                             f" {' and '.join(known)}{did_you_mean(str(item), known)}")
        if self.t.transforms == [SAM_TRANSFORM, LANGUAGE_EXTENSIONS]:
            self.add(value_mark(root, "Transform", self.start), "Transform",
                     f"{LANGUAGE_EXTENSIONS} must come before {SAM_TRANSFORM}: CloudFormation runs transforms in"
                     " the order they are listed, and SAM cannot read Fn::ForEach")

    def _mappings(self, section) -> dict:
        if section is None:
            return {}
        if not isinstance(section, dict):
            self.add(key_mark(self.root, "Mappings", self.start), "Mappings",
                     f"must be an object, got {type_name(section)}")
            return {}
        for name, mapping in section.items():
            path = f"Mappings.{name}"
            where = key_mark(section, name, self.start)
            if not LOGICAL_ID.fullmatch(name):
                self.add(where, path, "a mapping name uses only letters and digits")
            if not isinstance(mapping, dict):
                self.add(value_mark(section, name, where), path, f"must be an object of keys, got {type_name(mapping)}")
                continue
            for key, level in mapping.items():
                if not isinstance(level, dict):
                    self.add(value_mark(mapping, key, where), f"{path}.{key}",
                             f"must be an object of second-level keys, got {type_name(level)}")
        return section

    # -- resources ----------------------------------------------------------------------------------

    def _resources(self, section) -> None:
        where = key_mark(self.root, "Resources", self.start)
        if section is None:
            self.add(self.start, "Resources", "every template needs a Resources section")
            return
        if not isinstance(section, dict) or not section:
            self.add(where, "Resources", "must be an object with at least one resource")
            return
        for logical, body in section.items():
            resource = self._resource(logical, body, section)
            if resource is None:
                continue
            if logical in self.unusable:
                # Properties that are not an object were reported; checking them again would only add
                # "missing" problems. The resource still exists for what refers to it.
                self.checker.problems = self.sam.problems = Problems()
            try:
                generated = self._checked(resource)
            finally:
                self.checker.problems = self.sam.problems = self.problems
            for item in generated:
                self._localize(item)
                self.t.resources[item.logical_id] = item
        if self.sam.pending:
            self._expand_sam(list(section))

    def _expand_sam(self, order: list[str]) -> None:
        """AWS's SAM transform, once every resource is read and checked. In a template that already
        has problems, what the transform finds is not reported (it would be the same problems in SAM's
        words); if it cannot run, the names SAM would have made are unknown, and references to them
        are not reported."""
        expanded = self.sam.expand(order, dict(self.t.resources), self.t.pseudo, self.start, quiet=bool(self.problems))
        if expanded is None:
            # The SAM resources stand for themselves, so what refers to them is still checked.
            self.sam_skipped = True
            written = self.t.resources
            self.t.resources = {}
            for logical in order:
                item = self.sam.pending.get(logical, (written.get(logical),))[0]
                if item is not None:
                    self.t.resources[logical] = item
            return
        self.t.resources = {}
        for item in expanded:
            if item.source is not None and not item.written:
                # What SAM wrote into the resources it made may use parameters and pseudo parameters
                # (a permission's SourceAccount: !Ref AWS::AccountId): resolved as the learner's are.
                item.properties = self.resolver.resolve(item.properties, f"{item.path}.Properties", item.mark)
            if item.type not in SCHEMAS and not adopt(item.type, self.t.pseudo["AWS::Region"]):
                self.add(item.mark, item.path, f"AWS SAM made a {item.type} '{item.logical_id}', which"
                                               " CloudFormation does not know")
                continue
            self._localize(item)
            self.t.resources[item.logical_id] = item

    def _checked(self, resource: Resource) -> list[Resource]:
        if resource.type in SAM_SPEC_TYPES:
            self.sam.check(resource)
            return []
        props = resource.properties
        resource.written = {key: (f"{resource.path}.Properties.{key}",
                                  value_mark(props, key, mark_of(props, resource.mark))) for key in props}
        resource.properties = self.checker.properties(props, SCHEMAS[resource.type], f"{resource.path}.Properties",
                                                      mark_of(props, resource.mark))
        return [resource]

    def _resource(self, logical: str, body, section) -> Resource | None:
        path = f"Resources.{logical}"
        mark = key_mark(section, logical, self.start)
        if not LOGICAL_ID.fullmatch(logical):
            self.add(mark, path, "a logical id uses only letters and digits (A-Z, a-z, 0-9)")
        if not isinstance(body, dict):
            self.add(value_mark(section, logical, mark), path, f"must be an object with a Type, got {type_name(body)}")
            return None
        for key in body:
            if key not in RESOURCE_KEYS:
                self.add(key_mark(body, key, mark), f"{path}.{key}",
                         f"unknown resource attribute '{key}'{did_you_mean(key, RESOURCE_KEYS)}")
        kind = body.get("Type")
        if not self._type_ok(kind, body, path, mark):
            return None
        condition = body.get("Condition")
        if condition is not None:
            truth = self.resolver.condition_value(condition, f"{path}.Condition", value_mark(body, "Condition", mark))
            if truth is False:
                self.t.skipped[logical] = condition
                return None
        props = body.get("Properties", {})
        if self.loops is not None:
            props = self.loops.expand(props, f"{path}.Properties", value_mark(body, "Properties", mark))
        props = self.resolver.resolve(props, f"{path}.Properties", value_mark(body, "Properties", mark))
        if props is NOVALUE:
            props = {}
        if not isinstance(props, dict) or function_of(props):
            if function_of(props) != REPORTED:
                self.add(value_mark(body, "Properties", mark), f"{path}.Properties",
                         f"must be an object, got {type_name(props)}")
            self.unusable.add(logical)
            props = {}
        resource = Resource(logical, kind, props, mark, depends_on=self._depends_on(logical, body, path, mark),
                            condition=condition if isinstance(condition, str) else None)
        resource.metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
        for key in ("DeletionPolicy", "UpdateReplacePolicy"):
            if key in body and body[key] not in POLICIES:
                self.add(value_mark(body, key, mark), f"{path}.{key}",
                         f"{body[key]!r} is not one of: {', '.join(POLICIES)}{did_you_mean(str(body[key]), POLICIES)}")
        resource.deletion_policy = body.get("DeletionPolicy")
        return resource

    def _type_ok(self, kind, body, path: str, mark: Mark) -> bool:
        where = value_mark(body, "Type", mark)
        if kind is None:
            self.add(mark_of(body, mark), f"{path}.Type", "required attribute is missing")
            return False
        region = self.t.pseudo["AWS::Region"]
        # A type no service models is checked against CloudFormation's own schema and deployed as a
        # placeholder (inert.py); only a type CloudFormation does not have either is refused.
        # Every SAM type goes to AWS's transform (the ones a service registered are checked first).
        if kind not in SAM_SPEC_TYPES and kind not in SCHEMAS and not (isinstance(kind, str) and adopt(kind, region)):
            every = sorted({*SCHEMAS, *known_types(region), *SAM_SPEC_TYPES})
            # The same service's types when there are any (the likely slip), else the services.
            service = str(kind).rsplit("::", 1)[0] + "::"
            siblings = [name for name in every if name.startswith(service)]
            hint = did_you_mean(str(kind), siblings or every)
            if hint:
                listed = ""
            elif siblings:
                listed = f"; {service.rstrip(':')} has: {', '.join(siblings[:12])}" + (
                    f" and {len(siblings) - 12} more" if len(siblings) > 12 else "")
            else:
                listed = "; type names look like AWS::Service::Resource, as in the CloudFormation resource reference"
            self.add(where, f"{path}.Type", f"{kind!r} is not a CloudFormation resource type{hint}{listed}")
            return False
        if kind in SAM_SPEC_TYPES and SAM_TRANSFORM not in self.t.transforms:
            self.add(where, f"{path}.Type", f"{kind} is an AWS SAM type; add 'Transform: {SAM_TRANSFORM}'"
                                            " at the top of the template")
            return False
        return True

    def _depends_on(self, logical: str, body, path: str, mark: Mark) -> list[str]:
        value = body.get("DependsOn")
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        names = []
        for i, item in enumerate(items):
            where = value_mark(value, i, value_mark(body, "DependsOn", mark)) if isinstance(value, list) \
                else value_mark(body, "DependsOn", mark)
            if isinstance(item, str):
                names.append(item)
                self.edges.setdefault((logical, item), (f"{path}.DependsOn", where))
            else:
                self.add(where, f"{path}.DependsOn", f"DependsOn takes logical ids, got {type_name(item)}")
        return names

    def _localize(self, resource: Resource) -> None:
        key = LOCAL_CODE.get(resource.type)
        if key is not None:
            value = resource.properties.get(key)
            if isinstance(value, str):
                path, mark = resource.where(key)
                resource.properties[key] = {"LocalPath": local_code(value, self.t.base_dir, path, mark, self.problems)}

    # -- references ---------------------------------------------------------------------------------

    def _check_reference(self, ref, owner: str | None = None) -> str | None:
        """The logical id a reference reaches, or None (a problem is recorded)."""
        named = f"{ref.logical_id}.{ref.attribute}" if ref.attribute else ref.logical_id
        if named in self.scope.ref_aliases:  # SAM's Fn.Alias / Fn.Version, in a Ref or a Fn::Sub
            ref = Reference(self.scope.ref_aliases[named], None, ref.path, ref.mark)
        target = ref.logical_id
        resources = self.t.resources
        if target not in resources:
            if target in self.t.skipped:
                self.add(ref.mark, ref.path, f"'{target}' is not created: its condition '{self.t.skipped[target]}'"
                                             " is false; refer to it only inside Fn::If on that condition")
                return None
            hint = did_you_mean(ref.logical_id, [*self.t.parameters, *resources, *self.scope.ref_aliases])
            base = ref.logical_id.rsplit(".", 1)[0]
            if not hint and ref.logical_id.endswith((".Alias", ".Version")) and base in resources:
                hint = f"; {base}.Alias and {base}.Version exist only when {base} sets AutoPublishAlias"
            what = "resource" if ref.attribute is not None else "parameter or resource"
            if not self.sam_skipped:  # else it may be one SAM would have made
                self.add(ref.mark, ref.path, f"unknown {what} '{ref.logical_id}'{hint}")
            return None
        if ref.attribute is not None and resources[target].type in SCHEMAS:
            kind = resources[target].type
            attributes = SCHEMAS[kind]["attributes"]
            dynamic = DYNAMIC_ATTRIBUTES.get(kind)
            if ref.attribute not in attributes and not (dynamic and ref.attribute.startswith(dynamic)):
                names = [*attributes, *([f"{dynamic}<Name>"] if dynamic else [])]
                hint = did_you_mean(ref.attribute, attributes) or (
                    did_you_mean(ref.attribute.split(".")[0], [dynamic.rstrip(".")]) if dynamic else "")
                self.add(ref.mark, ref.path, f"{target} ({kind}) has no attribute '{ref.attribute}'{hint};"
                                             f" its attributes: {', '.join(names) or 'none'}")
                return None
        if owner is not None:
            self.edges.setdefault((owner, target), (ref.path, ref.mark))
        return target

    def _link(self, resource: Resource) -> None:
        needs: dict[str, None] = {}
        for name in resource.depends_on:
            if name in self.t.resources:
                needs[name] = None
            else:
                path, mark = self.edges.get((resource.source or resource.logical_id, name),
                                            (resource.path, resource.mark))
                if name in self.t.skipped:
                    self.add(mark, path, f"'{name}' is not created: its condition '{self.t.skipped[name]}' is false")
                else:
                    self.add(mark, path, f"unknown resource '{name}'{did_you_mean(name, self.t.resources)}")
        for key, value in resource.properties.items():
            path, mark = resource.where(key)
            for ref in find_references(value, path, mark):
                target = self._check_reference(ref, resource.logical_id)
                if target is not None:
                    needs[target] = None
        for name in resource.depends_on:  # generated resources carry their SAM resource's DependsOn
            if resource.source and (resource.source, name) in self.edges:
                self.edges.setdefault((resource.logical_id, name), self.edges[(resource.source, name)])
        resource.needs = list(needs)

    # -- outputs ------------------------------------------------------------------------------------

    def _outputs(self, section) -> None:
        if section is None:
            return
        if not isinstance(section, dict):
            self.add(key_mark(self.root, "Outputs", self.start), "Outputs",
                     f"must be an object, got {type_name(section)}")
            return
        for name, body in section.items():
            path, mark = f"Outputs.{name}", key_mark(section, name, self.start)
            if not LOGICAL_ID.fullmatch(name):
                self.add(mark, path, "an output name uses only letters and digits")
            if not isinstance(body, dict):
                self.add(value_mark(section, name, mark), path,
                         f"must be an object with a Value, got {type_name(body)}")
                continue
            for key in body:
                if key not in OUTPUT_KEYS:
                    self.add(key_mark(body, key, mark), f"{path}.{key}",
                             f"unknown output attribute '{key}'{did_you_mean(key, OUTPUT_KEYS)}")
            condition = body.get("Condition")
            if condition is not None and self.resolver.condition_value(
                    condition, f"{path}.Condition", value_mark(body, "Condition", mark)) is False:
                continue
            if "Value" not in body:
                self.add(mark_of(body, mark), f"{path}.Value", "required attribute is missing")
                continue
            where = value_mark(body, "Value", mark)
            value = self.resolver.resolve(body["Value"], f"{path}.Value", where)
            if value is NOVALUE or (isinstance(value, (dict, list)) and not function_of(value)):
                shown_type = "nothing (AWS::NoValue)" if value is NOVALUE else type_name(value)
                self.add(where, f"{path}.Value", f"an output's value must be text, got {shown_type};"
                                                 " make text of a list with Fn::Join")
                continue
            for ref in find_references(value, f"{path}.Value", where):
                self._check_reference(ref)
            description, export = body.get("Description"), body.get("Export")
            if export is not None and not (isinstance(export, dict) and set(export) == {"Name"}):
                self.add(key_mark(body, "Export", mark), f"{path}.Export", "Export takes one key, Name")
                export = None
            elif export is not None:
                export = {"Name": self.resolver.resolve(export["Name"], f"{path}.Export.Name",
                                                        value_mark(export, "Name", mark))}
            self.t.outputs[name] = Output(name, value, where, description if isinstance(description, str) else "",
                                          condition if isinstance(condition, str) else None,
                                          export.get("Name") if isinstance(export, dict) else None)
