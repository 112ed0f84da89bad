"""``AWS::CloudFormation::Stack`` from a local template: a nested stack, deployed as CloudFormation does.

The child template is read and deployed into the same account with the parent's ``Parameters``
(as text), under a name like CloudFormation's ``<parent>-<LogicalId>-<random>``; the parent sees the
child's outputs as ``!GetAtt Child.Outputs.Name`` and its stack id as ``Ref`` and ``StackId``
(aws-resource-cloudformation-stack.html). ``TemplateURL`` is a path next to the parent template,
as ``aws cloudformation package`` reads it before uploading; an S3 or HTTPS URL names a template
the simulator cannot fetch, and is refused plainly. A problem in the child is reported in the
child's own file, at its line and column.
"""

from __future__ import annotations

from pathlib import Path

from course.sim.errors import NotModeled
from course.sim.template.model import PhysicalResource
from course.sim.template.registry_schemas import resource_schema
from course.sim.template.types import DYNAMIC_ATTRIBUTES, register_creator

TYPE = "AWS::CloudFormation::Stack"


def create_nested_stack(account, logical_id: str, props: dict, context) -> PhysicalResource:
    from course.sim.template.deployment import deploy

    url = str(props["TemplateURL"])
    if url.startswith(("https://", "http://", "s3://")):
        raise NotModeled.said(f"Coldstart's simulator deploys nested stacks from templates next to the parent"
                              f" template, not from {url}; write TemplateURL as a local path")
    base = Path(context.base_dir) if context.base_dir is not None else Path.cwd()
    path = (base / url).resolve()
    if not path.is_file():
        raise NotModeled.said(f"no template {url} next to the parent template (looked for {path})")
    name = context.physical_name(128)
    parameters = {key: _text(value) for key, value in (props.get("Parameters") or {}).items()}
    child = deploy(account, path, parameters=parameters, stack_name=name, base_dir=path.parent)
    account.stacks[name] = child
    attributes = {f"Outputs.{key}": value for key, value in child.outputs.items()}
    attributes["StackId"] = child.template.pseudo["AWS::StackId"]
    return PhysicalResource(attributes["StackId"], attributes)


def _text(value) -> str:
    """CloudFormation hands parameters to a nested stack as text; lists as comma-separated text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value)


def register() -> None:
    schema = resource_schema(TYPE)
    if schema is None:  # CloudFormation's schemas are not installed: the type stays unknown
        return
    DYNAMIC_ATTRIBUTES[TYPE] = "Outputs."
    register_creator(TYPE, create_nested_stack, ("StackId",), schema=schema)
