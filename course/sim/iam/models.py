"""A minimal IAM: roles with their trust policy, inline policies and attached managed policies.

Roles are recorded so that templates and handlers can create, read, list and delete them, and so a
check can see what a function's role allows. Policies are stored as written and not yet evaluated:
every simulated call is allowed. IAM is global, so a role's ARN has no Region:
``arn:aws:iam::<account>:role<path><name>``.

Rules (IAM API Reference, CreateRole): a role name has 1 to 64 characters from letters, digits and
``+=,.@_-``; a path starts and ends with ``/``; names are unique in an account, case-insensitively
(EntityAlreadyExists, 409); a missing role is NoSuchEntity (404). Role ids begin with ``AROA``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from course.sim.iam.errors import (
    DeleteConflictException, EntityAlreadyExistsException, MalformedPolicyDocumentException, NoSuchEntityException, ValidationError,
)
from course.sim.service import Service, operation

_ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_PATH = re.compile(r"/([\x21-\x7e]*/)?")


@dataclass
class Role:
    name: str
    path: str
    arn: str
    role_id: str
    created: float
    trust_policy: dict
    description: str = ""
    max_session_duration: int = 3600
    inline: dict[str, dict] = field(default_factory=dict)
    managed: list[str] = field(default_factory=list)

    def describe(self) -> dict:
        from datetime import datetime, timezone

        out = {"Path": self.path, "RoleName": self.name, "RoleId": self.role_id, "Arn": self.arn,
               "CreateDate": datetime.fromtimestamp(self.created, timezone.utc),
               "AssumeRolePolicyDocument": wire(self.trust_policy), "MaxSessionDuration": self.max_session_duration}
        if self.description:
            out["Description"] = self.description
        return out


def wire(document: dict) -> str:
    """IAM sends policy documents URL-encoded (GetRole, GetRolePolicy); botocore decodes them."""
    from urllib.parse import quote

    return quote(json.dumps(document))


def _document(text) -> dict:
    """A policy document arrives as JSON text through the API (and as an object from a template)."""
    if isinstance(text, dict):
        return text
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        raise MalformedPolicyDocumentException("This policy contains invalid Json") from None
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentException("This policy contains invalid Json")
    return document


class IAMService(Service):
    name = "iam"

    def __init__(self, account):
        super().__init__(account)
        self.roles: dict[str, Role] = {}

    def role(self, name: str) -> Role:
        role = self.roles.get(name.lower())
        if role is None:
            raise NoSuchEntityException(f"The role with name {name} cannot be found.")
        return role

    @operation("CreateRole")
    def create_role(self, params: dict) -> dict:
        name, path = params["RoleName"], params.get("Path", "/")
        if not _ROLE_NAME.fullmatch(name):
            raise ValidationError(f"1 validation error detected: Value '{name}' at 'roleName' failed to satisfy"
                                  r" constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+")
        if not _PATH.fullmatch(path):
            raise ValidationError("The specified value for path is invalid. It must begin and end with / and"
                                  " contain only alphanumeric characters and/or / characters.")
        if name.lower() in self.roles:
            raise EntityAlreadyExistsException(f"Role with name {name} already exists.")
        account_id = self.account.account_id
        role_id = "AROA" + hashlib.sha256(f"{account_id}/{path}{name}".encode()).hexdigest()[:17].upper()
        role = Role(name, path, f"arn:aws:iam::{account_id}:role{path}{name}", role_id, self.account.clock.now(),
                    _document(params["AssumeRolePolicyDocument"]), params.get("Description", ""),
                    int(params.get("MaxSessionDuration", 3600)))
        self.roles[name.lower()] = role
        return {"Role": role.describe()}

    @operation("GetRole")
    def get_role(self, params: dict) -> dict:
        return {"Role": self.role(params["RoleName"]).describe()}

    @operation("ListRoles")
    def list_roles(self, params: dict) -> dict:
        prefix = params.get("PathPrefix", "/")
        roles = [r.describe() for _, r in sorted(self.roles.items()) if r.path.startswith(prefix)]
        return {"Roles": roles, "IsTruncated": False}

    @operation("DeleteRole")
    def delete_role(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        if role.inline or role.managed:
            raise DeleteConflictException("Cannot delete entity, must delete policies first.")
        del self.roles[role.name.lower()]
        return {}

    @operation("PutRolePolicy")
    def put_role_policy(self, params: dict) -> dict:
        self.role(params["RoleName"]).inline[params["PolicyName"]] = _document(params["PolicyDocument"])
        return {}

    @operation("ListRolePolicies")
    def list_role_policies(self, params: dict) -> dict:
        return {"PolicyNames": sorted(self.role(params["RoleName"]).inline), "IsTruncated": False}

    @operation("GetRolePolicy")
    def get_role_policy(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        document = role.inline.get(params["PolicyName"])
        if document is None:
            raise NoSuchEntityException(f"The role policy with name {params['PolicyName']} cannot be found.")
        return {"RoleName": role.name, "PolicyName": params["PolicyName"], "PolicyDocument": wire(document)}

    @operation("DeleteRolePolicy")
    def delete_role_policy(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        if role.inline.pop(params["PolicyName"], None) is None:
            raise NoSuchEntityException(f"The role policy with name {params['PolicyName']} cannot be found.")
        return {}

    @operation("AttachRolePolicy")
    def attach_role_policy(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        if params["PolicyArn"] not in role.managed:
            role.managed.append(params["PolicyArn"])
        return {}

    @operation("ListAttachedRolePolicies")
    def list_attached_role_policies(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        return {"AttachedPolicies": [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in role.managed],
                "IsTruncated": False}

    @operation("DetachRolePolicy")
    def detach_role_policy(self, params: dict) -> dict:
        role = self.role(params["RoleName"])
        if params["PolicyArn"] not in role.managed:
            raise NoSuchEntityException(f"Policy {params['PolicyArn']} was not found.")
        role.managed.remove(params["PolicyArn"])
        return {}
