"""CloudFormation and AWS SAM templates: read, check, resolve and deploy into a simulated account.

``load_template`` reads a template and reports every problem as ``file:line:col: path: message``;
``deploy`` creates its resources through the creators services register in their ``resources``
room (``types.register_creator``). Only PyYAML is imported here; boto3 never is.
"""

from course.sim.template.deployment import DeployContext, deploy, physical_name
from course.sim.template.loader import load_template
from course.sim.template.model import (
    Note, Output, PhysicalResource, Resource, SamEvent, Stack, StackResource, Template,
)
from course.sim.template.types import (
    CREATORS, SAM_TYPES, SCHEMAS, load_types, register_creator, register_sam_type,
)

__all__ = [
    "CREATORS", "SAM_TYPES", "SCHEMAS", "DeployContext", "Note", "Output", "PhysicalResource",
    "Resource", "SamEvent", "Stack", "StackResource", "Template", "deploy", "load_template", "load_types",
    "physical_name", "register_creator", "register_sam_type",
]
