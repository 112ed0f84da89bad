"""``AWS::SSM::Parameter``: PutParameter, as CloudFormation calls it; Ref is the name."""

from __future__ import annotations

from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import OPEN, TEXT, resource, string

SSM_PARAMETER = resource(
    {"AllowedPattern": TEXT, "DataType": TEXT, "Description": TEXT, "Name": string(min_length=1, max_length=2048),
     "Policies": TEXT, "Tags": OPEN, "Tier": string(enum=("Standard", "Advanced", "Intelligent-Tiering")),
     "Type": string(enum=("String", "StringList")), "Value": TEXT},
    required=("Type", "Value"), attributes=("Type", "Value"), ref="the parameter name",
)


def create_parameter(account, logical_id: str, props: dict, context) -> PhysicalResource:
    name = props.get("Name") or context.physical_name(128)
    account.service("ssm").call("PutParameter", {"Name": name, "Type": props["Type"], "Value": props["Value"]})
    return PhysicalResource(name, {"Type": props["Type"], "Value": props["Value"]})


def _delete(account, made) -> None:
    account.service("ssm").call("DeleteParameter", {"Name": made.physical_id})


register_creator("AWS::SSM::Parameter", create_parameter, ("Type", "Value"), schema=SSM_PARAMETER, delete=_delete)
