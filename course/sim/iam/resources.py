"""``AWS::IAM::Role``: CreateRole, then PutRolePolicy for each inline policy and AttachRolePolicy for
each managed policy ARN, the calls CloudFormation makes.

Schema from the CloudFormation reference (aws-resource-iam-role.html): ``Ref`` is the role name,
``Fn::GetAtt`` gives ``Arn`` and ``RoleId``. SAM's generated function roles come through here too.
"""

from __future__ import annotations

import json

from course.sim.template import PhysicalResource, register_creator
from course.sim.template.schemas import JSON, TAGS, TEXT, integer, list_of, obj, resource, string

IAM_ROLE = resource(
    {"AssumeRolePolicyDocument": JSON, "Description": string(max_length=1000),
     "ManagedPolicyArns": list_of(TEXT, max_items=20), "MaxSessionDuration": integer(3600, 43200), "Path": TEXT,
     "PermissionsBoundary": TEXT,
     "Policies": list_of(obj({"PolicyDocument": JSON, "PolicyName": string(min_length=1, max_length=128)},
                             required=("PolicyDocument", "PolicyName"))),
     "RoleName": string(min_length=1, max_length=64), "Tags": TAGS},
    required=("AssumeRolePolicyDocument",), attributes=("Arn", "RoleId"), ref="the role name",
)


def _text(document) -> str:
    return document if isinstance(document, str) else json.dumps(document)


def create_role(account, logical_id: str, props: dict, context) -> PhysicalResource:
    iam = account.service("iam")
    name = props.get("RoleName") or context.physical_name(64)
    params = {"RoleName": name, "Path": props.get("Path", "/"),
              "AssumeRolePolicyDocument": _text(props["AssumeRolePolicyDocument"])}
    for key in ("Description", "MaxSessionDuration", "PermissionsBoundary"):
        if key in props:
            params[key] = int(props[key]) if key == "MaxSessionDuration" else props[key]
    role = iam.call("CreateRole", params)["Role"]
    for policy in props.get("Policies") or []:
        iam.call("PutRolePolicy", {"RoleName": name, "PolicyName": policy["PolicyName"],
                                   "PolicyDocument": _text(policy["PolicyDocument"])})
    for arn in props.get("ManagedPolicyArns") or []:
        iam.call("AttachRolePolicy", {"RoleName": name, "PolicyArn": arn})
    return PhysicalResource(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})


def _delete(account, made) -> None:
    iam = account.service("iam")
    role = iam.roles.get(made.physical_id.lower())
    if role is not None:
        role.inline.clear()
        role.managed.clear()
        iam.call("DeleteRole", {"RoleName": made.physical_id})


register_creator("AWS::IAM::Role", create_role, ("Arn", "RoleId"), schema=IAM_ROLE, delete=_delete)
