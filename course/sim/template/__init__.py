"""CloudFormation and AWS SAM templates: read, check, resolve and deploy into a simulated account.

``load_template`` reads a template and reports every problem as ``file:line:col: path: message``;
``deploy`` creates its resources through the creators services register. Only PyYAML is
imported here; boto3 never is.
"""

from course.sim.template.deployment import (
    CREATORS, EVENT_HANDLERS, DeployContext, deploy, load_service_creators, physical_name, register_creator,
    register_event_handler,
)
from course.sim.template.loader import load_template
from course.sim.template.model import (
    Note, Output, PhysicalResource, Resource, SamEvent, Stack, StackResource, Template,
)
from course.sim.template.schemas import SCHEMAS

__all__ = [
    "CREATORS", "EVENT_HANDLERS", "SCHEMAS", "DeployContext", "Note", "Output", "PhysicalResource", "Resource",
    "SamEvent", "Stack", "StackResource", "Template", "deploy", "load_service_creators", "load_template",
    "physical_name", "register_creator", "register_event_handler",
]
